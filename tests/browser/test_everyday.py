"""The everyday calendar (issue 24): status in words, one list of calendars with a sync
switch, the phone's menu and 3-day view, the browser's locale, quick-create, search, settings,
reminders, RSVP, colours; each at phone and desktop width, in en-US and en-GB."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.everyday_support import EVERY_WAY, assert_accessible, each, open_page
from tests.support.browser import connect, run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


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
