"""Browser tests: Debian's Chromium driven by Playwright against the live server and emulator."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

from google_emulator import EmulatorServer

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


@pytest.fixture
def site(live_server: Any, emulator: EmulatorServer, settings: Any) -> str:
    """The live server, wired to the emulator, with the emulator's real consent page."""
    settings.GOOGLE_EMULATOR_URL = emulator.base_url
    settings.GOOGLE_CLIENT_SECRETS_FILE = ""
    settings.GOOGLE_REDIRECT_URI = live_server.url + "/rest/v1/calendar/redirect/"
    settings.PUBLIC_BASE_URL = live_server.url
    emulator.emulator.auto_consent = False
    return str(live_server.url)
