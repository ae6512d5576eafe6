"""OAuth's records: clients, accounts, authorization codes, refresh and access tokens, grants."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEMO_CLIENT_ID = "emulator-client-id.apps.googleusercontent.com"
DEMO_CLIENT_SECRET = "emulator-client-secret"  # noqa: S105 - a public demo value
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
MAX_REFRESH_TOKENS = 100  # per account and client, as Google does
CODE_TTL = 600
ACCESS_TOKEN_TTL = 3599


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: list[str] = field(default_factory=list)  # empty: any http(s) loopback URI

    def accepts(self, redirect_uri: str) -> bool:
        if self.redirect_uris:
            return redirect_uri in self.redirect_uris
        parts = urlsplit(redirect_uri)
        return parts.scheme in ("http", "https") and (parts.hostname or "") in LOOPBACK_HOSTS


@dataclass
class Account:
    sub: str
    email: str
    name: str
    given_name: str
    family_name: str
    locale: str = "en"
    picture: str = ""


@dataclass
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    email: str
    scopes: list[str]
    code_challenge: str
    code_challenge_method: str
    issue_refresh: bool
    nonce: str
    expires_at: float


@dataclass
class RefreshToken:
    token: str
    client_id: str
    email: str
    scopes: list[str]
    created_at: float


@dataclass
class AccessToken:
    token: str
    client_id: str
    email: str
    scopes: list[str]
    expires_at: float
    refresh_token: str = ""


@dataclass
class Grant:
    """What one account has granted one client (the union with include_granted_scopes)."""

    client_id: str
    email: str
    scopes: list[str]
    offline: bool = False


def new_token(prefix: str, nbytes: int = 48) -> str:
    return prefix + secrets.token_urlsafe(nbytes)
