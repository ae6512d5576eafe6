"""The emulator's pytest plugin in a host's tests, outside this repository's conftest: a tiny
host test file run by pytest in a process of its own, with only `-p google_emulator.pytest_plugin`
(what the wheel's pytest11 entry point does) and without pytest-django."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.real_clock  # pytest in a process of its own

ROOT = Path(__file__).resolve().parents[2]

HOST_TESTS = """
import sys

import pytest
from googleapiclient.errors import HttpError

SLOT = {"start": {"dateTime": "2030-01-07T10:00:00Z"}, "end": {"dateTime": "2030-01-07T11:00:00Z"}}


def test_an_event_made_at_google_as_alice_reads_back(google_control):
    events = google_control.service("alice@example.com").events()
    made = events.insert(calendarId="primary", body={"summary": "Made at Google", **SLOT}).execute()
    events.patch(calendarId="primary", eventId=made["id"], body={"summary": "Moved"}).execute()
    assert events.get(calendarId="primary", eventId=made["id"]).execute()["summary"] == "Moved"


def test_a_fault_fails_the_next_call_then_is_used_up(google_control):
    google_control.fault("calendar.events.list", 503, reason="backendError")
    events = google_control.service().events()
    with pytest.raises(HttpError) as caught:
        events.list(calendarId="primary").execute()
    assert caught.value.status_code == 503
    assert events.list(calendarId="primary").execute()["items"]  # the demo seed's events


@pytest.mark.google_emulator(seed="empty")
def test_a_marker_names_the_seed(google_control):
    assert google_control.service("bob@example.com").events().list(calendarId="primary").execute()["items"] == []


def test_each_test_gets_the_session_emulator_fresh(google_emulator, google_emulator_server):
    assert google_emulator is google_emulator_server
    assert google_emulator.emulator.auto_consent and not google_emulator.emulator.fault_list()


def test_without_pytest_django_no_django(request):
    assert "django" not in sys.modules
    with pytest.raises(pytest.FixtureLookupError):
        request.getfixturevalue("google_settings")
"""


def test_a_host_gets_the_fixtures_from_the_plugin_alone(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # google_emulator from the source tree
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    pytester.makepyfile(test_host=HOST_TESTS)
    result = pytester.runpytest_subprocess(
        "-p", "google_emulator.pytest_plugin", "-p", "no:django", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=5)


def test_the_session_seed_is_an_option(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(
        test_host="""
        def test_empty(google_control):
            events = google_control.service().events().list(calendarId="primary").execute()
            assert events["items"] == []
        """
    )
    args = ["-p", "google_emulator.pytest_plugin", "-p", "no:django", "-p", "no:cacheprovider"]
    pytester.runpytest_subprocess(*args, "--google-emulator-seed", "empty").assert_outcomes(
        passed=1
    )
    refused = pytester.runpytest_subprocess(*args, "--google-emulator-seed", "other")
    assert refused.ret == pytest.ExitCode.USAGE_ERROR
