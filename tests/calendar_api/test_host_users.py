"""The host's users: connecting links the Google account to whoever is signed in; creating and
signing in users from the Google identity is the setting GOOGLE_CALENDAR_CREATE_USERS (off for
a host, on in the demo project)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import connection, models
from django.test import Client

from calendar_api.models import GoogleAccount
from calendar_api.services.accounts import user_create, users_from_google
from tests.calendar_api.conftest import INIT, back_from_google


class EmailUserManager(BaseUserManager["EmailUser"]):
    def create_user(self, email: str, password: str | None = None) -> EmailUser:
        user = self.model(email=self.normalize_email(email))
        user.set_password(password)
        user.save(using=self._db)
        return user


class EmailUser(AbstractBaseUser):
    """A host's user model signing in by e-mail address: no `username`, a `create_user` that
    takes the address. Under an app label that is not installed, so no migration sees it; its
    table is made by the tests that use it."""

    email = models.EmailField(unique=True)
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    objects: ClassVar[EmailUserManager] = EmailUserManager()

    class Meta:
        app_label = "host_users"


class HandleUser(AbstractBaseUser):
    """Another: a `handle` to sign in with, an `email` beside it, no `create_user`."""

    handle = models.CharField(max_length=320, unique=True)
    email = models.EmailField(blank=True)
    USERNAME_FIELD = "handle"
    EMAIL_FIELD = "email"

    class Meta:
        app_label = "host_users"


@pytest.fixture
def host_user_tables(transactional_db: Any) -> Iterator[None]:
    with connection.schema_editor() as editor:
        editor.create_model(EmailUser)
        editor.create_model(HandleUser)
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(EmailUser)
        editor.delete_model(HandleUser)


@pytest.fixture
def as_host(calendar_settings: Any) -> None:
    calendar_settings.CREATE_USERS = False


@pytest.mark.django_db
def test_connecting_while_signed_in_links_the_account_to_that_user(
    connect: Any, visitor: Client, as_host: None
) -> None:
    person = get_user_model().objects.create_user(username="host-person", email="p@host.test")
    visitor.force_login(person)
    response = connect()
    assert response.status_code == 200, response.content
    assert GoogleAccount.objects.get().user == person
    assert get_user_model().objects.count() == 1
    assert visitor.session["_auth_user_id"] == str(person.pk)


@pytest.mark.django_db
def test_with_the_setting_off_and_nobody_signed_in_nothing_is_created(
    connect: Any, visitor: Client, as_host: None
) -> None:
    response = connect()
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "sign_in_required"
    assert not get_user_model().objects.exists()
    assert not GoogleAccount.objects.exists()
    assert "_auth_user_id" not in visitor.session


@pytest.mark.django_db
def test_a_browser_signed_out_gets_a_page_saying_to_sign_in_first(
    google: Any, as_host: None
) -> None:
    browser = Client(HTTP_HOST="127.0.0.1:8000", HTTP_ACCEPT="text/html,*/*;q=0.8")
    init = browser.get(INIT, {"login_hint": "alice@example.com"})
    response = back_from_google(browser, init["Location"])
    assert response.status_code == 401
    assert "Please sign in first" in response.content.decode()
    assert not GoogleAccount.objects.exists()


def test_a_host_does_not_create_users_unless_it_says_so(calendar_settings: Any) -> None:
    del calendar_settings.CREATE_USERS
    assert users_from_google() is False
    calendar_settings.CREATE_USERS = True
    assert users_from_google() is True


def test_it_creates_a_user_of_a_model_whose_login_is_the_email_address(
    host_user_tables: None,
) -> None:
    user = user_create(email="alice@example.com", user_model=EmailUser)
    assert isinstance(user, EmailUser)
    assert user.email == "alice@example.com"
    assert not user.has_usable_password()
    again = user_create(email="alice@example.com", user_model=EmailUser)
    assert again.get_username() == "alice@example.com+2"
    assert EmailUser.objects.count() == 2


def test_it_creates_a_user_without_create_user_filling_the_login_and_email_fields(
    host_user_tables: None,
) -> None:
    user = user_create(email="bob@example.com", user_model=HandleUser)
    assert isinstance(user, HandleUser)
    assert (user.handle, user.email) == ("bob@example.com", "bob@example.com")
    assert not user.has_usable_password()
    assert HandleUser._default_manager.filter(pk=user.pk).exists()


@pytest.mark.django_db
def test_it_creates_a_user_of_the_hosts_model_by_default() -> None:
    user = user_create(email="carol@example.com")
    assert isinstance(user, get_user_model())
    assert user.get_username() == "carol@example.com"
    assert not user.has_usable_password()
