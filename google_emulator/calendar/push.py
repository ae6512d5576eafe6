"""Push notification channels: events.watch and channels.stop (delivery is in `notify`)."""

from __future__ import annotations

import hashlib
import time
from urllib.parse import quote, urlsplit

from werkzeug.wrappers import Response

from google_emulator.calendar import common, event_types, notify
from google_emulator.context import Ctx
from google_emulator.errors import GoogleError
from google_emulator.state.calendar import Calendar, Channel

DEFAULT_TTL = 604800  # seconds: Google's default channel lifetime (7 days)
MAX_TTL = 2592000  # 30 days
MAX_CHANNEL_ID = 64
MAX_TOKEN = 256


def resource_id(calendar: Calendar) -> str:
    return hashlib.sha1(f"events {calendar.id}".encode(), usedforsecurity=False).hexdigest()[:27]


def _expiration_ms(body: dict[str, object]) -> int:
    now_ms = int(time.time() * 1000)
    params = body.get("params")
    ttl_text = params.get("ttl") if isinstance(params, dict) else None
    try:
        ttl = int(str(ttl_text)) if ttl_text is not None else DEFAULT_TTL
        requested = int(str(body["expiration"])) if body.get("expiration") else None
    except ValueError:
        raise GoogleError(400, "invalid", "Invalid channel expiration.") from None
    if ttl <= 0:
        raise GoogleError(400, "invalid", "Invalid ttl.", location="params.ttl")
    latest = now_ms + min(ttl, MAX_TTL) * 1000
    return min(requested, latest) if requested and requested > now_ms else latest


def _check_watch(ctx: Ctx, body: dict[str, object]) -> tuple[str, str, str]:
    channel_id, address, token = body.get("id"), body.get("address"), body.get("token", "")
    if not isinstance(channel_id, str) or not channel_id:
        raise GoogleError(400, "required", "Required", location="id")
    if len(channel_id) > MAX_CHANNEL_ID or channel_id in ctx.state.calendars.channels:
        raise GoogleError(400, "channelIdNotUnique", f"Channel id {channel_id} not unique")
    if body.get("type") not in ("web_hook", "webhook"):
        raise GoogleError(400, "invalid", "Invalid value for: type", location="type")
    try:
        parts = urlsplit(address) if isinstance(address, str) else None
        port = parts.port if parts is not None else None
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise GoogleError(400, "push.webhookUrlUnparseable", "Unable to parse the webhook url.")
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        raise GoogleError(400, "invalid", "Invalid value for: token", location="token")
    return channel_id, str(address), token


def watch(ctx: Ctx, calendar_id: str) -> Response:
    token = common.caller(ctx)
    calendar = common.calendar_for(ctx, token, calendar_id)
    body = ctx.json()
    if not isinstance(body, dict):
        raise GoogleError(400, "badRequest", "Bad Request")
    channel_id, address, secret = _check_watch(ctx, body)
    types = list(event_types.requested(ctx))
    uri = f"{ctx.base_url}/calendar/v3/calendars/{quote(calendar.id, safe='@')}/events?alt=json"
    channel = Channel(
        channel_id,
        resource_id(calendar),
        calendar.id,
        token.email,
        address,
        secret,
        _expiration_ms(body),
        uri,
        event_types=types,
    )
    ctx.state.calendars.channels[channel.id] = channel
    notify.send(channel, "sync")
    return common.resource(channel.to_api())


def stop(ctx: Ctx) -> Response:
    token = common.caller(ctx)
    body = ctx.json()
    channel_id = body.get("id") if isinstance(body, dict) else None
    channel = ctx.state.calendars.channels.get(channel_id) if isinstance(channel_id, str) else None
    if channel is None or channel.owner != token.email:
        raise GoogleError(404, "notFound", f"Channel '{channel_id}' not found for project")
    if body.get("resourceId") not in (None, channel.resource_id):
        raise GoogleError(404, "notFound", f"Channel '{channel_id}' not found for project")
    del ctx.state.calendars.channels[channel.id]
    return common.empty()
