"""The browser's clock and time zone agree with the test process's, pinned (TEST_NOW) or not:
what the other browser tests assume when they compare the page with the server's date."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page

from tests.support import clock


def test_the_page_lives_at_the_test_processs_now_in_the_chosen_zone(page: Page) -> None:
    page.set_content("<p>clock</p>")
    seen = page.evaluate(
        """async () => {
            const first = Date.now();
            await new Promise((done) => setTimeout(done, 300));  // timers still fire
            return {
                first,
                later: Date.now(),
                zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
            };
        }"""
    )
    now = dt.datetime.now(dt.UTC).timestamp() * 1000
    assert abs(seen["first"] - now) < 60_000
    assert 250 <= seen["later"] - seen["first"] < 30_000  # it ticks, in real time
    assert seen["zone"] == clock.browser_zone()
