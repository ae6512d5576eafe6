"""Probes for load balancers and orchestrators: liveness, readiness, Prometheus metrics."""

from __future__ import annotations

import asyncio
from ipaddress import ip_address, ip_network
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from health_check.views import HealthCheckView
from prometheus_client import CONTENT_TYPE_LATEST

from calendar_api.conf import app_settings
from calendar_api.operations.health import readiness_checks
from calendar_api.operations.scrape import metrics_text


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the process is up: touches nothing else."""
    return JsonResponse({"status": "ok"})


class ReadyzView(HealthCheckView):  # type: ignore[misc]
    """200 when every check passes, else 503; JSON naming each check, whatever Accept says."""

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.checks = readiness_checks()
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        report = {result.check.name: _entry(result) for result in results}
        ready = all(result.error is None for result in results)
        return JsonResponse(
            {"status": "ready" if ready else "unavailable", "checks": report},
            status=200 if ready else 503,
        )


def _entry(result: Any) -> dict[str, Any]:
    entry = {"ok": result.error is None, **getattr(result.check, "details", {})}
    if result.error is not None:
        entry["error"] = result.error.message
    return entry


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics of this host's processes, for allowed networks or the token."""
    if not _metrics_allowed(request):
        return JsonResponse(
            {"error": {"code": "forbidden", "message": "Metrics are not served to you."}},
            status=403,
        )
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = app_settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and constant_time_compare(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        client = ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        client in ip_network(net, strict=False) for net in app_settings.METRICS_ALLOWED_NETWORKS
    )
