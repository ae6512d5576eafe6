"""Shared set-up for the benchmarks: a throw-away database, a running emulator, Django ready."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def django_with_emulator(seed: str = "demo") -> Any:
    """Start an emulator in a thread, point Django at it and at a fresh SQLite file (or at
    BENCH_DATABASE_URL), migrate, and return the running emulator server."""
    import logging

    import django

    import google_emulator

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    server = google_emulator.start(seed=seed, auto_consent=True)
    database = Path(tempfile.mkdtemp(prefix="bench-")) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{database}")
    os.environ["GOOGLE_EMULATOR_URL"] = server.base_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calendar_project.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return server


def best_of(runs: int, work: Callable[[], Any]) -> float:
    """The fastest of `runs` timings, in seconds (the least disturbed by a noisy machine)."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)
