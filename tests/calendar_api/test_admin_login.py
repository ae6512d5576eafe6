"""The admin's password sign-in stops answering after too many failures (pentest issue 19)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

LOGIN = "/admin/login/"
PASSWORD = "not-a-real-password-1"


@pytest.fixture
def admin_user(db: None) -> User:
    return User.objects.create_superuser("ops", "ops@example.com", PASSWORD)


def attempt(client: Client, password: str, username: str = "ops", address: str = "") -> Any:
    extra: dict[str, Any] = {"REMOTE_ADDR": address} if address else {}
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_thirty_wrong_passwords_end_in_429s_with_retry_after(admin_user: User) -> None:
    codes = [attempt(Client(), f"wrong-{n}").status_code for n in range(30)]

    assert codes[:5] == [200] * 5 and codes[5:] == [429] * 25
    blocked = attempt(Client(), PASSWORD)
    assert blocked.status_code == 429 and blocked["Content-Type"].startswith("text/plain")
    assert 0 < int(blocked["Retry-After"]) <= 900
    assert b"Too many failed sign-ins" in blocked.content


def test_the_right_password_below_the_limit_signs_in(admin_user: User) -> None:
    for n in range(4):
        assert attempt(Client(), f"wrong-{n}").status_code == 200

    signed_in = attempt(Client(), PASSWORD)

    assert signed_in.status_code == 302
    # The success cleared the username's count: four more mistakes are still allowed.
    assert [attempt(Client(), "wrong").status_code for _ in range(4)] == [200] * 4


def test_one_address_trying_many_usernames_is_stopped_after_twenty(admin_user: User) -> None:
    codes = [attempt(Client(), "x", f"user{n}", "203.0.113.9").status_code for n in range(25)]

    assert codes[:20] == [200] * 20 and codes[20:] == [429] * 5
    # Another address still reaches the form, and the admin signs in from it.
    assert attempt(Client(), PASSWORD, address="198.51.100.1").status_code == 302


def test_the_limits_are_settings(admin_user: User, settings: Any) -> None:
    settings.ADMIN_LOGIN_FAILURES_PER_USERNAME = 2

    codes = [attempt(Client(), "wrong").status_code for _ in range(3)]

    assert codes == [200, 200, 429]
