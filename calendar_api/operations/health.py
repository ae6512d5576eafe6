"""Readiness checks (django-health-check): each raises when its part cannot serve.

Besides django-health-check's own database and cache checks: the queue (how long the oldest
due job has waited), the workers (how long since one last ran a job or a scheduler tick) and,
when the product runs against the emulator, the emulator.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from django.db import connection
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable

from calendar_api.conf import app_settings
from calendar_api.google.config import emulator_alive
from calendar_api.operations.heartbeat import last_beat_age
from calendar_api.operations.queues import oldest_waiting_seconds


class Named:
    """A check with a stable name in /readyz's JSON and, after it ran, details to show."""

    name: ClassVar[str]
    details: dict[str, Any]


@dataclasses.dataclass
class DatabaseCheck(Database, Named):  # type: ignore[misc]
    name = "database"


@dataclasses.dataclass
class CacheCheck(Cache, Named):  # type: ignore[misc]
    name = "cache"


@dataclasses.dataclass
class QueueCheck(HealthCheck, Named):  # type: ignore[misc]
    name = "queue"

    def run(self) -> None:
        try:
            age = oldest_waiting_seconds()
        finally:
            connection.close()  # checks run in a thread pool: leave no connection open
        self.details = {"oldest_waiting_seconds": round(age, 1)}
        if age > app_settings.READYZ_QUEUE_MAX_WAIT:
            raise ServiceUnavailable(f"the oldest due job has waited {age:.0f} s")


@dataclasses.dataclass
class WorkerCheck(HealthCheck, Named):  # type: ignore[misc]
    name = "worker"

    def run(self) -> None:
        try:
            age = last_beat_age()
        finally:
            connection.close()
        if age is None:
            raise ServiceUnavailable("no worker has run yet")
        self.details = {"last_seen_seconds": round(age, 1)}
        if age > app_settings.READYZ_WORKER_MAX_SILENCE:
            raise ServiceUnavailable(f"no worker has run a job or tick for {age:.0f} s")


@dataclasses.dataclass
class EmulatorCheck(HealthCheck, Named):  # type: ignore[misc]
    name = "emulator"

    def run(self) -> None:
        if not emulator_alive():
            raise ServiceUnavailable("the Google emulator does not answer")


def readiness_checks() -> list[type[HealthCheck]]:
    checks: list[type[HealthCheck]] = [DatabaseCheck, CacheCheck, QueueCheck, WorkerCheck]
    if app_settings.EMULATOR_URL:
        checks.append(EmulatorCheck)
    return checks
