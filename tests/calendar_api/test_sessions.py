"""The demo project's session store (calendar_api/db/sessions.py): Django's database sessions
whose lookup is compiled once, reading a live session, and no expired or unknown one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from calendar_api.db import sessions

pytestmark = pytest.mark.django_db


def saved(data: dict[str, Any]) -> str:
    store = sessions.SessionStore()
    store.update(data)
    store.create()
    assert store.session_key is not None
    return store.session_key


def test_the_demo_project_uses_it() -> None:
    assert settings.SESSION_ENGINE == "calendar_api.db.sessions"


def test_a_live_session_reads_as_djangos_store_reads_it_in_one_query(
    django_assert_num_queries: Any,
) -> None:
    key = saved({"answer": 42})
    other = saved({"answer": 43})
    for name, value in ((key, 42), (other, 43), (key, 42)):  # built once, then run as built
        with django_assert_num_queries(1):
            assert sessions.SessionStore(name).load() == {"answer": value}
        assert DjangoStore(name).load() == {"answer": value}
    assert sessions.SESSIONS.local.kept[(), True].sql  # kept, not left to the ORM


@pytest.mark.parametrize("expired", [dt.timedelta(seconds=1), dt.timedelta(0)])
def test_an_expired_session_reads_as_none(expired: dt.timedelta) -> None:
    key = saved({"answer": 42})
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - expired)
    store = sessions.SessionStore(key)
    assert store.load() == {} == DjangoStore(key).load()
    assert store.session_key is None  # a new one is made if anything is saved


@pytest.mark.parametrize("key", ["nosuchsessionkey12345", "short", "", None])
def test_an_unknown_or_malformed_key_reads_as_no_session(key: str | None) -> None:
    saved({"answer": 42})
    store = sessions.SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None
