"""Large calendars: the generator and events.list over 20,000 events, within a time budget."""

from __future__ import annotations

import time
import urllib.error
from typing import Any

import pytest

from google_emulator import EmulatorServer
from tests.emulator.clients import control, service, validate


def test_it_generates_and_pages_through_twenty_thousand_events_quickly(
    emulator: EmulatorServer,
) -> None:
    started = time.perf_counter()
    made = control(emulator.base_url, "generate", {"email": "alice@example.com", "count": 20000})
    assert made["added"] == 20000 and time.perf_counter() - started < 5
    calendar = service(emulator.base_url)
    started = time.perf_counter()
    request: Any = calendar.events().list(calendarId="primary", maxResults=2500)
    ids: list[str] = []
    pages = 0
    while request is not None:
        page = request.execute()
        pages += 1
        ids += [item["id"] for item in page["items"]]
        request = calendar.events().list_next(request, page)
    elapsed = time.perf_counter() - started
    assert len(ids) == len(set(ids)) == made["total"] and pages == 9
    assert elapsed < 5, f"listing 20,000 events took {elapsed:.2f}s"
    validate(page, "Events")
    for item in page["items"][:50]:
        validate(item, "Event")


def test_it_refuses_a_generator_request_for_an_unknown_account(emulator: EmulatorServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        control(emulator.base_url, "generate", {"email": "nobody@example.com", "count": 5})
    assert caught.value.code == 400
