"""Server-rendered SVG charts for the analytics page: geometry computed here, drawn by the
template with classes only (the page's Content-Security-Policy allows no inline styles)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

BAR = 24  # width of a day's bar
GAP = 8
HEIGHT = 160  # of the plotting area
LEFT, BOTTOM, TOP = 36, 28, 8


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    kind: str  # "meeting" or "other": the stylesheet's colours
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    rects: list[Rect]
    labels: list[Label]
    ticks: list[Label]
    grid: list[float]
    baseline: float
    description: str


def day_chart(by_day: list[dict[str, Any]]) -> BarChart:
    """Hours per day, each bar split into meetings (bottom) and other events (top)."""
    top = max([1.0, *(d["event_hours"] for d in by_day)])
    scale = HEIGHT / math.ceil(top)
    rects, labels = [], []
    for index, day in enumerate(by_day):
        x = LEFT + GAP + index * (BAR + GAP)
        meeting, other = day["meeting_hours"], max(0.0, day["event_hours"] - day["meeting_hours"])
        when = day["date"].strftime("%a %-d %b")
        base = TOP + HEIGHT
        if meeting:
            rects.append(
                _rect(x, base, meeting * scale, "meeting", f"{when}: {meeting} h of meetings")
            )
        if other:
            y = base - meeting * scale
            rects.append(
                _rect(x, y, other * scale, "other", f"{when}: {other:g} h of other events")
            )
        text = day["date"].strftime("%a")[:2] if len(by_day) <= 7 else str(day["date"].day)
        labels.append(Label(x + BAR / 2, TOP + HEIGHT + 18, text))
    steps = _steps(math.ceil(top))
    ticks = [Label(LEFT - 6, TOP + HEIGHT - h * scale + 4, f"{h}h") for h in steps]
    busiest = max(by_day, key=lambda d: d["event_hours"], default=None)
    description = (
        "No events."
        if not busiest or not busiest["event_hours"]
        else (f"Busiest day: {busiest['date']:%A %-d %B} with {busiest['event_hours']:g} hours.")
    )
    return BarChart(
        width=LEFT + GAP + len(by_day) * (BAR + GAP),
        height=TOP + HEIGHT + BOTTOM,
        rects=rects,
        labels=labels,
        ticks=ticks,
        grid=[TOP + HEIGHT - h * scale for h in steps],
        baseline=TOP + HEIGHT,
        description=description,
    )


def _rect(x: float, bottom: float, height: float, kind: str, title: str) -> Rect:
    return Rect(round(x, 1), round(bottom - height, 1), BAR, round(height, 1), kind, title)


def _steps(top: int) -> list[int]:
    step = max(1, math.ceil(top / 4))
    return list(range(0, top + 1, step))


@dataclass(frozen=True)
class Row:
    y: float
    width: float
    label: str
    value: str


@dataclass(frozen=True)
class PeopleChart:
    width: int
    height: int
    rows: list[Row]
    bar_x: int
    bar_height: int


def people_chart(people: list[dict[str, Any]], *, width: int = 360) -> PeopleChart:
    """Shared meeting hours per collaborator, as horizontal bars."""
    label_width, row_height, bar_height = 150, 22, 14
    longest = max([0.01, *(p["hours"] for p in people)])
    room = width - label_width - 50
    rows = [
        Row(
            y=index * row_height,
            width=round(max(1.0, p["hours"] / longest * room), 1),
            label=(p["name"] or p["email"])[:22],
            value=f"{p['hours']:g} h",
        )
        for index, p in enumerate(people)
    ]
    return PeopleChart(
        width, max(row_height, len(people) * row_height), rows, label_width, bar_height
    )
