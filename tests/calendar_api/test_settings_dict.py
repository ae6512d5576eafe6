"""GOOGLE_CALENDAR: one dict, read live, checked by system checks that name the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import checks
from django.test import override_settings

from calendar_api import checks as app_checks
from calendar_api.conf import KEYS, REQUIRED, app_settings


def messages(**google_calendar: Any) -> list[checks.CheckMessage]:
    with override_settings(GOOGLE_CALENDAR=google_calendar):
        return app_checks.check_settings()


KEYS_ONLY = {"TOKEN_ENCRYPTION_KEYS": ["a" * 43 + "="]}


def test_a_key_is_read_live_so_override_settings_works(settings: Any) -> None:
    assert settings.GOOGLE_CALENDAR["SCHEDULER_TICK"] == app_settings.SCHEDULER_TICK
    with override_settings(GOOGLE_CALENDAR={**settings.GOOGLE_CALENDAR, "SCHEDULER_TICK": 7}):
        assert app_settings.SCHEDULER_TICK == 7
    with override_settings(GOOGLE_CALENDAR=KEYS_ONLY):
        assert app_settings.SCHEDULER_TICK == KEYS["SCHEDULER_TICK"].default == 30


def test_the_demo_projects_dict_passes_every_check() -> None:
    assert app_checks.check_settings() == []


def test_a_missing_required_key_is_named() -> None:
    [error] = messages()
    assert error.id == "calendar_api.E011"
    assert "GOOGLE_CALENDAR['TOKEN_ENCRYPTION_KEYS'] is required" in error.msg
    assert [name for name, key in KEYS.items() if key.default is REQUIRED] == [
        "TOKEN_ENCRYPTION_KEYS"
    ]


def test_an_unknown_key_is_named_with_the_closest_known_one() -> None:
    [error] = messages(**KEYS_ONLY, SCHEDULER_TICKS=5)
    assert error.id == "calendar_api.E013"
    assert "GOOGLE_CALENDAR['SCHEDULER_TICKS'] is not a setting" in error.msg
    assert error.hint == "Did you mean 'SCHEDULER_TICK'?"


@pytest.mark.parametrize(
    ("name", "value", "wanted"),
    [
        ("SCHEDULER_TICK", "30", "must be int, not str"),
        ("PUSH_NOTIFICATIONS", "false", "must be bool, not str"),
        ("SCHEDULER_TICK", True, "must be int, not bool"),  # a bool is an int to isinstance
        ("TOKEN_ENCRYPTION_KEYS", "one-key", "must be list or tuple of str, not str"),
        ("WEBHOOKS_RETRY_SCHEDULE", [5, "300"], "must be list or tuple of int or float, not list"),
    ],
)
def test_a_value_of_the_wrong_type_is_named(name: str, value: Any, wanted: str) -> None:
    found = messages(**{**KEYS_ONLY, name: value})
    assert [m.id for m in found] == ["calendar_api.E014"]
    assert found[0].msg == f"GOOGLE_CALENDAR[{name!r}] {wanted}."


def test_a_setting_not_a_dict_is_refused() -> None:
    with override_settings(GOOGLE_CALENDAR=["TOKEN_ENCRYPTION_KEYS"]):
        [error] = app_checks.check_settings()
    assert error.id == "calendar_api.E010" and "must be a dict" in error.msg


def test_a_flat_setting_of_0_1_is_named_with_its_new_key() -> None:
    with override_settings(GOOGLE_CALENDAR=KEYS_ONLY, CALENDAR_POLL_INTERVAL=60):
        [warning] = app_checks.check_settings()
    assert warning.id == "calendar_api.W001"
    assert warning.msg == (
        "CALENDAR_POLL_INTERVAL is no longer read: the app reads GOOGLE_CALENDAR['POLL_INTERVAL']."
    )


def test_the_emulator_url_falls_back_to_the_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("GOOGLE_EMULATOR_URL", "http://127.0.0.1:9999/")
    with override_settings(GOOGLE_CALENDAR=KEYS_ONLY):
        assert app_settings.emulator_url == "http://127.0.0.1:9999"
    with override_settings(GOOGLE_CALENDAR={**KEYS_ONLY, "EMULATOR_URL": ""}):
        assert app_settings.emulator_url == ""  # the host's explicit choice wins: real Google


def test_the_settings_reference_lists_every_key_with_its_default() -> None:
    reference = (Path(__file__).parents[2] / "docs" / "settings.md").read_text()
    for name, key in KEYS.items():
        default = "required" if key.default is REQUIRED else f"`{key.default!r}`"
        if key.default is None or not isinstance(key.default, (str, int, float, list)):
            default = ""
        assert f"| `{name}` | {default}" in reference, name
