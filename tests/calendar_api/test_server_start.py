"""Under any server, the app refuses to serve with the development keys and DEBUG off, and the
access log never holds an OAuth code or state: gunicorn and uvicorn are started for real."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings

from tests.calendar_api.test_worker import database_url
from tests.support.ports import free_port

pytestmark = pytest.mark.real_clock  # gunicorn, uvicorn and the app in processes of their own
BASE_DIR = Path(settings.BASE_DIR)
SECRET_CODE = "4/0SecretCodeNeverLogged"
SECRET_STATE = "SecretStateNeverLogged"
FEED_SECRET = "SecretFeedNeverLogged"


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return {**env, "DJANGO_SETTINGS_MODULE": "calendar_project.settings", **extra}


@pytest.mark.parametrize("module", ["calendar_project.wsgi", "calendar_project.asgi"])
def test_loading_the_app_with_development_keys_and_debug_off_is_refused(module: str) -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", f"import {module}"],
        cwd=BASE_DIR,
        env=environment(DEBUG="false"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "Refusing to serve" in done.stderr and "calendar_api.E006" in done.stderr


def test_gunicorn_refuses_to_serve_with_development_keys_and_debug_off(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "calendar_project.wsgi", "-b", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=environment(DEBUG="false"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = server.communicate(timeout=120)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode != 0
    assert "Refusing to serve" in output


def serve_and_request(command: list[str], log: Path, port: int) -> str:
    """Start the server, send a redirect as Google would (code and state in the query), stop
    it, and return everything it logged."""
    params = {"code": SECRET_CODE, "state": SECRET_STATE}
    # no such flow in this session: state_unknown
    return serve_and_get(command, log, port, "/rest/v1/calendar/redirect/", params, 400)


def serve_and_get(
    command: list[str], log: Path, port: int, path: str, params: dict[str, str], status: int
) -> str:
    """Start the server, GET `path`, expect `status`, stop it, and return all it logged."""
    env = environment(DEBUG="true", DATABASE_URL=database_url(), PYTHONUNBUFFERED="1")
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603
            command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        answer = _get_when_up(f"http://127.0.0.1:{port}{path}", params, server)
        assert answer.status_code == status
        time.sleep(0.5)  # let the access log line be written
    finally:
        server.terminate()
        server.wait(timeout=30)
    return log.read_text()


def _get_when_up(url: str, params: dict[str, str], server: Any) -> requests.Response:
    for _ in range(600):
        assert server.poll() is None, "the server exited"
        try:
            return requests.get(url, params=params, timeout=90)
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


@pytest.mark.django_db(transaction=True)
def test_gunicorns_access_log_holds_no_code_and_no_state(tmp_path: Path) -> None:
    port = free_port()
    access = tmp_path / "access.log"
    command = [sys.executable, "-m", "gunicorn", "calendar_project.wsgi"]
    command += ["-b", f"127.0.0.1:{port}", "--access-logfile", str(access)]
    output = serve_and_request(command, tmp_path / "gunicorn.log", port) + access.read_text()
    assert "/rest/v1/calendar/redirect/?" in output  # the request was logged ...
    assert SECRET_CODE not in output and SECRET_STATE not in output  # ... without secrets
    assert "code=[redacted]" in output


@pytest.mark.django_db(transaction=True)
def test_uvicorns_access_log_holds_no_code_and_no_state(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn")
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "calendar_project.asgi:application"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--access-log"]
    output = serve_and_request(command, tmp_path / "uvicorn.log", port)
    assert "path=/rest/v1/calendar/redirect/" in output  # the request line, the one line
    assert SECRET_CODE not in output and SECRET_STATE not in output


@pytest.mark.django_db(transaction=True)
def test_gunicorn_with_the_shipped_config_logs_no_feed_secret(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
    command += ["-b", f"127.0.0.1:{port}", "--workers", "1", "calendar_project.wsgi"]
    feed = f"/rest/v1/feeds/ics/{FEED_SECRET}.ics"  # unknown: 404, "Not Found: <path>" too
    output = serve_and_get(command, tmp_path / "gunicorn.log", port, feed, {}, 404)
    assert '"GET /rest/v1/feeds/ics/[redacted].ics" 404' in output  # the access line
    assert FEED_SECRET not in output
