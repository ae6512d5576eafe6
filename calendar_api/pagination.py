"""Cursor pagination by (start, id), in DRF's cursor shape `{"next", "previous", "results"}`.

The cursor is an opaque token naming the last (or first) item seen and the direction. It works
the same on a queryset (keyset: one indexed query per page, stable while rows change) and on a
sorted list (expanded recurring instances), so both list modes page alike.
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

T = TypeVar("T")
Key = tuple[dt.datetime, str]


@dataclass(frozen=True)
class Cursor:
    key: Key
    reverse: bool = False


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next: Cursor | None
    previous: Cursor | None


def encode(cursor: Cursor) -> str:
    raw = json.dumps([cursor.key[0].isoformat(), cursor.key[1], int(cursor.reverse)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(value: str | None) -> Cursor | None:
    if not value:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        moment, ident, reverse = json.loads(raw)
        key = (dt.datetime.fromisoformat(moment), str(ident))
        if key[0].tzinfo is None:
            raise ValueError("naive")
        return Cursor(key, bool(reverse))
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError({"cursor": ["Not a cursor from this API."]}) from exc


def _page(window: list[T], size: int, cursor: Cursor | None, key: Callable[[T], Key]) -> Page:
    """`window` holds up to size+1 items in travel order; build the page and its links."""
    more = len(window) > size
    items = window[:size]
    reverse = cursor is not None and cursor.reverse
    if reverse:
        items.reverse()
    if not items:
        return Page(items, None, None)
    forward_more, backward_more = (
        (cursor is not None, more) if reverse else (more, cursor is not None)
    )
    after = Cursor(key(items[-1])) if forward_more else None
    before = Cursor(key(items[0]), reverse=True) if backward_more else None
    return Page(items, after, before)


def page_queryset(
    rows: QuerySet[Any],
    *,
    size: int,
    cursor: Cursor | None,
    start: str = "start",
    ident: str = "google_id",
    fetch: Callable[[QuerySet[Any]], list[Any]] = list,
) -> Page:
    """A page of `rows` ordered by (start, id); rows without a start are left out. `fetch`
    reads the page's query (its items need `start` and `ident` attributes)."""
    rows = rows.filter(**{f"{start}__isnull": False})
    if cursor is None:
        window = fetch(rows.order_by(start, ident)[: size + 1])
    elif cursor.reverse:
        moment, key = cursor.key
        earlier = Q(**{f"{start}__lt": moment}) | Q(**{start: moment, f"{ident}__lt": key})
        window = fetch(rows.filter(earlier).order_by(f"-{start}", f"-{ident}")[: size + 1])
    else:
        moment, key = cursor.key
        later = Q(**{f"{start}__gt": moment}) | Q(**{start: moment, f"{ident}__gt": key})
        window = fetch(rows.filter(later).order_by(start, ident)[: size + 1])
    return _page(window, size, cursor, lambda row: (getattr(row, start), getattr(row, ident)))


def page_list(
    items: Sequence[T], *, size: int, cursor: Cursor | None, key: Callable[[T], Key]
) -> Page:
    """A page of `items`, already sorted by `key`."""
    keys = [key(item) for item in items]
    if cursor is None:
        return _page(list(items[: size + 1]), size, None, key)
    if cursor.reverse:
        stop = bisect.bisect_left(keys, cursor.key)
        window = list(reversed(items[max(0, stop - size - 1) : stop]))
        return _page(window, size, cursor, key)
    begin = bisect.bisect_right(keys, cursor.key)
    return _page(list(items[begin : begin + size + 1]), size, cursor, key)


def links(request: Request, page: Page) -> dict[str, str | None]:
    url = request.build_absolute_uri()

    def link(cursor: Cursor | None) -> str | None:
        if not cursor:
            return None
        return replace_query_param(remove_query_param(url, "pageToken"), "cursor", encode(cursor))

    return {"next": link(page.next), "previous": link(page.previous)}


def single_page(items: Any) -> dict[str, Any]:
    """A short list (a user's own calendars, accounts or tokens) in the same shape as a paged
    one: every list the API answers has `next`, `previous` and `results`."""
    return {"next": None, "previous": None, "results": items}


def page_newest_first(rows: QuerySet[Any], *, size: int, cursor: Cursor | None) -> Page:
    """A page of `rows`, newest (highest id) first; `next` goes to older rows. The cursor's
    key is (created_at, id); only the id is compared."""
    try:
        seen = int(cursor.key[1]) if cursor else 0
    except ValueError as exc:
        raise ValidationError({"cursor": ["Not a cursor from this API."]}) from exc
    if cursor is None:
        window = list(rows.order_by("-pk")[: size + 1])
    elif cursor.reverse:
        window = list(rows.filter(pk__gt=seen).order_by("pk")[: size + 1])
    else:
        window = list(rows.filter(pk__lt=seen).order_by("-pk")[: size + 1])
    return _page(window, size, cursor, lambda row: (row.created_at, str(row.pk)))
