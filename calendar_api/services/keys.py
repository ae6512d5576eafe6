"""Key rotation for the tokens encrypted at rest."""

from __future__ import annotations

from django.db import transaction

from calendar_api import crypto
from calendar_api.models import GoogleAccount


def tokens_reencrypt() -> int:
    """Encrypt every row's tokens with the newest key. Fails (and changes nothing) if any row
    cannot be decrypted with the configured keys."""
    count = 0
    with transaction.atomic():
        for account in GoogleAccount.objects.select_for_update().order_by("pk"):
            for field in ("access_token_encrypted", "refresh_token_encrypted"):
                value = getattr(account, field)
                if value:
                    setattr(account, field, crypto.reencrypt(value))
            account.save(update_fields=["access_token_encrypted", "refresh_token_encrypted"])
            count += 1
    return count
