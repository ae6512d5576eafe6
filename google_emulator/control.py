"""Control endpoints under `/__emulator__/` for tests and benchmarks (not part of Google)."""

from __future__ import annotations

from dataclasses import fields

from werkzeug.wrappers import Response

from google_emulator.calendar import control as calendar_control
from google_emulator.calendar import page
from google_emulator.context import Ctx, Route
from google_emulator.errors import GoogleError, json_response
from google_emulator.expiry import STATUSES, RefreshExpiry
from google_emulator.faults import Fault, parse_rate
from google_emulator.scopes import CAL, normalise, unknown
from google_emulator.seed import add_account, add_granted_accounts
from google_emulator.state import DEMO_CLIENT_ID, Client
from google_emulator.state.oauth import ACCESS_TOKEN_TTL, Grant, new_token

MAX_BULK = 20_000  # accounts per bulk call: the answer holds each one's tokens
BULK_SCOPES = ["openid", "email", "https://www.googleapis.com/auth/calendar"]

# The client that `python -m google_emulator token` tokens belong to: not the product's, so a
# product revoking its grant (disconnect) leaves a script's token alone, and the other way round.
SCRIPTS_CLIENT_ID = "google-emulator-token-command"

FAULT_FIELDS = {f.name for f in fields(Fault)}


def health(ctx: Ctx) -> Response:
    return json_response({"ok": True, "seed": ctx.emulator.seed})


def add_faults(ctx: Ctx) -> Response:
    body = ctx.json()
    if isinstance(body, dict) and "rate" in body:
        return set_fault_rate(ctx, body)
    specs = body.get("faults", [body]) if isinstance(body, dict) else body
    if not isinstance(specs, list):
        raise GoogleError(400, "invalid", 'Send a fault object, or {"faults": [...]}')
    faults = [_fault(spec) for spec in specs]  # all checked before any is added
    for fault in faults:
        ctx.emulator.add_fault(fault)
    return _faults(ctx, 201)


def set_fault_rate(ctx: Ctx, body: dict[str, object]) -> Response:
    """A steady fault rate (replacing any earlier one): `{"rate": 0.2, "kinds": [...]}`."""
    try:
        rate = parse_rate(body)
    except ValueError as exc:
        raise GoogleError(400, "invalid", str(exc)) from exc
    ctx.emulator.set_fault_rate(rate if rate.rate > 0 else None)
    return _faults(ctx, 201)


def _faults(ctx: Ctx, status: int = 200) -> Response:
    body = {"faults": ctx.emulator.fault_list(), "rate": ctx.emulator.fault_rate_dict()}
    return json_response(body, status)


def _fault(spec: object) -> Fault:
    if not isinstance(spec, dict) or not isinstance(spec.get("method"), str) or not spec["method"]:
        raise GoogleError(400, "required", "Each fault needs a method id", location="method")
    values = {k: v for k, v in spec.items() if k in FAULT_FIELDS}
    for name, value in values.items():
        expected = type(getattr(Fault, name, ""))  # the dataclass defaults give the types
        if type(value) is not expected or (isinstance(value, int) and value < 0):
            raise GoogleError(400, "invalid", f"Bad fault field {name}: {value!r}", location=name)
    return Fault(**values)


def list_faults(ctx: Ctx) -> Response:
    return _faults(ctx)


def clear_faults(ctx: Ctx) -> Response:
    ctx.emulator.clear_faults()
    return _faults(ctx)


def set_latency(ctx: Ctx) -> Response:
    ctx.emulator.latency_ms = int(ctx.json().get("ms", 0))
    return json_response({"ms": ctx.emulator.latency_ms})


def reset(ctx: Ctx) -> Response:
    seed = ctx.json().get("seed", ctx.emulator.seed)
    ctx.emulator.reset(seed)
    return json_response({"ok": True, "seed": seed})


def create_account(ctx: Ctx) -> Response:
    body = ctx.json()
    if not body.get("email"):
        raise GoogleError(400, "required", "email is required", location="email")
    account = add_account(ctx.state, body["email"], body.get("name", ""))
    return json_response({"sub": account.sub, "email": account.email}, 201)


def create_accounts(ctx: Ctx) -> Response:
    """`{"count": N, "start": 0, "prefix": "user", "domain": "example.com", "client_id": ...,
    "scopes": [...]}`: N accounts `<prefix><start + n, six digits>@<domain>`, each with its
    primary calendar and a grant to the client (the demo client by default) as consent and
    the code exchange leave it; answers each one's tokens and first sync token."""
    body = ctx.json()
    if not isinstance(body, dict):
        raise GoogleError(400, "invalid", "Send a JSON object")
    count, start = body.get("count"), body.get("start", 0)
    for name, value, low, high in (("count", count, 1, MAX_BULK), ("start", start, 0, 10**9)):
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise GoogleError(400, "invalid", f"{name} must be {low}..{high}", location=name)
    prefix, domain = str(body.get("prefix", "user")), str(body.get("domain", "example.com"))
    client_id = str(body.get("client_id", DEMO_CLIENT_ID))
    if client_id not in ctx.state.clients:
        raise GoogleError(400, "invalid", "client_id must name a client", location="client_id")
    scopes = body.get("scopes", BULK_SCOPES)
    if not isinstance(scopes, list) or not all(isinstance(s, str) and s for s in scopes):
        raise GoogleError(400, "invalid", "scopes must be a list of scopes", location="scopes")
    emails = [f"{prefix}{n:06d}@{domain}" for n in range(start, start + count)]
    taken = next((e for e in emails if e in ctx.state.accounts), None)
    if taken is not None:  # checked before any is added
        raise GoogleError(409, "duplicate", f"{taken} exists already")
    made = add_granted_accounts(ctx.state, emails, client_id, scopes)
    return json_response({"accounts": made}, 201)


def usage(ctx: Ctx) -> Response:
    """The Calendar API calls answered (usage.py); `?accounts=1` adds the count per account."""
    accounts = ctx.request.args.get("accounts") in ("1", "true")
    return json_response(ctx.emulator.usage.as_dict(accounts=accounts))


def clear_usage(ctx: Ctx) -> Response:
    ctx.emulator.usage.clear()
    return json_response(ctx.emulator.usage.as_dict())


def expire_access_tokens(ctx: Ctx) -> Response:
    for token in ctx.state.access_tokens.values():
        token.expires_at = 0
    return json_response({"expired": len(ctx.state.access_tokens)})


def refresh_tokens(ctx: Ctx) -> Response:
    """`{"publishing_status": "testing"}` (7-day refresh tokens) or `"production"`,
    `{"max_age_seconds": N}`, and/or `{"expire": EMAIL}`: see expiry.py."""
    body = ctx.json()
    if not isinstance(body, dict):
        raise GoogleError(400, "invalid", "Send a JSON object")
    status, age, email = (
        body.get("publishing_status"),
        body.get("max_age_seconds"),
        body.get("expire"),
    )
    if status is not None and status not in STATUSES:
        raise GoogleError(400, "invalid", f"publishing_status: one of {', '.join(STATUSES)}")
    if age is not None and (not isinstance(age, int | float) or isinstance(age, bool) or age < 0):
        raise GoogleError(400, "invalid", "max_age_seconds must be a number, 0 or more")
    if email is not None and email not in ctx.state.accounts:
        raise GoogleError(400, "invalid", "expire must name an account", location="expire")
    if status is not None:
        ctx.emulator.expiry.max_age = RefreshExpiry.for_status(status).max_age
    if age is not None:
        ctx.emulator.expiry.max_age = float(age)
    ended = 0
    for token in [t for t in ctx.state.refresh_tokens.values() if t.email == email]:
        ctx.state.drop_refresh_token(token.token)
        ended += 1
    return json_response({**ctx.emulator.expiry.as_dict(), "expired": ended})


def get_refresh_tokens(ctx: Ctx) -> Response:
    return json_response(ctx.emulator.expiry.as_dict())


def issue_token(ctx: Ctx) -> Response:
    """`{"email": ..., "scope": "..."}`: an access token, as a token endpoint answers, for a
    script (`python -m google_emulator token EMAIL`); the scope defaults to the calendar's."""
    body = ctx.json()
    email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str) or email not in ctx.state.accounts:
        raise GoogleError(400, "invalid", "email must name an account", location="email")
    asked = normalise(str(body.get("scope") or CAL))
    if not asked or unknown(asked):
        raise GoogleError(400, "invalid", f"Unknown scope: {body.get('scope')}", location="scope")
    state = ctx.state
    state.clients.setdefault(SCRIPTS_CLIENT_ID, Client(SCRIPTS_CLIENT_ID, new_token("", 24)))
    previous = state.grant_for(email, SCRIPTS_CLIENT_ID)
    granted = asked + [s for s in (previous.scopes if previous else []) if s not in asked]
    state.set_grant(Grant(SCRIPTS_CLIENT_ID, email, granted))
    access = state.issue_access_token(SCRIPTS_CLIENT_ID, email, asked)
    return json_response(
        {
            "access_token": access.token,
            "expires_in": ACCESS_TOKEN_TTL,
            "scope": " ".join(asked),
            "token_type": "Bearer",
        },
        201,
    )


def save(ctx: Ctx) -> Response:
    ctx.emulator.save()
    return json_response({"saved": str(ctx.emulator.state_file or "")})


ROUTES = [
    Route("/__emulator__/health", ("GET",), "control.health", health),
    Route("/__emulator__/faults", ("POST",), "control.faults.add", add_faults),
    Route("/__emulator__/faults", ("GET",), "control.faults.list", list_faults),
    Route("/__emulator__/faults", ("DELETE",), "control.faults.clear", clear_faults),
    Route("/__emulator__/latency", ("POST",), "control.latency", set_latency),
    Route("/__emulator__/reset", ("POST",), "control.reset", reset),
    Route("/__emulator__/accounts", ("POST",), "control.accounts.add", create_account),
    Route("/__emulator__/accounts/bulk", ("POST",), "control.accounts.bulk", create_accounts),
    Route("/__emulator__/usage", ("GET",), "control.usage", usage),
    Route("/__emulator__/usage", ("DELETE",), "control.usage.clear", clear_usage),
    Route(
        "/__emulator__/expire-access-tokens",
        ("POST",),
        "control.expire_tokens",
        expire_access_tokens,
    ),
    Route("/__emulator__/save", ("POST",), "control.save", save),
    Route("/__emulator__/refresh-tokens", ("POST",), "control.refresh_tokens", refresh_tokens),
    Route(
        "/__emulator__/refresh-tokens", ("GET",), "control.refresh_tokens.get", get_refresh_tokens
    ),
    Route("/__emulator__/token", ("POST",), "control.token", issue_token),
]
ROUTES += calendar_control.ROUTES + page.ROUTES
