"""Quotas (per-user queries per minute, the write lock-out) and push notification faults."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from google_emulator import EmulatorServer
from google_emulator.calendar import notify
from tests.emulator.clients import Listener, control, listener, service

SLOT = {
    "summary": "Quota",
    "start": {"dateTime": "2031-03-04T10:00:00Z"},
    "end": {"dateTime": "2031-03-04T11:00:00Z"},
}


@pytest.fixture
def calendar(emulator: EmulatorServer) -> Any:
    return service(emulator.base_url)


def error_of(request: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(HttpError) as caught:
        request.execute()
    return int(caught.value.status_code), caught.value.error_details[0]


def test_a_user_over_the_queries_per_minute_gets_googles_403(
    emulator: EmulatorServer, calendar: Any
) -> None:
    control(emulator.base_url, "quota", {"user_qpm": 3})
    for _ in range(3):
        calendar.events().list(calendarId="primary").execute()
    status, detail = error_of(calendar.events().list(calendarId="primary"))
    assert (status, detail["reason"], detail["domain"]) == (
        403,
        "userRateLimitExceeded",
        "usageLimits",
    )
    bob = service(emulator.base_url, "bob@example.com")
    assert bob.events().list(calendarId="primary").execute()["items"] is not None  # per user


def test_the_limit_may_answer_429_instead(emulator: EmulatorServer, calendar: Any) -> None:
    control(emulator.base_url, "quota", {"user_qpm": 1, "status": 429})
    calendar.events().list(calendarId="primary").execute()
    status, detail = error_of(calendar.events().list(calendarId="primary"))
    assert (status, detail["reason"]) == (429, "rateLimitExceeded")


def test_the_write_lock_out_refuses_writes_but_not_reads(
    emulator: EmulatorServer, calendar: Any
) -> None:
    control(emulator.base_url, "quota", {"lockout": "alice@example.com", "seconds": 600})
    status, detail = error_of(calendar.events().insert(calendarId="primary", body=SLOT))
    assert (status, detail["reason"], detail["message"]) == (
        403,
        "quotaExceeded",
        "Calendar usage limits exceeded.",
    )
    assert calendar.events().list(calendarId="primary").execute()["kind"] == "calendar#events"
    cleared = requests.delete(emulator.base_url + "/__emulator__/quota", timeout=5).json()
    assert cleared["lockouts"] == {}
    assert calendar.events().insert(calendarId="primary", body=SLOT).execute()["summary"] == "Quota"


@pytest.mark.parametrize(
    "body", [{"user_qpm": -1}, {"status": 500}, {"lockout": "nobody@example.com"}, [1]]
)
def test_bad_quota_settings_are_a_400(emulator: EmulatorServer, body: Any) -> None:
    response = requests.post(emulator.base_url + "/__emulator__/quota", json=body, timeout=5)
    assert response.status_code == 400


@pytest.fixture
def hook() -> Any:
    with listener() as found:
        yield found


def watch(calendar: Any, hook: Listener) -> None:
    body = {"id": "chan-faults", "type": "web_hook", "address": hook.address}
    calendar.events().watch(calendarId="primary", body=body).execute()
    notify.wait_idle()


def numbers(hook: Listener) -> list[int]:
    notify.wait_idle()
    found = []
    while not hook.received.empty():
        found.append(int(hook.received.get_nowait()["X-Goog-Message-Number"]))
    return found


def test_push_faults_drop_and_duplicate_notifications(
    emulator: EmulatorServer, calendar: Any, hook: Listener
) -> None:
    watch(calendar, hook)
    assert numbers(hook) == [1]
    control(emulator.base_url, "push-faults", {"duplicate": 1})
    calendar.events().insert(calendarId="primary", body=SLOT).execute()
    assert numbers(hook) == [2, 2]
    control(emulator.base_url, "push-faults", {"drop": 1})
    calendar.events().insert(calendarId="primary", body=SLOT).execute()
    assert numbers(hook) == []
    state = control(emulator.base_url, "push-faults", method="GET")
    assert state["counts"]["dropped"] == 1


def test_push_faults_reorder_notifications(
    emulator: EmulatorServer, calendar: Any, hook: Listener
) -> None:
    watch(calendar, hook)
    numbers(hook)
    control(emulator.base_url, "push-faults", {"reorder": 1})
    batch = BatchHttpRequest(batch_uri=emulator.base_url + "/batch/calendar/v3")
    for _ in range(2):  # one request: the second change comes while the first is held
        batch.add(calendar.events().insert(calendarId="primary", body=SLOT))
    batch.execute()
    assert numbers(hook) == [3, 2]
    control(emulator.base_url, "push-faults", method="DELETE")
    calendar.events().insert(calendarId="primary", body=SLOT).execute()
    assert numbers(hook) == [4]


@pytest.mark.parametrize("body", [{"drop": 2}, {"delay_ms": -1}, {"seed": "x"}, []])
def test_bad_push_faults_are_a_400(emulator: EmulatorServer, body: Any) -> None:
    response = requests.post(emulator.base_url + "/__emulator__/push-faults", json=body, timeout=5)
    assert response.status_code == 400
    assert notify.current_faults() is None
