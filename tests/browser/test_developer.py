"""The Developer page, the emulator's own page and the API docs' way back, in Chromium: at a
phone's 390 px and at desktop width, in en-US and en-GB, with axe at 0 violations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, ViewportSize, expect

from google_emulator import EmulatorServer
from tests.browser.test_ui import assert_accessible
from tests.support.browser import connect, page_clock_pinned

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_way_per_date("sized")]
PHONE, DESKTOP = ViewportSize(width=390, height=844), ViewportSize(width=1280, height=900)
LAYOUTS = [
    pytest.param((PHONE, "en-US"), id="390-en-US"),
    pytest.param((PHONE, "en-GB"), id="390-en-GB"),
    pytest.param((DESKTOP, "en-US"), id="desktop-en-US"),
    pytest.param((DESKTOP, "en-GB"), id="desktop-en-GB"),
]


@pytest.fixture(params=LAYOUTS)
def sized(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    viewport, locale = request.param
    context = browser.new_context(viewport=viewport, locale=locale, timezone_id="Europe/London")
    page_clock_pinned(context)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    yield context.new_page()
    context.close()


def fits(page: Page) -> None:
    """Nothing runs off the side of the screen (no sideways scrolling of the page)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > document.documentElement.clientWidth + 1).filter(e => e.parentElement.getBoundingClientRect().right <= document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className"
        " + '#' + e.id).slice(0, 8)"
    )
    assert page.viewport_size is not None
    assert width <= page.viewport_size["width"], (width, wide)


def go_to_developer(page: Page) -> None:
    """Through the navigation, behind the Menu button where a phone folds it."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("link", name="Developer").click()


def test_a_token_is_made_copied_used_and_revoked_on_the_developer_page(
    sized: Page, site: str
) -> None:
    page = sized
    connect(page, site, sync=False)
    go_to_developer(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Developer")
    link = page.get_by_role("link", name="Developer", include_hidden=True)  # folded on a phone
    expect(link).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("No tokens yet.")).to_be_visible()
    assert_accessible(page)
    fits(page)
    page.get_by_label("Token name").fill("")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#token-name-error")).to_have_text("This field is required.")
    expect(page.get_by_label("Token name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_label("Token name").fill("My script")
    page.get_by_label("read and write").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="Your new token \u201cMy script\u201d")).to_be_visible()
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("gcal_")
    page.get_by_role("button", name="Copy the new token").click()
    expect(page.locator("#copy-status")).to_have_text("Copied the new token.")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    assert_accessible(page)
    fits(page)
    answer = requests.get(
        site + "/rest/v1/calendars/", headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert answer.status_code == 200
    go_to_developer(page)
    expect(page.locator("#new-token")).to_have_count(0)
    page.get_by_role("button", name="Revoke My script").click()
    expect(page.get_by_role("status").first).to_contain_text("is revoked")
    failed = requests.get(
        site + "/rest/v1/calendars/", headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert failed.status_code == 401


def test_a_feed_is_made_on_the_developer_page(page: Page, site: str) -> None:
    connect(page, site, sync=False)
    page.goto(site + "/developer/")
    page.get_by_label("alice@example.com").check()
    page.get_by_role("button", name="Create feed").click()
    url = page.locator("#new-feed-url").inner_text()
    assert requests.get(url, timeout=10).text.startswith("BEGIN:VCALENDAR")
    assert_accessible(page)


def test_the_api_docs_lead_back_to_the_calendar(page: Page, site: str) -> None:
    connect(page, site, sync=False)
    page.get_by_role("link", name="API docs").click()
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Developer: API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Developer")
    page.go_back()
    page.get_by_role("link", name="Back to the calendar").click()
    expect(page.get_by_role("button", name="Create")).to_be_visible()


def test_the_emulators_page_is_accessible_and_fits(sized: Page, emulator: EmulatorServer) -> None:
    page = sized
    errors: list[Any] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(emulator.base_url + "/")
    expect(page.get_by_role("heading", name="New event at Google")).to_be_visible()
    assert_accessible(page)
    fits(page)
    page.get_by_label("Title").fill("")
    page.get_by_role("link", name="Edit Daily stand-up").first.click()
    expect(page.get_by_role("heading", name="Edit an event in alice@example.com")).to_be_visible()
    page.get_by_label("Ends").fill("")
    page.get_by_role("button", name="Save at Google").click()
    expect(page.locator("#form-error")).to_have_text(
        "Give both times, or neither for an all-day event."
    )
    assert_accessible(page)
    fits(page)
    # The page's own CSP allows everything it uses (the form's 400 is logged, and meant).
    assert [e for e in errors if "BAD REQUEST" not in e] == []
