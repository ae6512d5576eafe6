"""OAuth 2.0 with Google: authorization URL (state + PKCE S256), code exchange, refresh, revoke.

Built on google-auth-oauthlib's `Flow` for the authorization-code flow and google-auth for
refresh and id_token verification.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from google.auth import exceptions as auth_exceptions
from google.auth.transport.requests import Request as AuthRequest
from google.oauth2 import credentials as oauth2_credentials
from google.oauth2 import id_token as google_id_token
from google_auth_oauthlib.flow import Flow
from jwt.exceptions import PyJWTError
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from calendar_api.google import certs
from calendar_api.google.config import GOOGLE_ISSUERS, GoogleConfig, load_config
from calendar_api.google.errors import (
    GoogleBadResponse,
    GoogleUnavailable,
    InvalidGrant,
    ReauthRequired,
)
from calendar_api.metrics import google_request_count

OPENID_SCOPES = ("openid", "https://www.googleapis.com/auth/userinfo.email")
SCOPE_ALIASES = {
    "email": "https://www.googleapis.com/auth/userinfo.email",
    "profile": "https://www.googleapis.com/auth/userinfo.profile",
}


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    code_verifier: str


@dataclass(frozen=True)
class Identity:
    sub: str
    email: str


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    refresh_token: str | None  # Google sends one only on first offline consent
    expires_at: dt.datetime
    scopes: frozenset[str]
    identity: Identity | None


def normalise_scopes(scopes: Any) -> frozenset[str]:
    items = scopes.split() if isinstance(scopes, str) else list(scopes or [])
    return frozenset(SCOPE_ALIASES.get(s, s) for s in items)


# oauthlib reads two switches from os.environ. We turn them on only while one of our calls runs:
# RELAX_TOKEN_SCOPE because Google legitimately answers with other scopes than asked
# (include_granted_scopes, granular consent; we check the granted ones ourselves), and
# INSECURE_TRANSPORT only when the endpoints are the loopback emulator, never for real Google.
_env_lock = threading.Lock()
_env_users = 0


@contextmanager
def _oauthlib_switches(config: GoogleConfig) -> Iterator[None]:
    global _env_users
    names = ["OAUTHLIB_RELAX_TOKEN_SCOPE"] + (
        ["OAUTHLIB_INSECURE_TRANSPORT"] if config.emulator else []
    )
    with _env_lock:
        _env_users += 1
        for name in names:
            os.environ[name] = "1"
    try:
        yield
    finally:
        with _env_lock:
            _env_users -= 1
            if _env_users == 0:
                for name in ("OAUTHLIB_RELAX_TOKEN_SCOPE", "OAUTHLIB_INSECURE_TRANSPORT"):
                    os.environ.pop(name, None)


def _flow(config: GoogleConfig, scopes: list[str], code_verifier: str | None = None) -> Flow:
    flow = Flow.from_client_config(
        config.client_config(),
        scopes=scopes,
        redirect_uri=config.redirect_uri,
        code_verifier=code_verifier,
    )
    flow.oauth2session.register_compliance_hook("access_token_response", _check_token_response)
    return flow


def _check_token_response(response: requests.Response) -> requests.Response:
    google_request_count("oauth.token", response.status_code)
    if response.status_code >= 500:
        raise GoogleUnavailable(f"Google's token endpoint answered {response.status_code}.")
    return response


def authorization_url(
    *, calendar_scopes: list[str], login_hint: str = "", consent: bool = False
) -> AuthorizationRequest:
    """Google's consent URL for `calendar_scopes`, with `include_granted_scopes=true`
    (incremental authorization: the new grant adds to the earlier one, so asking for one
    missing scope keeps the others); with `consent`, `prompt=consent`, which makes Google send
    a new refresh token even when the account granted access before."""
    config = load_config()
    flow = _flow(config, [*OPENID_SCOPES, *calendar_scopes])
    extra = {"login_hint": login_hint} if login_hint else {}
    if consent:
        extra["prompt"] = "consent"
    state = secrets.token_urlsafe(32)  # 256 random bits
    with _oauthlib_switches(config):
        url, _ = flow.authorization_url(
            state=state, access_type="offline", include_granted_scopes="true", **extra
        )
    return AuthorizationRequest(url=url, state=state, code_verifier=str(flow.code_verifier))


def exchange_code(*, code: str, code_verifier: str, calendar_scopes: list[str]) -> TokenGrant:
    """Trade the authorization code for tokens; identity from the verified id_token. The
    grant's `scopes` are what Google says it granted (any part of what was asked)."""
    config = load_config()
    flow = _flow(config, [*OPENID_SCOPES, *calendar_scopes], code_verifier=code_verifier)
    try:
        with _oauthlib_switches(config):
            token = flow.fetch_token(code=code, timeout=config.timeout)
    except oauth_errors.InvalidGrantError as exc:
        raise InvalidGrant() from exc
    except oauth_errors.OAuth2Error as exc:
        raise GoogleBadResponse(f"Google refused the code exchange: {exc.error}.") from exc
    except requests.RequestException as exc:
        raise GoogleUnavailable() from exc
    except ValueError as exc:  # a body that is not an OAuth token response
        raise GoogleBadResponse() from exc
    return _grant_from(token, config)


def _grant_from(token: dict[str, Any], config: GoogleConfig) -> TokenGrant:
    if not token.get("access_token"):
        raise GoogleBadResponse("Google's token response had no access token.")
    expires_in = int(token.get("expires_in") or 3600)
    raw_id_token = token.get("id_token")
    return TokenGrant(
        access_token=str(token["access_token"]),
        refresh_token=token.get("refresh_token") or None,
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=expires_in),
        scopes=normalise_scopes(token.get("scope")),
        identity=verify_id_token(str(raw_id_token), config) if raw_id_token else None,
    )


def verify_id_token(raw: str, config: GoogleConfig | None = None) -> Identity:
    config = config or load_config()
    try:
        claims = _verified(raw, config)
    except auth_exceptions.TransportError as exc:
        raise GoogleUnavailable() from exc
    except (ValueError, auth_exceptions.GoogleAuthError, PyJWTError) as exc:
        raise GoogleBadResponse(f"Google's id_token did not verify: {exc}") from exc
    if claims.get("iss") not in GOOGLE_ISSUERS or not claims.get("sub"):
        raise GoogleBadResponse("Google's id_token has an unexpected issuer or no subject.")
    return Identity(sub=str(claims["sub"]), email=str(claims.get("email", "")))


def _verified(raw: str, config: GoogleConfig) -> Any:
    """The id_token's claims, checked against Google's keys (kept while Google's answer says:
    google/certs.py); a failure against kept keys is checked again against fresh ones."""
    request = certs.KeptCerts(_auth_request(config), config.certs_uri)
    try:
        return _verify(raw, config, request)
    except (ValueError, auth_exceptions.GoogleAuthError, PyJWTError):
        certs.forget(config.certs_uri)
        if not request.kept:
            raise
    return _verify(raw, config, request)


def _verify(raw: str, config: GoogleConfig, request: certs.KeptCerts) -> Any:
    return google_id_token.verify_token(
        raw,
        request,
        audience=config.client_id,
        certs_url=config.certs_uri,
        clock_skew_in_seconds=30,
    )


def _auth_request(config: GoogleConfig) -> AuthRequest:
    session = requests.Session()
    session.request = _with_timeout(session.request, config.timeout)  # type: ignore[method-assign]
    return AuthRequest(session=session)


def _with_timeout(send: Any, timeout: int) -> Any:
    def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", timeout)
        response = send(method, url, *args, **kwargs)
        endpoint = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        google_request_count(f"oauth.{endpoint}", response.status_code)
        return response

    return request


def refresh(*, refresh_token: str) -> TokenGrant:
    """A new access token from the refresh token (google-auth sends it as form fields)."""
    config = load_config()
    creds = oauth2_credentials.Credentials(
        token=None,
        refresh_token=refresh_token,
        token_uri=config.token_uri,
        client_id=config.client_id,
        client_secret=config.client_secret,
    )
    try:
        creds.refresh(_auth_request(config))
    except auth_exceptions.RefreshError as exc:
        if "invalid_grant" in str(exc):
            raise ReauthRequired(google_reason=_refusal(exc)) from exc
        raise GoogleUnavailable(f"Token refresh failed: {exc}") from exc
    except auth_exceptions.TransportError as exc:
        raise GoogleUnavailable() from exc
    expiry = creds.expiry.replace(tzinfo=dt.UTC) if creds.expiry else None
    return TokenGrant(
        access_token=str(creds.token),
        refresh_token=None,
        expires_at=expiry or dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
        scopes=normalise_scopes(creds.granted_scopes or []),
        identity=None,
    )


def _refusal(exc: auth_exceptions.RefreshError) -> str:
    """Google's error_description in a refused refresh: google-auth raises RefreshError with
    its message and the token endpoint's JSON answer. Google gives the same words for a
    refresh token that expired (an app in "Testing" status: 7 days), was revoked, or was
    dropped on a password change: "Token has been expired or revoked."."""
    answer = exc.args[1] if len(exc.args) > 1 else None
    said = answer.get("error_description") if isinstance(answer, dict) else None
    return str(said)[:200] if said else "invalid_grant"


def revoke(*, token: str) -> bool:
    """Revoke the whole grant at Google. True when Google confirmed it (200)."""
    config = load_config()
    try:
        response = requests.post(
            config.revoke_uri,
            data={"token": token},
            timeout=config.timeout,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    except requests.RequestException as exc:
        raise GoogleUnavailable() from exc
    google_request_count("oauth.revoke", response.status_code)
    if response.status_code >= 500:
        raise GoogleUnavailable(f"Google's revoke endpoint answered {response.status_code}.")
    return response.status_code == 200
