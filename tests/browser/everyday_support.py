"""What the everyday-calendar browser tests share: a page in a chosen locale and width."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize

from tests.support import clock
from tests.support.browser import page_clock_pinned

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
LOCALES = ("en-US", "en-GB")


def assert_accessible(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def open_page(
    browser: Browser, locale: str, viewport: ViewportSize, zone: str = ""
) -> Iterator[Page]:
    """A page whose browser speaks `locale` (navigator.language) at `viewport`'s size, in
    `zone` (else the run's browser zone), on the run's (maybe pinned) clock."""
    context = browser.new_context(
        locale=locale, viewport=viewport, timezone_id=zone or clock.browser_zone()
    )
    page_clock_pinned(context)
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


def each(request: Any) -> tuple[str, ViewportSize]:
    locale, width = request.param
    return locale, PHONE if width == "phone" else DESKTOP


EVERY_WAY = pytest.mark.parametrize(
    "way",
    [(lang, width) for lang in LOCALES for width in ("phone", "desktop")],
    ids=lambda v: f"{v[0]}-{v[1]}",
    indirect=True,
)


def browser_today() -> dt.date:
    return dt.datetime.now(ZoneInfo(clock.browser_zone())).date()


def clock_text(moment: dt.datetime, twelve: bool) -> str:
    """A time as the page writes it, as a regular expression: "9:15 AM" (Intl puts a narrow
    no-break space before AM in some versions; en-GB writes "am"), or "09:15"."""
    if not twelve:
        return f"{moment:%H:%M}"
    hour = moment.hour % 12 or 12
    return rf"{hour}:{moment:%M}\s{'AM' if moment.hour < 12 else 'PM'}"


def day_header(day: dt.date, locale: str, phone: bool) -> str:
    """FullCalendar's day header in the week: "Sat 12/5" (en-US), "Sat 05/12" (en-GB); on a
    phone "Sat 5"."""
    if phone:
        return f"{day:%a} {day.day}"
    if locale == "en-GB":
        return f"{day:%a} {day:%d}/{day:%m}"
    return f"{day:%a} {day.month}/{day.day}"
