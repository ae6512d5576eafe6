"""Probes for load balancers and orchestrators (`calendar_operations:`): liveness, readiness and
Prometheus metrics."""

from __future__ import annotations

from django.urls import path

from calendar_api.views import operations

app_name = "calendar_operations"

urlpatterns = [
    path("healthz", operations.healthz, name="healthz"),
    path("readyz", operations.ReadyzView.as_view(), name="readyz"),
    path("metrics", operations.metrics, name="metrics"),
]
