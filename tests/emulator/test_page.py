"""The emulator's own page at its base URL, and `python -m google_emulator token EMAIL`: an
event made, changed or deleted there is a change at Google (sync tokens, push notifications)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from google_emulator import EmulatorServer
from google_emulator.__main__ import main
from tests.emulator.clients import listener, service

ALICE = "alice@example.com"


def post(emulator: EmulatorServer, path: str, **form: str) -> requests.Response:
    return requests.post(emulator.base_url + path, data=form, allow_redirects=False, timeout=5)


def create(emulator: EmulatorServer, **form: str) -> requests.Response:
    fields = {"calendar": ALICE, "summary": "Made at Google", "day": "2030-01-02"}
    return post(emulator, "/__emulator__/page/events", **{**fields, **form})


def made(calendar: Any, summary: str) -> dict[str, Any]:
    found = calendar.events().list(calendarId="primary", q=summary).execute()["items"]
    assert len(found) == 1, found
    event: dict[str, Any] = found[0]
    return event


def test_the_page_lists_accounts_calendars_and_events_under_its_own_csp(
    emulator: EmulatorServer,
) -> None:
    answer = requests.get(emulator.base_url + "/", timeout=5)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    csp = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce and f'<style nonce="{nonce.group(1)}">' in answer.text
    assert "<script" not in answer.text
    assert "alice@example.com" in answer.text and "bob@example.com" in answer.text
    assert "Work" in answer.text and "Daily stand-up" in answer.text


def test_creating_an_event_there_is_an_insert_at_google(emulator: EmulatorServer) -> None:
    calendar = service(emulator.base_url)
    start = calendar.events().list(calendarId="primary").execute()
    answer = create(emulator, start="10:00", end="11:30")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/?message=")
    event = made(calendar, "Made at Google")
    assert event["start"] == {"dateTime": "2030-01-02T10:00:00Z", "timeZone": "Europe/London"}
    assert event["end"]["dateTime"] == "2030-01-02T11:30:00Z"
    changed = calendar.events().list(calendarId="primary", syncToken=start["nextSyncToken"])
    assert [e["summary"] for e in changed.execute()["items"]] == ["Made at Google"]
    shown = requests.get(emulator.base_url + answer.headers["Location"], timeout=5).text
    assert "Created \u201cMade at Google\u201d" in shown


def test_no_times_make_an_all_day_event(emulator: EmulatorServer) -> None:
    assert create(emulator).status_code == 303
    event = made(service(emulator.base_url), "Made at Google")
    assert event["start"] == {"date": "2030-01-02"} and event["end"] == {"date": "2030-01-03"}


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"summary": ""}, "Give the event a title."),
        ({"day": "tomorrow"}, "Choose the event&#x27;s date."),
        ({"start": "10:00"}, "Give both times, or neither"),
        ({"start": "11:00", "end": "10:00"}, "The end must be after the start."),
        ({"start": "25:00", "end": "26:00"}, "The start time should look like 10:30."),
    ],
)
def test_bad_input_is_answered_in_words_and_nothing_is_made(
    emulator: EmulatorServer, form: dict[str, str], words: str
) -> None:
    answer = create(emulator, **form)
    assert answer.status_code == 400 and words in answer.text
    assert "Made at Google" not in [
        e.get("summary")
        for e in service(emulator.base_url).events().list(calendarId="primary").execute()["items"]
    ]


def test_editing_and_deleting_notify_the_calendars_push_channels(emulator: EmulatorServer) -> None:
    calendar = service(emulator.base_url)
    create(emulator, start="10:00", end="11:00")
    event = made(calendar, "Made at Google")
    path = f"/__emulator__/page/events/{ALICE}/{event['id']}"
    form = requests.get(emulator.base_url + path, timeout=5).text
    assert "value='10:00'" in form and "value='2030-01-02'" in form
    with listener() as hook:
        body = {"id": "page-chan", "type": "web_hook", "address": hook.address, "token": "t"}
        calendar.events().watch(calendarId="primary", body=body).execute()
        assert hook.next()["X-Goog-Resource-State"] == "sync"
        saved = post(
            emulator, path, summary="Moved at Google", day="2030-01-03", start="15:00", end="16:00"
        )
        assert saved.status_code == 303
        assert "Push+notifications+went+to+1+channel" in saved.headers["Location"]
        assert hook.next()["X-Goog-Resource-State"] == "exists"
        moved = calendar.events().get(calendarId="primary", eventId=event["id"]).execute()
        assert moved["summary"] == "Moved at Google"
        assert moved["start"]["dateTime"] == "2030-01-03T15:00:00Z"
        assert moved["sequence"] == 1 and moved["etag"] != event["etag"]
        assert post(emulator, path + "/delete").status_code == 303
        assert hook.next()["X-Goog-Resource-State"] == "exists"
    gone = calendar.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert gone["status"] == "cancelled"
    assert post(emulator, path + "/delete").status_code == 404


def test_an_unknown_calendar_or_event_is_a_404_page(emulator: EmulatorServer) -> None:
    assert create(emulator, calendar="nobody@example.com").status_code == 404
    answer = requests.get(emulator.base_url + "/__emulator__/page/events/x/y", timeout=5)
    assert answer.status_code == 404 and "no such event" in answer.text


def test_the_token_command_prints_a_calendar_token_for_scripts(
    emulator: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", ALICE, "--url", emulator.base_url]) == 0
    token = capsys.readouterr().out.strip()
    calendar = build(
        "calendar",
        "v3",
        credentials=Credentials(token),
        static_discovery=True,
        client_options={"api_endpoint": emulator.base_url + "/calendar/v3/"},
    )
    assert calendar.calendarList().list().execute()["items"]
    info = requests.get(
        emulator.base_url + "/oauth2/v3/tokeninfo", params={"access_token": token}, timeout=5
    )
    assert info.json()["scope"] == "https://www.googleapis.com/auth/calendar"


def test_the_token_command_explains_a_wrong_account_or_url(
    emulator: EmulatorServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["token", "nobody@example.com", "--url", emulator.base_url]) == 1
    assert "email must name an account" in capsys.readouterr().err
    monkeypatch.setenv("GOOGLE_EMULATOR_URL", "http://127.0.0.1:9")
    assert main(["token", ALICE]) == 1
    assert "No emulator answers at http://127.0.0.1:9" in capsys.readouterr().err
