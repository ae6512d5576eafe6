"""Prepared queries (calendar_api/db/prepared.py): the calendar lookup of every API request gives
what the ORM gives for every shape it takes, builds its SQL once, and takes a value with LIKE's
special characters literally."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404
from rest_framework.exceptions import AuthenticationFailed

from calendar_api.db.prepared import Prepared
from calendar_api.models import Calendar, GoogleAccount
from calendar_api.reads import owned as selectors

pytestmark = pytest.mark.django_db


def account(user: Any, email: str, connected: int) -> GoogleAccount:
    found = GoogleAccount(user=user, sub=email, email=email, scopes=[])
    found.save()
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=connected)
    GoogleAccount.objects.filter(pk=found.pk).update(connected_at=when)
    return found


@pytest.fixture
def calendars() -> dict[str, Any]:
    user = get_user_model().objects.create(username="prepared")
    other = get_user_model().objects.create(username="someone-else")
    later = account(user, "axb@example.com", connected=2)
    first = account(user, "first@example.com", connected=1)
    theirs = account(other, "their@example.com", connected=0)
    made = {
        "first primary": Calendar.objects.create(account=first, google_id="p1", primary=True),
        "later primary": Calendar.objects.create(account=later, google_id="p2", primary=True),
        "shared in first": Calendar.objects.create(account=first, google_id="team"),
        "shared in later": Calendar.objects.create(account=later, google_id="team"),
        "theirs": Calendar.objects.create(account=theirs, google_id="p3", primary=True),
    }
    return {"user": user, **made}


def orm(user: Any, calendar_id: str, account: str | None = None) -> Calendar | None:
    """What calendar_of answered through the ORM alone."""
    shape = (calendar_id == "primary", bool(account))
    named = [] if calendar_id == "primary" else [calendar_id]
    return selectors._calendar_of(shape, user.pk, *named, *([account] if account else [])).first()


ASKED = [
    ("primary", None, "first primary"),
    ("primary", "axb@example.com", "later primary"),
    ("primary", "AXB@EXAMPLE.COM", "later primary"),
    ("team", None, "shared in first"),
    ("team", "axb@example.com", "shared in later"),
    ("p2", None, "later primary"),
    ("p3", None, None),  # another user's
    ("primary", "their@example.com", None),
    ("primary", "a_b@example.com", None),  # `_` is a letter here, not LIKE's any-character
    ("primary", "a%@example.com", None),
    ("nope", None, None),
]


@pytest.mark.parametrize(("calendar_id", "by_account", "expected"), ASKED)
def test_the_calendar_lookup_answers_as_the_orm_does(
    calendars: dict[str, Any], calendar_id: str, by_account: str | None, expected: str | None
) -> None:
    user = calendars["user"]
    for _ in range(2):  # the first call builds the SQL, the second runs it as built
        if expected is None:
            with pytest.raises(Http404):
                selectors.calendar_of(user=user, calendar_id=calendar_id, account=by_account)
            assert orm(user, calendar_id, by_account) is None
            continue
        found = selectors.calendar_of(user=user, calendar_id=calendar_id, account=by_account)
        assert found.pk == calendars[expected].pk
        same = orm(user, calendar_id, by_account)
        assert same is not None
        assert [getattr(found, f.attname) for f in Calendar._meta.concrete_fields] == [
            getattr(same, f.attname) for f in Calendar._meta.concrete_fields
        ]


def test_the_sql_is_built_once_per_shape(calendars: dict[str, Any]) -> None:
    built: list[tuple[Any, ...]] = []

    def build(shape: Any, *values: Any) -> Any:
        built.append((shape, *values))
        return selectors._calendar_of(shape, *values)

    prepared = Prepared(build)
    user = calendars["user"]
    for calendar_id in ("team", "p2", "p1", "team"):
        found = prepared.first([user.pk, calendar_id], shape=(False, False))
        assert found is not None and found.google_id == calendar_id
    assert prepared.first([user.pk], shape=(True, False)) == calendars["first primary"]
    assert len(built) == 2  # once for each shape, from stand-ins
    assert prepared.local.kept[(False, False), True].sql  # kept, not left to the ORM
    assert all(value != user.pk for call in built for value in call[1:])


def test_a_lookup_that_changes_its_value_runs_through_the_orm(calendars: dict[str, Any]) -> None:
    """`contains` wraps the value in `%`: nothing is kept, and every call asks the ORM."""
    prepared = Prepared(
        lambda shape, user_id, part: Calendar.objects.filter(
            account__user_id=user_id, google_id__contains=part
        )
    )
    user = calendars["user"]
    assert prepared.first([user.pk, "eam"]) is not None
    assert prepared.first([user.pk, "_"]) is None
    assert prepared.local.kept[(), True].sql == ""


def test_the_token_check_reads_the_token_its_user_and_details_in_one_query(
    calendars: dict[str, Any], django_assert_num_queries: Any
) -> None:
    from calendar_api.services.api_tokens import api_token_create
    from calendar_api.viewkit.auth import ApiTokenAuthentication

    user = calendars["user"]
    secret = api_token_create(user=user, name="prepared", scope="read").secret
    check = ApiTokenAuthentication()
    check.authenticate_credentials(secret.encode())  # the first use is recorded: a write
    for _ in range(2):
        with django_assert_num_queries(1):
            found, token = check.authenticate_credentials(secret.encode())
            assert found == user and token.user.username == "prepared"
            assert token.details.name == "prepared" and token.details.scope == "read"
    with pytest.raises(AuthenticationFailed):
        check.authenticate_credentials(secret[:-2].encode() + b"xx")


def test_a_stand_in_that_decides_the_answer_runs_through_the_orm(
    calendars: dict[str, Any],
) -> None:
    """A positive-only column refuses a negative stand-in before any SQL is built (Django
    answers such a lookup as empty): that shape is not kept, and the ORM answers."""
    Calendar.objects.filter(google_id="p2").update(sync_failures=3)
    prepared = Prepared(lambda shape, failures: Calendar.objects.filter(sync_failures=failures))
    for _ in range(2):
        found = prepared.first([3])
        assert found is not None and found.google_id == "p2"
    assert prepared.local.kept[(), True].sql == ""


def test_the_pages_calendars_are_the_orms_with_their_accounts_in_one_query(
    calendars: dict[str, Any], django_assert_num_queries: Any
) -> None:
    user = calendars["user"]
    Calendar.objects.update(sync_enabled=True)
    Calendar.objects.filter(pk=calendars["shared in later"].pk).update(sync_enabled=False)
    for active, ids in ((True, ["p2", "p1", "team"]), (False, ["p2"])):
        status = "active" if active else "reconnect_required"
        GoogleAccount.objects.filter(email="first@example.com").update(status=status)
        expected = list(selectors._shown((), user.pk))
        assert [c.google_id for c in expected] == ids  # by account, primary first; hers, synced
        for _ in range(2):  # the first call builds the SQL, the second runs it as built
            with django_assert_num_queries(1):
                found = selectors.shown_calendars_of(user=user)
                assert [c.account.pk for c in found] == [c.account_id for c in expected]
            assert [c.pk for c in found] == [c.pk for c in expected]
    assert selectors.SHOWN.local.kept[(), False].sql  # kept, not left to the ORM
