"""A web server killed in the middle of a connect (after Google's code exchange, while the
calendars are being read) loses no refresh token: the next connect works, and so does the
refresh after it. gunicorn is started for real and killed with SIGKILL."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from calendar_api.models import GoogleAccount
from google_emulator import EmulatorServer
from tests.calendar_api.test_server_start import BASE_DIR, environment
from tests.calendar_api.test_worker import database_url
from tests.support.ports import free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]  # worker processes
CALENDAR_LIST = "/calendar/v3/users/me/calendarList"


class Gate:
    """Holds calendarList requests at the emulator until opened."""

    def __init__(self, google: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
        self.open = threading.Event()
        self.arrived = threading.Event()
        self._dispatch = google.emulator.dispatch
        monkeypatch.setattr(google.emulator, "dispatch", self.dispatch)

    def dispatch(self, request: Any) -> Any:
        if request.path.startswith(CALENDAR_LIST) and not self.open.is_set():
            self.arrived.set()
            self.open.wait(timeout=120)
        return self._dispatch(request)


class Web:
    """gunicorn serving the app on the test database and the test emulator."""

    def __init__(self, google: EmulatorServer, port: int, log: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        env = environment(
            DEBUG="true",
            DATABASE_URL=database_url(),
            GOOGLE_EMULATOR_URL=google.base_url,
            GOOGLE_CLIENT_SECRETS_FILE="",
            GOOGLE_REDIRECT_URI=f"{self.base}/rest/v1/calendar/redirect/",
            PUBLIC_BASE_URL="http://127.0.0.1:9",
            PUSH_NOTIFICATIONS="false",
            GOOGLE_HTTP_TIMEOUT="60",
        )
        command = [sys.executable, "-m", "gunicorn", "calendar_project.wsgi"]
        command += ["-b", f"127.0.0.1:{port}", "--timeout", "300"]
        with log.open("w") as out:
            self.process = subprocess.Popen(  # noqa: S603
                command,
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def authorize_url(session: requests.Session, web: Web) -> str:
    for _ in range(600):
        try:
            init = session.get(
                f"{web.base}/rest/v1/calendar/init/",
                params={"login_hint": "alice@example.com"},
                allow_redirects=False,
                timeout=90,
            )
            return str(init.headers["Location"])
        except requests.ConnectionError:
            threading.Event().wait(0.1)
    raise AssertionError("the web server did not start")


def back_from_google(session: requests.Session, url: str) -> requests.Response:
    consent = requests.get(url, allow_redirects=False, timeout=30)
    return session.get(consent.headers["Location"], allow_redirects=False, timeout=120)


def test_a_server_killed_mid_connect_keeps_the_refresh_token(
    google: EmulatorServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gate = Gate(google, monkeypatch)
    port = free_port()
    web = Web(google, port, tmp_path / "web-1.log")
    try:
        browser = requests.Session()
        url = authorize_url(browser, web)
        stuck = threading.Thread(target=lambda: _quietly(back_from_google, browser, url))
        stuck.start()
        assert gate.arrived.wait(120), (tmp_path / "web-1.log").read_text()
        web.kill()  # after the code exchange, before the connect finished
    finally:
        gate.open.set()
        web.stop()
    stuck.join(timeout=60)
    kept = GoogleAccount.objects.get()
    assert kept.refresh_token and kept.status == GoogleAccount.Status.CONNECTING

    again = Web(google, port, tmp_path / "web-2.log")
    try:
        browser = requests.Session()
        answer = back_from_google(browser, authorize_url(browser, again))
        if answer.status_code == 302:  # asked Google again with prompt=consent
            answer = back_from_google(browser, answer.headers["Location"])
        assert answer.status_code == 200, answer.text[:300]
    finally:
        again.stop()
    account = GoogleAccount.objects.get()
    assert account.status == GoogleAccount.Status.ACTIVE
    assert account.refresh_token == kept.refresh_token  # Google sent none the second time


def _quietly(call: Any, *args: Any) -> None:
    with contextlib.suppress(requests.RequestException):  # the server dies under it
        call(*args)
