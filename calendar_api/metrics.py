"""The product's Prometheus metrics (django-prometheus adds the HTTP and database ones).

Counters and the lag histogram are counted in the process where things happen (web or
worker). With PROMETHEUS_MULTIPROC_DIR set (`make run` and the systemd units do), every
process on a host writes them to that folder and `/metrics` adds them up. Gauges of the
product's state are read from the database when `/metrics` is scraped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from prometheus_client import (
    Counter,
    Histogram,
)

SYNC_LAG = Histogram(
    "gcal_sync_lag_seconds",
    "Seconds from a change at Google (the event's `updated`) to its row in the store.",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)
GOOGLE_REQUESTS = Counter(
    "gcal_google_requests",
    "Calls to Google (after the client's own retries), by API method and HTTP status.",
    ["method", "status"],
)
SYNCS = Counter(
    "gcal_sync", "Sync jobs, by kind (full or incremental) and outcome.", ["kind", "outcome"]
)
BUDGET_CALLS = Counter(
    "gcal_google_budget_calls",
    "Calls to Google let through by the call budget, by priority (interactive, push, poll, horizon).",
    ["priority"],
)
BUDGET_WAIT = Histogram(
    "gcal_google_budget_wait_seconds",
    "Seconds a call waited for the budget's tokens, by priority.",
    ["priority"],
    buckets=(0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30),
)
BUDGET_DEFERRED = Counter(
    "gcal_google_budget_deferred",
    "Calls the budget did not make (background work queued again, a person told to retry), by "
    "priority and by what was short: the project's or user's bucket, or the calendar's day.",
    ["priority", "reason"],
)
GOOGLE_RATE_LIMITED = Counter(
    "gcal_google_rate_limited",
    "Rate-limit answers from Google (429, 403 rate limits), by the bucket they blocked.",
    ["bucket"],
)
WEBHOOK_NOTIFICATIONS = Counter(
    "gcal_webhook_notifications", "Push notifications received from Google.", ["outcome"]
)


def sync_lag_observe(items: Iterable[dict[str, Any]]) -> None:
    """Observe, for each changed event, how long ago Google changed it."""
    now = timezone.now()
    for item in items:
        updated = parse_datetime(str(item.get("updated") or ""))
        if updated is not None:
            SYNC_LAG.observe(max(0.0, (now - updated).total_seconds()))


def google_request_count(method: str, status: int | str) -> None:
    GOOGLE_REQUESTS.labels(method=method, status=str(status)).inc()
