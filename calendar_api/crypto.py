"""Encryption of OAuth tokens at rest, with keys from settings (never derived from SECRET_KEY).

TOKEN_ENCRYPTION_KEYS is a list of Fernet keys, newest first: new values are encrypted with the
first, any of them decrypts, so keys rotate by prepending a new one and running
`manage.py rotate_token_keys`. A value that no key decrypts raises; it is never handed back.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from calendar_api.conf import app_settings


class TokenDecryptionError(Exception):
    """No configured key decrypts this value (wrong keys, or tampered data)."""


def _fernet() -> MultiFernet:
    keys = app_settings.TOKEN_ENCRYPTION_KEYS
    if not keys:
        raise TokenDecryptionError("TOKEN_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise TokenDecryptionError("A stored token could not be decrypted.") from exc


def reencrypt(ciphertext: str) -> str:
    """The same plaintext, encrypted with the newest key."""
    try:
        return _fernet().rotate(ciphertext.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise TokenDecryptionError("A stored token could not be decrypted.") from exc


def generate_key() -> str:
    return Fernet.generate_key().decode()
