"""The product's Prometheus metrics (django-prometheus adds the HTTP and database ones).

Counters and the lag histogram are counted in the process where things happen (web or
worker). With PROMETHEUS_MULTIPROC_DIR set (`make run` and the systemd units do), every
process on a host writes them to that folder and `/metrics` adds them up. Gauges of the
product's state are read from the database when `/metrics` is scraped.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

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


class ProductStateCollector(Collector):
    """Gauges read from the database at scrape time: accounts, expiring channels, the queue."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from calendar_api.models import GoogleAccount, WatchChannel
        from calendar_api.operations.queues import oldest_waiting_seconds

        accounts = GaugeMetricFamily(
            "gcal_accounts", "Connected Google accounts, by status.", labels=["status"]
        )
        counts = dict(
            GoogleAccount.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        for status in GoogleAccount.Status.values:
            accounts.add_metric([status], counts.get(status, 0))
        yield accounts
        soon = timezone.now() + dt.timedelta(seconds=settings.WATCH_RENEW_MARGIN)
        expiring = WatchChannel.objects.filter(stopped_at__isnull=True, expires_at__lt=soon)
        yield GaugeMetricFamily(
            "gcal_watch_channels_expiring",
            "Open push channels that expire within WATCH_RENEW_MARGIN (renewal is due).",
            value=expiring.count(),
        )
        yield GaugeMetricFamily(
            "gcal_queue_oldest_seconds",
            "Seconds the oldest due job has waited in the queue (0 when empty).",
            value=oldest_waiting_seconds(),
        )


def metrics_text() -> bytes:
    """This host's metrics (every process's, in multiprocess mode) and the product's state."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    state = CollectorRegistry()
    state.register(ProductStateCollector())
    return generate_latest(registry) + generate_latest(state)
