"""Outgoing webhooks end to end: endpoints registered through the API, changes made at Google
(seen by sync) or through our API, real `manage.py worker` processes (the database queue, or
RQ in `.ci/run`) delivering to a loopback receiver that checks every signature with
`standardwebhooks` and deduplicates by webhook-id.

The workers run with a retry schedule of fractions of a second (the real one spans three days)
and a short lease, so a lost attempt is taken up again quickly."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from calendar_api import tasks
from calendar_api.google.config import load_config
from calendar_api.jobs import scheduler_tick
from calendar_api.models import GoogleAccount, StoreChange, WebhookDelivery, WebhookEndpoint
from calendar_api.services.sync import sync_request
from calendar_api.services.tokens import account_mark_reconnect
from calendar_api.webhooks import services as webhooks
from google_emulator import EmulatorServer
from tests.calendar_api.api.conftest import API, send
from tests.calendar_api.api.test_api_events import MEETING
from tests.calendar_api.conftest import change_at_google
from tests.calendar_api.test_worker import Worker, primary_without_polls, processes, worker_env
from tests.emulator.clients import control
from tests.support.jobs import uses_rq
from tests.support.webhook_receiver import Receiver

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]  # worker processes
BOUND = 90.0  # seconds: a bound on every wait (2 cores shared with other work), not a timing
ALL_EVENTS = list(webhooks.EVENT_TYPES)
FAST = {
    "WEBHOOKS_ALLOW_PRIVATE_URLS": "true",
    "WEBHOOKS_RETRY_SCHEDULE": "0.2,0.2,0.2,0.2,0.2,0.2,0.2",
    "WEBHOOKS_TIMEOUT": "5",
    "WEBHOOKS_DELIVERY_LEASE": "2",
    "SCHEDULER_TICK": "1",
}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.hold.set()
    running.stop()


@pytest.fixture
def start_worker(
    google: EmulatorServer,
    transactional_db: Any,
    tmp_path: Path,
    calendar_settings: Any,
) -> Iterator[Callable[..., Worker]]:
    """`manage.py worker` processes (the configured queue) on the test database and emulator,
    with FAST webhook settings (and any override); all are stopped when the test ends."""
    for name, value in FAST.items():  # the test process schedules like its workers
        setattr(calendar_settings, name, _setting(name, value))
    calendar_settings.PUSH_NOTIFICATIONS = False
    started: list[Worker] = []

    def start(**overrides: str) -> Worker:
        env = {**worker_env(google), **FAST, **overrides}
        name = f"hooks-worker-{len(started) + 1}"
        started.append(Worker(name, env, tmp_path / f"{name}.log"))
        started[-1].wait_ready(timeout=BOUND)
        return started[-1]

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.stop()


def wait_for(condition: Callable[[], bool], what: str, workers: list[Worker]) -> None:
    """Poll until `condition()` holds; fails after BOUND seconds or if a worker died."""
    until = time.monotonic() + BOUND
    while not condition():
        logs = "\n".join(w.output() for w in workers)
        assert time.monotonic() < until, f"no {what} in time:\n{logs}"
        for worker in workers:
            assert worker.process.poll() is None, f"worker died:\n{worker.output()}"
        time.sleep(0.05)


def _setting(name: str, value: str) -> Any:
    if name == "WEBHOOKS_RETRY_SCHEDULE":
        return [float(s) for s in value.split(",")]
    if name == "WEBHOOKS_ALLOW_PRIVATE_URLS":
        return value == "true"
    return float(value) if "." in value or name.endswith(("TIMEOUT", "LEASE")) else int(value)


def register(client: Client, receiver: Receiver, events: list[str] = ALL_EVENTS) -> Any:
    """Register the receiver through the API; it learns the secret from the answer."""
    response = send(client, "POST", f"{API}/webhooks/", {"url": receiver.url, "events": events})
    assert response.status_code == 201, response.content
    receiver.secret = response.json()["secret"]
    return WebhookEndpoint.objects.get(pk=response.json()["id"])


def finished(endpoint: WebhookEndpoint) -> bool:
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    return deliveries.exists() and not deliveries.filter(status="pending").exists()


def settle(endpoint: WebhookEndpoint, workers: list[Worker]) -> list[WebhookDelivery]:
    wait_for(lambda: finished(endpoint), "finished deliveries", workers)
    return list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("pk"))


def test_a_message_is_retried_after_500s_with_the_same_id_and_a_valid_signature(
    alice: GoogleAccount, visitor: Client, receiver: Receiver, start_worker: Callable[..., Worker]
) -> None:
    endpoint = register(visitor, receiver)
    receiver.answers = [500, 503]
    worker = start_worker()

    webhooks.reconnect_recorded(account=alice)
    [delivery] = settle(endpoint, [worker])

    assert delivery.status == "delivered" and delivery.attempts == 3
    assert delivery.response_status == 200 and delivery.last_error == ""
    assert [m.answered for m in receiver.messages] == [500, 503, 200]
    assert all(m.verified for m in receiver.messages)
    assert {m.webhook_id for m in receiver.messages} == {delivery.message_id}
    assert list(receiver.unique()) == [delivery.message_id]
    payload = receiver.messages[-1].payload
    assert payload["type"] == "connection.reconnect_required"
    assert payload["data"] == {"connection_id": alice.pk, "email": alice.email}


def test_a_receiver_that_is_down_for_a_while_gets_the_message_when_it_is_back(
    alice: GoogleAccount, visitor: Client, receiver: Receiver, start_worker: Callable[..., Worker]
) -> None:
    endpoint = register(visitor, receiver)
    receiver.stop()
    worker = start_worker()

    webhooks.reconnect_recorded(account=alice)
    wait_for(
        lambda: WebhookDelivery.objects.filter(endpoint=endpoint, attempts__gte=3).exists(),
        "failed attempts",
        [worker],
    )
    failing = WebhookDelivery.objects.get(endpoint=endpoint)
    assert failing.status == "pending" and failing.response_status is None
    assert "could not be reached" in failing.last_error
    receiver.start()
    [delivery] = settle(endpoint, [worker])

    assert delivery.status == "delivered" and delivery.attempts >= 4
    assert len(receiver.messages) == 1 and receiver.messages[0].verified
    endpoint.refresh_from_db()
    assert endpoint.enabled


def test_a_worker_killed_during_the_attempt_leaves_the_message_to_another_worker(
    alice: GoogleAccount, visitor: Client, receiver: Receiver, start_worker: Callable[..., Worker]
) -> None:
    endpoint = register(visitor, receiver)
    receiver.hold.clear()  # the first request hangs until the worker is dead
    doomed = start_worker(WEBHOOKS_TIMEOUT="60")

    webhooks.reconnect_recorded(account=alice)
    receiver.wait(lambda r: r.arrivals == 1, "first arrival", timeout=BOUND)
    forked = doomed.forked()  # RQ's scheduler (the database queue's worker forks nothing)
    assert bool(forked) == uses_rq(), forked
    doomed.process.send_signal(signal.SIGKILL)
    doomed.process.wait(timeout=10)
    receiver.hold.set()
    assert WebhookDelivery.objects.get(endpoint=endpoint).status == "pending"
    # The killed worker's scheduler stops with it: left running, it kept RQ's scheduler lock
    # (and so the other workers' delayed jobs) for as long as the machine ran.
    wait_for(lambda: not {p for p, _ in processes()} & set(forked), "end of its scheduler", [])

    scheduler_tick()  # the scheduler's safety net finds the overdue delivery
    survivor = start_worker()
    [delivery] = settle(endpoint, [survivor])

    assert delivery.status == "delivered"
    ids = [m.webhook_id for m in receiver.messages]
    assert ids == [delivery.message_id, delivery.message_id]  # at least once: sent twice
    assert list(receiver.unique()) == [delivery.message_id]  # deduplicated by webhook-id
    assert all(m.verified for m in receiver.messages)


def test_410_gone_disables_the_endpoint(
    alice: GoogleAccount, visitor: Client, receiver: Receiver, start_worker: Callable[..., Worker]
) -> None:
    endpoint = register(visitor, receiver)
    receiver.answers = [410]
    worker = start_worker()

    webhooks.reconnect_recorded(account=alice)
    [delivery] = settle(endpoint, [worker])

    assert delivery.status == "failed" and delivery.response_status == 410
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "410" in endpoint.disabled_reason
    assert webhooks.reconnect_recorded(account=alice) == 0  # a disabled endpoint gets nothing
    listed = visitor.get(f"{API}/webhooks/{endpoint.pk}/").json()
    assert listed["enabled"] is False and "410" in listed["disabled_reason"]


def test_an_endpoint_that_fails_every_retry_is_disabled(
    alice: GoogleAccount, visitor: Client, receiver: Receiver, start_worker: Callable[..., Worker]
) -> None:
    endpoint = register(visitor, receiver)
    receiver.answers = [500] * 20
    worker = start_worker(WEBHOOKS_RETRY_SCHEDULE="0.1,0.1,0.1")

    webhooks.reconnect_recorded(account=alice)
    [delivery] = settle(endpoint, [worker])

    assert delivery.status == "failed" and delivery.attempts == 4  # the first try + 3 retries
    assert len(receiver.messages) == 4
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "failed" in endpoint.disabled_reason
    page = visitor.get(f"{API}/webhooks/{endpoint.pk}/deliveries/").json()
    shown = page["results"][0]
    assert shown["status"] == "failed" and shown["attempts"] == 4
    assert shown["response_status"] == 500 and shown["next_retry_at"] is None


def test_a_revoked_grant_sends_connection_reconnect_required_once(
    alice: GoogleAccount,
    visitor: Client,
    google: EmulatorServer,
    receiver: Receiver,
    start_worker: Callable[..., Worker],
) -> None:
    calendar = primary_without_polls(alice)
    endpoint = register(visitor, receiver, events=["connection.reconnect_required"])
    control(google.base_url, "expire-access-tokens")
    with google.emulator.state.lock:
        google.emulator.state.revoke_grant(alice.email, load_config().client_id)
    worker = start_worker()

    sync_request(calendar_id=calendar.pk)
    [delivery] = settle(endpoint, [worker])
    account_mark_reconnect(account=alice)  # marked again later: no second message

    assert GoogleAccount.objects.get(pk=alice.pk).status == "reconnect_required"
    assert WebhookDelivery.objects.count() == 1
    assert delivery.status == "delivered" and delivery.event_type == "connection.reconnect_required"
    assert [m.payload["type"] for m in receiver.messages] == ["connection.reconnect_required"]
    assert receiver.messages[0].verified


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="one engine is enough"
)
def test_nothing_leaves_for_a_private_address_when_the_guard_is_on(
    alice: GoogleAccount, visitor: Client, receiver: Receiver, start_worker: Callable[..., Worker]
) -> None:
    """Checked again at delivery time: an endpoint saved while private URLs were allowed is
    refused once the workers run with the guard on."""
    endpoint = register(visitor, receiver)
    worker = start_worker(WEBHOOKS_ALLOW_PRIVATE_URLS="false")

    webhooks.reconnect_recorded(account=alice)
    wait_for(
        lambda: WebhookDelivery.objects.filter(endpoint=endpoint, attempts__gte=1).exists(),
        "an attempt",
        [worker],
    )

    assert receiver.arrivals == 0
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert "must start with https" in delivery.last_error


def event_messages(receiver: Receiver) -> list[tuple[str, str]]:
    """(type, event id) of each distinct event message the receiver got, in arrival order."""
    return [
        (m.payload["type"], m.payload["data"]["event"]["id"])
        for m in receiver.unique().values()
        if m.payload["type"].startswith("event.")
    ]


def test_changes_seen_by_sync_are_delivered_once_per_change_per_endpoint(
    alice: GoogleAccount,
    visitor: Client,
    gcal: Any,
    receiver: Receiver,
    start_worker: Callable[..., Worker],
) -> None:
    calendar = primary_without_polls(alice)
    endpoint = register(visitor, receiver)
    before = StoreChange.objects.order_by("pk").last()
    other = Receiver()
    try:
        deletions = register(visitor, other, events=["event.deleted"])
        touched = change_at_google(gcal)
        worker = start_worker()

        sync_request(calendar_id=calendar.pk)
        deliveries = settle(endpoint, [worker])
        settle(deletions, [worker])
    finally:
        other.stop()

    expected = {
        ("event.created", touched["new"]),
        ("event.updated", touched["moved"]),
        ("event.deleted", touched["deleted"]),
        ("event.deleted", touched["instance"]),  # a cancelled instance of a series
    }
    got = event_messages(receiver)
    assert sorted(got) == sorted(expected)  # each change exactly once
    assert len(receiver.messages) == len(deliveries) == 5  # and a calendar.synced
    assert all(m.verified for m in receiver.messages)
    assert {d.status for d in deliveries} == {"delivered"}
    changes = StoreChange.objects.filter(calendar=calendar, pk__gt=before.pk if before else 0)
    assert sorted(d.change_id or 0 for d in deliveries) == sorted(
        changes.values_list("pk", flat=True)
    )
    synced = next(m for m in receiver.messages if m.payload["type"] == "calendar.synced")
    assert synced.payload["data"] == {
        "calendar_id": calendar.google_id,
        "mode": "incremental",
        "changed": 4,
    }
    moved = next(m for m in receiver.messages if m.payload["type"] == "event.updated")
    assert moved.payload["data"]["event"]["start"]["dateTime"].startswith("2026-12-02T10:00")
    assert moved.payload["data"]["calendar_id"] == calendar.google_id
    # The endpoint that asked only for deletions got the two deletions, with their own ids.
    assert sorted(event_messages(other)) == sorted(e for e in expected if e[0] == "event.deleted")

    # A sync that finds nothing new sends nothing.
    sync_request(calendar_id=calendar.pk)
    wait_for(lambda: not sync_pending(calendar.pk), "second sync", [worker])
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 5


def test_writes_through_the_api_are_delivered_once_and_their_sync_adds_none(
    alice: GoogleAccount, visitor: Client, receiver: Receiver, start_worker: Callable[..., Worker]
) -> None:
    calendar = primary_without_polls(alice)
    endpoint = register(
        visitor, receiver, events=["event.created", "event.updated", "event.deleted"]
    )
    worker = start_worker()
    url = f"{API}/calendars/primary/events/"

    created = send(visitor, "POST", url, MEETING)
    assert created.status_code == 201, created.content
    event_id = created.json()["id"]
    assert send(visitor, "PATCH", f"{url}{event_id}/", {"summary": "Moved"}).status_code == 200
    assert send(visitor, "DELETE", f"{url}{event_id}/").status_code == 204
    # The sync then sees our own three writes at Google: nothing new to tell.
    sync_request(calendar_id=calendar.pk)
    wait_for(lambda: not sync_pending(calendar.pk), "sync", [worker])
    deliveries = settle(endpoint, [worker])

    assert [(d.event_type, d.status) for d in deliveries] == [
        ("event.created", "delivered"),
        ("event.updated", "delivered"),
        ("event.deleted", "delivered"),
    ]
    assert sorted(event_messages(receiver)) == [
        ("event.created", event_id),
        ("event.deleted", event_id),
        ("event.updated", event_id),
    ]
    assert len(receiver.messages) == 3 and all(m.verified for m in receiver.messages)
    updated = next(m for m in receiver.messages if m.payload["type"] == "event.updated")
    assert updated.payload["data"]["event"]["summary"] == "Moved"


def sync_pending(calendar_id: int) -> bool:
    """Whether a sync of the calendar is queued or running (or none was queued yet), on
    whichever queue the tests run."""
    from calendar_api.compat import TaskResultStatus
    from tests.support.jobs import job_results

    jobs = job_results(tasks.sync_calendar, calendar_id)
    done = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
    return any(job.status not in done for job in jobs) or not jobs
