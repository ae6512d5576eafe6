"""The page never overwrites a change made at Google: every write carries the version the
page showed (If-Match); on 412 the person sees Google's values and chooses. Deletes and moves
can be undone for a moment. In Debian's Chromium against the live server and the emulator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.test_calendar import (
    assert_accessible,
    drag,
    event_button,
    gcal_for,
    go_to,
    in_browser_zone,
    open_event,
)
from tests.support.browser import connect

pytestmark = pytest.mark.django_db(transaction=True)
REVIEW = "review0001"  # alice's "Project review", tomorrow at 14:00 London


def review(gcal: Any) -> dict[str, Any]:
    return dict(gcal.events().get(calendarId="primary", eventId=REVIEW).execute())


def open_review(page: Page, site: str, emulator: Any) -> tuple[Any, dt.date]:
    """Connected (before the test's own client at the emulator, which would take the first
    consent), with the review's day in the week view."""
    page.set_viewport_size({"width": 1280, "height": 900})
    connect(page, site)
    gcal = gcal_for(emulator)
    day = in_browser_zone(review(gcal)["start"]["dateTime"]).date()  # the page's day of it
    go_to(page, day)
    page.get_by_role("button", name="Week", exact=True).click()
    return gcal, day


def open_editor(page: Page) -> Any:
    open_event(page, "Project review")
    details = page.get_by_role("dialog", name="Project review")
    expect(details.get_by_text("Reminders")).to_be_visible()  # the details have loaded
    details.get_by_role("button", name="Edit").click()
    return page.get_by_role("dialog", name="Edit event")


def change_at_google(gcal: Any, **fields: Any) -> None:
    gcal.events().patch(calendarId="primary", eventId=REVIEW, body=fields).execute()


def test_a_change_at_google_while_editing_is_shown_and_kept(
    page: Page, site: str, emulator: Any
) -> None:
    gcal, _ = open_review(page, site, emulator)
    form = open_editor(page)
    change_at_google(gcal, location="Room 7, changed at Google")
    call_command("sync_calendars", verbosity=0)  # what the push notification's job does
    expect(form.get_by_text("This event was just changed at Google")).to_be_visible()
    expect(form.get_by_text("Room 7, changed at Google")).to_be_visible()
    form.get_by_label("Title", exact=True).fill("Project review (final)")
    form.get_by_role("button", name="Save").click()
    conflict = page.get_by_role("dialog", name="Changed at Google")
    expect(conflict).to_contain_text("was changed at Google after this page showed it")
    expect(conflict).to_contain_text("Room 7, changed at Google")
    assert_accessible(page)
    assert review(gcal)["summary"] == "Project review"  # nothing written before the choice
    conflict.get_by_role("button", name="Save my changes anyway").click()
    expect(form).to_be_hidden()
    saved = review(gcal)
    assert (saved["summary"], saved["location"]) == (
        "Project review (final)",
        "Room 7, changed at Google",
    )


def test_a_save_based_on_an_old_version_keeps_googles_when_asked(
    page: Page, site: str, emulator: Any
) -> None:
    """Changed at Google and not yet synced: Google itself answers 412."""
    gcal, _ = open_review(page, site, emulator)
    form = open_editor(page)
    change_at_google(gcal, location="Room 9")
    form.get_by_label("Title", exact=True).fill("Mine")
    form.get_by_role("button", name="Save").click()
    conflict = page.get_by_role("dialog", name="Changed at Google")
    expect(conflict).to_contain_text("Room 9")
    conflict.get_by_role("button", name="Keep Google's version").click()
    expect(form.get_by_text("your changes were not saved")).to_be_visible()
    expect(form.get_by_label("Title", exact=True)).to_have_value("Project review")
    expect(form.get_by_label("Location", exact=True)).to_have_value("Room 9")
    assert review(gcal)["summary"] == "Project review"


def test_a_stale_move_asks_first_and_keeps_googles(page: Page, site: str, emulator: Any) -> None:
    gcal, day = open_review(page, site, emulator)
    before = review(gcal)
    change_at_google(gcal, location="Moved rooms at Google")
    later = day + dt.timedelta(days=1) if day.weekday() < 6 else day - dt.timedelta(days=1)
    target = page.locator(f"td.fc-timegrid-col[data-date='{later}']")
    drag(page, event_button(page, "Project review"), target)
    conflict = page.get_by_role("dialog", name="Changed at Google")
    expect(conflict).to_contain_text("Moved rooms at Google")
    expect(conflict.get_by_role("button", name="Move it anyway")).to_be_visible()
    conflict.get_by_role("button", name="Keep Google's version").click()
    expect(page.locator("#announcer")).to_contain_text("was not moved")
    assert review(gcal)["start"] == before["start"]


def test_a_stale_delete_asks_first(page: Page, site: str, emulator: Any) -> None:
    gcal, _ = open_review(page, site, emulator)
    open_event(page, "Project review")
    details = page.get_by_role("dialog", name="Project review")
    expect(details.get_by_text("Reminders")).to_be_visible()
    change_at_google(gcal, description="Agenda changed at Google")
    details.get_by_role("button", name="Delete").click()
    conflict = page.get_by_role("dialog", name="Changed at Google")
    expect(conflict).to_contain_text("Agenda changed at Google")
    conflict.get_by_role("button", name="Keep Google's version").click()
    assert review(gcal)["status"] == "confirmed"
    expect(event_button(page, "Project review")).to_be_visible()


def test_undo_a_delete_restores_the_event_at_google(page: Page, site: str, emulator: Any) -> None:
    gcal, _ = open_review(page, site, emulator)
    open_event(page, "Project review")
    details = page.get_by_role("dialog", name="Project review")
    expect(details.get_by_text("Reminders")).to_be_visible()
    details.get_by_role("button", name="Delete").click()
    toast = page.locator("#toast")
    expect(toast).to_contain_text("Event deleted")
    expect(event_button(page, "Project review")).to_have_count(0)
    assert review(gcal)["status"] == "cancelled"
    toast.get_by_role("button", name="Undo").click()
    expect(event_button(page, "Project review")).to_be_visible()
    restored = review(gcal)
    assert (restored["status"], restored["summary"]) == ("confirmed", "Project review")
    assert [a["email"] for a in restored["attendees"]] == [
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
    ]


def test_undo_a_move_puts_it_back_at_google(page: Page, site: str, emulator: Any) -> None:
    gcal, day = open_review(page, site, emulator)
    before = review(gcal)
    later = day + dt.timedelta(days=1) if day.weekday() < 6 else day - dt.timedelta(days=1)
    target = page.locator(f"td.fc-timegrid-col[data-date='{later}']")
    drag(page, event_button(page, "Project review"), target)
    toast = page.locator("#toast")
    expect(toast).to_contain_text("Event moved")
    assert in_browser_zone(review(gcal)["start"]["dateTime"]).date() == later
    toast.get_by_role("button", name="Undo").click()
    expect(page.locator("#announcer")).to_contain_text("back where it was")
    back = review(gcal)
    assert back["start"]["dateTime"] == before["start"]["dateTime"]
    assert back["end"]["dateTime"] == before["end"]["dateTime"]
