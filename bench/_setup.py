"""Shared set-up for the benchmarks: a throw-away database, a running emulator, Django ready."""

from __future__ import annotations

import atexit
import base64
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    """A free port on 127.0.0.1: any (the system's choice), or the first free one of the
    range BENCH_PORTS names (`56350-56379`), on a machine whose ports are shared out."""
    first, _, last = os.environ.get("BENCH_PORTS", "0-0").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise RuntimeError(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


class Process:
    """A server of ours in its own process, so its memory and CPU are not the benchmark's."""

    def __init__(
        self, command: list[str], health: str, what: str, env: dict[str, str] | None = None
    ) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own modules, fixed arguments
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(health, timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{what} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


class EmulatorProcess(Process):
    """`python -m google_emulator`."""

    def __init__(self, seed: str, port: int = 0) -> None:
        port = port or free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "google_emulator", "--port", str(port), "--seed", seed]
        super().__init__(
            [*command, "--auto-consent"], self.base_url + "/__emulator__/health", "the emulator"
        )


def uvicorn(app: str, port: int, *more: str) -> list[str]:
    """The command that serves `app` on 127.0.0.1:`port` with uvicorn, as the benchmarks run
    their servers: no access log, no lifespan events."""
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    return [*command, "--no-access-log", "--lifespan", "off", *more]


class WebProcess(Process):
    """The product's web server as deployed: uvicorn serving calendar_project.asgi, DEBUG off,
    connections kept a minute (DATABASE_CONN_MAX_AGE=60, as in production), on the
    benchmark's database and keys (django_with_emulator sets them); `env` overrides those."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        command = uvicorn("calendar_project.asgi:application", port)
        deployed = {"DATABASE_CONN_MAX_AGE": "60", **(env or {})}
        super().__init__(command, self.base_url + "/healthz", "uvicorn", deployed)


class BytesProcess(Process):
    """bench/_bytes_app.py under uvicorn, started as WebProcess starts the product, answering
    every request with `body`."""

    def __init__(self, body: bytes) -> None:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        served = scratch("bench-bytes-") / "body.json"
        served.write_bytes(body)
        command = uvicorn("_bytes_app:app", port, "--app-dir", str(ROOT / "bench"))
        env = {"BENCH_BODY_FILE": str(served)}
        super().__init__(command, self.base_url + "/", "the bytes server", env)


def scratch(prefix: str) -> Path:
    """A fresh temporary folder, removed when the benchmark exits."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def django_with_emulator(seed: str = "demo", port: int = 0) -> Any:
    """Start an emulator process (on `port`, or a free one), point Django at it and at a
    fresh SQLite file (or at BENCH_DATABASE_URL), migrate, and return the running emulator."""
    import django

    server = EmulatorProcess(seed, port)
    database = scratch("bench-") / "bench.sqlite3"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{database}")
    os.environ["GOOGLE_EMULATOR_URL"] = server.base_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calendar_project.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DEBUG"] = "false"  # with DEBUG on, Django keeps every query in memory
    # Keys of this run's own: a server started on the same database (WebProcess) refuses the
    # development keys with DEBUG off, as in production.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault(
        "TOKEN_ENCRYPTION_KEYS", base64.urlsafe_b64encode(os.urandom(32)).decode()
    )
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
