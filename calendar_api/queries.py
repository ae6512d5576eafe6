"""Query parameters of the API's reads and writes: which each endpoint takes (Google's
spellings accepted as aliases), their types and ranges, and a cache of validated queries."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from rest_framework import serializers

from calendar_api.validation import MAX_PAGE_SIZE, SEND_UPDATES, ZoneField, parse_datetime, parsed


class TimeRangeSerializer(serializers.Serializer[dict[str, Any]]):
    """`time_min` / `time_max`: RFC 3339 with an offset; time_max must be after time_min."""

    time_min = serializers.CharField(required=False, max_length=40)
    time_max = serializers.CharField(required=False, max_length=40)
    time_zone = ZoneField(required=False, max_length=64)

    def validate_time_min(self, value: str) -> dt.datetime:
        return parse_datetime(value).astimezone(dt.UTC)

    def validate_time_max(self, value: str) -> dt.datetime:
        return parse_datetime(value).astimezone(dt.UTC)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("time_min"), attrs.get("time_max")
        if low is not None and high is not None and high <= low:
            raise serializers.ValidationError({"time_max": ["time_max must be after time_min."]})
        return attrs


class PageSerializer(serializers.Serializer[dict[str, Any]]):
    cursor = serializers.CharField(required=False, max_length=512)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=250
    )


class EventListQuerySerializer(TimeRangeSerializer, PageSerializer):
    q = serializers.CharField(required=False, max_length=256)
    status = serializers.MultipleChoiceField(
        required=False, choices=["confirmed", "tentative", "cancelled"]
    )
    updated_min = serializers.CharField(required=False, max_length=40)
    single_events = serializers.BooleanField(required=False, default=False)

    def validate_updated_min(self, value: str) -> dt.datetime:
        return parse_datetime(value).astimezone(dt.UTC)


class InstancesQuerySerializer(TimeRangeSerializer, PageSerializer):
    show_deleted = serializers.BooleanField(required=False, default=False)


class WriteQuerySerializer(serializers.Serializer[dict[str, Any]]):
    send_updates = serializers.ChoiceField(required=False, choices=list(SEND_UPDATES))
    scope = serializers.ChoiceField(required=False, choices=["this", "following"], default="this")


class FreeBusyQuerySerializer(TimeRangeSerializer):
    time_min = serializers.CharField(max_length=40)
    time_max = serializers.CharField(max_length=40)
    calendar = serializers.ListField(
        child=serializers.CharField(max_length=1024), required=False, max_length=50
    )


def parsed_query(serializer_class: type[serializers.Serializer[Any]], query: dict[str, Any]) -> Any:
    """`parsed` for a request's query (values strings or lists of strings, as query_data gives
    them), kept per process for the last QUERIES_KEPT valid queries: a calendar asks for the
    same windows again and again, and DRF's validation took 0.7 of the 6 ms of a kept page's
    read here. Validation depends on the query alone. A copy is returned."""
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in query.items()))
    return dict(_parsed_query(serializer_class, key))


QUERIES_KEPT = 512


@functools.lru_cache(maxsize=QUERIES_KEPT)  # a refused query raises: nothing is kept for it
def _parsed_query(
    serializer_class: type[serializers.Serializer[Any]], key: tuple[tuple[str, Any], ...]
) -> Any:
    return parsed(serializer_class, {k: list(v) if isinstance(v, tuple) else v for k, v in key})


# Google's spellings, accepted beside ours, so that people who know Google's API are not surprised.
GOOGLE_ALIASES = {
    "timeMin": "time_min",
    "timeMax": "time_max",
    "singleEvents": "single_events",
    "pageToken": "cursor",
    "maxResults": "page_size",
    "showDeleted": "show_deleted",
    "updatedMin": "updated_min",
    "timeZone": "time_zone",
    "sendUpdates": "send_updates",
}
EVENT_LIST_QUERY = frozenset(
    {"time_min", "time_max", "q", "status", "updated_min", "single_events", "time_zone"}
    | {"cursor", "page_size", "account"}
)
INSTANCES_QUERY = frozenset(
    {"time_min", "time_max", "show_deleted", "time_zone", "cursor", "page_size", "account"}
)
EVENT_READ_QUERY = frozenset({"time_zone", "account"})
EVENT_WRITE_QUERY = frozenset({"send_updates", "scope", "account"})
FREEBUSY_QUERY = frozenset({"time_min", "time_max", "time_zone", "calendar", "account"})


def query_data(
    request_query: Any, *, allowed: frozenset[str], lists: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The query parameters as plain data under our names (Google's aliases mapped). A
    parameter this endpoint does not know answers 400 naming it: silently ignoring Google's
    `timeMin` used to answer with the wrong events."""
    data: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for key in request_query:
        name = GOOGLE_ALIASES.get(key, key)
        if name not in allowed:
            known = ", ".join(sorted(allowed))
            problems[key[:64]] = [f"Unknown query parameter. This endpoint takes: {known}."]
        elif name in data:
            problems[key[:64]] = [f"Given twice (as {name} and as Google's alias)."]
        else:
            data[name] = request_query.getlist(key) if name in lists else request_query.get(key)
    if problems:
        raise serializers.ValidationError(problems)
    return data


def query_dict(request_query: Any, *, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """A QueryDict as plain data: named parameters as lists, the rest single values."""
    return {
        key: (request_query.getlist(key) if key in lists else request_query.get(key))
        for key in request_query
    }
