"""Token encryption, the system checks, safe `next`, and log redaction."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from calendar_api import crypto
from calendar_api.checks import check_google, check_keys
from calendar_api.conf import DEV_TOKEN_KEY
from calendar_api.operations.redaction import RedactOAuthParams
from calendar_api.views.oauth import safe_next


def test_tokens_round_trip_and_rotate(calendar_settings: Any) -> None:
    old, new = crypto.generate_key(), crypto.generate_key()
    calendar_settings.TOKEN_ENCRYPTION_KEYS = [old]
    sealed = crypto.encrypt("1//secret")
    assert "1//secret" not in sealed
    calendar_settings.TOKEN_ENCRYPTION_KEYS = [new, old]
    assert crypto.decrypt(sealed) == "1//secret"
    rotated = crypto.reencrypt(sealed)
    calendar_settings.TOKEN_ENCRYPTION_KEYS = [new]
    assert crypto.decrypt(rotated) == "1//secret"
    with pytest.raises(crypto.TokenDecryptionError):
        crypto.decrypt(sealed)  # only the old key could read it


def test_decryption_fails_closed_on_tampered_data(settings: Any) -> None:
    sealed = crypto.encrypt("ya29.token")
    with pytest.raises(crypto.TokenDecryptionError):
        crypto.decrypt(sealed[:-4] + "AAAA")


@pytest.mark.parametrize("value", ["/", "/calendar/?week=2", "/a/b#c"])
def test_safe_next_keeps_local_paths(value: str) -> None:
    assert safe_next(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "//evil.com",
        "/\\evil.com",
        "https:evil.com",
        "javascript:alert(1)",
        "http://evil.com/",
        "evil",
        "",
        None,
        "/\t/evil.com",
    ],
)
def test_safe_next_refuses_everything_else(value: str | None) -> None:
    assert safe_next(value) == ""


def test_the_check_fails_without_emulator_or_client_file(calendar_settings: Any) -> None:
    calendar_settings.EMULATOR_URL = ""
    calendar_settings.CLIENT_SECRETS_FILE = ""
    [error] = check_google()
    assert error.id == "calendar_api.E001"


def test_the_check_refuses_plain_http_to_a_remote_emulator(calendar_settings: Any) -> None:
    calendar_settings.EMULATOR_URL = "http://10.0.0.5:8765"
    [error] = check_google()
    assert "loopback" in error.msg


def test_the_check_accepts_a_real_client_file(calendar_settings: Any, tmp_path: Path) -> None:
    secrets = tmp_path / "client_secret.json"
    secrets.write_text(
        json.dumps({"web": {"client_id": "x.apps.googleusercontent.com", "client_secret": "s"}})
    )
    calendar_settings.EMULATOR_URL = ""
    calendar_settings.CLIENT_SECRETS_FILE = str(secrets)
    calendar_settings.REDIRECT_URI = "https://calendar.example.com/rest/v1/calendar/redirect/"
    assert check_google() == []
    calendar_settings.REDIRECT_URI = "http://calendar.example.com/rest/v1/calendar/redirect/"
    assert [e.id for e in check_google()] == ["calendar_api.E003"]


def test_the_check_refuses_bad_or_development_keys(settings: Any, calendar_settings: Any) -> None:
    calendar_settings.TOKEN_ENCRYPTION_KEYS = ["not-a-key"]
    assert "calendar_api.E004" in [e.id for e in check_keys()]
    calendar_settings.TOKEN_ENCRYPTION_KEYS = [DEV_TOKEN_KEY]
    settings.DEBUG = False
    assert "calendar_api.E006" in [e.id for e in check_keys()]


def test_log_lines_never_carry_codes_or_tokens() -> None:
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s',
        ("GET /rest/v1/calendar/redirect/?state=abc&code=4/0Axyz HTTP/1.1", 200),
        None,
    )
    RedactOAuthParams().filter(record)
    line = record.getMessage()
    assert "4/0Axyz" not in line and "abc" not in line
    assert "code=[redacted]" in line


def test_log_lines_keep_values_that_are_not_query_parameters() -> None:
    record = logging.LogRecord(
        "django_tasks",
        logging.INFO,
        __file__,
        1,
        "Task id=1 path=calendar_api.tasks.sync_calendar state=READY",
        (),
        None,
    )
    RedactOAuthParams().filter(record)
    assert record.getMessage().endswith("state=READY")
