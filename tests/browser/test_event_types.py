"""Google's event types in the page (bob's demo calendar has one of each): a status event is
shown for what it is, and an event from Gmail offers no Edit, with the reason in words. In
Debian's Chromium against the live server and the emulator."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_calendar import event_button, gcal_for, go_to, in_browser_zone, open_event
from tests.support.browser import connect

pytestmark = pytest.mark.django_db(transaction=True)
BOB = "bob@example.com"


def show_day_of(page: Page, gcal: Any, event_id: str) -> None:
    event = gcal.events().get(calendarId="primary", eventId=event_id).execute()
    day = in_browser_zone(event["start"]["dateTime"]).date()
    go_to(page, day)
    page.get_by_role("button", name="Week", exact=True).click()


def test_a_gmail_event_cannot_be_edited_and_focus_time_is_labelled(
    page: Page, site: str, emulator: Any
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    connect(page, site, account=BOB)
    gcal = gcal_for(emulator, BOB)
    show_day_of(page, gcal, "bobgmail0001")
    title = "Dinner reservation at Ostra"
    expect(event_button(page, title)).to_have_class(re.compile("event-type-fromGmail"))
    open_event(page, title)
    details = page.get_by_role("dialog", name=title)
    expect(details.get_by_text("From Gmail", exact=True)).to_be_visible()
    expect(details.get_by_text("can't be edited here")).to_be_visible()
    expect(details.get_by_role("button", name="Edit")).to_be_hidden()
    expect(details.get_by_role("button", name="Delete")).to_be_visible()
    details.get_by_role("button", name="Close").click()
    show_day_of(page, gcal, "bobfocus0001")
    open_event(page, "Focus time")
    focus = page.get_by_role("dialog", name="Focus time")
    expect(focus.get_by_text("Focus time", exact=True).last).to_be_visible()
    expect(focus.get_by_role("button", name="Edit")).to_be_visible()
