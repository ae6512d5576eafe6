"""Granular consent in the browser: a person unticks part of what the site asks for on the
emulator's consent page, and the page works with what was granted (read-only, or free/busy
only), says so in plain words, and asks again for just the missing scope ("Grant access")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from calendar_api import signals
from calendar_api.models import Calendar, GoogleAccount
from tests.support.browser import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)
AUTH = "https://www.googleapis.com/auth/"
EVENTS = AUTH + "calendar.events"
EDIT_EVENTS = "View and edit events on all your calendars"  # calendar.events on the page
LIST_CALENDARS = "See the list of Google calendars you're subscribed to"
EVENTS_URL = "/rest/v1/calendars/primary/events/"
NEW = {
    "summary": "Planning",
    "start": {"dateTime": "2026-03-02T09:00:00Z"},
    "end": {"dateTime": "2026-03-02T10:00:00Z"},
}


def consent_without(page: Page, site: str, *unticked: str) -> None:
    page.goto(site + "/")
    page.get_by_role("link", name="Connect Google Calendar").click()
    page.get_by_label("alice@example.com", exact=False).check()
    for label in unticked:
        page.get_by_label(label, exact=True).uncheck()
    page.get_by_role("button", name="Continue").click()


def api_as_alice() -> Client:
    client = Client()
    client.force_login(GoogleAccount.objects.get(email="alice@example.com").user)
    return client


def test_unticking_the_events_write_scope_makes_the_page_read_only_until_granted(
    page: Page, site: str, calendar_settings: Any
) -> None:
    # A host that lets people grant reading alone: it asks for the read-only events scope too.
    calendar_settings.SCOPES = (
        "calendar.calendarlist.readonly calendar.events.readonly calendar.events calendar.freebusy"
    )
    consent_without(page, site, EDIT_EVENTS)
    notice = page.locator("[data-access=events_write]")
    expect(notice).to_contain_text("alice@example.com is read-only")
    expect(page.get_by_role("button", name="Create")).to_be_disabled()
    run_jobs()
    expect(page.locator("#progress")).to_be_hidden()
    expect(page.get_by_role("button", name="Daily stand-up").first).to_be_visible()
    refused = api_as_alice().post(EVENTS_URL, NEW, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "scope_missing"
    assert refused.json()["error"]["scope"] == EVENTS

    full_syncs: list[str] = []
    record = lambda **kw: full_syncs.append(kw["mode"]) if kw["mode"] == "full" else None  # noqa: E731
    signals.sync_completed.connect(record, weak=False)
    try:
        notice.get_by_role("link", name="Grant access").click()
        expect(page.get_by_role("checkbox")).to_have_count(1)  # just the missing scope
        expect(page.get_by_label(EDIT_EVENTS, exact=True)).to_be_checked()
        page.get_by_label("alice@example.com", exact=False).check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("button", name="Create")).to_be_enabled()
        expect(page.locator("[data-access]")).to_have_count(0)
        run_jobs()
    finally:
        signals.sync_completed.disconnect(record)
    assert full_syncs == []  # writing is back without a new full sync
    created = api_as_alice().post(EVENTS_URL, NEW, content_type="application/json")
    assert created.status_code == 201, created.content


def test_free_busy_alone_answers_free_busy_and_says_events_are_not_available(
    page: Page, site: str
) -> None:
    consent_without(page, site, EDIT_EVENTS, LIST_CALENDARS)
    notice = page.locator("[data-access=events_read]")
    expect(notice).to_contain_text("events are not available here; free/busy is")
    expect(notice.get_by_role("link", name="Grant access")).to_be_visible()
    expect(page.locator("[data-access=calendar_list]")).to_contain_text("primary calendar only")
    expect(page.get_by_role("button", name="Create")).to_be_disabled()
    [primary] = Calendar.objects.all()
    assert not primary.sync_enabled
    client = api_as_alice()
    events = client.get(EVENTS_URL)
    assert events.status_code == 403 and "not available" in events.json()["error"]["message"]
    now = timezone.now()
    window = {
        "time_min": (now - dt.timedelta(days=14)).isoformat(),
        "time_max": (now + dt.timedelta(days=14)).isoformat(),
    }
    busy = client.get("/rest/v1/freebusy/", window)
    assert busy.status_code == 200, busy.content
    assert busy.json()["calendars"]["alice@example.com"]["busy"]
