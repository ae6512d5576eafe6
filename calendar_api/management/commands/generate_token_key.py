"""Print a new Fernet key for TOKEN_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from calendar_api.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new key for TOKEN_ENCRYPTION_KEYS (put it first to rotate)."
    requires_system_checks: list[str] = []  # it must work before the keys are configured

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(generate_key())
