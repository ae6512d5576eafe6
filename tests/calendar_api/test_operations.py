"""Operations: liveness, readiness (each check named), Prometheus metrics and their access rule,
worker heartbeats and the request id."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from calendar_api import tasks
from calendar_api.models import GoogleAccount, WorkerHeartbeat
from calendar_api.operations import heartbeat
from calendar_api.operations.heartbeat import heartbeat_record, last_beat_age

pytestmark = pytest.mark.django_db(transaction=True)  # readiness checks run in threads


def beat(seconds_ago: float = 0) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker="test:1",
        defaults={"beat_at": timezone.now() - dt.timedelta(seconds=seconds_ago)},
    )


def readyz(client: Client) -> Any:
    """GET /readyz (an async view) from a thread of its own: the browser tests leave an event
    loop running in the main thread, where Django's test client cannot run async views."""
    answer: list[Any] = []
    thread = threading.Thread(target=lambda: answer.append(client.get("/readyz")))
    thread.start()
    thread.join()
    return answer[0]


def test_healthz_answers_200_while_the_process_is_up(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_and_names_every_check_when_all_pass(client: Client, google: Any) -> None:
    beat()
    response = readyz(client)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "cache", "queue", "worker", "emulator"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["queue"]["oldest_waiting_seconds"] == 0
    assert body["checks"]["worker"]["last_seen_seconds"] < 60


def test_readyz_is_503_when_no_worker_ever_ran(client: Client, google: Any) -> None:
    response = readyz(client)
    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker == {"ok": False, "error": "no worker has run yet"}


def test_readyz_is_503_when_the_workers_went_silent(
    client: Client, google: Any, calendar_settings: Any
) -> None:
    beat(seconds_ago=calendar_settings.READYZ_WORKER_MAX_SILENCE + 5)
    response = readyz(client)
    assert response.status_code == 503
    assert not response.json()["checks"]["worker"]["ok"]


def test_readyz_is_503_when_the_oldest_due_job_waited_too_long(
    client: Client, google: Any, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    beat()
    tasks.scheduler_tick.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
    response = readyz(client)
    assert response.status_code == 503
    queue = response.json()["checks"]["queue"]
    assert queue["ok"] is False and queue["oldest_waiting_seconds"] >= 600


def test_a_job_delayed_into_the_future_is_not_waiting(client: Client, google: Any) -> None:
    beat()
    later = timezone.now() + dt.timedelta(hours=1)
    tasks.scheduler_tick.using(run_after=later).enqueue()
    response = readyz(client)
    assert response.status_code == 200
    assert response.json()["checks"]["queue"]["oldest_waiting_seconds"] == 0


def test_readyz_is_503_when_the_emulator_is_down(
    client: Client, google: Any, calendar_settings: Any
) -> None:
    beat()
    calendar_settings.EMULATOR_URL = "http://127.0.0.1:9"
    response = readyz(client)
    assert response.status_code == 503
    assert response.json()["checks"]["emulator"]["ok"] is False


def test_without_the_emulator_readyz_does_not_check_it(
    client: Client, calendar_settings: Any
) -> None:
    beat()
    calendar_settings.EMULATOR_URL = ""
    assert "emulator" not in readyz(client).json()["checks"]


def test_a_worker_heartbeat_is_recorded_for_any_job(
    google: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.management import call_command

    # The throttle is per process: an earlier test's job may have beaten less than a second ago.
    monkeypatch.setattr(heartbeat, "_last_beat", 0.0)
    tasks.scheduler_tick.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    age = last_beat_age()
    assert age is not None and age < 60
    assert WorkerHeartbeat.objects.get().jobs >= 1


def test_heartbeats_are_throttled_to_a_write_a_second(django_assert_max_num_queries: Any) -> None:
    heartbeat_record(jobs=1)
    with django_assert_max_num_queries(0):
        for _ in range(50):
            heartbeat_record(jobs=1)


def test_metrics_show_http_database_and_product_figures(
    client: Client, alice: GoogleAccount
) -> None:
    tasks.sync_calendar.enqueue(alice.calendars.get(primary=True).pk)
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    text = client.get("/metrics").content.decode()
    for name in [
        "django_http_requests_total_by_method_total",
        "django_db_execute_total",
        'gcal_accounts{status="active"} 1.0',
        'gcal_accounts{status="reconnect_required"} 0.0',
        "gcal_watch_channels_expiring",
        "gcal_queue_oldest_seconds",
        'gcal_google_requests_total{method="calendar.events.list",status="200"}',
        'gcal_google_requests_total{method="oauth.token",status="200"}',
        'gcal_sync_total{kind="incremental",outcome="ok"}',
        "gcal_sync_lag_seconds_bucket",
        "gcal_webhook_notifications_total",
    ]:
        assert name in text, name


def test_metrics_are_refused_to_other_networks(client: Client, settings: Any) -> None:
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_metrics_accept_the_configured_token_from_anywhere(
    client: Client, calendar_settings: Any
) -> None:
    calendar_settings.METRICS_TOKEN = "scrape-me-please"
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope")
    right = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer scrape-me-please"
    )
    assert (wrong.status_code, right.status_code) == (403, 200)


def test_every_response_carries_a_request_id_and_keeps_a_sane_one_given(client: Client) -> None:
    fresh = client.get("/healthz")["X-Request-ID"]
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-id-12345")["X-Request-ID"]
    junk = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert len(fresh) == 32 and kept == "proxy-id-12345" and junk != "<script>"


@pytest.fixture
def operator() -> Client:
    from django.contrib.auth.models import User

    User.objects.create_superuser("ops", "ops@example.com", "not-a-real-password-1")
    client = Client()
    client.login(username="ops", password="not-a-real-password-1")
    return client


def test_the_admin_lists_accounts_calendars_channels_and_workers(
    operator: Client, alice: GoogleAccount
) -> None:
    beat()
    for page in ["googleaccount", "calendar", "watchchannel", "workerheartbeat"]:
        response = operator.get(f"/admin/calendar_api/{page}/")
        assert response.status_code == 200, page
    calendar_page = operator.get("/admin/calendar_api/calendar/").content.decode()
    assert "alice@example.com" in calendar_page
    account_page = operator.get(f"/admin/calendar_api/googleaccount/{alice.pk}/change/")
    assert (
        account_page.status_code == 200 and alice.access_token not in account_page.content.decode()
    )


def test_the_admin_sync_now_action_queues_a_sync_of_each_calendar(
    operator: Client, alice: GoogleAccount
) -> None:
    from tests.support.jobs import job_results

    before = len(job_results(tasks.sync_calendar))
    response = operator.post(
        "/admin/calendar_api/googleaccount/",
        {"action": "sync_now", "_selected_action": [alice.pk]},
    )
    assert response.status_code == 302
    assert len(job_results(tasks.sync_calendar)) == before + 1
