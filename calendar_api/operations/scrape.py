"""What `/metrics` answers: this host's counters (every process's, in multiprocess mode; they
are defined in operations/metrics.py) and the product's state, read from the database at scrape
time."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

from django.db.models import Count
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from calendar_api.conf import app_settings
from calendar_api.google import budget, scopes
from calendar_api.google.config import load_config
from calendar_api.models import GoogleAccount, WatchChannel
from calendar_api.operations.queues import oldest_waiting_seconds


class ProductStateCollector(Collector):
    """Gauges read from the database at scrape time: accounts, expiring channels, the queue."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        accounts = GaugeMetricFamily(
            "gcal_accounts", "Connected Google accounts, by status.", labels=["status"]
        )
        counts = dict(
            GoogleAccount.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        for status in GoogleAccount.Status.values:
            accounts.add_metric([status], counts.get(status, 0))
        yield accounts
        yield _missing_scopes()
        soon = timezone.now() + dt.timedelta(seconds=app_settings.WATCH_RENEW_MARGIN)
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
        yield from budget_gauges()


def budget_gauges() -> Iterator[GaugeMetricFamily]:
    """The Google call budget, as every process shares it (google/budget.py)."""
    if not budget.config().enabled:
        return
    state = budget.snapshot(load_config().client_id)
    yield GaugeMetricFamily(
        "gcal_google_budget_tokens",
        "Tokens left in the Google project's bucket (of gcal_google_budget_capacity).",
        value=state["tokens"],
    )
    yield GaugeMetricFamily(
        "gcal_google_budget_capacity", "The Google project's bucket size.", value=state["capacity"]
    )
    yield GaugeMetricFamily(
        "gcal_google_budget_blocked_seconds",
        "Seconds the project's bucket stays blocked after Google's last rate-limit answer.",
        value=state["blocked_seconds"],
    )
    yield GaugeMetricFamily(
        "gcal_google_budget_spent_today",
        "Background calls charged to calendars' daily budgets today (UTC).",
        value=state["spent"],
    )


def _missing_scopes() -> GaugeMetricFamily:
    """Active accounts by each part of access asked for (GOOGLE_CALENDAR['SCOPES']) that their
    grant lacks: unticked on Google's consent page, or refused by Google (403
    ACCESS_TOKEN_SCOPE_INSUFFICIENT). One query, grouped by the granted scopes."""
    gauge = GaugeMetricFamily(
        "gcal_accounts_missing_scope",
        "Active Google accounts whose grant lacks a part of the access asked for, by part.",
        labels=["access", "scope"],
    )
    active = GoogleAccount.objects.filter(status=GoogleAccount.Status.ACTIVE)
    missing = dict.fromkeys(scopes.ASK_FOR, 0)
    for granted, count in active.values_list("scopes").annotate(n=Count("pk")).order_by():
        for part in scopes.parts_missing(granted or []):
            missing[part] += count
    for part, count in missing.items():
        gauge.add_metric([part, scopes.ASK_FOR[part]], count)
    return gauge


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
