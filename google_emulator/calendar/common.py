"""What every Calendar handler needs: the caller, their calendar, parameters, responses."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response

from google_emulator import scopes
from google_emulator.calendar import conference, holidays, sharing
from google_emulator.calendar import schema as calendar_schema
from google_emulator.context import Ctx
from google_emulator.errors import GoogleError, InsufficientScope
from google_emulator.oauth import authenticate
from google_emulator.state.calendar import Calendar
from google_emulator.state.oauth import AccessToken


def caller(ctx: Ctx) -> AccessToken:
    """The caller's token, or 401; 403 without one of the scopes the reference lists for the
    method called (scopes.METHOD_SCOPES)."""
    token = authenticate(ctx)
    ctx.token = token
    if not scopes.method_scopes(ctx.method_id).intersection(token.scopes):
        raise InsufficientScope(ctx.method_id)
    ctx.emulator.usage.record(token.email, ctx.method_id)
    ctx.emulator.quota.check(token.email, ctx.method_id, ctx.request.method)
    conference.complete_pending(ctx)
    return token


def calendar_for(ctx: Ctx, token: AccessToken, calendar_id: str, need: str = "reader") -> Calendar:
    """Calendar `calendar_id` ("primary": the caller's own) if the caller holds role `need`.

    One they cannot see at all is Google's 404; one they see with a lesser role, a 403."""
    cal_id = token.email if calendar_id == "primary" else calendar_id
    holidays.ensure(ctx.state.calendars, cal_id)  # a public holiday calendar, named first here
    calendar = ctx.state.calendars.calendars.get(cal_id)
    role = sharing.access_role(calendar, token.email) if calendar is not None else "none"
    if calendar is None or role == "none":
        raise GoogleError(404, "notFound", "Not Found")
    if sharing.rank(role) < sharing.rank(need):
        raise GoogleError(
            403, "requiredAccessLevel", f"You need to have {need} access to this calendar."
        )
    return calendar


def json_object(ctx: Ctx, schema_name: str) -> dict[str, Any]:
    """The request body checked against a discovery schema (unknown fields dropped)."""
    return calendar_schema.clean_body(ctx.json(), schema_name)


def arg(ctx: Ctx, name: str) -> str | None:
    value = ctx.request.args.get(name)
    return value if value not in (None, "") else None


def bool_arg(ctx: Ctx, name: str, default: bool = False) -> bool:
    value = arg(ctx, name)
    if value is None:
        return default
    if value.lower() not in ("true", "false"):
        raise GoogleError(400, "invalid", f"Invalid boolean value: '{value}'.", location=name)
    return value.lower() == "true"


def int_arg(ctx: Ctx, name: str, default: int, low: int, high: int | None = None) -> int:
    value = arg(ctx, name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise GoogleError(400, "invalid", f"Invalid value '{value}'.", location=name) from None
    if number < low:
        raise GoogleError(400, "invalid", f"Invalid value '{value}'.", location=name)
    return number if high is None else min(number, high)


def raw_json(text: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        text, status=status, headers=headers or {}, content_type="application/json; charset=UTF-8"
    )


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def resource(body: dict[str, Any], status: int = 200) -> Response:
    """A resource response with its ETag header, as Google sends one."""
    etag = body.get("etag")
    return raw_json(dumps(body), status, {"ETag": etag} if isinstance(etag, str) else None)


def empty() -> Response:
    return Response(b"", status=204)
