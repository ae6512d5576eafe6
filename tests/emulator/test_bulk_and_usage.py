"""Control endpoints for benchmarks at scale: many connected accounts at once
(`/__emulator__/accounts/bulk`) and the Calendar API calls answered (`/__emulator__/usage`)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from google.oauth2.credentials import Credentials

from google_emulator import EmulatorServer
from tests.emulator.clients import CLIENT_ID, CLIENT_SECRET, control, service

SLOT = {
    "summary": "Bulk",
    "start": {"dateTime": "2031-03-04T10:00:00Z"},
    "end": {"dateTime": "2031-03-04T11:00:00Z"},
}


def bulk(base: str, **body: Any) -> requests.Response:
    return requests.post(f"{base}/__emulator__/accounts/bulk", json=body, timeout=30)


def client_for(base: str, made: dict[str, Any]) -> Any:
    creds = Credentials(
        made["access_token"],
        refresh_token=made["refresh_token"],
        token_uri=base + "/token",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    return service(base, creds=creds)


def test_bulk_accounts_are_connected_as_the_code_exchange_leaves_them(
    emulator: EmulatorServer,
) -> None:
    answer = bulk(emulator.base_url, count=3, start=7, prefix="load")
    assert answer.status_code == 201
    made = answer.json()["accounts"]
    assert [a["email"] for a in made] == [f"load00000{n}@example.com" for n in (7, 8, 9)]
    first = made[0]
    gcal = client_for(emulator.base_url, first)
    gcal.events().insert(calendarId="primary", body=SLOT).execute()
    changed = gcal.events().list(calendarId="primary", syncToken=first["nextSyncToken"]).execute()
    assert [e["summary"] for e in changed["items"]] == ["Bulk"]  # the token is the calendar's
    form = {
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"],
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    refreshed = requests.post(f"{emulator.base_url}/token", data=form, timeout=30)
    assert refreshed.status_code == 200 and refreshed.json()["access_token"]


@pytest.mark.parametrize(
    "body", [{"count": 0}, {"count": 20_001}, {"count": "3"}, {"count": 2, "client_id": "x"}]
)
def test_bulk_refuses_bad_input_with_googles_400(
    emulator: EmulatorServer, body: dict[str, Any]
) -> None:
    answer = bulk(emulator.base_url, **body)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 400


def test_bulk_adds_nothing_when_one_account_exists(emulator: EmulatorServer) -> None:
    assert bulk(emulator.base_url, count=1, start=1).status_code == 201
    answer = bulk(emulator.base_url, count=3, start=0)
    assert answer.status_code == 409
    assert "user000001@example.com" in answer.json()["error"]["message"]
    assert bulk(emulator.base_url, count=1, start=0).status_code == 201  # 0 was not added


def test_usage_counts_calendar_calls_by_method_and_account(emulator: EmulatorServer) -> None:
    gcal = service(emulator.base_url)  # its OAuth calls are not Calendar API calls
    control(emulator.base_url, "usage", method="DELETE")
    gcal.events().list(calendarId="primary").execute()
    gcal.events().insert(calendarId="primary", body=SLOT).execute()
    service(emulator.base_url, "bob@example.com").calendarList().list().execute()
    control(emulator.base_url, "latency", {"ms": 0})  # control calls do not count
    found = requests.get(f"{emulator.base_url}/__emulator__/usage?accounts=1", timeout=30).json()
    assert found["total"] == 3
    assert found["byMethod"] == {
        "calendar.events.list": 1,
        "calendar.events.insert": 1,
        "calendar.calendarList.list": 1,
    }
    assert found["byAccount"] == {"alice@example.com": 2, "bob@example.com": 1}
    assert found["peakPerMinute"] == 3
    assert sum(found["perSecond"].values()) == 3
    assert control(emulator.base_url, "usage", method="DELETE")["total"] == 0
