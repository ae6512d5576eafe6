"""Interval arithmetic on spans of seconds (unions, clipping, overlaps, gaps), for the
analytics' figures. Pure."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

Span = tuple[float, float]


def union(spans: Iterable[Sequence[Any]]) -> list[Span]:
    """The sorted, disjoint spans covering the same time (touching ones joined). A span is
    anything whose first two items are its start and end: a year's Busy tuples go in as they
    are, without a pair made of each."""
    # Ordered by start alone: floats compare several times faster than tuples, and the merge
    # below needs no order among spans that start together.
    ordered = sorted(spans, key=itemgetter(0))
    if not ordered:
        return []
    merged: list[Span] = []
    low, high = ordered[0][0], ordered[0][1]
    for span in ordered:
        start, end = span[0], span[1]
        if start > high:
            merged.append((low, high))
            low, high = start, end
        elif end > high:
            high = end
    merged.append((low, high))
    return merged


def clip(spans: Iterable[Span], low: float, high: float) -> list[Span]:
    # Conditional expressions rather than min() and max(): this runs over every counted span.
    return [
        (s if s > low else low, e if e < high else high) for s, e in spans if s < high and e > low
    ]


def within(merged: Sequence[Span], span: Span) -> list[Span]:
    """The sorted, disjoint `merged` spans clipped to `span`, found by bisection."""
    first = max(0, bisect.bisect_right(merged, (span[0], span[0])) - 1)
    last = bisect.bisect_left(merged, (span[1], span[1]))
    return clip(merged[first:last], *span)


def overlap(merged: Sequence[Span], span: Span) -> float:
    """How many seconds of `span` the sorted, disjoint `merged` spans cover."""
    total = 0.0
    index = max(0, bisect.bisect_right(merged, (span[0], span[0])) - 1)
    while index < len(merged) and merged[index][0] < span[1]:
        start, end = max(merged[index][0], span[0]), min(merged[index][1], span[1])
        total += max(0.0, end - start)
        index += 1
    return total


def gaps(merged: Sequence[Span], span: Span) -> list[Span]:
    """The parts of `span` that the sorted, disjoint `merged` spans leave free."""
    free: list[Span] = []
    cursor = span[0]
    index = max(0, bisect.bisect_right(merged, (span[0], span[0])) - 1)
    while index < len(merged) and merged[index][0] < span[1]:
        start, end = merged[index]
        if start > cursor:
            free.append((cursor, start))
        cursor = max(cursor, end)
        index += 1
    if cursor < span[1]:
        free.append((cursor, span[1]))
    return free


def hours(seconds: float) -> float:
    return round(seconds / 3600, 2)


def length(spans: Iterable[Span]) -> float:
    return sum(end - start for start, end in spans)
