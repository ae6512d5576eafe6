"""Input validation for the calendar API: event bodies in Google's Event field names, and the
query parameters of lists and free/busy. Every problem answers 400 naming the field.

Limits follow Google Calendar: event ids are base32hex (a-v, 0-9) of 5 to 1024 characters, at
most 5 reminder overrides of 0 to 40320 minutes (four weeks), descriptions of 8192 characters;
guest lists and other sizes are capped at what Google Calendar accepts for one event.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from calendar_api.kits import event_types, recurrence

EVENT_ID = re.compile(r"^[a-v0-9]{5,1024}$")
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$", re.ASCII
)
MAX_ATTENDEES = 1000
MAX_OVERRIDES = 5
MAX_REMINDER_MINUTES = 40320
MAX_RECURRENCE_LINES = 100
MAX_PAGE_SIZE = 2500
MIN_YEAR, MAX_YEAR = 1900, 2200  # far enough for calendars, safe for time zone arithmetic
SEND_UPDATES = ("all", "externalOnly", "none")
# Google's read-only fields: a client may echo them back from a GET; they are dropped.
READ_ONLY = {
    "kind",
    "etag",
    "htmlLink",
    "created",
    "updated",
    "creator",
    "organizer",
    "iCalUID",
    "recurringEventId",
    "originalStartTime",
    "hangoutLink",
    "privateCopy",
    "locked",
    "attendeesOmitted",
    "sequence",
    "birthdayProperties",
}


# The same rules in OpenAPI (the schema states them, so that a client, and schemathesis, can
# tell valid input from invalid before sending it): years MIN_YEAR to MAX_YEAR, no leap second
# (Python refuses it), an offset or Z on query parameters, at most 40 characters.
_YEAR = r"(19[0-9]{2}|2[01][0-9]{2}|2200)"
_DAY = _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_CLOCK = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"
_OFFSET = r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
MOMENT_SCHEMA = {
    "type": "string",
    "format": "date-time",
    "maxLength": 40,
    "pattern": f"^{_DAY}[Tt]{_CLOCK}{_OFFSET}$",
}
LOCAL_MOMENT_SCHEMA = {
    "type": "string",
    "maxLength": 40,
    "pattern": f"^{_DAY}[Tt]{_CLOCK}{_OFFSET}?$",
}
DAY_SCHEMA = {"type": "string", "format": "date", "pattern": f"^{_DAY}$"}
TIME_ZONE_SCHEMA = {"$ref": "#/components/schemas/TimeZone"}  # an enum of known_zones()
ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise serializers.ValidationError(f"{name[:64]!r} is not an IANA time zone.") from exc


def parse_datetime(value: str, *, needs_offset: bool = True) -> dt.datetime:
    """An RFC 3339 timestamp; with `needs_offset`, one without offset or Z is refused."""
    if not RFC3339.match(value):
        raise serializers.ValidationError("Use RFC 3339, e.g. 2026-03-29T10:00:00+01:00.")
    try:
        moment = dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError as exc:
        raise serializers.ValidationError("Not a real date and time.") from exc
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise serializers.ValidationError(f"Use a year from {MIN_YEAR} to {MAX_YEAR}.")
    if moment.tzinfo is None and needs_offset:
        raise serializers.ValidationError("Give an offset or Z, e.g. 2026-03-29T10:00:00Z.")
    return moment


@functools.cache
def known_zones() -> frozenset[str]:
    """The IANA zones of this machine's tz database: the names a client may send (the schema
    lists them). Zones Google sends are read with parse_zone alone, never refused here."""
    return frozenset(available_timezones())


@extend_schema_field(TIME_ZONE_SCHEMA)
class ZoneField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        name = super().to_internal_value(data)
        if name not in known_zones():
            raise serializers.ValidationError(f"{name[:64]!r} is not an IANA time zone.")
        parse_zone(name)
        return name


def _json_type_ok(field: serializers.Field[Any, Any, Any, Any], value: Any) -> bool:
    """Whether a JSON value has the type the schema gives this field. DRF would take 0 for the
    string "0", "yes" or 1 for true, "10" for 10: the schema says string, boolean, integer."""
    if value is None:
        return True  # DRF answers "may not be null" itself
    if isinstance(field, serializers.BooleanField):
        return isinstance(value, bool)
    if isinstance(field, serializers.IntegerField):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(field, serializers.CharField | serializers.ChoiceField):
        return isinstance(value, str)
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        return all(_json_type_ok(field.child, item) for item in value)
    return True


class Body(serializers.Serializer[dict[str, Any]]):
    """A JSON request body (or part of one): every field's value has the JSON type the schema
    states, or the answer is 400 naming the field. (Query parameters are strings, and are
    converted as DRF does.)"""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        wrong: dict[str, Any] = {}
        if isinstance(data, dict):
            wrong = {
                name: ["Not the JSON type the schema gives."]
                for name, field in self.fields.items()
                if name in data and not field.read_only and not _json_type_ok(field, data[name])
            }
        try:  # every field's problem at once, these beside DRF's own
            value = dict(super().to_internal_value(data))
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, dict):
                raise
            raise serializers.ValidationError({**exc.detail, **wrong}) from exc
        if wrong:
            raise serializers.ValidationError(wrong)
        return value


@extend_schema_field(DAY_SCHEMA)
class DayField(serializers.CharField):
    pass


@extend_schema_field(LOCAL_MOMENT_SCHEMA)
class LocalMomentField(serializers.CharField):
    pass


class EventDateTimeSerializer(Body):
    """`date` (all-day, YYYY-MM-DD) or `dateTime` (RFC 3339), with an optional IANA
    `timeZone` (needed when `dateTime` has no offset, and for recurring events)."""

    date = DayField(required=False, max_length=10)
    dateTime = LocalMomentField(required=False, max_length=40)
    timeZone = ZoneField(required=False, max_length=64)

    def validate_date(self, value: str) -> str:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise serializers.ValidationError("Use an ISO date, e.g. 2026-03-29.") from exc
        if not ISO_DAY.fullmatch(value) or not MIN_YEAR <= day.year <= MAX_YEAR:
            raise serializers.ValidationError(f"Use an ISO date from {MIN_YEAR} to {MAX_YEAR}.")
        return value

    def validate_dateTime(self, value: str) -> str:
        parse_datetime(value, needs_offset=False)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("date" in attrs) == ("dateTime" in attrs):
            raise serializers.ValidationError("Give exactly one of date and dateTime.")
        naive = (
            "dateTime" in attrs and not parse_datetime(attrs["dateTime"], needs_offset=False).tzinfo
        )
        if naive and "timeZone" not in attrs:
            raise serializers.ValidationError(
                {"dateTime": ["Give an offset, or a timeZone for a local time."]}
            )
        return attrs


class GuestEmailField(serializers.EmailField):
    """A guest's address, named in its error: in a list of guests, it says which one is wrong."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        try:
            return super().run_validation(data)
        except serializers.ValidationError as exc:
            if isinstance(data, str) and exc.get_codes() == ["invalid"]:
                message = f'"{data[:100]}" is not an e-mail address.'
                raise serializers.ValidationError(message, code="invalid") from exc
            raise


class AttendeeSerializer(Body):
    email = GuestEmailField(max_length=320)
    displayName = serializers.CharField(required=False, max_length=1024)
    optional = serializers.BooleanField(required=False)
    responseStatus = serializers.ChoiceField(
        required=False, choices=["needsAction", "declined", "tentative", "accepted"]
    )
    comment = serializers.CharField(required=False, max_length=1024, allow_blank=True)
    additionalGuests = serializers.IntegerField(required=False, min_value=0, max_value=100)
    resource = serializers.BooleanField(required=False)


class ReminderSerializer(Body):
    method = serializers.ChoiceField(choices=["email", "popup"])
    minutes = serializers.IntegerField(min_value=0, max_value=MAX_REMINDER_MINUTES)


class RemindersSerializer(Body):
    """`{"useDefault": true}` (the calendar's defaults) or up to 5 `overrides`."""

    useDefault = serializers.BooleanField()
    overrides = ReminderSerializer(many=True, required=False)

    def validate_overrides(self, value: list[Any]) -> list[Any]:
        if len(value) > MAX_OVERRIDES:
            raise serializers.ValidationError(f"Google allows at most {MAX_OVERRIDES} overrides.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("useDefault") and attrs.get("overrides"):
            raise serializers.ValidationError(
                {"overrides": ["Use either the default reminders or overrides, not both."]}
            )
        return attrs


class EventInputSerializer(Body):
    """An event body in Google's Event field names (create, PUT, and PATCH with partial=True)."""

    id = serializers.RegexField(
        EVENT_ID,
        required=False,
        error_messages={"invalid": "Use 5 to 1024 characters of a-v and 0-9 (base32hex)."},
    )
    summary = serializers.CharField(required=False, max_length=1024, allow_blank=True)
    description = serializers.CharField(required=False, max_length=8192, allow_blank=True)
    location = serializers.CharField(required=False, max_length=1024, allow_blank=True)
    start = EventDateTimeSerializer()
    end = EventDateTimeSerializer()
    attendees = AttendeeSerializer(many=True, required=False)
    reminders = RemindersSerializer(required=False)
    recurrence = serializers.ListField(
        child=serializers.CharField(max_length=2048),
        required=False,
        max_length=MAX_RECURRENCE_LINES,
    )
    colorId = serializers.ChoiceField(required=False, choices=[str(n) for n in range(1, 12)])
    transparency = serializers.ChoiceField(required=False, choices=["opaque", "transparent"])
    visibility = serializers.ChoiceField(
        required=False, choices=["default", "public", "private", "confidential"]
    )
    status = serializers.ChoiceField(required=False, choices=["confirmed", "tentative"])
    conferenceData = serializers.DictField(required=False)
    extendedProperties = serializers.DictField(required=False)
    source = serializers.DictField(required=False)  # type: ignore[assignment]
    guestsCanInviteOthers = serializers.BooleanField(required=False)
    guestsCanModify = serializers.BooleanField(required=False)
    guestsCanSeeOtherGuests = serializers.BooleanField(required=False)
    anyoneCanAddSelf = serializers.BooleanField(required=False)
    # Google's event types (kits/event_types.py): set when an event is created, never changed.
    eventType = serializers.ChoiceField(required=False, choices=list(event_types.ALL))
    focusTimeProperties = serializers.DictField(required=False)
    outOfOfficeProperties = serializers.DictField(required=False)
    workingLocationProperties = serializers.DictField(required=False)

    def validate_attendees(self, value: list[Any]) -> list[Any]:
        if len(value) > MAX_ATTENDEES:
            raise serializers.ValidationError(f"Google allows at most {MAX_ATTENDEES} guests.")
        return value

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """The event's fields, or every problem at once: unknown fields, each field's own
        problems, and the checks across fields (the end after the start, the recurrence) on
        the fields that are valid themselves."""
        errors: dict[str, Any] = {}
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields) - READ_ONLY)
            errors = {name: ["Not a writable field of Google's Event."] for name in unknown}
        try:
            attrs = dict(super().to_internal_value(data))
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, dict):
                raise
            errors = {**exc.detail, **errors}
            attrs = {
                name: self.fields[name].run_validation(data[name])  # valid: no error above
                for name in ("start", "end", "recurrence")
                if isinstance(data, dict) and name in data and name not in errors
            }
        try:
            self._check_across(attrs)
        except serializers.ValidationError as exc:
            for name, problem in dict(exc.detail).items():  # type: ignore[arg-type]
                errors.setdefault(name, problem)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _check_across(self, attrs: dict[str, Any]) -> None:
        current = self.context.get("current") or {}
        start = attrs.get("start") or current.get("start")
        end = attrs.get("end") or current.get("end")
        if start and end and ("start" in attrs or "end" in attrs):
            _check_range(start, end)
        lines = attrs.get("recurrence")
        if lines is None and "start" in attrs and current.get("recurrence"):
            lines = current["recurrence"]
        if lines and start:
            _check_recurrence(lines, start)


def _edge_moment(value: dict[str, Any]) -> dt.datetime:
    if "date" in value:
        return dt.datetime.combine(dt.date.fromisoformat(value["date"]), dt.time(), dt.UTC)
    moment = parse_datetime(value["dateTime"], needs_offset=False)
    tz = ZoneInfo(value["timeZone"]) if value.get("timeZone") else dt.UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _check_range(start: dict[str, Any], end: dict[str, Any]) -> None:
    if ("date" in start) != ("date" in end):
        raise serializers.ValidationError(
            {"end": ["start and end must both be all-day dates or both be dateTimes."]}
        )
    if _edge_moment(end) <= _edge_moment(start):
        problem = (
            "The end date is exclusive: an all-day event on one day ends the next day."
            if "date" in start
            else "The end must be after the start."
        )
        raise serializers.ValidationError({"end": [problem]})


def _check_recurrence(lines: list[str], start: dict[str, Any]) -> None:
    if "dateTime" in start and not start.get("timeZone"):
        raise serializers.ValidationError(
            {"start": {"timeZone": ["A recurring event needs the IANA zone it repeats in."]}}
        )
    try:
        recurrence.check_lines(lines, recurrence.dtstart({"start": start}, "UTC"))
    except (ValueError, TypeError, OverflowError) as exc:
        message = f"Not a valid RRULE/EXRULE/RDATE/EXDATE list: {str(exc)[:120]}"
        raise serializers.ValidationError({"recurrence": [message]}) from exc


class CalendarUpdateSerializer(Body):
    """What a calendar's PATCH may change: every field optional (`{}` changes nothing), and
    a key that is not one of them answers 400 naming it, as event bodies do."""

    sync_enabled = serializers.BooleanField(required=False)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Not a field a calendar's PATCH can change."] for name in unknown}
                )
        return super().to_internal_value(data)


def parsed(serializer_class: type[serializers.Serializer[Any]], data: Any, **kw: Any) -> Any:
    """Validated data of `data`, or a 400 in the project's error shape."""
    serializer = serializer_class(data=data, **kw)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
