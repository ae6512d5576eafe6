"""GOOGLE_CALENDAR['ADAPTER']: the host decides who may connect, which calendars start synced
and where a person goes after connecting."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from calendar_api.adapter import CalendarAdapter, get_adapter
from calendar_api.models import Calendar, GoogleAccount
from tests.calendar_api.conftest import INIT

CALENDARS = "/rest/v1/calendars/"


class OnlyExampleOrg(CalendarAdapter):
    def may_connect(self, user: Any, email: str | None) -> bool:
        return email is None or email.endswith("@example.org")


class NobodySignedOut(CalendarAdapter):
    def may_connect(self, user: Any, email: str | None) -> bool:
        return bool(user.is_authenticated)


class EverythingSynced(CalendarAdapter):
    def sync_by_default(self, account: Any, entry: dict[str, Any]) -> bool:
        return True

    def after_connect_url(self, request: Any, account: Any, next_url: str) -> str:
        return f"/welcome/?account={account.email}"


def named(adapter: type) -> str:
    return f"{__name__}.{adapter.__name__}"


def test_the_default_adapter_lets_anyone_connect_and_syncs_the_primary() -> None:
    adapter = get_adapter()
    assert type(adapter) is CalendarAdapter
    assert adapter.may_connect(None, "anyone@example.com")
    assert adapter.sync_by_default(None, {"id": "a", "primary": True})
    assert not adapter.sync_by_default(None, {"id": "team@group.calendar.google.com"})


@pytest.mark.django_db
def test_a_google_account_the_adapter_refuses_is_not_stored(
    connect: Any, google_settings: Any, calendar_settings: Any
) -> None:
    google_settings.add_account("bob@example.org")
    calendar_settings.ADAPTER = named(OnlyExampleOrg)
    refused = connect("alice@example.com")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "connect_not_allowed"
    assert not GoogleAccount.objects.exists()
    assert not get_user_model().objects.exists()
    assert connect("bob@example.org").status_code == 200
    assert GoogleAccount.objects.get().email == "bob@example.org"


@pytest.mark.django_db
def test_the_adapter_can_refuse_before_going_to_google(google: Any, calendar_settings: Any) -> None:
    calendar_settings.ADAPTER = named(NobodySignedOut)
    response = Client(HTTP_HOST="127.0.0.1:8000").get(INIT)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "connect_not_allowed"


@pytest.mark.django_db
def test_the_adapter_chooses_the_calendars_that_start_synced_and_where_to_go(
    google_settings: Any, google_connect: Any, calendar_settings: Any
) -> None:
    google_settings.service("alice@example.com").calendars().insert(
        body={"summary": "Team"}
    ).execute()
    calendar_settings.ADAPTER = named(EverythingSynced)
    response = google_connect("alice@example.com", next="/calendar/")
    assert response.status_code == 303
    assert response["Location"] == "/welcome/?account=alice@example.com"
    calendars = Calendar.objects.filter(account__email="alice@example.com")
    assert calendars.count() >= 2
    assert all(calendar.sync_enabled for calendar in calendars)


def test_an_adapter_that_is_not_one_is_refused(calendar_settings: Any) -> None:
    calendar_settings.ADAPTER = "collections.OrderedDict"
    with pytest.raises(TypeError, match="is not a CalendarAdapter"):
        get_adapter()
