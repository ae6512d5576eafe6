"""The web calendar's server side through Django's test client: the window of events, the
viewer's zone, the live stream and the error pages people see."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import path

from calendar_api.models import Event, StoreChange, UserPreferences
from calendar_api.views.errors import handler500
from calendar_api.web.window import readable_on
from calendar_project import urls as project_urls
from tests.calendar_api.conftest import INIT, consent, path_of

pytestmark = pytest.mark.django_db
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def week() -> dict[str, str]:
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    return {"start": f"{monday}T00:00:00Z", "end": f"{monday + dt.timedelta(days=7)}T00:00:00Z"}


def test_the_window_has_this_weeks_instances_for_fullcalendar(alice: Any, visitor: Client) -> None:
    events = visitor.get("/web/events/", week()).json()
    standups = [e for e in events if e["title"] == "Daily stand-up"]
    assert 4 <= len(standups) <= 6  # weekdays, one of them may be skipped by EXDATE
    first = standups[0]
    assert first["start"].endswith("Z") and not first["allDay"]
    assert first["extendedProps"]["seriesId"] == "standup0001"
    assert first["backgroundColor"].startswith("#") and first["textColor"] in ("#000000", "#ffffff")
    assert first["extendedProps"]["calendar"] == "alice@example.com"


def test_the_window_leaves_out_calendars_that_are_not_synced(alice: Any, visitor: Client) -> None:
    alice.calendars.update(sync_enabled=False)
    assert visitor.get("/web/events/", week()).json() == []


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"start": "yesterday", "end": "2026-01-01T00:00:00Z"},
        {"start": "2026-01-01T00:00:00Z", "end": "2025-01-01T00:00:00Z"},
        {"start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"},
    ],
)
def test_a_bad_window_answers_400_naming_the_field(
    alice: Any, visitor: Client, params: dict[str, str]
) -> None:
    response = visitor.get("/web/events/", params)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) <= {"start", "end"}


def test_the_data_endpoints_need_a_signed_in_person() -> None:
    assert Client().get("/web/events/", week()).status_code == 401
    assert Client().get("/web/stream/").status_code == 401


def test_the_viewers_zone_is_saved_and_checked(alice: Any, visitor: Client) -> None:
    assert visitor.post("/web/preferences/", {"time_zone": "Asia/Tokyo"}).json() == {
        "time_zone": "Asia/Tokyo"
    }
    assert UserPreferences.objects.get(user=alice.user).time_zone == "Asia/Tokyo"
    assert "Asia/Tokyo" in visitor.get("/").content.decode()
    bad = visitor.post("/web/preferences/", {"time_zone": "Mars/Olympus"})
    assert bad.status_code == 400 and "time_zone" in bad.json()["error"]["fields"]
    assert visitor.post("/web/preferences/", {"time_zone": ""}).json() == {"time_zone": ""}


def read_stream(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


def test_the_stream_sends_changes_after_the_cursor_and_resumes_from_last_event_id(
    alice: Any, visitor: Client, calendar_settings: Any
) -> None:
    calendar_settings.WEB_STREAM_SECONDS = 0.3
    calendar_settings.WEB_STREAM_POLL_SECONDS = 0.05
    calendar = alice.calendars.get(primary=True)
    before = StoreChange.objects.filter(user=alice.user).latest("id").pk
    made = [
        StoreChange.objects.create(
            user=alice.user, calendar=calendar, kind="event.updated", event_id=f"event{n}"
        )
        for n in range(3)
    ]
    response = visitor.get("/web/stream/", {"after": before})
    assert response["Content-Type"] == "text/event-stream"
    body = read_stream(response)
    assert [f"id: {c.pk}" in body for c in made] == [True, True, True]
    assert json.loads(body.split("data: ")[1].split("\n")[0])["event_id"] == "event0"
    resumed = read_stream(visitor.get("/web/stream/", HTTP_LAST_EVENT_ID=str(made[1].pk)))
    assert f"id: {made[2].pk}" in resumed and f"id: {made[1].pk}\n" not in resumed


def test_the_stream_shows_nobody_elses_changes(
    alice: Any, visitor: Client, calendar_settings: Any
) -> None:
    calendar_settings.WEB_STREAM_SECONDS = 0.2
    bob = Client(HTTP_HOST="127.0.0.1:8000")
    bob.get(path_of(consent(bob.get(INIT, {"login_hint": "bob@example.com"})["Location"])))
    body = read_stream(bob.get("/web/stream/", {"after": 0}))
    assert "alice" not in body
    assert Event.objects.filter(calendar__account=alice).exists()


def test_a_browser_gets_a_page_for_an_unknown_address_and_a_client_gets_json() -> None:
    page = Client().get("/no/such/page/", headers=BROWSER)
    assert page.status_code == 404 and "This page does not exist" in page.content.decode()
    assert "Content-Security-Policy" in page
    assert Client().get("/no/such/page/").json()["error"]["code"] == "not_found"


def test_a_browser_replaying_the_redirect_gets_a_page_in_words(
    google: Any, visitor: Client
) -> None:
    back = path_of(consent(visitor.get(INIT)["Location"]))
    assert visitor.get(back).status_code == 200
    replay = visitor.get(back, headers=BROWSER)
    assert replay.status_code == 400
    page = replay.content.decode()
    assert "already used" in page and 'href="/"' in page and "state_used" in page
    assert visitor.get(back).json()["error"]["code"] == "state_used"  # curl: JSON


def test_a_browser_gets_a_page_for_a_server_error() -> None:
    request = RequestFactory().get("/", headers=BROWSER)
    request.user = AnonymousUser()
    response = handler500(request)
    assert response.status_code == 500 and "went wrong on our side" in response.content.decode()
    assert json.loads(handler500(RequestFactory().get("/")).content)["error"]["status"] == 500


@pytest.mark.parametrize(
    ("color", "text"), [("#9fe1e7", "#000000"), ("#1a56db", "#ffffff"), ("#ffffff", "#000000")]
)
def test_event_text_is_readable_on_its_calendars_colour(color: str, text: str) -> None:
    assert readable_on(color) == text


@pytest.fixture
def debug_on(settings: Any) -> None:
    """DEBUG as `make run` has it (the middleware is in the demo's MIDDLEWARE with it on)."""
    settings.DEBUG = True
    assert "calendar_project.error_pages.PlainErrorPagesMiddleware" in settings.MIDDLEWARE


def test_under_debug_a_browser_still_gets_the_page_in_words_and_curl_json(debug_on: None) -> None:
    page = Client().get("/no/such/page/", headers=BROWSER)
    text = page.content.decode()
    assert page.status_code == 404 and "This page does not exist" in text
    assert "URLconf" not in text and "Content-Security-Policy" in page  # not Django's debug page
    assert Client().get("/no/such/page/").json()["error"]["code"] == "not_found"
    assert Client().get("/admin").status_code == 301  # APPEND_SLASH still works


def broken_view(request: Any) -> Any:
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken_view), *project_urls.urlpatterns]  # for the test below


@pytest.mark.urls(__name__)
def test_under_debug_a_server_error_gets_the_page_in_words(debug_on: None, caplog: Any) -> None:
    page = Client(raise_request_exception=False).get("/broken/", headers=BROWSER)
    text = page.content.decode()
    assert page.status_code == 500 and "Something went wrong on our side" in text
    assert "boom" not in text and "Traceback" not in text
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)  # logged


def test_a_browser_with_a_state_this_session_never_started_gets_the_likely_causes(
    google: Any, visitor: Client
) -> None:
    back = path_of(consent(visitor.get(INIT)["Location"]))
    elsewhere = Client(HTTP_HOST="127.0.0.1:8000")  # another host name's session: no cookie
    page = elsewhere.get(back, headers=BROWSER)
    text = page.content.decode()
    assert page.status_code == 400 and "could not be matched" in text and "state_unknown" in text
    assert "localhost and 127.0.0.1" in text and "blocks cookies" in text
    assert "http://127.0.0.1:8000" in text  # where to start instead
    assert 'href="/rest/v1/calendar/init/?next=%2F"' in text  # a button to start again
    assert elsewhere.get(back).json()["error"]["code"] == "state_unknown"  # curl: JSON


def test_a_browser_coming_back_too_late_is_told_so(
    google: Any, visitor: Client, calendar_settings: Any
) -> None:
    calendar_settings.OAUTH_STATE_TTL = -1
    late = path_of(consent(visitor.get(INIT)["Location"]))
    calendar_settings.OAUTH_STATE_TTL = 600
    visitor.get(INIT)  # another flow started meanwhile keeps the late one known
    page = visitor.get(late, headers=BROWSER)
    text = page.content.decode()
    assert page.status_code == 400 and "took too long" in text and "10 minutes" in text
    assert "state_expired" in text and "/rest/v1/calendar/init/?next=%2F" in text


def test_a_redirect_without_state_is_called_incomplete(visitor: Client) -> None:
    page = visitor.get("/rest/v1/calendar/redirect/", {"code": "4/0Ax"}, headers=BROWSER)
    assert page.status_code == 400 and "incomplete" in page.content.decode()
    assert visitor.get("/rest/v1/calendar/redirect/").json()["error"]["code"] == "state_missing"


def test_the_status_says_when_each_account_last_synced(alice: Any, visitor: Client) -> None:
    [account] = visitor.get("/web/status/").json()["accounts"]
    assert account["email"] == "alice@example.com"
    assert account["active"] and not account["syncing"]  # the JSON flow synced in full
    assert dt.datetime.fromisoformat(account["last_synced_at"]) is not None
    assert account["events"] > 0


def test_the_status_needs_a_signed_in_person(client: Client) -> None:
    assert client.get("/web/status/").status_code == 401


def test_an_old_zone_name_is_saved_under_its_current_one(alice: Any, visitor: Client) -> None:
    assert visitor.post("/web/preferences/", {"time_zone": "Asia/Calcutta"}).json() == {
        "time_zone": "Asia/Kolkata"
    }
