"""A steady fault rate (`POST /__emulator__/faults {"rate": ...}`): the failures of a loaded Google."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from google_emulator import EmulatorServer
from tests.emulator.clients import control, service, tokens

EVENTS = "/calendar/v3/calendars/primary/events"


@pytest.fixture
def bearer(emulator: EmulatorServer) -> dict[str, str]:
    return {"Authorization": "Bearer " + tokens(emulator.base_url)["access_token"]}


def set_rate(emulator: EmulatorServer, **spec: Any) -> dict[str, Any]:
    response = requests.post(emulator.base_url + "/__emulator__/faults", json=spec, timeout=5)
    assert response.status_code == 201, response.text
    return dict(response.json())


def statuses(emulator: EmulatorServer, bearer: dict[str, str], count: int) -> list[int]:
    return [
        requests.get(emulator.base_url + EVENTS, headers=bearer, timeout=5).status_code
        for _ in range(count)
    ]


def test_every_call_fails_at_rate_one_with_googles_rate_limit_body(
    emulator: EmulatorServer, bearer: dict[str, str]
) -> None:
    set_rate(emulator, rate=1, kinds=["403"])
    response = requests.get(emulator.base_url + EVENTS, headers=bearer, timeout=5)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["errors"][0] == {
        "domain": "usageLimits",
        "reason": "rateLimitExceeded",
        "message": "Rate Limit Exceeded",
    }
    assert requests.get(emulator.base_url + "/__emulator__/health", timeout=5).ok  # control: never


def test_the_official_client_sees_an_error_it_retries(emulator: EmulatorServer) -> None:
    calendar = service(emulator.base_url)
    set_rate(emulator, rate=1, kinds=["429"])
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId="primary").execute()
    assert caught.value.status_code == 429
    assert caught.value.error_details[0]["reason"] == "rateLimitExceeded"


def test_a_seeded_rate_fails_the_same_calls_twice_and_counts_them(
    emulator: EmulatorServer, bearer: dict[str, str]
) -> None:
    set_rate(emulator, rate=0.3, kinds={"500": 1, "503": 2}, seed=7)
    first = statuses(emulator, bearer, 60)
    set_rate(emulator, rate=0.3, kinds={"500": 1, "503": 2}, seed=7)
    second = statuses(emulator, bearer, 60)
    assert first == second
    assert set(first) == {200, 500, 503}
    rate = control(emulator.base_url, "faults", method="GET")["rate"]
    assert rate["calls"] == 60
    assert rate["injected"] == {"500": second.count(500), "503": second.count(503)}


def test_a_method_pattern_limits_the_faults_to_those_methods(
    emulator: EmulatorServer, bearer: dict[str, str]
) -> None:
    set_rate(emulator, rate=1, kinds=["503"], method="calendar.calendarList.*")
    assert statuses(emulator, bearer, 3) == [200, 200, 200]
    listing = requests.get(
        emulator.base_url + "/calendar/v3/users/me/calendarList", headers=bearer, timeout=5
    )
    assert listing.status_code == 503


def test_a_dropped_connection_gets_no_answer_and_the_next_call_works(
    emulator: EmulatorServer, bearer: dict[str, str]
) -> None:
    set_rate(emulator, rate=1, kinds=["drop"])
    with pytest.raises(requests.ConnectionError):
        requests.get(emulator.base_url + EVENTS, headers=bearer, timeout=5)
    cleared = requests.delete(emulator.base_url + "/__emulator__/faults", timeout=5).json()
    assert cleared == {"faults": [], "rate": None}
    assert statuses(emulator, bearer, 1) == [200]


def test_a_lost_answer_still_lets_the_write_take_effect(
    emulator: EmulatorServer, bearer: dict[str, str]
) -> None:
    set_rate(emulator, rate=1, kinds=["lost"], method="calendar.events.insert")
    body = {
        "id": "1057a0de0001",
        "summary": "Written, answer lost",
        "start": {"dateTime": "2031-01-01T10:00:00Z"},
        "end": {"dateTime": "2031-01-01T11:00:00Z"},
    }
    with pytest.raises(requests.ConnectionError):
        requests.post(emulator.base_url + EVENTS, json=body, headers=bearer, timeout=5)
    found = requests.get(emulator.base_url + EVENTS + "/1057a0de0001", headers=bearer, timeout=5)
    assert found.json()["summary"] == "Written, answer lost"


def test_a_call_that_hangs_past_the_clients_timeout_times_out(
    emulator: EmulatorServer, bearer: dict[str, str]
) -> None:
    set_rate(emulator, rate=1, kinds=["timeout"], timeout_ms=3000)
    with pytest.raises(requests.ReadTimeout):
        requests.get(emulator.base_url + EVENTS, headers=bearer, timeout=0.3)


def test_a_slow_answer_is_still_a_good_answer(
    emulator: EmulatorServer, bearer: dict[str, str]
) -> None:
    set_rate(emulator, rate=1, kinds=["slow"], slow_ms=50)
    assert statuses(emulator, bearer, 2) == [200, 200]
    assert control(emulator.base_url, "faults", method="GET")["rate"]["injected"] == {"slow": 2}


def test_inside_a_batch_parts_fail_with_errors_but_are_never_dropped(
    emulator: EmulatorServer,
) -> None:
    calendar = service(emulator.base_url)
    set_rate(emulator, rate=1, kinds=["503", "drop"], method="calendar.events.list", seed=1)
    answers: list[Any] = []
    batch = BatchHttpRequest(
        callback=lambda _id, _response, error: answers.append(error),
        batch_uri=emulator.base_url + "/batch/calendar/v3",
    )
    for _ in range(8):
        batch.add(calendar.events().list(calendarId="primary"))
    batch.execute()  # the batch itself is answered: its parts are never dropped
    assert {getattr(error, "status_code", None) for error in answers} == {None, 503}


@pytest.mark.parametrize(
    "spec",
    [
        {"rate": 1.5},
        {"rate": "often"},
        {"rate": 0.1, "kinds": []},
        {"rate": 0.1, "kinds": ["404"]},
        {"rate": 0.1, "kinds": {"503": 0}},
        {"rate": 0.1, "seed": "x"},
        {"rate": 0.1, "slow_ms": -1},
        {"rate": 0.1, "method": ""},
    ],
)
def test_a_bad_rate_is_a_400_and_changes_nothing(
    emulator: EmulatorServer, spec: dict[str, Any]
) -> None:
    response = requests.post(emulator.base_url + "/__emulator__/faults", json=spec, timeout=5)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 400
    assert emulator.emulator.fault_rate is None


def test_a_rate_of_zero_or_a_reset_clears_it(emulator: EmulatorServer) -> None:
    assert set_rate(emulator, rate=0.5)["rate"]["kinds"] == {
        "429": 1,
        "403": 1,
        "500": 1,
        "503": 1,
        "slow": 1,
        "drop": 1,
    }
    assert set_rate(emulator, rate=0)["rate"] is None
    set_rate(emulator, rate=0.5)
    control(emulator.base_url, "reset", {})
    assert control(emulator.base_url, "faults", method="GET")["rate"] is None
