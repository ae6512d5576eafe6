"""Recurrence rules cannot take the service down: rules Google refuses answer 400 at once, and a
stored series whose rule never (or hardly) matches costs a bounded amount of work to read.

Work is measured in steps of dateutil's expansion loop (no timing): before the bounds, one such
series cost millions of steps (10 s of CPU) per list, and INTERVAL=0 never finished."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from dateutil import rrule as dateutil_rrule
from django.test import Client

from calendar_api import validation
from calendar_api.kits.recurrence_rules import ITERATION_BUDGET
from calendar_api.services.event_rows import events_store
from tests.calendar_api.api.conftest import API, events_url, send
from tests.calendar_api.conftest import truth

pytestmark = pytest.mark.django_db
START = {"dateTime": "2027-02-10T10:00:00Z", "timeZone": "UTC"}
END = {"dateTime": "2027-02-10T11:00:00Z", "timeZone": "UTC"}
NEVER = "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"  # Google stores it; it has no instance


def series(*lines: str) -> dict[str, Any]:
    return {"summary": "Rule", "start": START, "end": END, "recurrence": list(lines)}


class StepCounter:
    """Counts the steps of dateutil's expansion loop (each asks for one set of days)."""

    def __init__(self) -> None:
        self.steps = 0

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        base = dateutil_rrule._iterinfo
        counter = self

        class Counted(base):  # type: ignore[misc,valid-type]
            def ddayset(self, *args: Any) -> Any:
                counter.steps += 1
                return super().ddayset(*args)

        monkeypatch.setattr(dateutil_rrule, "_iterinfo", Counted)


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> Iterator[StepCounter]:
    counter = StepCounter()
    counter.install(monkeypatch)
    yield counter


def validate_with_guard(body: dict[str, Any]) -> list[str]:
    """The recurrence errors of `body`, from a thread: a validation that never ends fails the
    test after a minute instead of hanging the suite."""
    found: list[Any] = []

    def run() -> None:
        serializer = validation.EventInputSerializer(data=body)
        serializer.is_valid()
        found.append(serializer.errors.get("recurrence", []))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert found, "validating the recurrence did not finish"
    return [str(message) for message in found[0]]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("RRULE:FREQ=DAILY;INTERVAL=0", "INTERVAL"),
        ("RRULE:FREQ=DAILY;COUNT=0", "COUNT"),
        ("RRULE:FREQ=HOURLY", "FREQ"),
        ("RRULE:FREQ=DAILY;COUNT=3;UNTIL=20270301T000000Z", "COUNT or UNTIL"),
        ("RRULE:FREQ=DAILY;BYFOO=1", "unknown"),
        ("EXRULE:FREQ=DAILY", "EXRULE"),
        (NEVER, "too rarely"),
    ],
)
def test_a_rule_google_refuses_is_refused_at_once(line: str, words: str) -> None:
    problems = validate_with_guard(
        series("RRULE:FREQ=DAILY", line) if "EX" in line else series(line)
    )
    assert problems and words in problems[0]


def test_interval_zero_answers_400_through_the_api(alice_client: Client, gcal: Any) -> None:
    response = send(alice_client, "POST", events_url(), series("RRULE:FREQ=DAILY;INTERVAL=0"))
    assert response.status_code == 400
    assert "recurrence" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "lines",
    [
        ("RRULE:FREQ=DAILY;INTERVAL=0",),
        ("RRULE:FREQ=DAILY;INTERVAL=0;COUNT=3",),
        ("RRULE:FREQ=HOURLY;COUNT=5",),
        ("RRULE:FREQ=HOURLY", "EXRULE:FREQ=HOURLY"),
    ],
)
def test_the_rules_of_pentest_19_answer_400_without_calling_google(
    alice_client: Client, gcal: Any, lines: tuple[str, ...]
) -> None:
    before = truth(gcal)

    response = send(alice_client, "POST", events_url(), series(*lines))

    assert response.status_code == 400
    assert "recurrence" in response.json()["error"]["fields"]
    assert truth(gcal) == before


def test_exrule_answers_400_through_the_api(alice_client: Client) -> None:
    body = series("RRULE:FREQ=DAILY", "EXRULE:FREQ=DAILY")
    response = send(alice_client, "POST", events_url(), body)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "lines",
    [("RRULE:FREQ=DAILY", "EXRULE:FREQ=DAILY"), (NEVER,), ("RRULE:FREQ=WEEKLY;INTERVAL=0",)],
)
def test_a_stored_series_that_never_matches_is_read_with_bounded_work(
    alice_client: Client, primary: Any, steps: StepCounter, lines: tuple[str, ...]
) -> None:
    """As sync would store it (Google accepted it once), then read by every expanding path."""
    events_store(calendar=primary, items=[{"id": "badrule001", **series(*lines)}])
    window = {"time_min": "2027-03-01T00:00:00Z", "time_max": "2027-04-01T00:00:00Z"}
    reads = [
        events_url(),
        events_url() + "?single_events=true",
        events_url() + "?single_events=true&" + "&".join(f"{k}={v}" for k, v in window.items()),
        events_url(event_id="badrule001", suffix="instances/"),
        events_url(event_id="badrule001_20270301T100000Z"),
        f"{API}/freebusy/?time_min={window['time_min']}&time_max={window['time_max']}",
    ]
    for url in reads:
        steps.steps = 0
        response = alice_client.get(url)
        assert response.status_code in (200, 404), (url, response.content[:200])
        assert steps.steps <= 4 * ITERATION_BUDGET, (url, steps.steps)


def test_other_series_are_still_expanded_beside_a_bad_one(
    alice_client: Client, primary: Any
) -> None:
    events_store(calendar=primary, items=[{"id": "badrule001", **series(NEVER)}])
    good = {"id": "goodrule01", **series("RRULE:FREQ=DAILY;COUNT=3")}
    events_store(calendar=primary, items=[good])
    response = alice_client.get(
        events_url(),
        {
            "single_events": "true",
            "time_min": "2027-02-01T00:00:00Z",
            "time_max": "2027-03-01T00:00:00Z",
        },
    )
    ids = [e["id"] for e in response.json()["results"]]
    assert [i for i in ids if i.startswith("goodrule01")] == [
        "goodrule01_20270210T100000Z",
        "goodrule01_20270211T100000Z",
        "goodrule01_20270212T100000Z",
    ]
