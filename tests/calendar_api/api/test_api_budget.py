"""The Google call budget from a person's side: their write is not queued behind safety polls
(google/budget.py; the buckets themselves are tested in tests/calendar_api/test_budget.py)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from calendar_api.google import budget
from calendar_api.google.budget import BudgetDeferred, Priority
from calendar_api.google.config import load_config
from tests.calendar_api.api.conftest import events_url, send
from tests.calendar_api.test_budget import redis_url, shared, small

__all__ = ["redis_url", "shared"]  # the fixtures, for pytest


def test_a_persons_write_is_not_queued_behind_safety_polls(
    shared: str, calendar_settings: Any, alice_client: Client
) -> None:
    """Safety polls have taken the project's bucket down to its reserve and the next one is
    deferred; a person's write gets its token at once and reaches Google."""
    small(calendar_settings, project_requests_per_minute=100, budget_background_wait=0)
    project = load_config().client_id
    polls = 0
    with pytest.raises(BudgetDeferred), budget.working(Priority.POLL):
        while True:
            budget.spend(project=project)
            polls += 1
    assert polls == 8  # of a bucket of 10 (a tenth of 100), 2 stay for pushes and people
    started = time.monotonic()
    body = {"summary": "Planning", "start": {"dateTime": "2026-12-07T10:00:00Z"},
            "end": {"dateTime": "2026-12-07T11:00:00Z"}}  # fmt: skip
    response = send(alice_client, "POST", events_url(), body)
    assert response.status_code == 201, response.content
    assert time.monotonic() - started < 2  # no wait for the polls' refill (one token: 0.16 s)
    with pytest.raises(BudgetDeferred), budget.working(Priority.POLL):
        budget.spend(project=project)  # the polls still wait
