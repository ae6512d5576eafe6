"""Google's OAuth 2.0 endpoints: authorize (with consent), token, revoke, userinfo, certs.

Behaviour follows Google's web-server flow documentation and what the official clients send:
google-auth-oauthlib authenticates the code exchange with HTTP Basic, google-auth's refresh
sends client_id/client_secret as form fields; both are accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import unquote, urlencode

from werkzeug.wrappers import Response

from google_emulator import consent, scopes
from google_emulator.context import Ctx, Route
from google_emulator.errors import GoogleError, OAuthError, json_response
from google_emulator.expiry import EXPIRED
from google_emulator.keys import ISSUER
from google_emulator.state.oauth import (
    CODE_TTL,
    AccessToken,
    Account,
    AuthCode,
    Client,
    Grant,
    new_token,
)
from google_emulator.tls import GOOGLE_HOSTS

AUTH_PARAMS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "access_type",
    "include_granted_scopes",
    "prompt",
    "login_hint",
    "code_challenge",
    "code_challenge_method",
    "nonce",
)


class PageError(Exception):
    """An authorize error Google shows as a page instead of redirecting back."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.error, self.detail = status, error, detail

    def response(self) -> Response:
        return Response(
            consent.error_page(self.status, self.error, self.detail),
            status=self.status,
            content_type="text/html; charset=utf-8",
        )


def _redirect(uri: str, params: dict[str, str]) -> Response:
    sep = "&" if "?" in uri else "?"
    return Response(status=302, headers={"Location": uri + sep + urlencode(params)})


def _require(params: dict[str, str], name: str) -> str:
    if not params.get(name):
        raise PageError(400, "invalid_request", f"Missing required parameter: {name}")
    return params[name]


def _check_client(ctx: Ctx, params: dict[str, str]) -> Client:
    client = ctx.state.clients.get(_require(params, "client_id"))
    if client is None:
        raise PageError(401, "invalid_client", "The OAuth client was not found.")
    redirect_uri = _require(params, "redirect_uri")
    if not client.accepts(redirect_uri):
        raise PageError(
            400,
            "redirect_uri_mismatch",
            f"You can't sign in to this app because it doesn't comply with Google's "
            f"OAuth 2.0 policy. redirect_uri={redirect_uri}",
        )
    return client


def _check_request(params: dict[str, str]) -> list[str]:
    if not params.get("response_type"):
        raise PageError(400, "invalid_request", "Required parameter is missing: response_type")
    requested = scopes.normalise(_require(params, "scope"))
    bad = scopes.unknown(requested)
    if bad:
        raise PageError(400, "invalid_scope", scopes.invalid_message(bad))
    requested = scopes.with_openid(requested)
    method = params.get("code_challenge_method", "")
    if params.get("code_challenge") and method not in ("S256", "plain", ""):
        raise PageError(400, "invalid_request", "Invalid code_challenge_method value.")
    prompts = params.get("prompt", "").split()
    if "none" in prompts and len(prompts) > 1:
        raise PageError(400, "invalid_request", "Invalid parameter value for prompt.")
    return requested


def authorize(ctx: Ctx) -> Response:
    source = ctx.request.form if ctx.request.method == "POST" else ctx.request.args
    params = {k: source[k] for k in AUTH_PARAMS if k in source}
    try:
        client = _check_client(ctx, params)
        requested = _check_request(params)
    except PageError as exc:
        return exc.response()
    back = {"state": params["state"]} if "state" in params else {}
    if params["response_type"] != "code":
        return _redirect(params["redirect_uri"], {"error": "unsupported_response_type", **back})
    if ctx.request.method == "POST":
        return _decide(ctx, client, params, requested, back)
    if params.get("prompt") == "none":
        return _silent(ctx, client, params, requested, back)
    accounts = list(ctx.state.accounts.values())
    if ctx.emulator.auto_consent and accounts:
        hint = params.get("login_hint", "")
        email = hint if hint in ctx.state.accounts else accounts[0].email
        return _approve(ctx, client, params, email, requested, back)
    page = consent.render(
        action=ctx.request.path,
        client_id=client.client_id,
        params=params,
        accounts=accounts,
        scopes=requested,
        login_hint=params.get("login_hint", ""),
    )
    return Response(
        page, content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"}
    )


def _silent(
    ctx: Ctx, client: Client, params: dict[str, str], requested: list[str], back: dict[str, str]
) -> Response:
    """`prompt=none`: approve only what the account already granted, never show a page."""
    hint = params.get("login_hint", "")
    candidates = [hint] if hint else list(ctx.state.accounts)
    for email in candidates:
        grant = ctx.state.grant_for(email, client.client_id)
        if grant is not None and all(s in grant.scopes for s in requested):
            return _approve(ctx, client, params, email, requested, back)
    return _redirect(params["redirect_uri"], {"error": "consent_required", **back})


def _decide(
    ctx: Ctx, client: Client, params: dict[str, str], requested: list[str], back: dict[str, str]
) -> Response:
    form = ctx.request.form
    if form.get("decision") != "allow":
        return _redirect(params["redirect_uri"], {"error": "access_denied", **back})
    email = form.get("account", "")
    if email not in ctx.state.accounts:
        return Response(
            consent.error_page(400, "invalid_request", "Choose an account."),
            status=400,
            content_type="text/html; charset=utf-8",
        )
    ticked = set(form.getlist("granted_scope"))
    granted = [s for s in requested if s in scopes.SIGN_IN or s in ticked]
    return _approve(ctx, client, params, email, granted, back)


def _approve(
    ctx: Ctx,
    client: Client,
    params: dict[str, str],
    email: str,
    granted: list[str],
    back: dict[str, str],
) -> Response:
    offline = params.get("access_type") == "offline"
    previous = ctx.state.grant_for(email, client.client_id)
    if previous is not None and params.get("include_granted_scopes") == "true":
        granted = granted + [s for s in previous.scopes if s not in granted]
    first_offline = offline and (previous is None or not previous.offline)
    issue_refresh = offline and (first_offline or "consent" in params.get("prompt", "").split())
    all_scopes = granted + [s for s in (previous.scopes if previous else []) if s not in granted]
    ctx.state.set_grant(
        Grant(client.client_id, email, all_scopes, offline or bool(previous and previous.offline))
    )
    code = AuthCode(
        new_token("4/0A", 40),
        client.client_id,
        params["redirect_uri"],
        email,
        granted,
        params.get("code_challenge", ""),
        params.get("code_challenge_method") or "plain",
        issue_refresh,
        params.get("nonce", ""),
        time.time() + CODE_TTL,
    )
    ctx.state.codes[code.code] = code
    return _redirect(
        params["redirect_uri"],
        {
            "code": code.code,
            **back,
            "scope": " ".join(granted),
            "authuser": "0",
            "prompt": "consent" if previous is None or issue_refresh else "none",
        },
    )


def _client_auth(ctx: Ctx) -> Client:
    auth = ctx.request.authorization
    if auth is not None and auth.type == "basic":
        client_id, secret = unquote(auth.username or ""), unquote(auth.password or "")
    else:
        client_id = ctx.request.form.get("client_id", "")
        secret = ctx.request.form.get("client_secret", "")
    if not client_id:
        raise OAuthError(400, "invalid_request", "Could not determine client ID from request.")
    client = ctx.state.clients.get(client_id)
    if client is None:
        raise OAuthError(401, "invalid_client", "The OAuth client was not found.")
    if not hmac.compare_digest(client.client_secret.encode(), secret.encode()):
        raise OAuthError(401, "invalid_client", "Unauthorized")
    return client


def _verify_pkce(code: AuthCode, verifier: str) -> None:
    if not code.code_challenge:
        return
    if not verifier:
        raise OAuthError(400, "invalid_grant", "Missing code verifier.")
    if code.code_challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    else:
        expected = verifier
    if not hmac.compare_digest(expected.encode(), code.code_challenge.encode()):
        raise OAuthError(400, "invalid_grant", "Invalid code verifier.")


def token(ctx: Ctx) -> Response:
    client = _client_auth(ctx)
    grant_type = ctx.request.form.get("grant_type", "")
    if grant_type == "authorization_code":
        return json_response(_exchange_code(ctx, client))
    if grant_type == "refresh_token":
        return json_response(_refresh(ctx, client))
    raise OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")


def _exchange_code(ctx: Ctx, client: Client) -> dict[str, Any]:
    form = ctx.request.form
    if not form.get("code"):
        raise OAuthError(400, "invalid_request", "Missing required parameter: code")
    code = ctx.state.codes.pop(form["code"], None)  # single use, even when the rest fails
    if code is None or code.expires_at < time.time() or code.client_id != client.client_id:
        raise OAuthError(400, "invalid_grant", "Bad Request")
    if form.get("redirect_uri", "") != code.redirect_uri:
        raise OAuthError(400, "redirect_uri_mismatch", "Bad Request")
    _verify_pkce(code, form.get("code_verifier", ""))
    if ctx.state.grant_for(code.email, client.client_id) is None:
        raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
    refresh = ""
    if code.issue_refresh:
        refresh = ctx.state.issue_refresh_token(client.client_id, code.email, code.scopes).token
    access = ctx.state.issue_access_token(client.client_id, code.email, code.scopes, refresh)
    body = _token_body(ctx, access, code.nonce)
    if refresh:
        body["refresh_token"] = refresh
    return body


def _refresh(ctx: Ctx, client: Client) -> dict[str, Any]:
    stored = ctx.state.refresh_tokens.get(ctx.request.form.get("refresh_token", ""))
    if stored is None:
        raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
    if stored.client_id != client.client_id:  # issued to another client
        raise OAuthError(401, "unauthorized_client", "Unauthorized")
    if ctx.emulator.expiry.expired(stored.created_at, stored.scopes, time.time()):
        ctx.state.drop_refresh_token(stored.token)  # see expiry.py: Google's reasons
        raise OAuthError(400, "invalid_grant", EXPIRED)
    grant = ctx.state.grant_for(stored.email, client.client_id)
    if grant is None:
        raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
    granted = _narrow(grant.scopes, ctx.request.form.get("scope", ""))
    access = ctx.state.issue_access_token(client.client_id, stored.email, granted, stored.token)
    return _token_body(ctx, access, "")


def _narrow(granted: list[str], scope_param: str) -> list[str]:
    """A refresh may name fewer scopes than the grant holds; Google grants what overlaps."""
    asked = scopes.normalise(scope_param)
    if not asked:
        return granted
    bad = scopes.unknown(asked)
    if bad:
        raise OAuthError(400, "invalid_scope", scopes.invalid_message(bad))
    narrowed = [s for s in granted if s in asked]
    if not narrowed:
        raise OAuthError(400, "invalid_scope", scopes.invalid_message(asked))
    return narrowed


def _token_body(ctx: Ctx, access: AccessToken, nonce: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "access_token": access.token,
        "expires_in": 3599,
        "scope": " ".join(access.scopes),
        "token_type": "Bearer",
    }
    if "openid" in access.scopes:
        account = ctx.state.accounts[access.email]
        claims = _identity(account, access.scopes, id_token=True)
        if nonce:
            claims["nonce"] = nonce
        body["id_token"] = ctx.emulator.key.id_token(
            client_id=access.client_id, claims=claims, access_token=access.token
        )
    return body


def _identity(account: Account, granted: list[str], *, id_token: bool = False) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": account.sub}
    if scopes.EMAIL in granted:
        claims.update(email=account.email, email_verified=True)
    if scopes.PROFILE in granted:
        claims.update(
            name=account.name,
            given_name=account.given_name,
            family_name=account.family_name,
            picture=account.picture,
        )
        if not id_token:
            claims["locale"] = account.locale
    return claims


def revoke(ctx: Ctx) -> Response:
    value = ctx.request.values.get("token", "")
    owner = ctx.state.refresh_tokens.get(value) or ctx.state.access_tokens.get(value)
    if owner is None:
        raise OAuthError(400, "invalid_token", "Token expired or revoked")
    ctx.state.revoke_grant(owner.email, owner.client_id)
    return json_response({})


def presented_token(ctx: Ctx, *, form: bool = False) -> str:
    """The access token a request carries: `Authorization: Bearer` (what the client libraries
    send), else the `access_token` parameter (of the query, or with `form` of the body too)."""
    header = ctx.request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[7:].strip()
    values = ctx.request.values if form else ctx.request.args
    return str(values.get("access_token", ""))


def authenticate(ctx: Ctx) -> AccessToken:
    """The caller's valid access token, or Google's 401: `required` "Login Required" when the
    request carries no credential at all, `authError` "Invalid Credentials" when it carries
    one Google does not accept (the Calendar API's classic error body; see Google's
    "Handle API errors" guide, developers.google.com/calendar/api/guides/errors)."""
    token = presented_token(ctx)
    if not token:
        raise GoogleError(
            401, "required", "Login Required", location="Authorization", location_type="header"
        )
    found = ctx.state.valid_access_token(token)
    if found is None:
        raise GoogleError(
            401,
            "authError",
            "Invalid Credentials",
            location="Authorization",
            location_type="header",
        )
    return found


def userinfo_v3(ctx: Ctx) -> Response:
    access = authenticate(ctx)
    return json_response(_identity(ctx.state.accounts[access.email], access.scopes))


def userinfo_v2(ctx: Ctx) -> Response:
    access = authenticate(ctx)
    claims = _identity(ctx.state.accounts[access.email], access.scopes)
    claims["id"] = claims.pop("sub")
    if "email_verified" in claims:
        claims["verified_email"] = claims.pop("email_verified")
    return json_response(claims)


def tokeninfo(ctx: Ctx) -> Response:
    id_token = ctx.request.values.get("id_token")
    if id_token:
        return _id_token_info(ctx, id_token)
    # Google's Node client asks tokeninfo with the token in an Authorization: Bearer header.
    found = ctx.state.valid_access_token(presented_token(ctx, form=True))
    if found is None:
        raise OAuthError(400, "invalid_token", "Invalid Value")
    return json_response(
        {
            "azp": found.client_id,
            "aud": found.client_id,
            "scope": " ".join(found.scopes),
            "exp": str(int(found.expires_at)),
            "expires_in": str(int(found.expires_at - time.time())),
            "email": found.email,
            "access_type": "offline" if found.refresh_token else "online",
        }
    )


def _id_token_info(ctx: Ctx, token: str) -> Response:
    """Google's tokeninfo for an id_token: its claims, once the signature and expiry check."""
    try:
        claims = ctx.emulator.key.verify(token)
    except ValueError:
        raise OAuthError(400, "invalid_token", "Invalid Value") from None
    shown = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in claims.items()}
    return json_response({**shown, "alg": "RS256", "kid": ctx.emulator.key.kid, "typ": "JWT"})


# Google's keys come with cache directives, and its OpenID Connect guide ("Validating an ID
# token", https://developers.google.com/identity/openid-connect/openid-connect) says to cache
# them by those; Google's own answers say `public, max-age=<some hours>, must-revalidate`.
CERTS_CACHE = {"Cache-Control": "public, max-age=3600, must-revalidate, no-transform"}


def certs(ctx: Ctx) -> Response:
    return json_response(ctx.emulator.key.jwks(), headers=CERTS_CACHE)


def certs_v1(ctx: Ctx) -> Response:
    """`/oauth2/v1/certs`: {kid: X.509 PEM}, the default of google-auth's verify_oauth2_token."""
    body = {ctx.emulator.key.kid: ctx.emulator.key.certificate}
    return json_response(body, headers=CERTS_CACHE)


def userinfo_v1(ctx: Ctx) -> Response:
    return userinfo_v2(ctx)


GOOGLE_ENDPOINTS = {
    "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
    "token_endpoint": "https://oauth2.googleapis.com/token",
    "userinfo_endpoint": "https://openidconnect.googleapis.com/v1/userinfo",
    "revocation_endpoint": "https://oauth2.googleapis.com/revoke",
    "jwks_uri": "https://www.googleapis.com/oauth2/v3/certs",
}


def _endpoints(ctx: Ctx) -> dict[str, str]:
    """Google's own URLs when reached at Google's hostnames, else this server's (its scheme)."""
    if ctx.request.host.split(":")[0] in GOOGLE_HOSTS:
        return GOOGLE_ENDPOINTS
    base = ctx.base_url
    return {
        "authorization_endpoint": f"{base}/o/oauth2/v2/auth",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/oauth2/v3/userinfo",
        "revocation_endpoint": f"{base}/revoke",
        "jwks_uri": f"{base}/oauth2/v3/certs",
    }


def openid_configuration(ctx: Ctx) -> Response:
    return json_response(
        {
            "issuer": ISSUER,
            **_endpoints(ctx),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": [
                "aud",
                "email",
                "email_verified",
                "exp",
                "family_name",
                "given_name",
                "iat",
                "iss",
                "name",
                "picture",
                "sub",
            ],
            "code_challenge_methods_supported": ["plain", "S256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
        }
    )


ROUTES = [
    Route("/o/oauth2/auth", ("GET", "POST"), "oauth.authorize", authorize),
    Route("/o/oauth2/v2/auth", ("GET", "POST"), "oauth.authorize", authorize),
    Route("/token", ("POST",), "oauth.token", token),
    Route("/o/oauth2/token", ("POST",), "oauth.token", token),
    Route("/revoke", ("GET", "POST"), "oauth.revoke", revoke),
    Route("/o/oauth2/revoke", ("GET", "POST"), "oauth.revoke", revoke),
    Route("/oauth2/v3/userinfo", ("GET", "POST"), "oauth.userinfo", userinfo_v3),
    Route("/oauth2/v2/userinfo", ("GET",), "oauth.userinfo", userinfo_v2),
    Route("/v1/userinfo", ("GET", "POST"), "oauth.userinfo", userinfo_v3),
    Route("/oauth2/v1/userinfo", ("GET",), "oauth.userinfo", userinfo_v1),
    Route("/oauth2/v3/tokeninfo", ("GET", "POST"), "oauth.tokeninfo", tokeninfo),
    Route("/tokeninfo", ("GET", "POST"), "oauth.tokeninfo", tokeninfo),
    Route("/oauth2/v3/certs", ("GET",), "oauth.certs", certs),
    Route("/oauth2/v1/certs", ("GET",), "oauth.certs", certs_v1),
    Route(
        "/.well-known/openid-configuration",
        ("GET",),
        "oauth.openid_configuration",
        openid_configuration,
    ),
]
