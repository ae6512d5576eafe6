"""Browser tests: Debian's Chromium driven by Playwright against the live server and emulator."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
from playwright.sync_api import BrowserContext

from google_emulator import EmulatorServer
from tests.support import clock
from tests.support.browser import page_clock_pinned

# Playwright's sync API runs an event loop in this thread; the ORM calls these tests make
# (and the live server's) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Without Chromium these tests cannot run: CI must fail, a laptop is told how to fix it."""
    if CHROMIUM is not None:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("Chromium is missing: .ci/run must install Debian's chromium.")
    skip = pytest.mark.skip(reason="install Debian's 'chromium' package (make test does as root)")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """The browser's time zone is always chosen (TEST_NOW's, else UTC): the machine's own
    zone never decides what a test sees. So is its language: en-GB (24-hour times, day/month
    dates), which these tests read; tests/browser/test_everyday.py runs en-US and en-GB."""
    return {**browser_context_args, "timezone_id": clock.browser_zone(), "locale": "en-GB"}


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    """pytest-playwright's context on the run's clock (`page_clock_pinned`). Cookies' lifetimes
    are Chromium's (real) business: Django sends Max-Age."""
    return page_clock_pinned(context)


@pytest.fixture
def site(live_server: Any, emulator: EmulatorServer, calendar_settings: Any) -> str:
    """The live server, wired to the emulator, with the emulator's real consent page."""
    calendar_settings.EMULATOR_URL = emulator.base_url
    calendar_settings.CLIENT_SECRETS_FILE = ""
    calendar_settings.REDIRECT_URI = live_server.url + "/rest/v1/calendar/redirect/"
    calendar_settings.PUBLIC_BASE_URL = live_server.url
    emulator.emulator.auto_consent = False
    return str(live_server.url)
