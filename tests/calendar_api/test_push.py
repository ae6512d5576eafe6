"""Push notifications: opening channels, the webhook's checks, and convergence end to end."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from calendar_api.models import Calendar, WatchChannel
from calendar_api.services import scheduler
from calendar_api.services.watches import watch_renew, watch_start
from tests.calendar_api.conftest import change_at_google, primary, stored, truth
from tests.emulator.clients import control

WEBHOOK = "/rest/v1/calendar/notifications/"


def notify(channel_id: str, token: str, number: int, state: str = "exists") -> Any:
    return Client().post(
        WEBHOOK,
        HTTP_X_GOOG_CHANNEL_ID=channel_id,
        HTTP_X_GOOG_CHANNEL_TOKEN=token,
        HTTP_X_GOOG_MESSAGE_NUMBER=str(number),
        HTTP_X_GOOG_RESOURCE_STATE=state,
        HTTP_X_GOOG_RESOURCE_ID="r",
    )


def run_jobs() -> None:
    """Run every job that is due, in this process, with django-tasks-db's real worker loop."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


@pytest.fixture
def channel(alice: Any, google: Any, monkeypatch: Any) -> tuple[WatchChannel, str]:
    """A channel opened at the emulator, with its plain token captured on the way out."""
    import secrets

    captured: dict[str, str] = {}
    real = secrets.token_urlsafe

    def remember(n: int) -> str:
        captured["token"] = real(n)
        return captured["token"]

    monkeypatch.setattr("calendar_api.services.watches.secrets.token_urlsafe", remember)
    opened = watch_start(calendar=primary(alice))
    assert opened is not None
    return opened, captured["token"]


@pytest.mark.django_db
def test_watch_opens_a_channel_with_a_random_id_and_token(
    channel: Any, google: Any, calendar_settings: Any
) -> None:
    opened, token = channel
    [remote] = control(google.base_url, "channels", method="GET")["channels"]
    assert remote["id"] == opened.channel_id and len(opened.channel_id) <= 64
    assert remote["address"] == calendar_settings.PUBLIC_BASE_URL + WEBHOOK
    assert remote["token"] == token and len(token) <= 256 and not token.startswith("ya29.")
    assert opened.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert opened.resource_id and opened.is_live()


@pytest.mark.django_db
def test_a_fresh_channel_is_not_renewed(channel: Any) -> None:
    old, _ = channel
    assert watch_renew(calendar=old.calendar) == old
    assert WatchChannel.objects.count() == 1


@pytest.mark.django_db
def test_renewing_opens_a_new_channel_before_stopping_the_old(channel: Any, google: Any) -> None:
    old, _ = channel
    WatchChannel.objects.filter(pk=old.pk).update(expires_at=timezone.now() + dt.timedelta(hours=1))
    new = watch_renew(calendar=old.calendar)
    assert new is not None and new.channel_id != old.channel_id
    old.refresh_from_db()
    assert old.stopped_at is not None
    remote = control(google.base_url, "channels", method="GET")["channels"]
    assert [c["id"] for c in remote] == [new.channel_id]


@pytest.mark.django_db
def test_push_needs_https_with_real_google(alice: Any, calendar_settings: Any) -> None:
    calendar_settings.PUBLIC_BASE_URL = "http://calendar.example.com"
    assert watch_start(calendar=primary(alice)) is None


@pytest.mark.django_db
def test_a_notification_for_an_unknown_channel_is_refused_without_work(channel: Any) -> None:
    response = notify("no-such-channel", "x", 2)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "unknown_channel"
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_a_notification_with_a_wrong_token_is_refused(channel: Any) -> None:
    opened, token = channel
    assert notify(opened.channel_id, token + "x", 2).status_code == 403
    assert notify(opened.channel_id, "", 3).status_code == 403
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_a_malformed_notification_answers_400(channel: Any) -> None:
    response = Client().post(WEBHOOK)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_notification"


@pytest.mark.django_db
def test_the_sync_message_is_acknowledged_without_work(
    channel: Any, django_capture_on_commit_callbacks: Any
) -> None:
    opened, token = channel
    with django_capture_on_commit_callbacks(execute=True):
        response = notify(opened.channel_id, token, 1, state="sync")
    assert response.status_code == 200 and response.json() == {"status": "sync"}
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_a_change_queues_one_sync_and_a_replay_queues_nothing(
    channel: Any, django_capture_on_commit_callbacks: Any
) -> None:
    opened, token = channel
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(opened.channel_id, token, 2).json() == {"status": "accepted"}
        assert notify(opened.channel_id, token, 2).json() == {"status": "stale"}
        assert notify(opened.channel_id, token, 1).json() == {"status": "stale"}
    [job] = DBTaskResult.objects.all()
    assert job.task_path == "calendar_api.tasks.sync_calendar"
    assert job.args_kwargs["args"][0] == opened.calendar_id


@pytest.mark.django_db
def test_a_flood_of_notifications_queues_one_sync(
    channel: Any, django_capture_on_commit_callbacks: Any
) -> None:
    opened, token = channel
    with django_capture_on_commit_callbacks(execute=True):
        answers = {notify(opened.channel_id, token, n).status_code for n in range(2, 202)}
    assert answers == {200}
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_a_stopped_channel_is_stale(channel: Any) -> None:
    opened, token = channel
    WatchChannel.objects.filter(pk=opened.pk).update(stopped_at="2026-01-01T00:00:00Z")
    assert notify(opened.channel_id, token, 5).json() == {"status": "stale"}


def wait_for(predicate: Any, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_store_converges_through_a_push_notification(
    live_server: Any, calendar_settings: Any, connect: Any, google: Any, gcal: Any
) -> None:
    calendar_settings.PUBLIC_BASE_URL = live_server.url
    calendar_settings.SYNC_MIN_INTERVAL = (
        0  # the pushed sync is due at once (spacing: test_flood.py)
    )
    assert connect().status_code == 200
    run_jobs()  # opens the channel; Google's first message ("sync") reaches the live server
    calendar = Calendar.objects.get(primary=True, account__email="alice@example.com")
    channel = WatchChannel.objects.get(calendar=calendar)
    assert wait_for(lambda: WatchChannel.objects.get(pk=channel.pk).last_message_number >= 1)
    change_at_google(gcal)
    assert wait_for(
        lambda: DBTaskResult.objects.filter(
            task_path="calendar_api.tasks.sync_calendar", status="READY"
        ).exists()
    )
    run_jobs()
    assert stored(calendar) == truth(gcal)


@pytest.mark.django_db(transaction=True)
def test_the_store_converges_through_polling_without_notifications(
    calendar_settings: Any, connect: Any, google: Any, gcal: Any
) -> None:
    calendar_settings.PUSH_NOTIFICATIONS = False
    assert connect().status_code == 200
    run_jobs()
    calendar = Calendar.objects.get(primary=True, account__email="alice@example.com")
    assert not WatchChannel.objects.exists()
    change_at_google(gcal)
    later = timezone.now() + dt.timedelta(seconds=calendar_settings.POLL_INTERVAL + 1)
    assert scheduler.polls_due(now=later) == [calendar.pk]
    assert scheduler.polls_due(now=later) == []  # claimed until the next interval
    run_jobs()
    assert stored(calendar) == truth(gcal)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "number", [str(2**63), "9" * 40, "0", "-1", "1e3", " 5", "\u0661\u0662", "", "٣"]
)
def test_a_bad_message_number_answers_400_and_changes_nothing(channel: Any, number: str) -> None:
    opened, token = channel
    before = WatchChannel.objects.get(pk=opened.pk).last_message_number
    answer = Client().post(
        WEBHOOK,
        HTTP_X_GOOG_CHANNEL_ID=opened.channel_id,
        HTTP_X_GOOG_CHANNEL_TOKEN=token,
        HTTP_X_GOOG_MESSAGE_NUMBER=number,
        HTTP_X_GOOG_RESOURCE_STATE="exists",
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "malformed_notification"
    assert WatchChannel.objects.get(pk=opened.pk).last_message_number == before


@pytest.mark.django_db
@pytest.mark.parametrize("number", [2**63 - 1, 2**40, 1_000_002])
def test_a_far_jump_cannot_silence_a_channel(
    channel: Any, django_capture_on_commit_callbacks: Any, number: int
) -> None:
    opened, token = channel
    with django_capture_on_commit_callbacks(execute=True):
        jumped = notify(opened.channel_id, token, number)
    assert jumped.status_code == 200 and jumped.json() == {"status": "implausible"}
    assert DBTaskResult.objects.filter(task_path="calendar_api.tasks.sync_calendar").count() == 1
    assert WatchChannel.objects.get(pk=opened.pk).last_message_number == 0  # the mark stays
    DBTaskResult.objects.all().delete()  # as if that sync had run
    Calendar.objects.filter(pk=opened.calendar_id).update(sync_queued=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(opened.channel_id, token, 2).json() == {"status": "accepted"}
    assert DBTaskResult.objects.filter(task_path="calendar_api.tasks.sync_calendar").count() == 1


@pytest.mark.django_db
def test_a_jump_within_the_step_moves_the_mark(channel: Any) -> None:
    opened, token = channel
    assert notify(opened.channel_id, token, 1_000_000).json() == {"status": "accepted"}
    assert notify(opened.channel_id, token, 999_999).json() == {"status": "stale"}


@pytest.mark.django_db
def test_the_largest_message_number_cannot_silence_a_channel(channel: Any) -> None:
    opened, token = channel
    assert notify(opened.channel_id, token, 2**63 - 1).status_code == 200
    assert notify(opened.channel_id, token, 2).json() == {"status": "accepted"}
    assert notify(opened.channel_id, token, 3).json() == {"status": "accepted"}
    assert notify(opened.channel_id, token, 3).json() == {"status": "stale"}  # replays: no work
