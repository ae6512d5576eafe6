"""Re-encrypt every stored token with the newest key in TOKEN_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from calendar_api.services.keys import tokens_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt every stored OAuth token with the first (newest) TOKEN_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        count = tokens_reencrypt()
        self.stdout.write(f"Re-encrypted the tokens of {count} account(s) with the newest key.")
