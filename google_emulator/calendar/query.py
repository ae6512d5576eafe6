"""What an events.list (or events.instances) call asks for, read from its parameters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from google_emulator.calendar import common, event_types, times, tokens
from google_emulator.context import Ctx
from google_emulator.errors import GoogleError
from google_emulator.state.calendar import Calendar

MAX_PAGE = 2500
DEFAULT_PAGE = 250
NOT_WITH_SYNC = (
    "iCalUID",
    "orderBy",
    "privateExtendedProperty",
    "q",
    "sharedExtendedProperty",
    "timeMin",
    "timeMax",
    "updatedMin",
)


@dataclass(frozen=True)
class Query:
    single: bool = False
    show_deleted: bool = False
    order: str = ""  # "", "startTime" or "updated"
    time_min: dt.datetime | None = None
    time_max: dt.datetime | None = None
    updated_min: str = ""  # RFC 3339 in UTC with milliseconds, compared as text
    terms: tuple[str, ...] = ()
    since: int | None = None  # the sequence a sync token carries
    tz_name: str = "UTC"
    ical_uid: str = ""
    private: tuple[tuple[str, str], ...] = ()
    shared: tuple[tuple[str, str], ...] = ()
    event_types: tuple[str, ...] = ()
    max_attendees: int = 0
    only: str = ""  # events.instances: the master's id
    original_start: str = ""  # events.instances: an instance-id suffix to match

    @property
    def tz(self) -> dt.tzinfo:
        return times.zone(self.tz_name) or times.UTC

    @property
    def includes_deleted(self) -> bool:
        return self.show_deleted or self.since is not None or bool(self.updated_min)


def _window(ctx: Ctx) -> tuple[dt.datetime | None, dt.datetime | None]:
    time_min, time_max = common.arg(ctx, "timeMin"), common.arg(ctx, "timeMax")
    low = times.parse_param_time(time_min, "timeMin") if time_min else None
    high = times.parse_param_time(time_max, "timeMax") if time_max else None
    if low is not None and high is not None and high <= low:
        raise GoogleError(
            400, "timeRangeEmpty", "The specified time range is empty.", location="timeMax"
        )
    return low, high


def _properties(ctx: Ctx, name: str) -> tuple[tuple[str, str], ...]:
    found = []
    for item in ctx.request.args.getlist(name):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise GoogleError(400, "invalid", f"Invalid value for: {name}", location=name)
        found.append((key, value))
    return tuple(found)


def _time_zone(ctx: Ctx, calendar: Calendar) -> str:
    name = common.arg(ctx, "timeZone")
    if name is None:
        return calendar.time_zone
    times.require_zone(name, "timeZone")
    return name


def _order(ctx: Ctx, single: bool) -> str:
    order = common.arg(ctx, "orderBy") or ""
    if order not in ("", "startTime", "updated"):
        raise GoogleError(
            400, "invalid", f"Invalid value for: orderBy: {order}", location="orderBy"
        )
    if order == "startTime" and not single:
        raise GoogleError(
            400,
            "badRequest",
            "The requested ordering is not available for the particular query.",
            location="orderBy",
        )
    return order


def _since(ctx: Ctx, calendar: Calendar) -> int | None:
    sync_token = common.arg(ctx, "syncToken")
    if sync_token is None:
        return None
    for name in NOT_WITH_SYNC:
        if common.arg(ctx, name) is not None:
            raise GoogleError(
                400, "invalid", f"Sync token cannot be used together with {name}.", location=name
            )
    return tokens.read_sync_token(sync_token, ctx.state.calendars, calendar)


def _updated_min(ctx: Ctx) -> str:
    value = common.arg(ctx, "updatedMin")
    return times.fmt_ms(times.parse_param_time(value, "updatedMin")) if value else ""


def list_query(ctx: Ctx, calendar: Calendar) -> Query:
    single = common.bool_arg(ctx, "singleEvents")
    low, high = _window(ctx)
    return Query(
        single=single,
        show_deleted=common.bool_arg(ctx, "showDeleted"),
        order=_order(ctx, single),
        time_min=low,
        time_max=high,
        updated_min=_updated_min(ctx),
        terms=tuple((common.arg(ctx, "q") or "").lower().split()),
        since=_since(ctx, calendar),
        tz_name=_time_zone(ctx, calendar),
        ical_uid=common.arg(ctx, "iCalUID") or "",
        private=_properties(ctx, "privateExtendedProperty"),
        shared=_properties(ctx, "sharedExtendedProperty"),
        event_types=event_types.requested(ctx),
        max_attendees=common.int_arg(ctx, "maxAttendees", 0, 1),
    )


def _original_suffix(value: str) -> str:
    day = times.parse_date(value)
    if day is not None:
        return day.strftime("%Y%m%d")
    instant = times.parse_param_time(value, "originalStart")
    return instant.astimezone(times.UTC).strftime("%Y%m%dT%H%M%SZ")


def instances_query(ctx: Ctx, calendar: Calendar, master_id: str) -> Query:
    low, high = _window(ctx)
    original = common.arg(ctx, "originalStart")
    return Query(
        single=True,
        show_deleted=common.bool_arg(ctx, "showDeleted"),
        time_min=low,
        time_max=high,
        tz_name=_time_zone(ctx, calendar),
        max_attendees=common.int_arg(ctx, "maxAttendees", 0, 1),
        only=master_id,
        original_start=_original_suffix(original) if original else "",
    )


def page_size(ctx: Ctx) -> int:
    return common.int_arg(ctx, "maxResults", DEFAULT_PAGE, 1, MAX_PAGE)
