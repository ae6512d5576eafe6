"""Steps the browser tests share: connecting through the emulator's consent page, and the
worker's jobs (the first sync runs in the background once a person is back on the page)."""

from __future__ import annotations

import datetime as dt
import sys

from django.core.management import call_command
from playwright.sync_api import BrowserContext, Locator, Page, Request, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.support import clock


def page_clock_pinned(context: BrowserContext) -> BrowserContext:
    """Under TEST_NOW, the pages' clock starts at this process's (pinned, ticking) now and
    ticks in real time from there: Date, timers and FullCalendar's now indicator agree with
    the server. Without TEST_NOW, the browser's own clock, untouched."""
    if clock.pinned() is not None:
        context.clock.install(time=dt.datetime.now(dt.UTC))
    return context


def run_jobs() -> None:
    """Run every job that is due, in this process, with django-tasks-db's real worker loop."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def connect(page: Page, site: str, account: str = "alice@example.com", sync: bool = True) -> None:
    """Connect `account` from the page; with `sync`, let the worker run the first sync and
    wait until the page (live, without a reload) says it is done."""
    page.goto(site + "/")
    failed: list[str] = []

    def note(request: Request) -> None:
        failed.append(f"{request.url}: {request.failure}")

    page.on("requestfailed", note)
    consent = page.get_by_label(account, exact=False)
    try:
        page.get_by_role("link", name="Connect Google Calendar").click()
        _shown_once_more_after_a_network_error(page, consent, failed)
    finally:
        page.remove_listener("requestfailed", note)
    consent.check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Create")).to_be_visible()
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    if sync:
        run_jobs()
        expect(page.locator("#progress")).to_be_hidden()


def _shown_once_more_after_a_network_error(page: Page, target: Locator, failed: list[str]) -> None:
    """Wait for `target` on the emulator's consent page. Should Chromium show its own error page
    instead (the load from the emulator failed at the network: seen once in CI, a pinned date's
    phone test, not reproduced), say so with the failure Chromium gave and load it once more;
    any other way the page is missing fails as it is. Each wait is the page's own timeout."""
    try:
        target.wait_for()
    except PlaywrightTimeout:
        if not page.url.startswith("chrome-error://"):
            raise
        sys.stderr.write(f"the consent page did not load ({failed}): loading it once more\n")
        page.reload()
        target.wait_for()
