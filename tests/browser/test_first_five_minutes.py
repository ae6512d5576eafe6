"""The README's first five minutes, step by step, as a newcomer follows them: run, open,
connect, change an event on Google's (the emulator's) page, see it move on the product's page
without a reload, create a token on the Developer page, call the API with it.

Screenshots go to a temporary folder; with SCREENSHOTS_DIR set (`make screenshots` sets it to
docs/screenshots/) they are written there as first-five-minutes-N.png for
docs/first-five-minutes.md, so an ordinary test run leaves the tree alone."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from google_emulator import EmulatorServer
from tests.browser.test_ui import assert_accessible
from tests.support.browser import page_clock_pinned, run_jobs

pytestmark = pytest.mark.django_db(transaction=True)
WIDE = ViewportSize(width=1280, height=860)
MOVED = "Team meeting (moved at Google)"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def later(clock: str, hours: int) -> str:
    moved = dt.datetime.combine(dt.date(2000, 1, 1), dt.time.fromisoformat(clock))
    return (moved + dt.timedelta(hours=hours)).strftime("%H:%M")


def until_shown(page: Page, title: str, seconds: float = 15.0) -> None:
    """The worker's part: run the jobs the push notification queued until the page, updated
    live (no reload), shows `title`."""
    deadline = time.monotonic() + seconds
    button = page.get_by_role("button", name=re.compile(rf"^{re.escape(title)},")).first
    while time.monotonic() < deadline:
        run_jobs()
        if button.is_visible():
            return
        page.wait_for_timeout(300)
    expect(button).to_be_visible(timeout=1)


def run_example(page: Page, title: str) -> str:
    """Run the Developer page's curl example under `title` as a person pastes it."""
    command = page.locator(".example-title", has_text=title).locator("+ pre code").inner_text()
    curl = shutil.which("curl")
    assert curl is not None, "curl is needed to follow the README"
    words = shlex.split(command)
    assert words[0] == "curl"
    done = subprocess.run([curl, "-s", *words[1:]], capture_output=True, timeout=30, check=True)  # noqa: S603
    return done.stdout.decode()


def test_the_first_five_minutes(
    browser: Browser, site: str, emulator: EmulatorServer, shots: Path
) -> None:
    context = browser.new_context(viewport=WIDE, locale="en-GB", timezone_id="Europe/London")
    page_clock_pinned(context)
    product = context.new_page()

    # 1-2. Run it (the live server and the emulator stand in for `make run`), open, connect.
    product.goto(site + "/")
    product.get_by_role("link", name="Connect Google Calendar").click()
    product.get_by_label("alice@example.com", exact=False).check()
    product.screenshot(path=shots / "first-five-minutes-1.png")
    product.get_by_role("button", name="Continue").click()
    expect(product.locator("body[data-ready=true]")).to_be_attached()
    run_jobs()  # the worker's first sync
    until_shown(product, "Team meeting")
    product.screenshot(path=shots / "first-five-minutes-2.png")

    # 3. Change an event at Google's page: move the weekly Team meeting two hours later.
    google = context.new_page()
    google.goto(emulator.base_url + "/")
    expect(google.get_by_text("1 push channel open").first).to_be_visible()
    google.locator("#event-teammeet0001").get_by_role("link", name="Edit Team meeting").click()
    google.get_by_label("Title").fill(MOVED)
    start, end = google.get_by_label("Starts"), google.get_by_label("Ends")
    start_at, end_at = start.input_value(), end.input_value()
    start.fill(later(start_at, 2))
    end.fill(later(end_at, 2))
    google.screenshot(path=shots / "first-five-minutes-3.png")
    google.get_by_role("button", name="Save at Google").click()
    expect(google.get_by_role("status")).to_contain_text("Push notifications went to 1 channel")
    assert_accessible(google)

    # 4. See it move on the product's page, without a reload.
    product.bring_to_front()
    until_shown(product, MOVED)
    moved = product.get_by_role("button", name=re.compile(rf"^{re.escape(MOVED)},")).first
    expect(moved).to_have_attribute("aria-label", re.compile(later(start_at, 2)))
    product.screenshot(path=shots / "first-five-minutes-4.png")

    # 5. Create a token on the Developer page.
    product.get_by_role("link", name="Developer").click()
    product.get_by_label("Token name").fill("my script")
    product.get_by_label("read and write").check()
    product.get_by_role("button", name="Create token").click()
    secret = product.locator("#new-token").inner_text()
    expect(
        product.get_by_role("heading", name="Your new token \u201cmy script\u201d")
    ).to_be_visible()
    assert_accessible(product)
    product.screenshot(path=shots / "first-five-minutes-5.png")

    # 6. Call the API with it: the page's own example, the token filled in.
    listed = json.loads(run_example(product, "Your primary calendar's events"))
    assert MOVED in [e["summary"] for e in listed["results"]]
    assert secret in product.locator(".example-title + pre code").first.inner_text()
    context.close()
