"""The analytics page: server-rendered figures and SVG charts under the strict CSP."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_shows_three_periods_with_charts(alice: Any, visitor: Client) -> None:
    response = visitor.get("/analytics/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    page = response.content.decode()
    for title in ("This week", "Last week", "The 4 weeks before this one"):
        assert title in page
    assert page.count('role="img"') >= 3
    assert "<rect" in page and "bar-meeting" in page
    assert " style=" not in page  # the charts' colours come from the stylesheet's classes
    # No script of its own: the one script is the site's menu (a file, under the CSP).
    scripts = re.findall(r"<script[^>]*>", page)
    assert len(scripts) == 1 and re.fullmatch(r'<script src="[^"]*/menu\.js" defer>', scripts[0])
    assert re.search(r'<a href="/analytics/" aria-current="page">Analytics</a>', page)


def test_the_agenda_links_to_it(alice: Any, visitor: Client) -> None:
    assert 'href="/analytics/"' in visitor.get("/").content.decode()


def test_signed_out_people_are_sent_to_the_landing_page(client: Client) -> None:
    response = client.get("/analytics/")
    assert response.status_code == 302
    assert response["Location"].startswith("/?next=")
