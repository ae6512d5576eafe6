"""A quiet console: `make run`'s script (calendar_project/run.sh) with the web server, a worker
and the emulator, as a person runs it. A page load, an unknown page and a refused form each print
one line; Ctrl-C stops everything and prints no error; with LOG_FORMAT=json every line the
server and the worker print is JSON."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.calendar_api.test_worker import database_url
from tests.support.ports import free_ports

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]
BASE_DIR = Path(settings.BASE_DIR)
READY_WITHIN = 60.0  # seconds: three Python processes starting on a busy shared machine
PREFIX = re.compile(r"^\d\d:\d\d:\d\d (\S+)\s*\| (.*)$")  # honcho's "12:00:00 web.1 | ..."


def run_env(tmp_path: Path, port: int, log_format: str) -> dict[str, str]:
    """`make run`'s environment on these ports, the test database and a state folder of the
    test's own."""
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "EMULATOR_PORT": str(port + 1),
        "EMULATOR_ARGS": "",
        "GOOGLE_EMULATOR_URL": f"http://127.0.0.1:{port + 1}",
        "GOOGLE_CLIENT_SECRETS_FILE": "",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "GOOGLE_REDIRECT_URI": f"http://127.0.0.1:{port}/rest/v1/calendar/redirect/",
        "DATABASE_URL": database_url(),
        "STATE_DIR": str(tmp_path / "var"),
        "LOG_FORMAT": log_format,
        "PATH": f"{BASE_DIR / '.venv' / 'bin'}:{os.environ['PATH']}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


class Run:
    """`calendar_project/run.sh` in a process group of its own, as a terminal holds it."""

    def __init__(self, tmp_path: Path, port: int, log_format: str) -> None:
        self.port, self.log = port, tmp_path / "run.log"
        env = run_env(tmp_path, port, log_format)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own script
                [str(BASE_DIR / "calendar_project" / "run.sh")],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self) -> None:
        until = time.monotonic() + READY_WITHIN
        while not all(word in self.output() for word in ("Uvicorn running", "Starting worker")):
            assert self.process.poll() is None, f"run.sh ended:\n{self.output()}"
            assert time.monotonic() < until, f"not ready in time:\n{self.output()}"
            time.sleep(0.1)

    def get(self, path: str, method: str = "GET") -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def ctrl_c(self) -> int:
        """SIGINT to the whole process group, as a terminal's Ctrl-C sends it."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=30)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def lines_of(self, *names: str) -> list[str]:
        """What the named processes printed (web, worker), without honcho's prefix."""
        found = []
        for line in self.output().splitlines():
            match = PREFIX.match(line)
            if match and match.group(1).split(".")[0] in names:
                found.append(match.group(2))
        return found


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Any]:
    runs: list[Run] = []

    def started(log_format: str) -> Run:
        runs.append(Run(tmp_path, free_ports(2)[0], log_format))
        runs[-1].wait_ready()
        return runs[-1]

    yield started
    for run in runs:
        run.kill()


def visit(run: Run) -> None:
    answers = [
        run.get("/"),
        run.get("/favicon.ico"),  # followed to the SVG
        run.get("/no-such-page/"),
        run.get("/web/preferences/", method="POST"),  # no CSRF token
    ]
    assert answers == [200, 200, 404, 403], run.output()
    time.sleep(0.5)  # the lines reach honcho's output


def test_make_runs_script_prints_one_line_per_request_and_ends_cleanly_on_ctrl_c(
    start: Any,
) -> None:
    run = start("text")
    visit(run)
    assert run.ctrl_c() == 0
    output = run.output()
    assert [line for line in output.splitlines() if "/no-such-page/" in line] == [
        next(line for line in output.splitlines() if "status=404" in line)
    ], output
    refused = [line for line in output.splitlines() if "/web/preferences/" in line]
    assert len(refused) == 1 and "CSRF" in refused[0], output
    assert "\x1b[" not in output  # no terminal colours in a pipe
    for word in ("Traceback", "Error", "error", "Interrupt", "Warning", "color_message"):
        assert word not in output, output
    assert "SIGINT received" in output


def test_with_log_format_json_every_line_of_the_server_and_worker_is_json(start: Any) -> None:
    run = start("json")
    visit(run)
    assert run.ctrl_c() == 0
    lines = run.lines_of("web", "worker")
    assert len(lines) >= 8, run.output()
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            pytest.fail(f"not JSON: {line!r}\n{run.output()}")
    events = [entry["event"] for entry in parsed]
    assert "Starting worker" in events and events.count("request") == 5
    assert not any("socket" in line or "color_message" in line for line in lines)


def read_until(fd: int, done: Any, seconds: float) -> str:
    """What a terminal shows, until `done(text)` holds, the other side closes, or time is up."""
    text, until = b"", time.monotonic() + seconds
    while time.monotonic() < until and not done(text.decode(errors="replace")):
        if select.select([fd], [], [], 0.2)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the terminal closed: everything ended
                break
            if not chunk:
                break
            text += chunk
    return text.decode(errors="replace")


def test_make_run_then_ctrl_c_in_a_terminal_prints_no_error(tmp_path: Path) -> None:
    """`make run` itself, in a terminal of its own, and Ctrl-C typed there: make says nothing
    (no "*** [run] Interrupt"), whatever honcho and the processes print as they stop."""
    port = free_ports(2)[0]
    env = run_env(tmp_path, port, "text")
    # util-linux's setsid makes the terminal make's controlling one (a new session, TIOCSCTTY),
    # as a terminal's shell would: no Python runs in a forked child of this threaded process.
    terminal, tty = os.openpty()
    make = ["make", "--no-print-directory", "run", f"PORT={port}"]
    process = subprocess.Popen(  # noqa: S603 - make from the PATH, as a person runs it
        ["setsid", "--ctty", "--wait", *make],  # noqa: S607
        stdin=tty,
        stdout=tty,
        stderr=tty,
        cwd=BASE_DIR,
        env=env,
    )
    os.close(tty)
    try:
        ready = read_until(
            terminal, lambda t: "Uvicorn running" in t and "Starting worker" in t, READY_WITHIN
        )
        assert "Uvicorn running" in ready and "Starting worker" in ready, ready
        os.write(terminal, b"\x03")  # Ctrl-C
        stopped = read_until(terminal, lambda t: False, 30)
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        os.close(terminal)
    assert "SIGINT received" in stopped and "emulator.1 stopped" in stopped, stopped
    for word in ("Interrupt", "Error", "Traceback", "[error"):
        assert word not in ready + stopped, ready + stopped
    assert code in (0, -signal.SIGINT)  # as any program's Ctrl-C
