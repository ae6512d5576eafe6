"""A host project's own test, on top of the app as installed from its wheel (the quickstart's
project): the emulator's pytest plugin (from the emulator wheel's pytest11 entry point) connects
the host's signed-in user to a Google account; an event changed at "Google" with the official
client reaches the host after `sync_now`, through the `events_changed` and `sync_completed`
signals and the Python API. packaging/quickstart_check.py copies it into the new project."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django
import pytest
from django.contrib.auth import get_user_model

from calendar_api import api, signals

# Jobs run at once, in the test (the quickstart's database queue needs a worker).
IMMEDIATE = (
    "django.tasks.backends.immediate.ImmediateBackend"
    if django.VERSION >= (6, 0)
    else "django_tasks.backends.immediate.ImmediateBackend"
)


@pytest.fixture
def user(db: None, google_client: Any, google_connect: Any) -> Any:
    """The host signs its user in (here: force_login); connecting links alice's Google account."""
    model = get_user_model()
    person = model.objects.create_user(**{model.USERNAME_FIELD: "host@example.com"})
    google_client.force_login(person)
    answer = google_connect("alice@example.com")
    assert answer.status_code == 200, answer.content
    assert answer.json()["account"]["email"] == "alice@example.com"
    return person


@pytest.fixture
def received() -> Any:
    """What the host's receivers heard, by signal."""
    heard: dict[str, list[dict[str, Any]]] = {"events_changed": [], "sync_completed": []}

    def on_changed(sender: Any, **kwargs: Any) -> None:
        heard["events_changed"].append(kwargs)

    def on_synced(sender: Any, **kwargs: Any) -> None:
        heard["sync_completed"].append(kwargs)

    signals.events_changed.connect(on_changed)
    signals.sync_completed.connect(on_synced)
    yield heard
    signals.events_changed.disconnect(on_changed)
    signals.sync_completed.disconnect(on_synced)


def test_a_change_at_google_reaches_the_host(
    user: Any,
    google_control: Any,
    received: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}
    events = google_control.service("alice@example.com").events()
    listed = events.list(calendarId="primary", maxResults=2500).execute()["items"]
    one = next(e for e in listed if "recurrence" not in e and "dateTime" in e.get("start", {}))
    events.patch(
        calendarId="primary", eventId=one["id"], body={"summary": "Moved by Google"}
    ).execute()

    with django_capture_on_commit_callbacks(execute=True):  # sync_now queues on commit
        queued = api.sync_now(user, calendar_id="primary")
    assert len(queued) == 1

    [synced] = received["sync_completed"]
    assert synced["mode"] == "incremental"
    assert synced["changed"] >= 1
    changes = [c for batch in received["events_changed"] for c in batch["changes"]]
    assert [(c.kind, c.event_id) for c in changes] == [("event.updated", one["id"])]
    assert changes[0].data["summary"] == "Moved by Google"

    start = dt.datetime.fromisoformat(one["start"]["dateTime"])
    window = api.events_between(user, start - dt.timedelta(hours=1), start + dt.timedelta(hours=1))
    assert {e["id"]: e["summary"] for e in window}[one["id"]] == "Moved by Google"
