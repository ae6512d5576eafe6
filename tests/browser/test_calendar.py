"""The web calendar as a person uses it, in Debian's Chromium against the live server and the
emulator: the views, the event form, dragging, series, live updates, time zones, the phone."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.support import clock
from tests.support.browser import connect, run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_week_view_shows_this_weeks_events(page: Page, site: str, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    connect(page, site, sync=False)  # back on the page at once; the first sync is queued
    expect(page.get_by_text("Bringing in your events from Google")).to_be_visible()
    run_jobs()  # the worker's first sync: the events arrive without a reload
    expect(page.locator("#progress")).to_be_hidden()
    expect(page.get_by_role("button", name="Week", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("button", name="Daily stand-up").first).to_be_visible()
    expect(page.locator(".fc-timegrid-now-indicator-line")).to_be_attached()
    page.screenshot(path=tmp_path / "week.png", full_page=True)
    assert_accessible(page)


# -- helpers --------------------------------------------------------------------------------


def gcal_for(emulator: Any, email: str = "alice@example.com") -> Any:
    """The official client at the emulator (its token from the emulator's auto-consent)."""
    from tests.emulator.clients import service

    emulator.emulator.auto_consent = True
    try:
        return service(emulator.base_url, email)
    finally:
        emulator.emulator.auto_consent = False


def today() -> dt.date:
    """Today in UTC: the day the emulator's demo seed is built around."""
    return dt.datetime.now(dt.UTC).date()


def monday(weeks: int = 0) -> dt.date:
    return today() - dt.timedelta(days=today().weekday()) + dt.timedelta(weeks=weeks)


def in_browser_zone(value: str) -> dt.datetime:
    """A Google dateTime as the page shows it: in the browser's time zone."""
    return dt.datetime.fromisoformat(value).astimezone(ZoneInfo(clock.browser_zone()))


def wall_clock(day: dt.date, at: str, zone: str, shown_in: str) -> str:
    """`at` (HH:MM) on `day` in `zone`, as a clock in `shown_in` reads it."""
    local = dt.datetime.combine(day, dt.time.fromisoformat(at), ZoneInfo(zone))
    return local.astimezone(ZoneInfo(shown_in)).strftime("%H:%M")


def go_to(page: Page, day: dt.date) -> None:
    page.get_by_label("Go to date").fill(day.isoformat())
    expect(page.get_by_label("Go to date")).to_have_value(day.isoformat())


def event_button(page: Page, title: str) -> Any:
    return page.get_by_role("button", name=re.compile(rf"^{re.escape(title)},")).first


def open_event(page: Page, title: str) -> None:
    """Open an event's details by a click at its top left corner: on some days another event
    overlaps it in the grid, drawn over its right-hand part, which a click in the middle hits.
    A click that lands while a live update redraws the grid (the element it hit is replaced)
    opens nothing; then it is clicked again, on the new element."""
    for _ in range(3):
        event_button(page, title).click(position={"x": 4, "y": 4})
        if page.get_by_role("dialog", name=title).is_visible():
            return
        with contextlib.suppress(AssertionError):
            expect(page.get_by_role("dialog", name=title)).to_be_visible(timeout=3000)
            return


def choose_scope(page: Page, scope: str) -> None:
    dialog = page.get_by_role("dialog", name=re.compile("recurring event"))
    dialog.get_by_label(scope, exact=True).check()
    dialog.get_by_role("button", name="OK").click()
    expect(dialog).to_be_hidden()


def edit_title(page: Page, title: str, new_title: str) -> None:
    open_event(page, title)
    details = page.get_by_role("dialog", name=title)
    expect(details.get_by_text("Reminders")).to_be_visible()  # the details have loaded
    details.get_by_role("button", name="Edit").click()
    form = page.get_by_role("dialog", name="Edit event")
    form.get_by_label("Title", exact=True).fill(new_title)
    form.get_by_role("button", name="Save").click()


def instances(gcal: Any, series_id: str) -> dict[str, str]:
    items = gcal.events().instances(calendarId="primary", eventId=series_id).execute()["items"]
    return {i["originalStartTime"]["dateTime"][:10]: i["summary"] for i in items}


def drag(page: Page, source: Any, target: Any) -> None:
    """Drag `source` (a locator) onto `target`'s column. A live update that redraws the grid
    while the event is found replaces its element: it is then found again (at most 3 times)."""
    for tries_left in range(2, -1, -1):
        try:
            source.scroll_into_view_if_needed()
            box, goal = source.bounding_box(), target.bounding_box()
            break
        except PlaywrightError as exc:
            if tries_left == 0 or "not attached" not in str(exc):
                raise
    # By its top left corner: an event that overlaps it is drawn over its right-hand part.
    page.mouse.move(box["x"] + 6, box["y"] + 6)
    page.mouse.down()
    page.mouse.move(goal["x"] + 6, box["y"] + 6, steps=12)
    page.mouse.up()


# -- the journey ----------------------------------------------------------------------------


def test_create_an_event_with_the_form(page: Page, site: str, emulator: Any) -> None:
    connect(page, site)
    day = today() + dt.timedelta(days=1)
    page.get_by_role("button", name="Create").click()
    form = page.get_by_role("dialog", name="New event")
    form.get_by_label("Title", exact=True).fill("Dentist appointment")
    form.get_by_label("Start", exact=True).fill(f"{day}T16:00")
    form.get_by_label("End", exact=True).fill(f"{day}T15:00")  # before the start: the API says no
    form.get_by_label("Location", exact=True).fill("High Street 5")
    form.get_by_label("Description", exact=True).fill("Bring the card.")
    form.get_by_label("Repeat").select_option("Does not repeat")
    form.get_by_role("button", name="Save").click()
    expect(form.locator("#e-end")).not_to_be_empty()
    expect(form.get_by_label("End", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    form.get_by_label("End", exact=True).fill(f"{day}T17:00")
    form.get_by_role("button", name="Save").click()
    expect(form).to_be_hidden()
    go_to(page, day)
    expect(event_button(page, "Dentist appointment")).to_be_visible()
    items = gcal_for(emulator).events().list(calendarId="primary", q="Dentist appointment")
    found = items.execute()["items"]
    assert [(e["location"], e["description"]) for e in found] == [
        ("High Street 5", "Bring the card.")
    ]


def test_drag_an_event_to_another_day(page: Page, site: str, emulator: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    connect(page, site)
    gcal = gcal_for(emulator)
    review = gcal.events().get(calendarId="primary", eventId="review0001").execute()
    start = in_browser_zone(review["start"]["dateTime"])  # 14:00 London: another day in Tokyo
    day = start.date()
    go_to(page, day)
    page.get_by_role("button", name="Week", exact=True).click()
    later = day + dt.timedelta(days=1) if day.weekday() < 6 else day - dt.timedelta(days=1)
    drag(
        page,
        event_button(page, "Project review"),
        page.locator(f"td.fc-timegrid-col[data-date='{later}']"),
    )
    expect(page.locator("#announcer")).to_contain_text("Project review moved")
    moved = gcal.events().get(calendarId="primary", eventId="review0001").execute()
    # Another day at the same time on the clock of the person who dragged it (in London an
    # hour earlier or later, if one of the two places changed its clocks in between).
    moved_start = in_browser_zone(moved["start"]["dateTime"])
    assert (moved_start.date(), moved_start.time()) == (later, start.time())


def test_change_one_then_the_following_then_delete_all_of_a_series(
    page: Page, site: str, emulator: Any
) -> None:
    connect(page, site)
    gcal = gcal_for(emulator)
    two, three = monday(2), monday(3)
    go_to(page, two)
    edit_title(page, "Team meeting", "Team meeting with guests")
    choose_scope(page, "This event")
    expect(event_button(page, "Team meeting with guests")).to_be_visible()
    seen = instances(gcal, "teammeet0001")
    assert seen[str(two)] == "Team meeting with guests" and seen[str(three)] == "Team meeting"

    go_to(page, three)
    edit_title(page, "Team meeting", "Team sync")
    choose_scope(page, "This and following events")
    expect(event_button(page, "Team sync")).to_be_visible()
    master = gcal.events().get(calendarId="primary", eventId="teammeet0001").execute()
    assert "UNTIL=" in master["recurrence"][0]
    found = gcal.events().list(calendarId="primary", q="Team sync").execute()["items"]
    assert len(found) == 1 and found[0]["recurrence"]

    go_to(page, monday(0))
    open_event(page, "Team meeting")
    page.get_by_role("dialog", name="Team meeting").get_by_role("button", name="Delete").click()
    choose_scope(page, "All events")
    expect(event_button(page, "Team meeting")).to_have_count(0)
    master = gcal.events().get(calendarId="primary", eventId="teammeet0001").execute()
    assert master["status"] == "cancelled"


def test_a_change_at_google_appears_without_a_reload(page: Page, site: str, emulator: Any) -> None:
    from django.core.management import call_command

    connect(page, site)
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    body = {
        "summary": "Surprise party",
        "start": {"dateTime": now.isoformat()},
        "end": {"dateTime": (now + dt.timedelta(hours=1)).isoformat()},
    }
    gcal_for(emulator).events().insert(calendarId="primary", body=body).execute()
    call_command("sync_calendars", verbosity=0)  # what the push notification's job does
    expect(event_button(page, "Surprise party")).to_be_visible()


def test_the_viewers_time_zone_changes_every_time_shown(page: Page, site: str) -> None:
    connect(page, site)
    page.get_by_role("button", name="Day", exact=True).click()
    tuesday = monday(0) + dt.timedelta(days=1)  # a stand-up at 09:15 London
    go_to(page, tuesday)
    browser = clock.browser_zone()
    expect(event_button(page, "Daily stand-up")).to_have_attribute(
        "aria-label", re.compile(f", {wall_clock(tuesday, '09:15', 'Europe/London', browser)} - ")
    )
    chosen = "Asia/Tokyo" if browser != "Asia/Tokyo" else "America/Los_Angeles"
    page.get_by_role("button", name=re.compile("^Time zone")).click()
    dialog = page.get_by_role("dialog", name="Your time zone")
    dialog.get_by_label("Show times in").select_option(chosen)
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name=re.compile("^Time zone"))).to_contain_text(chosen)
    shown = re.compile(f", {wall_clock(tuesday, '09:15', 'Europe/London', chosen)} - ")
    expect(event_button(page, "Daily stand-up")).to_have_attribute("aria-label", shown)
    page.reload()
    expect(event_button(page, "Daily stand-up")).to_have_attribute("aria-label", shown)


def test_the_phone_layout(page: Page, site: str, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    connect(page, site)
    expect(page.get_by_role("button", name="3 days")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Agenda", exact=True).click()
    expect(event_button(page, "Daily stand-up")).to_be_visible()
    for view in ("Day", "3 days", "Week", "Month", "Agenda"):
        page.get_by_role("button", name=view, exact=True).click()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, view
    page.screenshot(path=tmp_path / "phone.png", full_page=True)
    assert_accessible(page)


def test_keyboard_shortcuts(page: Page, site: str) -> None:
    connect(page, site)
    page.keyboard.press("m")
    expect(page.get_by_role("button", name="Month")).to_have_attribute("aria-pressed", "true")
    title = page.locator("#view-title").inner_text()
    page.keyboard.press("j")
    expect(page.locator("#view-title")).not_to_have_text(title)
    page.keyboard.press("k")
    expect(page.locator("#view-title")).to_have_text(title)
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("c")
    form = page.get_by_role("dialog", name="New event")
    expect(form.get_by_label("Title", exact=True)).to_be_focused()
    page.keyboard.type("wdma")  # typing in a field is typing, not shortcuts
    expect(form.get_by_label("Title", exact=True)).to_have_value("wdma")
    expect(page.get_by_role("button", name="Month")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Create").click()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Create")).to_be_focused()  # focus came back


def test_every_page_and_dialog_is_accessible(page: Page, site: str) -> None:
    connect(page, site)
    for view in ("Day", "Week", "Month", "Agenda"):
        page.get_by_role("button", name=view, exact=True).click()
        assert_accessible(page)
    open_event(page, "Daily stand-up")
    expect(page.get_by_role("dialog", name="Daily stand-up").get_by_text("Repeats")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Create").click()
    assert_accessible(page)
    page.keyboard.press("Escape")
    page.goto(site + "/no/such/page/")
    expect(page.get_by_role("heading", name="This page does not exist")).to_be_visible()
    assert_accessible(page)
    page.goto(site + "/rest/v1/docs/")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
