"""What the capacity benchmark reads about its workers while they run: CPU time and memory of
each worker's process tree (/proc), its database connections (pg_stat_activity, by the
application name the workers connect with) and the Calendar API calls the emulator answered
(`/__emulator__/usage`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import requests

APP_NAME = "bench-worker"  # PGAPPNAME of the workers: libpq names their connections so
TICKS = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """`pid` and its descendants."""
    found, todo = [], [pid]
    while todo:
        one = todo.pop()
        found.append(one)
        for task in Path(f"/proc/{one}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def cpu_seconds(pid: int) -> float:
    total = 0
    for one in tree(pid):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def rss_mib(pid: int) -> float:
    total = 0
    for one in tree(pid):
        try:
            status = Path(f"/proc/{one}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def db_connections() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        )
        return int(cursor.fetchone()[0])


def usage(base: str, *, accounts: bool = False) -> dict[str, Any]:
    query = "?accounts=1" if accounts else ""
    return dict(requests.get(f"{base}/__emulator__/usage{query}", timeout=60).json())


def usage_clear(base: str) -> None:
    requests.delete(f"{base}/__emulator__/usage", timeout=60)
