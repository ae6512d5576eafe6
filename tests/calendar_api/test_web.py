"""The web pages through Django's test client: who sees what, and what the buttons may do."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from calendar_api.models import GoogleAccount
from tests.calendar_api.conftest import INIT, consent, path_of

pytestmark = pytest.mark.django_db


def test_anonymous_people_get_the_landing_page_with_a_strict_policy() -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert b"Connect Google Calendar" in response.content
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy


def test_a_signed_in_person_gets_the_calendar_page(alice: Any, visitor: Client) -> None:
    response = visitor.get("/")
    page = response.content.decode()
    assert "alice@example.com" in page and 'id="calendar"' in page
    assert "calendar_api/build/calendar.js" in page
    assert "ya29." not in page and "1//" not in page
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}" data-fullcalendar>' in page
    assert nonce not in visitor.get("/").content.decode()  # a fresh nonce for every response


def test_the_buttons_need_a_csrf_token(alice: Any, visitor: Client) -> None:
    strict = Client(HTTP_HOST="127.0.0.1:8000", enforce_csrf_checks=True)
    strict.cookies = visitor.cookies
    assert strict.post(f"/accounts/{alice.pk}/disconnect/").status_code == 403
    assert GoogleAccount.objects.filter(pk=alice.pk).exists()


def test_another_persons_account_cannot_be_touched(alice: Any, google: Any) -> None:
    bob = Client(HTTP_HOST="127.0.0.1:8000")
    init = bob.get(INIT, {"login_hint": "bob@example.com"})
    assert bob.get(path_of(consent(init["Location"]))).status_code == 200
    assert bob.post(f"/accounts/{alice.pk}/disconnect/").status_code == 404
    assert bob.post(f"/accounts/{alice.pk}/sync/").status_code == 404
    assert "alice@example.com" not in bob.get("/").content.decode()
    assert GoogleAccount.objects.filter(pk=alice.pk).exists()


def test_the_buttons_need_a_signed_in_person() -> None:
    response = Client().post("/accounts/1/sync/")
    assert response.status_code == 302 and response["Location"].startswith("/?next=")


def test_a_reconnect_banner_shows_when_google_refused_the_grant(
    alice: Any, visitor: Client
) -> None:
    GoogleAccount.objects.filter(pk=alice.pk).update(status="reconnect_required")
    page = visitor.get("/").content.decode()
    assert "no longer accepts the connection of alice@example.com" in page
    assert "login_hint=alice%40example.com" in page


def test_a_person_chooses_which_calendars_are_synced(
    alice: Any, visitor: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    work = alice.calendars.get(primary=False)
    assert not work.sync_enabled
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(f"/calendars/{work.pk}/sync/", follow=True)
    assert "Work is synced from now on" in response.content.decode()
    work.refresh_from_db()
    assert work.sync_enabled
    assert DBTaskResult.objects.filter(args_kwargs__args=[work.pk, 0, "interactive"]).exists()
    visitor.post(f"/calendars/{work.pk}/sync/")
    work.refresh_from_db()
    assert not work.sync_enabled


def test_another_persons_calendar_cannot_be_toggled(alice: Any, google: Any) -> None:
    bob = Client(HTTP_HOST="127.0.0.1:8000")
    init = bob.get(INIT, {"login_hint": "bob@example.com"})
    assert bob.get(path_of(consent(init["Location"]))).status_code == 200
    work = alice.calendars.get(primary=False)
    assert bob.post(f"/calendars/{work.pk}/sync/").status_code == 404
    work.refresh_from_db()
    assert not work.sync_enabled
