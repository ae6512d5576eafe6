"""The analytics page in Chromium: reached from the navigation, charts drawn, accessible."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_ui import assert_accessible
from tests.support.browser import connect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_sees_where_their_time_goes(page: Page, site: str, tmp_path: Path) -> None:
    connect(page, site)
    page.get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where your time goes")
    for title in ("This week", "Last week", "The 4 weeks before this one"):
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_role("img", name="Hours per day, this week")).to_be_visible()
    assert page.locator("svg rect").count() > 0
    assert_accessible(page)
    page.screenshot(path=tmp_path / "analytics.png", full_page=True)  # for people to look at
    page.emulate_media(color_scheme="dark")
    assert_accessible(page)
    page.screenshot(path=tmp_path / "analytics-dark.png", full_page=True)
