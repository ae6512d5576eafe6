"""events.watch and channels.stop: real notifications to a local webhook listener."""

from __future__ import annotations

import email.utils
import queue
import time
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from google_emulator import EmulatorServer
from tests.emulator.clients import Listener, control, listener, service, validate

EVENT = {
    "summary": "Watched",
    "start": {"dateTime": "2030-01-01T10:00:00Z"},
    "end": {"dateTime": "2030-01-01T11:00:00Z"},
}


@pytest.fixture
def calendar(emulator: EmulatorServer) -> Any:
    return service(emulator.base_url)


@pytest.fixture
def hook() -> Any:
    with listener() as found:
        yield found


def watch(
    calendar: Any, hook: Listener, channel_id: str = "chan-1", **extra: Any
) -> dict[str, Any]:
    body = {"id": channel_id, "type": "web_hook", "address": hook.address, **extra}
    return validate(calendar.events().watch(calendarId="primary", body=body).execute(), "Channel")


def test_it_creates_a_channel_resource_with_expiration_in_milliseconds(
    calendar: Any, hook: Listener
) -> None:
    before = int(time.time() * 1000)
    channel = watch(calendar, hook, token="secret-1", params={"ttl": "3600"})
    assert channel["kind"] == "api#channel" and channel["id"] == "chan-1"
    assert channel["resourceId"] and "/calendar/v3/calendars/" in channel["resourceUri"]
    assert isinstance(channel["expiration"], str)
    assert before + 3_590_000 <= int(channel["expiration"]) <= before + 3_700_000


def test_it_sends_sync_first_then_exists_after_each_change(calendar: Any, hook: Listener) -> None:
    channel = watch(calendar, hook, token="secret-1")
    first = hook.next()
    assert first["X-Goog-Resource-State"] == "sync" and first["X-Goog-Message-Number"] == "1"
    assert first["X-Goog-Channel-ID"] == "chan-1" and first["X-Goog-Channel-Token"] == "secret-1"
    assert first["X-Goog-Resource-ID"] == channel["resourceId"]
    assert first["X-Goog-Resource-URI"] == channel["resourceUri"]
    assert email.utils.parsedate_to_datetime(
        first["X-Goog-Channel-Expiration"]
    ).timestamp() == pytest.approx(int(channel["expiration"]) / 1000, abs=1)
    assert first["__body__"] == ""
    made = calendar.events().insert(calendarId="primary", body=EVENT).execute()
    calendar.events().delete(calendarId="primary", eventId=made["id"]).execute()
    numbers = []
    for _ in range(2):
        note = hook.next()
        assert note["X-Goog-Resource-State"] == "exists"
        numbers.append(int(note["X-Goog-Message-Number"]))
    assert numbers == [2, 3]


def test_it_leaves_out_the_token_header_when_no_token_was_set(
    calendar: Any, hook: Listener
) -> None:
    watch(calendar, hook)
    assert "X-Goog-Channel-Token" not in hook.next()


def test_it_does_not_notify_about_other_calendars(
    calendar: Any, hook: Listener, emulator: EmulatorServer
) -> None:
    watch(calendar, hook)
    hook.next()
    bob = service(emulator.base_url, "bob@example.com")
    bob.events().insert(calendarId="primary", body=EVENT).execute()
    calendar.events().insert(
        calendarId="c_a1ce0000000000000000000000000001@group.calendar.google.com", body=EVENT
    ).execute()
    with pytest.raises(queue.Empty):
        hook.next(timeout=0.5)


def test_it_stops_a_channel_and_lists_only_live_ones(
    calendar: Any, hook: Listener, emulator: EmulatorServer
) -> None:
    channel = watch(calendar, hook)
    hook.next()
    listed = control(emulator.base_url, "channels", method="GET")["channels"]
    assert [c["id"] for c in listed] == ["chan-1"] and listed[0]["address"] == hook.address
    result = (
        calendar.channels()
        .stop(body={"id": channel["id"], "resourceId": channel["resourceId"]})
        .execute()
    )
    assert result == ""
    assert control(emulator.base_url, "channels", method="GET")["channels"] == []
    calendar.events().insert(calendarId="primary", body=EVENT).execute()
    with pytest.raises(queue.Empty):
        hook.next(timeout=0.5)
    with pytest.raises(HttpError) as caught:
        calendar.channels().stop(
            body={"id": channel["id"], "resourceId": channel["resourceId"]}
        ).execute()
    assert caught.value.status_code == 404


def test_it_refuses_a_channel_id_already_in_use(calendar: Any, hook: Listener) -> None:
    watch(calendar, hook)
    with pytest.raises(HttpError) as caught:
        watch(calendar, hook)
    assert caught.value.status_code == 400


def test_it_never_blocks_an_api_call_on_a_dead_webhook(calendar: Any) -> None:
    dead = {"id": "dead-1", "type": "web_hook", "address": "http://127.0.0.1:9/never"}
    calendar.events().watch(calendarId="primary", body=dead).execute()
    started = time.perf_counter()
    for _ in range(3):
        calendar.events().insert(calendarId="primary", body=EVENT).execute()
    assert time.perf_counter() - started < 1.0


def test_it_tells_in_process_listeners_about_each_changed_event(
    calendar: Any, emulator: EmulatorServer
) -> None:
    heard: list[tuple[str, str]] = []

    def hear(calendar_id: str, event_id: str) -> None:
        heard.append((calendar_id, event_id))

    emulator.emulator.listeners.append(hear)
    try:
        made = calendar.events().insert(calendarId="primary", body=EVENT).execute()
        calendar.events().delete(calendarId="primary", eventId=made["id"]).execute()
    finally:
        emulator.emulator.listeners.remove(hear)
    assert heard == [("alice@example.com", made["id"])] * 2
