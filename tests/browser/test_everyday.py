"""The everyday calendar (issue 24): status in words, one list of calendars with a sync
switch, the phone's menu and 3-day view, the browser's locale, quick-create, search, settings,
reminders, RSVP, colours; each at phone and desktop width, in en-US and en-GB."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.everyday_support import (
    DESKTOP,
    EVERY_WAY,
    assert_accessible,
    browser_today,
    clock_text,
    day_header,
    each,
    open_page,
)
from tests.support import clock
from tests.support.browser import connect, run_jobs

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_way_per_date("way")]


@pytest.fixture
def way(request: Any) -> tuple[str, ViewportSize]:
    return each(request)


@pytest.fixture
def tab(browser: Browser, way: tuple[str, ViewportSize]) -> Iterator[Page]:
    yield from open_page(browser, *way)


def open_side(page: Page) -> None:
    """On a phone the calendars panel sits below the grid: bring it into view."""
    page.locator("#accounts-title").scroll_into_view_if_needed()


@EVERY_WAY
def test_the_sync_status_follows_the_first_sync_without_a_reload(tab: Page, site: str) -> None:
    connect(tab, site, sync=False)
    status = tab.locator(".account [data-sync-status]")
    expect(status).to_contain_text("Syncing…")
    expect(status).to_contain_text("events so far")
    run_jobs()
    expect(status).to_contain_text("Synced just now")
    open_side(tab)
    switch = tab.get_by_role("switch", name="Sync this calendar: alice@example.com")
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(tab.get_by_role("checkbox", name="alice@example.com")).to_be_checked()
    assert_accessible(tab)


def is_phone(way: tuple[str, ViewportSize]) -> bool:
    return way[1]["width"] < 640


@EVERY_WAY
def test_a_phone_folds_the_navigation_into_a_menu_and_opens_on_three_days(
    tab: Page, site: str, way: tuple[str, ViewportSize]
) -> None:
    connect(tab, site)
    menu = tab.get_by_role("button", name="Menu")
    analytics = tab.get_by_role("navigation", name="Main").get_by_role("link", name="Analytics")
    if is_phone(way):
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(analytics).to_be_hidden()
        header = tab.locator("header.bar").bounding_box()
        assert header is not None and header["height"] < 80  # one line, not four
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(analytics).to_be_visible()
        assert_accessible(tab)
        tab.keyboard.press("Escape")
        expect(analytics).to_be_hidden()
        expect(menu).to_be_focused()
        view = "3 days"
    else:
        expect(menu).to_be_hidden()
        expect(analytics).to_be_visible()
        view = "Week"
    expect(tab.get_by_role("button", name=view, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    columns = 3 if is_phone(way) else 7
    expect(tab.locator("th.fc-col-header-cell")).to_have_count(columns)
    today = browser_today()
    expect(tab.locator(f"th.fc-col-header-cell[data-date='{today}']")).to_have_text(
        day_header(today, way[0], is_phone(way))
    )
    # No day header runs into the next: each fits inside its own column.
    overflowing = tab.evaluate(
        """() => [...document.querySelectorAll('th.fc-col-header-cell')].filter((th) => {
             const text = th.querySelector('.fc-col-header-cell-cushion');
             return text.getBoundingClientRect().width > th.getBoundingClientRect().width;
           }).length"""
    )
    assert overflowing == 0
    assert tab.evaluate("document.documentElement.scrollWidth") <= way[1]["width"]
    # The grid opens an hour before the current hour (the browser's), not at midnight.
    hour = max(0, dt.datetime.now(ZoneInfo(clock.browser_zone())).hour - 1)
    expect(tab.locator(f".fc-timegrid-slot-lane[data-time='{hour:02d}:00:00']")).to_be_in_viewport()
    if hour >= 9:
        expect(tab.locator(".fc-timegrid-slot-lane[data-time='00:00:00']")).not_to_be_in_viewport()
    assert_accessible(tab)
    # Every page has the same header: the analytics page's menu too.
    tab.goto(site + "/analytics/")
    if is_phone(way):
        menu.click()
    expect(analytics).to_be_visible()
    assert_accessible(tab)


def stand_up(tab: Page) -> Any:
    return tab.get_by_role("button", name=re.compile(r"^Daily stand-up,")).first


@EVERY_WAY
def test_times_are_written_in_the_browsers_language_or_as_set_the_same_in_the_dialog(
    tab: Page, site: str, way: tuple[str, ViewportSize]
) -> None:
    connect(tab, site)
    tuesday = browser_today() - dt.timedelta(days=browser_today().weekday() - 1)
    tab.get_by_role("button", name="Day", exact=True).click()
    tab.get_by_label("Go to date").fill(tuesday.isoformat())
    start = dt.datetime.combine(tuesday, dt.time(9, 15), ZoneInfo("Europe/London"))
    shown = start.astimezone(ZoneInfo(clock.browser_zone()))
    twelve = way[0] == "en-US"  # en-US writes 9:15 AM, en-GB 09:15
    for _ in range(2):
        label = re.compile(f", {clock_text(shown, twelve)} - ", re.IGNORECASE)
        expect(stand_up(tab)).to_have_attribute("aria-label", label)
        expect(stand_up(tab)).to_have_attribute("title", "Daily stand-up")  # full title on hover
        stand_up(tab).click(position={"x": 4, "y": 4})
        details = tab.get_by_role("dialog", name="Daily stand-up")
        when = re.compile(f"{clock_text(shown, twelve)} to ", re.IGNORECASE)
        expect(details.locator("dd").first).to_have_text(when)
        tab.keyboard.press("Escape")
        if _ == 1:
            break
        # The other way round, from the Settings (saved for the person: the reload keeps it).
        open_settings(tab, way)
        dialog = tab.get_by_role("dialog", name="Settings")
        dialog.get_by_label("Times").select_option("24" if twelve else "12")
        assert_accessible(tab)
        dialog.get_by_role("button", name="Save").click()
        expect(dialog).to_be_hidden()
        twelve = not twelve
        tab.reload()
        tab.get_by_role("button", name="Day", exact=True).click()
        tab.get_by_label("Go to date").fill(tuesday.isoformat())


def open_settings(tab: Page, way: tuple[str, ViewportSize]) -> None:
    if is_phone(way):
        tab.get_by_role("button", name="Menu").click()
    tab.get_by_role("button", name="Settings").click()


@EVERY_WAY
def test_the_settings_set_the_week_start_the_opening_view_and_the_analytics_hours(
    tab: Page, site: str, way: tuple[str, ViewportSize]
) -> None:
    from calendar_api.models import UserPreferences

    connect(tab, site)
    open_settings(tab, way)
    dialog = tab.get_by_role("dialog", name="Settings")
    dialog.get_by_label("Working day starts").fill("17:00")
    dialog.get_by_label("Working day ends").fill("08:00")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.locator("#es-work_end")).to_contain_text("must end after it starts")
    expect(dialog.get_by_label("Working day ends")).to_have_attribute("aria-invalid", "true")
    assert_accessible(tab)
    dialog.get_by_label("Working day starts").fill("08:30")
    dialog.get_by_label("Working day ends").fill("16:30")
    dialog.get_by_label("Week starts on").select_option("Sun")
    dialog.get_by_label("Open on").select_option("Month")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    prefs = UserPreferences.objects.get()
    assert (prefs.work_start, prefs.work_end) == (dt.time(8, 30), dt.time(16, 30))
    assert (prefs.week_start, prefs.default_view) == (6, "month")
    tab.reload()
    expect(tab.get_by_role("button", name="Month", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(tab.locator("th.fc-col-header-cell").first).to_have_class(re.compile("fc-day-sun"))
    tab.goto(site + "/analytics/")
    expect(tab.get_by_text(re.compile("08:30"))).not_to_have_count(0)


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_zones_go_by_their_current_names(browser: Browser, site: str, locale: str) -> None:
    page = next(open_page(browser, locale, DESKTOP, zone="Asia/Calcutta"))
    connect(page, site)
    expect(page.get_by_role("button", name=re.compile("^Time zone"))).to_contain_text(
        "Asia/Kolkata (your browser's)"
    )
    page.get_by_role("button", name=re.compile("^Time zone")).click()
    choice = page.get_by_role("dialog", name="Your time zone").get_by_label("Show times in")
    names = choice.locator("option").evaluate_all("(options) => options.map((o) => o.value)")
    assert "Asia/Kolkata" in names and "Europe/Kyiv" in names
    assert not {"Asia/Calcutta", "Europe/Kiev", "Asia/Saigon"} & set(names)
    assert set(names) - {""} <= zoneinfo.available_timezones()
    page.context.close()


def quiet_hour(day: dt.date) -> str:
    """03:00 in London on `day` (no demo event is then) as the browser's wall clock."""
    night = dt.datetime.combine(day, dt.time(3), ZoneInfo("Europe/London"))
    return night.astimezone(ZoneInfo(clock.browser_zone())).strftime("%H:00:00")


def event_named(tab: Page, title: str) -> Any:
    return tab.get_by_role("button", name=re.compile(rf"^{re.escape(title)},")).first


@EVERY_WAY
def test_a_click_in_the_grid_offers_quick_create_and_more_options(
    tab: Page, site: str, way: tuple[str, ViewportSize]
) -> None:
    connect(tab, site)
    day = browser_today() + dt.timedelta(days=10)
    tab.get_by_role("button", name="Day", exact=True).click()
    tab.get_by_label("Go to date").fill(day.isoformat())
    hour = quiet_hour(day)
    tab.locator(f"td.fc-timegrid-slot-lane[data-time='{hour}']").click()
    quick = tab.get_by_role("dialog", name="Add an event")
    expect(quick.get_by_label("Title")).to_be_focused()
    start = dt.datetime.combine(day, dt.time.fromisoformat(hour))
    expect(quick).to_contain_text(re.compile(clock_text(start, way[0] == "en-US"), re.I))
    assert_accessible(tab)
    quick.get_by_label("Title").fill("Early swim")
    quick.get_by_role("button", name="Save").click()
    expect(quick).to_be_hidden()
    expect(event_named(tab, "Early swim")).to_be_visible()

    # The hour before (Early swim covers the first), or after it, on the same day.
    start += dt.timedelta(hours=1 if start.hour == 0 else -1)
    tab.locator(f"td.fc-timegrid-slot-lane[data-time='{start:%H:%M:%S}']").click()
    quick.get_by_label("Title").fill("Long run")
    quick.get_by_role("button", name="More options").click()
    form = tab.get_by_role("dialog", name="New event")
    expect(form.get_by_label("Title", exact=True)).to_have_value("Long run")
    expect(form.get_by_label("Start", exact=True)).to_have_value(f"{start:%Y-%m-%dT%H:%M}")


@EVERY_WAY
def test_search_lists_matching_events_and_goes_to_one(
    tab: Page, site: str, way: tuple[str, ViewportSize]
) -> None:
    connect(tab, site)
    search = tab.get_by_role("search", name="Events")
    search.get_by_label("Search events").fill("no such thing anywhere")
    search.get_by_role("button", name="Search").click()
    expect(search.locator("#search-summary")).to_have_text(
        "No upcoming event matches “no such thing anywhere”."
    )
    search.get_by_label("Search events").fill("stand-up")
    search.get_by_role("button", name="Search").click()
    results = search.get_by_role("list", name="Search results").get_by_role("button")
    expect(results.first).to_contain_text("Daily stand-up")
    assert_accessible(tab)
    results.first.click()
    details = tab.get_by_role("dialog", name="Daily stand-up")
    expect(details).to_be_visible()
    expect(details.get_by_text("Repeats")).to_be_visible()


@EVERY_WAY
def test_several_reminders_each_with_method_and_time_and_a_colour_of_its_own(
    tab: Page, site: str, emulator: Any
) -> None:
    from tests.browser.test_calendar import gcal_for

    connect(tab, site)
    day = browser_today() + dt.timedelta(days=3)
    tab.get_by_role("button", name="Create").click()
    form = tab.get_by_role("dialog", name="New event")
    form.get_by_label("Title", exact=True).fill("Piano lesson")
    form.get_by_label("Start", exact=True).fill(f"{day}T15:00")
    form.get_by_label("End", exact=True).fill(f"{day}T16:00")
    form.get_by_label("The calendar's default").uncheck()
    form.get_by_label("Reminder 1: how long before").fill("30")
    form.get_by_role("button", name="Add a reminder").click()
    form.get_by_label("Reminder 2: how", exact=True).select_option("Email")
    form.get_by_label("Reminder 2: how long before").fill("1")
    form.get_by_label("Reminder 2: unit").select_option("days")
    form.get_by_label("Colour").select_option("Tomato")
    assert_accessible(tab)
    form.get_by_role("button", name="Save").click()
    expect(form).to_be_hidden()
    found = gcal_for(emulator).events().list(calendarId="primary", q="Piano lesson").execute()
    [event] = found["items"]
    assert event["colorId"] == "11"
    assert event["reminders"] == {
        "useDefault": False,
        "overrides": [{"method": "popup", "minutes": 30}, {"method": "email", "minutes": 1440}],
    }
    tab.get_by_label("Go to date").fill(day.isoformat())
    lesson = event_named(tab, "Piano lesson")
    expect(lesson).to_have_css("background-color", "rgb(213, 0, 0)")  # Google's Tomato
    lesson.click()
    details = tab.get_by_role("dialog", name="Piano lesson")
    expect(details).to_contain_text("30 minutes before (notification), 1 day before (email)")
    details.get_by_role("button", name="Edit").click()
    form = tab.get_by_role("dialog", name="Edit event")
    expect(form.get_by_label("Reminder 2: unit")).to_have_value("days")
    expect(form.get_by_label("Colour")).to_have_value("11")


@EVERY_WAY
def test_a_guest_answers_yes_no_or_maybe_from_the_details(
    tab: Page, site: str, emulator: Any
) -> None:
    from tests.browser.test_calendar import gcal_for

    connect(tab, site)
    gcal = gcal_for(emulator)
    call = gcal.events().get(calendarId="primary", eventId="newyork0001").execute()
    start = dt.datetime.fromisoformat(call["start"]["dateTime"])
    tab.get_by_role("button", name="Day", exact=True).click()
    tab.get_by_label("Go to date").fill(
        start.astimezone(ZoneInfo(clock.browser_zone())).date().isoformat()
    )
    event_named(tab, "Call with the New York office").click()
    details = tab.get_by_role("dialog", name="Call with the New York office")
    going = details.get_by_role("group", name="Going?")
    expect(going.get_by_role("button", name="Yes")).to_have_attribute("aria-pressed", "true")
    assert_accessible(tab)
    going.get_by_role("button", name="Maybe").click()
    expect(going.get_by_role("button", name="Maybe")).to_have_attribute("aria-pressed", "true")
    expect(going.get_by_role("button", name="Yes")).to_have_attribute("aria-pressed", "false")
    expect(details).to_contain_text("maybe")
    call = gcal.events().get(calendarId="primary", eventId="newyork0001").execute()
    me = [a for a in call["attendees"] if a["email"] == "alice@example.com"]
    assert me[0]["responseStatus"] == "tentative"


@EVERY_WAY
def test_two_accounts_primaries_get_colours_of_their_own(tab: Page, site: str) -> None:
    connect(tab, site)
    tab.get_by_role("link", name="Connect another account").click()
    tab.get_by_label("bob@example.com", exact=False).check()
    tab.get_by_role("button", name="Continue").click()
    run_jobs()
    expect(tab.locator(".account")).to_have_count(2)
    colours = [
        tab.locator(f".account[data-account] >> nth={n}")
        .locator(".calendar-row .swatch")
        .first.evaluate("(el) => getComputedStyle(el).backgroundColor")
        for n in (0, 1)
    ]
    assert colours[0] != colours[1], colours
