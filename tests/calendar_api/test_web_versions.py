"""The page's window carries, for every event, the etag the REST API gives it: the If-Match
the page sends with a move or a delete, so a change made at Google meanwhile answers 412."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.calendar_api.api.conftest import events_url

pytestmark = pytest.mark.django_db


def test_every_shown_event_carries_the_etag_the_api_gives_it(alice: Any, visitor: Client) -> None:
    today = dt.datetime.now(dt.UTC).date()
    window = {"start": f"{today - dt.timedelta(days=7)}T00:00:00Z"}
    window["end"] = f"{today + dt.timedelta(days=7)}T00:00:00Z"
    shown = visitor.get("/web/events/", window).json()
    kinds = {bool(e["extendedProps"]["seriesId"]) for e in shown}
    assert kinds == {True, False}  # single events and instances of series alike
    for item in shown:
        props = item["extendedProps"]
        answer = visitor.get(events_url(props["calendar"], props["eventId"]))
        assert answer.status_code == 200
        assert props["etag"] and props["etag"] == answer["ETag"], props["eventId"]
