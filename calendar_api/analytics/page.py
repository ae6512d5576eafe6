"""`/analytics/`: how the signed-in user's time was spent this week, last week and over the four
weeks before this one, with server-rendered SVG charts (no JavaScript, strict CSP)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from calendar_api.analytics import charts
from calendar_api.analytics.services import (
    Report,
    Setup,
    analytics_compute,
    analytics_setup,
    week_start,
    weeks_after,
)
from calendar_api.kits.recurrence import Window
from calendar_api.reads.owned import calendars_of
from calendar_api.viewkit.pages import page


@dataclass(frozen=True)
class Period:
    slug: str
    title: str
    first: dt.date
    last: dt.date
    report: Report
    days: charts.BarChart
    people: charts.PeopleChart


def _periods(user: object, setup: Setup) -> list[Period]:
    tz = setup.tz
    calendars = list(
        calendars_of(user=user)
        .filter(sync_enabled=True, last_synced_at__isnull=False)
        .order_by("account_id", "-primary", "pk")
    )
    this = week_start(timezone.now(), tz)
    spans = [
        ("this-week", "This week", this, weeks_after(this, 1, tz)),
        ("last-week", "Last week", weeks_after(this, -1, tz), this),
        ("last-4-weeks", "The 4 weeks before this one", weeks_after(this, -4, tz), this),
    ]
    found = []
    for slug, title, low, high in spans:
        report = analytics_compute(
            calendars=calendars, window=Window(low, high), tz=tz, work=setup.work
        )
        first = low.astimezone(tz).date()
        last = (high.astimezone(tz) - dt.timedelta(days=1)).date()
        days = charts.day_chart(report.by_day)
        people = charts.people_chart(report.top_collaborators)
        found.append(Period(slug, title, first, last, report, days, people))
    return found


@require_GET
@login_required
def analytics_page(request: HttpRequest) -> HttpResponse:
    setup = analytics_setup(user=request.user)
    context = {"periods": _periods(request.user, setup), "setup": setup, "nav": "analytics"}
    return page(request, "calendar_api/analytics.html", context)
