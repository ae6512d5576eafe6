"""The app mounted by a host: under a prefix of its choosing, without the demo's site-wide error
handlers, with a base template of the host's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.urls("tests.calendar_api.host_urls"), pytest.mark.django_db]


def test_every_part_reverses_under_the_hosts_prefix() -> None:
    assert reverse("calendar_pages:home") == "/calendar/"
    assert reverse("calendar_operations:healthz") == "/calendar/healthz"
    assert reverse("calendar_oauth:redirect") == "/calendar/rest/v1/calendar/redirect/"
    assert reverse("calendar_push:notifications") == "/calendar/rest/v1/calendar/notifications/"
    assert reverse("calendar_feeds:ics", kwargs={"secret": "s"}) == (
        "/calendar/rest/v1/feeds/ics/s.ics"
    )
    assert reverse("calendar_api:calendar-list") == "/calendar/rest/v1/calendars/"


def test_the_pages_link_under_the_prefix(client: Client) -> None:
    body = client.get("/calendar/").content.decode()
    assert 'href="/calendar/rest/v1/calendar/init/?next=/calendar/"' in body
    assert 'href="/calendar/rest/v1/docs/"' in body


def test_a_bad_url_under_the_api_answers_the_apis_json_404(client: Client) -> None:
    response = client.post("/calendar/rest/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "status": 404}
    }


def test_a_bad_url_elsewhere_is_the_hosts_to_answer(client: Client) -> None:
    response = client.get("/calendar/nothing-here/", HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")  # Django's own page


def test_the_pages_extend_the_base_template_the_host_names(
    client: Client, settings: Any, calendar_settings: Any, tmp_path: Path
) -> None:
    (tmp_path / "host_base.html").write_text(
        "<p>the host's frame</p>{% block content %}{% endblock %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    calendar_settings.BASE_TEMPLATE = "host_base.html"
    body = client.get("/calendar/").content.decode()
    assert "<p>the host's frame</p>" in body
    assert "Connect Google Calendar" in body
