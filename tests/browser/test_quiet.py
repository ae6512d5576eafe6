"""A quiet page and errors in words, in Chromium at a phone's width and a desktop's, in en-US and
en-GB: no page logs a console error (no favicon 404, no CSP refusal of FullCalendar's icon font);
the event form shows every problem at once beside its field, naming the bad guest address; a
sign-in that cannot be matched explains itself. axe finds nothing on any of these pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Response,
    expect,
)

from tests.browser.test_calendar import assert_accessible, today
from tests.support import clock
from tests.support.browser import connect, page_clock_pinned

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_way_per_date("layout")]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LAYOUTS = [(PHONE, "en-GB"), (DESKTOP, "en-US"), (PHONE, "en-US"), (DESKTOP, "en-GB")]
IDS = ["phone-en-GB", "desktop-en-US", "phone-en-US", "desktop-en-GB"]


class Console:
    """Every console error, uncaught exception and failed load (4xx/5xx) of a page."""

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        page.on("console", self.on_console)
        page.on("pageerror", self.on_error)
        page.on("response", self.on_response)

    def on_error(self, error: Error) -> None:
        self.problems.append(f"uncaught: {error}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} {response.url}")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            where = message.location.get("url", "")
            self.problems.append(f"{message.type}: {message.text} ({where})")


@pytest.fixture(params=LAYOUTS, ids=IDS)
def layout(request: pytest.FixtureRequest) -> tuple[dict[str, int], str]:
    return request.param


@pytest.fixture
def localized(browser: Browser, layout: tuple[dict[str, int], str]) -> Iterator[Page]:
    """A page in a context of its own: this layout's viewport and language."""
    viewport, locale = layout
    context: BrowserContext = browser.new_context(
        viewport=viewport,  # type: ignore[arg-type]
        locale=locale,
        timezone_id=clock.browser_zone(),
    )
    page_clock_pinned(context)
    yield context.new_page()
    context.close()


def visit(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_no_page_logs_a_console_error(localized: Page, site: str) -> None:
    page = localized
    console = Console(page)
    visit(page, site + "/")  # the landing page
    assert_accessible(page)
    connect(page, site)  # the calendar page, with FullCalendar's icon font in its toolbar
    page.wait_for_load_state("networkidle")
    for path in ("/analytics/", "/rest/v1/docs/"):
        visit(page, site + path)
        assert_accessible(page)
    assert console.problems == []


def test_the_form_shows_every_problem_at_once_naming_the_bad_guest(
    localized: Page, site: str
) -> None:
    page = localized
    connect(page, site)
    day = today() + dt.timedelta(days=1)
    page.get_by_role("button", name="Create").click()
    form = page.get_by_role("dialog", name="New event")
    form.get_by_label("Title", exact=True).fill("Planning")
    form.get_by_label("Start", exact=True).fill(f"{day}T16:00")
    form.get_by_label("End", exact=True).fill(f"{day}T15:00")  # before the start
    form.get_by_label("Guests", exact=True).fill("ann@example.com, bob@, carol at example.com")
    form.get_by_role("button", name="Save").click()
    expect(form.locator("#e-end")).to_have_text("The end must be after the start.")
    guests = form.locator("#e-attendees")
    expect(guests).to_contain_text('"bob@" is not an e-mail address.')
    expect(guests).not_to_contain_text("ann@example.com")
    for label in ("End", "Guests"):
        expect(form.get_by_label(label, exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_a_sign_in_that_cannot_be_matched_explains_itself(localized: Page, site: str) -> None:
    page = localized
    visit(page, site + "/rest/v1/calendar/redirect/?state=never-issued&code=4%2F0Ax")
    expect(page.get_by_role("heading", name="This sign-in could not be matched")).to_be_visible()
    expect(page.get_by_text("localhost and 127.0.0.1")).to_be_visible()
    again = page.get_by_role("link", name="Connect Google Calendar again")
    expect(again).to_be_visible()
    assert_accessible(page)
    if page.viewport_size and page.viewport_size["width"] <= PHONE["width"]:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    again.click()  # starts again: the emulator's consent page
    expect(page.get_by_role("button", name="Continue")).to_be_visible()


def test_under_no_layout_does_an_unknown_page_use_djangos_debug_page(
    localized: Page, site: str, settings: Any
) -> None:
    settings.DEBUG = True  # as make run has it
    visit(page := localized, site + "/no/such/page/")
    expect(page.get_by_role("heading", name="This page does not exist")).to_be_visible()
    assert_accessible(page)
