"""Steps the browser tests share: connecting through the emulator's consent page, and the
worker's jobs (the first sync runs in the background once a person is back on the page)."""

from __future__ import annotations

from django.core.management import call_command
from playwright.sync_api import Page, expect


def run_jobs() -> None:
    """Run every job that is due, in this process, with django-tasks-db's real worker loop."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def connect(page: Page, site: str, account: str = "alice@example.com", sync: bool = True) -> None:
    """Connect `account` from the page; with `sync`, let the worker run the first sync and
    wait until the page (live, without a reload) says it is done."""
    page.goto(site + "/")
    page.get_by_role("link", name="Connect Google Calendar").click()
    page.get_by_label(account, exact=False).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Create")).to_be_visible()
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    if sync:
        run_jobs()
        expect(page.locator("#progress")).to_be_hidden()
