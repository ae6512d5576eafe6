"""acl.*: who a calendar is shared with. Only its owner reads or changes the rules."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from google_emulator.calendar import common, sharing
from google_emulator.context import Ctx
from google_emulator.errors import GoogleError
from google_emulator.state.calendar import Calendar, etag_for

SCOPE_TYPES = ("default", "user", "group", "domain")


def rule_id(scope: dict[str, str]) -> str:
    return scope["type"] if scope["type"] == "default" else f"{scope['type']}:{scope['value']}"


def _resource(rule_key: str, rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "calendar#aclRule",
        "etag": etag_for(int(rule.get("seq", 0))),
        "id": rule_key,
        "scope": dict(rule["scope"]),
        "role": rule["role"],
    }


def _rules(calendar: Calendar) -> dict[str, dict[str, Any]]:
    owner = {"scope": {"type": "user", "value": calendar.owner}, "role": "owner", "seq": 0}
    return {f"user:{calendar.owner}": owner, **calendar.acl}


def _owned(ctx: Ctx, calendar_id: str) -> Calendar:
    token = common.caller(ctx)
    return common.calendar_for(ctx, token, calendar_id, need="owner")


def acl_list(ctx: Ctx, calendar_id: str) -> Response:
    calendar = _owned(ctx, calendar_id)
    show_deleted = common.bool_arg(ctx, "showDeleted")
    items = [
        _resource(k, r) for k, r in _rules(calendar).items() if show_deleted or r["role"] != "none"
    ]
    body = {
        "kind": "calendar#acl",
        "etag": etag_for(max((int(r.get("seq", 0)) for r in calendar.acl.values()), default=0)),
        "nextSyncToken": f"acl{ctx.state.calendars.seq}",
        "items": items,
    }
    return common.resource(body)


def _found(calendar: Calendar, key: str) -> dict[str, Any]:
    rule = _rules(calendar).get(key)
    if rule is None:
        raise GoogleError(404, "notFound", "Not Found")
    return rule


def acl_get(ctx: Ctx, calendar_id: str, rule: str) -> Response:
    calendar = _owned(ctx, calendar_id)
    return common.resource(_resource(rule, _found(calendar, rule)))


def _checked(body: dict[str, Any]) -> tuple[dict[str, str], str]:
    scope, role = body.get("scope"), body.get("role")
    if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
        raise GoogleError(400, "invalid", "Invalid scope type.", location="scope.type")
    value = scope.get("value")
    if scope["type"] != "default" and (not isinstance(value, str) or not value):
        raise GoogleError(400, "required", "Missing scope value.", location="scope.value")
    if role not in sharing.ROLES:
        raise GoogleError(400, "invalid", "Invalid role.", location="role")
    clean = {"type": scope["type"]} | ({"value": value} if scope["type"] != "default" else {})
    return clean, str(role)


def _store(ctx: Ctx, calendar: Calendar, scope: dict[str, str], role: str) -> Response:
    key = rule_id(scope)
    if scope == {"type": "user", "value": calendar.owner}:
        raise GoogleError(400, "cannotChangeOwnAcl", "Cannot change your own access level.")
    store = ctx.state.calendars
    calendar.acl[key] = {"scope": scope, "role": role, "seq": store.next_seq()}
    if scope["type"] == "user":  # Google adds a calendar shared with a user to their list
        if role == "none":
            store.entries.get(scope["value"], {}).pop(calendar.id, None)
        else:
            sharing.add_to_list(store, scope["value"], calendar.id)
    return common.resource(_resource(key, calendar.acl[key]))


def acl_insert(ctx: Ctx, calendar_id: str) -> Response:
    calendar = _owned(ctx, calendar_id)
    scope, role = _checked(common.json_object(ctx, "AclRule"))
    return _store(ctx, calendar, scope, role)


def acl_update(ctx: Ctx, calendar_id: str, rule: str) -> Response:
    calendar = _owned(ctx, calendar_id)
    current = _found(calendar, rule)
    body = common.json_object(ctx, "AclRule")
    if ctx.request.method == "PATCH":
        body = {"scope": current["scope"], "role": current["role"], **body}
    scope, role = _checked(body)
    if rule_id(scope) != rule:
        raise GoogleError(400, "invalid", "The scope of a rule cannot change.", location="scope")
    return _store(ctx, calendar, scope, role)


def acl_delete(ctx: Ctx, calendar_id: str, rule: str) -> Response:
    calendar = _owned(ctx, calendar_id)
    current = _found(calendar, rule)
    if rule not in calendar.acl:
        raise GoogleError(400, "cannotChangeOwnAcl", "Cannot change your own access level.")
    del calendar.acl[rule]
    ctx.state.calendars.next_seq()
    scope = current["scope"]
    if scope["type"] == "user":
        ctx.state.calendars.entries.get(scope["value"], {}).pop(calendar.id, None)
    return common.empty()
