"""Large calendars: the generator and events.list over 20,000 events (speed is in bench/)."""

from __future__ import annotations

import urllib.error
from typing import Any

import pytest

from google_emulator import EmulatorServer
from tests.emulator.clients import control, service, validate


def test_it_generates_and_pages_through_twenty_thousand_events(emulator: EmulatorServer) -> None:
    made = control(emulator.base_url, "generate", {"email": "alice@example.com", "count": 20000})
    assert made["added"] == 20000
    calendar = service(emulator.base_url)
    request: Any = calendar.events().list(calendarId="primary", maxResults=2500)
    ids: list[str] = []
    pages = 0
    while request is not None:
        page = request.execute()
        pages += 1
        ids += [item["id"] for item in page["items"]]
        request = calendar.events().list_next(request, page)
    assert len(ids) == len(set(ids)) == made["total"] and pages == 9
    validate(page, "Events")
    for item in page["items"][:50]:
        validate(item, "Event")


def test_it_refuses_a_generator_request_for_an_unknown_account(emulator: EmulatorServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        control(emulator.base_url, "generate", {"email": "nobody@example.com", "count": 5})
    assert caught.value.code == 400
