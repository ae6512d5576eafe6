"""`python -m google_emulator` as a process: start-up time, `--client`, `--state` across restarts."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jwt
import pytest
import requests
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials

from google_emulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from google_emulator.__main__ import main, parse_client
from tests.emulator.test_oauth_helpers import (
    CAL,
    SIGN_IN,
    follow_authorize,
    make_flow,
    sign_in,
)
from tests.support.ports import free_port

pytestmark = pytest.mark.real_clock  # `python -m google_emulator` in a process of its own
ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "cli-client.apps.googleusercontent.com"
CLIENT_SECRET = "cli-secret"
CLIENT_REDIRECT = "http://127.0.0.1:8123/oauth/callback"


@pytest.fixture(autouse=True)
def _loopback_oauth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], deadline: float) -> bool:
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(base_url + "/__emulator__/health", timeout=0.5).ok:
                return True
        except requests.RequestException:  # not up yet, or too busy to answer in time
            time.sleep(0.02)
    return False


def _stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
        raise


@contextmanager
def running(*args: str, limit: float = 30.0) -> Iterator[tuple[str, float]]:
    """Run the emulator with `args`; yield its base URL and how long it took to answer."""
    port = free_port()
    command = [sys.executable, "-m", "google_emulator", "--port", str(port), *args]
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        assert _wait_healthy(base_url, process, started + limit), "the emulator did not start"
        yield base_url, time.monotonic() - started
    finally:
        _stop(process)


def test_it_starts_and_answers_health() -> None:
    # How fast it starts is a figure for bench/, not a timed assertion on a shared machine.
    with running("--seed", "demo") as (base_url, _elapsed):
        health = requests.get(base_url + "/__emulator__/health", timeout=10).json()
    assert health == {"ok": True, "seed": "demo"}


def test_it_accepts_only_the_exact_redirect_uri_of_a_registered_client() -> None:
    client = f"{CLIENT_ID}:{CLIENT_SECRET}:{CLIENT_REDIRECT}"
    with running("--auto-consent", "--client", client) as (base_url, _):
        _, token = sign_in(
            base_url,
            [*SIGN_IN, CAL],
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uri=CLIENT_REDIRECT,
        )
        assert token["access_token"].startswith("ya29.")
        for other in (CLIENT_REDIRECT + "/", "http://127.0.0.1:8124/oauth/callback"):
            flow = make_flow(base_url, [*SIGN_IN, CAL], client_id=CLIENT_ID, redirect_uri=other)
            response = follow_authorize(flow.authorization_url()[0])
            assert response.status_code == 400
            assert "redirect_uri_mismatch" in response.text


def test_it_saves_state_on_sigterm_and_reloads_it(tmp_path: Path) -> None:
    state_file = tmp_path / "emulator-state.json"
    with running("--auto-consent", "--state", str(state_file)) as (base_url, _):
        _, token = sign_in(base_url, [*SIGN_IN, CAL])
    assert state_file.exists()
    with running("--auto-consent", "--state", str(state_file)) as (base_url, _):
        credentials = Credentials(
            None,
            refresh_token=token["refresh_token"],
            token_uri=base_url + "/token",
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
        )
        credentials.refresh(Request())
        assert str(credentials.token).startswith("ya29.")
        _, again = sign_in(base_url, [*SIGN_IN, CAL])
        assert "refresh_token" not in again  # the earlier offline consent survived too
        jwks = requests.get(base_url + "/oauth2/v3/certs", timeout=5).json()
        signed = jwt.get_unverified_header(token["id_token"])["kid"]
        assert signed in [key["kid"] for key in jwks["keys"]]  # the signing key survived


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("only-an-id", "ID:SECRET:REDIRECT_URI"),
        ("id::http://127.0.0.1:1/cb", "ID:SECRET:REDIRECT_URI"),
        ("id:secret:/relative/cb", "not an absolute http(s) redirect URI"),
        ("id:secret:http://127.0.0.1:1/cb#frag", "not an absolute http(s) redirect URI"),
    ],
)
def test_it_refuses_a_malformed_client(
    capsys: pytest.CaptureFixture[str], value: str, complaint: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--client", value])
    assert caught.value.code == 2
    assert complaint in capsys.readouterr().err


def test_it_keeps_the_colons_of_the_redirect_uri() -> None:
    client = parse_client(f"{CLIENT_ID}:{CLIENT_SECRET}:{CLIENT_REDIRECT}")
    assert (client.client_id, client.client_secret) == (CLIENT_ID, CLIENT_SECRET)
    assert client.redirect_uris == [CLIENT_REDIRECT]
    assert client.accepts(CLIENT_REDIRECT)
    assert not client.accepts("http://localhost:8123/oauth/callback")


def test_it_generates_a_large_calendar_on_request() -> None:
    from tests.emulator.clients import service

    with running("--auto-consent", "--generate", "3000", limit=10.0) as (base_url, _):
        events = service(base_url, "alice@example.com").events()
        ids: set[str] = set()
        request = events.list(calendarId="primary", maxResults=2500)
        while request is not None:
            page = request.execute()
            ids |= {event["id"] for event in page["items"]}
            request = events.list_next(request, page)
    assert len(ids) >= 3000 + 50  # the generated events beside the demo seed
