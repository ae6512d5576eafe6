"""Screenshots of the web calendar for the README (light and dark, wide and phone).

Skipped unless SCREENSHOTS_DIR is set: `python bench/screenshots.py` sets it and runs this."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from tests.support.browser import page_clock_pinned, run_jobs

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS_DIR"), reason="SCREENSHOTS_DIR not set"),
]
WIDE, PHONE = ViewportSize(width=1280, height=860), ViewportSize(width=390, height=844)
SHOTS = [("week", WIDE, "Week"), ("month", WIDE, "Month"), ("phone", PHONE, "Agenda")]


def test_write_screenshots(browser: Browser, site: str) -> None:
    folder = Path(os.environ["SCREENSHOTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    cookies: list[Any] = []
    for scheme in ("light", "dark"):
        for name, viewport, view in SHOTS:
            context = browser.new_context(
                viewport=viewport, color_scheme=scheme, timezone_id="Europe/London"
            )
            page_clock_pinned(context)  # bench/screenshots.py pins a morning
            context.add_cookies(cookies)
            page = context.new_page()
            page.goto(site + "/")
            if not cookies:
                page.get_by_role("link", name="Connect Google Calendar").click()
                page.get_by_label("alice@example.com", exact=False).check()
                page.get_by_role("button", name="Continue").click()
                run_jobs()  # the worker's first sync
                cookies = context.cookies()
            expect(page.locator("body[data-ready=true]")).to_be_attached()
            page.get_by_role("button", name=view, exact=True).click()
            expect(page.locator(".fc-event").first).to_be_visible()
            page.screenshot(path=folder / f"{name}-{scheme}.png", full_page=name != "week")
            context.close()
