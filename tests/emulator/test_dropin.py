"""`python -m google_emulator exec` and `env`: unchanged code reaches the emulator as Google.

The scripts in thirdparty/ know nothing of the emulator: they use Google's real hostnames, a
Google-format client_secret.json and InstalledAppFlow.run_local_server. Where this machine
allows no namespaces, the namespaces case runs in the no-root (proxy) mode instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from google_emulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from google_emulator.dropin import namespaces_work
from tests.support.ports import free_port

pytestmark = pytest.mark.real_clock  # `python -m google_emulator exec` and its command
ROOT = Path(__file__).resolve().parents[2]
THIRD_PARTY = Path(__file__).parent / "thirdparty"
GOOGLE_CLIENT = {
    "installed": {
        "client_id": DEMO_CLIENT_ID,
        "project_id": "emulated",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_secret": DEMO_CLIENT_SECRET,
        "redirect_uris": ["http://localhost"],
    }
}


def mode_here(wanted: str) -> str:
    return wanted if wanted == "proxy" or namespaces_work() else "proxy"


@pytest.fixture
def client_secrets(tmp_path: Path) -> Path:
    path = tmp_path / "client_secret.json"
    path.write_text(json.dumps(GOOGLE_CLIENT))
    return path


def run_exec(
    *args: str, cwd: Path = ROOT, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_EMULATOR", "OAUTHLIB"))}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "google_emulator", "exec", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize("mode", ["namespaces", "proxy"])
def test_googles_quickstart_runs_unchanged_with_live_discovery(
    mode: str, client_secrets: Path
) -> None:
    script = THIRD_PARTY / "quickstart_discovery.py"
    done = run_exec(
        "--auto-consent",
        "--mode",
        mode_here(mode),
        "--",
        sys.executable,
        str(script),
        str(client_secrets),
        cwd=client_secrets.parent,  # the user's own directory, not this repository
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "upcoming": 10,
        "created": "Quickstart check",
        "root": "https://www.googleapis.com/",
    }


@pytest.mark.parametrize("mode", ["namespaces", "proxy"])
def test_a_realistic_gcsa_session_runs_unchanged(
    mode: str, client_secrets: Path, tmp_path: Path
) -> None:
    script = THIRD_PARTY / "gcsa_session.py"
    token = tmp_path / "token.pickle"
    done = run_exec(
        "--auto-consent",
        "--mode",
        mode_here(mode),
        "--",
        sys.executable,
        str(script),
        str(client_secrets),
        str(token),
        str(free_port()),
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "calendars": ["Trips 2031", "Work", "alice@example.com"],
        "instances": 5,
        "listed": ["Daily standup"],
        "acl": ["owner", "reader"],
        "event_colors": 11,
        "calendar_colors": 24,
        "timezone": "Europe/London",
        "busy": 1,
        "quick": ["Lunch with Bob", "12:30"],
        "meet": "ConferenceSolution",
        "meet_link": "https://meet.google.com/",
        "moved": "Call",
        "after_delete": False,
    }
    assert token.exists()  # gcsa pickled the credentials it got from the flow


def test_exec_exits_with_the_commands_status() -> None:
    done = run_exec("--mode", "proxy", "--", sys.executable, "-c", "raise SystemExit(3)")
    assert done.returncode == 3


def test_exec_without_a_command_explains_itself() -> None:
    done = run_exec("--auto-consent")
    assert done.returncode == 2
    assert "exec [options] -- COMMAND" in done.stderr


def test_exec_sets_the_ca_for_every_common_client() -> None:
    code = "import json, os; print(json.dumps(dict(os.environ)))"
    done = run_exec("--mode", "proxy", "--", sys.executable, "-c", code)
    env = json.loads(done.stdout)
    for name in ("REQUESTS_CA_BUNDLE", "HTTPLIB2_CA_CERTS", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        assert env[name].endswith("ca-bundle.pem")
    assert env["NODE_EXTRA_CA_CERTS"].endswith("ca.pem")
    assert env["GOOGLE_EMULATOR_URL"].startswith("http://127.0.0.1:")


@pytest.fixture
def env_process() -> Iterator[tuple[dict[str, str], subprocess.Popen[str]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "google_emulator", "env", "--auto-consent"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    exports: dict[str, str] = {}
    for line in process.stdout:
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").strip().partition("=")
            exports[name] = value.strip("'")
        if line.startswith("# The emulator's HTTPS port"):
            break
    try:
        yield exports, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_env_prints_an_environment_that_reaches_the_emulator_as_google(
    env_process: tuple[dict[str, str], subprocess.Popen[str]],
) -> None:
    exports, _ = env_process
    proxies = {"https": exports["HTTPS_PROXY"]}
    bundle = exports["REQUESTS_CA_BUNDLE"]
    config = requests.get(
        "https://accounts.google.com/.well-known/openid-configuration",
        proxies=proxies,
        verify=bundle,
        timeout=10,
    ).json()
    assert config["token_endpoint"] == "https://oauth2.googleapis.com/token"
    health = requests.get(exports["GOOGLE_EMULATOR_URL"] + "/__emulator__/health", timeout=10)
    assert health.json()["ok"] is True
    with pytest.raises(requests.exceptions.ProxyError):
        requests.get("https://example.com/", proxies=proxies, verify=bundle, timeout=10)
