"""`/rest/v1/preferences/`: a person's settings, read by the page and the analytics."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.calendar_api.api.conftest import API, send

pytestmark = pytest.mark.django_db
URL = f"{API}/preferences/"
DEFAULTS = {
    "time_zone": "",
    "work_start": "09:00",
    "work_end": "17:00",
    "work_days": [0, 1, 2, 3, 4],
    "week_start": 0,
    "time_format": "",
    "default_view": "",
}


def test_it_answers_the_defaults_before_any_change(alice_client: Client) -> None:
    response = send(alice_client, "GET", URL)
    assert response.status_code == 200
    assert response.json() == DEFAULTS


def test_a_patch_changes_what_it_names_and_keeps_the_rest(alice_client: Client) -> None:
    body = {"week_start": 6, "time_format": "12", "default_view": "month", "work_days": [3, 1, 1]}
    response = send(alice_client, "PATCH", URL, body)
    assert response.status_code == 200, response.json()
    assert response.json() == {**DEFAULTS, **body, "work_days": [1, 3]}
    assert send(alice_client, "GET", URL).json() == response.json()


def test_an_old_zone_name_is_stored_under_its_current_one(alice_client: Client) -> None:
    response = send(alice_client, "PATCH", URL, {"time_zone": "Asia/Calcutta"})
    assert response.json()["time_zone"] == "Asia/Kolkata"


def test_the_analytics_use_the_working_hours_set_here(alice_client: Client) -> None:
    send(alice_client, "PATCH", URL, {"work_start": "08:30", "work_end": "16:00"})
    window = {"time_min": "2027-01-11T00:00:00Z", "time_max": "2027-01-18T00:00:00Z"}
    body = alice_client.get(f"{API}/analytics/", window).json()
    hours = body["working_hours"]
    assert (hours["start"], hours["end"], hours["source"]) == ("08:30", "16:00", "preferences")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"week_start": 7}, "week_start"),
        ({"time_format": "13"}, "time_format"),
        ({"default_view": "year"}, "default_view"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"work_days": [9]}, "work_days"),
        ({"work_start": "18:00"}, "work_start"),  # after the stored end (17:00)
        ({"work_start": "10:00", "work_end": "09:00"}, "work_end"),
        ({"colour": "red"}, "colour"),
        ({"week_start": "1"}, "week_start"),  # JSON types are kept
    ],
)
def test_bad_values_answer_400_naming_the_field(
    alice_client: Client, body: dict[str, Any], field: str
) -> None:
    response = send(alice_client, "PATCH", URL, body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"], response.json()
    assert send(alice_client, "GET", URL).json() == DEFAULTS


def test_preferences_need_a_signed_in_user(client: Client) -> None:
    assert client.get(URL).status_code == 401
