"""Key rotation for the tokens encrypted at rest."""

from __future__ import annotations

from django.db import transaction

from calendar_api import crypto
from calendar_api.models import GoogleAccount, WebhookEndpoint


def tokens_reencrypt() -> int:
    """Encrypt every row's tokens (and the webhook signing secrets) with the newest key. Fails
    (and changes nothing) if any row cannot be decrypted with the configured keys."""
    count = 0
    with transaction.atomic():
        for account in GoogleAccount.objects.select_for_update().order_by("pk"):
            for field in ("access_token_encrypted", "refresh_token_encrypted"):
                value = getattr(account, field)
                if value:
                    setattr(account, field, crypto.reencrypt(value))
            account.save(update_fields=["access_token_encrypted", "refresh_token_encrypted"])
            count += 1
        _webhook_secrets_reencrypt()
    return count


def _webhook_secrets_reencrypt() -> None:
    """The webhook endpoints' signing secrets are encrypted with the same keys."""
    for endpoint in WebhookEndpoint.objects.select_for_update().order_by("pk"):
        endpoint.secret_encrypted = crypto.reencrypt(endpoint.secret_encrypted)
        if endpoint.previous_secret_encrypted:
            endpoint.previous_secret_encrypted = crypto.reencrypt(
                endpoint.previous_secret_encrypted
            )
        endpoint.save(update_fields=["secret_encrypted", "previous_secret_encrypted"])
