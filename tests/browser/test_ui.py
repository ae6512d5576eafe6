"""The web UI as a person uses it: connect through Google's consent page, see the calendar,
sync, disconnect; and no accessibility violations on the way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.support.browser import connect, run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_person_connects_and_sees_their_calendar(page: Page, site: str, tmp_path: Path) -> None:
    page.goto(site + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Google Calendar")
    assert_accessible(page)
    page.screenshot(path=tmp_path / "landing.png", full_page=True)  # for people to look at
    connect(page, site)
    assert page.url == site + "/"
    expect(page.get_by_role("button", name="Daily stand-up").first).to_be_visible()
    expect(page.locator(".account .email")).to_have_text(["alice@example.com"])
    expect(page.locator(".status")).to_have_text(["Active"])
    assert_accessible(page)
    page.screenshot(path=tmp_path / "home.png", full_page=True)


def test_cancel_at_google_comes_back_with_a_clear_message_and_connects_nothing(
    page: Page, site: str
) -> None:
    from calendar_api.models import GoogleAccount

    page.goto(site + "/")
    page.get_by_role("link", name="Connect Google Calendar").click()
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("status")).to_contain_text("Access to Google Calendar was not granted")
    assert page.url == site + "/"
    assert GoogleAccount.objects.count() == 0
    assert_accessible(page)


def test_an_unticked_calendar_box_says_what_to_do(page: Page, site: str) -> None:
    page.goto(site + "/")
    page.get_by_role("link", name="Connect Google Calendar").click()
    for box in page.get_by_role("checkbox").all():  # every Calendar scope unticked
        box.uncheck()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("status")).to_contain_text("tick the box")
    expect(page.get_by_role("link", name="Connect Google Calendar")).to_be_visible()


def test_sync_now_and_disconnect_from_the_page(page: Page, site: str, emulator: Any) -> None:
    from calendar_api.models import GoogleAccount

    connect(page, site)
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_role("status")).to_contain_text("sync of alice@example.com")
    page.get_by_role("button", name="Disconnect").click()
    expect(page.get_by_role("status")).to_contain_text("alice@example.com is disconnected")
    expect(page.get_by_role("heading", name="No calendar connected")).to_be_visible()
    assert GoogleAccount.objects.count() == 0
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Connect Google Calendar")).to_be_visible()


def test_turning_on_another_calendar_brings_its_events_into_the_calendar(
    page: Page, site: str, tmp_path: Path
) -> None:
    connect(page, site)
    show_work = page.get_by_role("checkbox", name="Work")
    expect(show_work).to_be_disabled()  # not synced: not on the grid, and the hint says why
    expect(page.locator("#calendars-hint")).to_contain_text("turn the switch on")
    switch = page.get_by_role("switch", name="Sync this calendar: Work")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(page.get_by_role("status").first).to_contain_text("Work is synced from now on")
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(show_work).to_be_checked()
    run_jobs()  # the worker's first sync of Work: its events arrive without a reload
    expect(page.get_by_role("button", name="Work").first).to_be_visible()
    # Show/hide is separate from syncing: unticking hides Work's events and keeps it synced.
    show_work.uncheck()
    expect(page.get_by_role("button", name=re.compile(", Work$"))).to_have_count(0)
    expect(switch).to_have_attribute("aria-checked", "true")
    assert_accessible(page)
    page.screenshot(path=tmp_path / "two-calendars.png", full_page=True)
