"""The quickstart is the contract: run docs/quickstart.md as a new user would, from the wheels.

In a folder outside the repository, with a virtualenv holding only the wheels of `make dist`
(and their dependencies, plus pytest-django for the host's test): `django-admin startproject
mysite`; append each Python block of docs/quickstart.md that starts with `# settings.py` to the
settings module and each that starts with `# urls.py` to the URL module; `migrate`, `check`;
start the installed emulator (`google-calendar-emulator`), the worker and `runserver` on free
loopback ports; sign a user in through the admin's login; run the OAuth flow from the init URL
under the quickstart's prefix (the emulator's auto-consent stands in for the person's click) to
the user's events as JSON; read one week of them through the Python API (`manage.py shell`)
and the REST API, and compare. Then the host's own test (packaging/quickstart/test_host.py,
pytest-django and the emulator's pytest plugin). All of it twice: with Django's user model, and
with a custom one that has no `username` field (packaging/quickstart/accounts).

    python packaging/quickstart_check.py                 # a fresh virtualenv, wheels from dist/
    python packaging/quickstart_check.py --python PATH   # an environment that has them (nox)

Stdlib only. Every process it starts is stopped (by its pid) on any exit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "quickstart.md"
HERE = REPO / "packaging" / "quickstart"
PASSWORD = "quickstart-check-password"  # noqa: S105 - a throwaway user in a throwaway project
GOOGLE_ACCOUNT = "alice@example.com"
# The shell lines of the page that this script does itself (so that the page cannot drift).
COMMANDS = [
    'pip install "django-gcal-sync[emulator]"',
    "django-admin startproject mysite",
    "python manage.py generate_token_key",
    "export GOOGLE_EMULATOR_URL=",
    "python manage.py migrate",
    "python manage.py createsuperuser",
    "google-calendar-emulator",
    "python manage.py worker",
    "python manage.py runserver",
]
VARIANTS = {  # name -> (settings added before migrate, createsuperuser's options)
    "django-user": ("", ["--username", "host", "--email", "host@example.com"]),
    "email-user": (
        '\nINSTALLED_APPS += ["accounts"]\nAUTH_USER_MODEL = "accounts.User"\n',
        ["--email", "host@example.com"],
    ),
}
processes: list[subprocess.Popen[bytes]] = []


def say(text: str) -> None:
    print(f"== quickstart: {text}", flush=True)


def blocks(doc: str) -> tuple[list[str], list[str]]:
    """The page's `# settings.py` and `# urls.py` blocks; it must show every command run here."""
    python = re.findall(r"^```python\n(.*?)^```", doc, re.S | re.M)
    settings = [b for b in python if b.startswith("# settings.py\n")]
    urls = [b for b in python if b.startswith("# urls.py\n")]
    shell = "\n".join(re.findall(r"^```shell\n(.*?)^```", doc, re.S | re.M))
    missing = [command for command in COMMANDS if command not in shell]
    assert settings and urls, "docs/quickstart.md has no `# settings.py` or `# urls.py` block"
    assert not missing, f"docs/quickstart.md's shell blocks lack {missing}"
    return settings, urls


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"quickstart: {' '.join(argv[:3])}... failed ({done.returncode})")
    return done.stdout


def start(argv: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    processes.append(process)
    return process


def stop_all() -> None:
    while processes:
        process = processes.pop()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(what: str, check: Any, process: subprocess.Popen[bytes], log: Path) -> Any:
    for _ in range(300):
        found = check()
        if found:
            return found
        if process.poll() is not None:
            break
        time.sleep(0.1)
    sys.stderr.write(log.read_text(errors="replace"))
    raise SystemExit(f"quickstart: {what} did not start")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


class Browser:
    """A browser on loopback: cookies, and redirects shown rather than followed."""

    class _Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    def __init__(self) -> None:
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar, self._Keep)

    def get(self, url: str, data: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode(errors="replace")


def sign_in(browser: Browser, site: str, username: str) -> None:
    _, _, page = browser.get(f"{site}/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "the admin's login page has no CSRF token"
    form = {"csrfmiddlewaretoken": token[1], "username": username, "password": PASSWORD}
    status, _, _ = browser.get(f"{site}/admin/login/?next=/admin/", form)
    assert status == 302, f"signing in answered {status}"


def connect(browser: Browser, site: str, init_path: str) -> dict[str, Any]:
    """The OAuth flow: init, the emulator's consent (auto), the redirect view's JSON."""
    query = urllib.parse.urlencode({"login_hint": GOOGLE_ACCOUNT})
    url = f"{site}{init_path}?{query}"
    for _ in range(8):
        status, headers, body = browser.get(url)
        if status != 302:
            assert status == 200, f"{url} answered {status}: {body[:500]}"
            return dict(json.loads(body))
        url = urllib.parse.urljoin(url, headers["Location"])
    raise AssertionError("the OAuth flow did not end")


def week_of(events: list[dict[str, Any]]) -> tuple[dt.datetime, dt.datetime, set[str]]:
    """A week (Monday to Monday, UTC) holding stored single events, and their ids."""
    single = [e for e in events if "recurrence" not in e and "dateTime" in e.get("start", {})]
    assert single, "the redirect's JSON holds no single timed event"
    first = min(dt.datetime.fromisoformat(e["start"]["dateTime"]) for e in single)
    day = first.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    low = day - dt.timedelta(days=day.weekday())
    high = low + dt.timedelta(days=7)
    inside = {
        e["id"] for e in single if low <= dt.datetime.fromisoformat(e["start"]["dateTime"]) < high
    }
    return low, high, inside


PYTHON_API = """
import datetime as dt, json
from django.contrib.auth import get_user_model
from calendar_api import api
User = get_user_model()
user = User.objects.get(**{User.USERNAME_FIELD: %r})
low, high = dt.datetime.fromisoformat(%r), dt.datetime.fromisoformat(%r)
print(json.dumps([[e["id"], e.get("summary"), e["start"]] for e in api.events_between(user, low, high)]))
"""

PATHS = """
from django.urls import reverse
import json
print(json.dumps([reverse("calendar_oauth:init"), reverse("calendar_api:event-list", args=["primary"])]))
"""


def shell(py: str, project: Path, env: dict[str, str], code: str) -> Any:
    """What `manage.py shell -c code` printed last (its own lines come before)."""
    out = run([py, "manage.py", "shell", "-c", code], project, env)
    return json.loads(out.strip().splitlines()[-1])


def read_week(
    browser: Browser,
    site: str,
    py: str,
    project: Path,
    env: dict[str, str],
    username: str,
    events_path: str,
    low: dt.datetime,
    high: dt.datetime,
) -> list[Any]:
    code = PYTHON_API % (username, low.isoformat(), high.isoformat())
    through_python = shell(py, project, env, code)
    query = {"single_events": "true", "time_min": low.isoformat(), "time_max": high.isoformat()}
    url: str | None = f"{site}{events_path}?{urllib.parse.urlencode(query)}"
    through_rest: list[Any] = []
    while url:
        status, _, body = browser.get(url)
        assert status == 200, f"the REST API answered {status}: {body[:500]}"
        page = json.loads(body)
        through_rest += [[e["id"], e.get("summary"), e["start"]] for e in page["results"]]
        url = page.get("next")
    assert through_python == through_rest, (through_python, through_rest)
    return list(through_python)


def variant(
    name: str,
    py: str,
    bin_dir: Path,
    work: Path,
    settings_blocks: list[str],
    url_blocks: list[str],
    host_test: bool,
) -> None:
    extra_settings, superuser = VARIANTS[name]
    clock = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    run([str(bin_dir / "django-admin"), "startproject", "mysite"], work, env)
    project = work / "mysite"
    with (project / "mysite" / "settings.py").open("a") as out:
        out.writelines("\n" + block for block in settings_blocks)
        port = free_port()  # the page's runserver listens on 8000: here a free port
        out.write(
            f'\n# quickstart_check.py: this run\'s port\nGOOGLE_CALENDAR["PUBLIC_BASE_URL"] = "http://127.0.0.1:{port}"\n'
        )
        out.write(extra_settings)
    with (project / "mysite" / "urls.py").open("a") as out:
        out.writelines("\n" + block for block in url_blocks)
    if extra_settings:
        shutil.copytree(HERE / "accounts", project / "accounts")
    env["CALENDAR_TOKEN_KEYS"] = run([py, "manage.py", "generate_token_key"], project, env).strip()

    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    emulator_log = logs / f"{name}-emulator.log"
    argv = [str(bin_dir / "google-calendar-emulator"), "--host", "127.0.0.1", "--port", "0"]
    emulator = start([*argv, "--auto-consent"], work, env, emulator_log)

    def listening() -> str:
        found = re.search(r"listening on (http://\S+)", emulator_log.read_text(errors="replace"))
        return found[1] if found else ""

    env["GOOGLE_EMULATOR_URL"] = wait_for("the emulator", listening, emulator, emulator_log)
    if extra_settings:  # the host's own app: its first migration
        run([py, "manage.py", "makemigrations", "accounts", "-v", "0"], project, env)
    run([py, "manage.py", "migrate", "--noinput", "-v", "0"], project, env)
    run([py, "manage.py", "check", "--fail-level", "WARNING"], project, env)
    env["DJANGO_SUPERUSER_PASSWORD"] = PASSWORD
    run([py, "manage.py", "createsuperuser", "--noinput", *superuser], project, env)
    username = superuser[1]
    init_path, events_path = shell(py, project, env, PATHS)

    start([py, "manage.py", "worker"], project, env, logs / f"{name}-worker.log")
    site = f"http://127.0.0.1:{port}"
    server_log = logs / f"{name}-runserver.log"
    argv = [py, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    server = start(argv, project, env, server_log)
    wait_for("runserver", lambda: answers(f"{site}/admin/login/"), server, server_log)
    say(
        f"{name}: project, migrate, check, emulator, worker, server ({time.monotonic() - clock:.1f} s)"
    )

    browser = Browser()
    sign_in(browser, site, username)
    answer = connect(browser, site, init_path)
    assert answer["account"]["email"] == GOOGLE_ACCOUNT, answer
    low, high, expected = week_of(answer["events"])
    week = read_week(browser, site, py, project, env, username, events_path, low, high)
    missing = expected - {row[0] for row in week}
    assert not missing, f"the redirect's events {missing} are not in the week read back"
    say(
        f"{name}: signed in at {init_path}, connected {GOOGLE_ACCOUNT}: {len(answer['events'])} "
        f"events as JSON; the week of {low:%Y-%m-%d}: {len(week)} events, the same through the "
        f"Python API and the REST API ({time.monotonic() - clock:.1f} s)"
    )
    stop_all()

    if host_test:
        shutil.copy(HERE / "test_host.py", project / "test_host.py")
        argv = [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--ds=mysite.settings"]
        subprocess.run([*argv, "test_host.py"], cwd=project, env=env, check=True, timeout=300)
        say(f"{name}: the host's test passed ({time.monotonic() - clock:.1f} s)")


def environment(work: Path, dist: Path, django: str) -> Path:
    """A fresh virtualenv with the wheels of dist/ (the app with its emulator extra)."""
    app = list(dist.glob("django_gcal_sync-*.whl"))
    emulator = list(dist.glob("google_calendar_emulator-*.whl"))
    assert len(app) == len(emulator) == 1, f"expected one wheel of each in {dist}: run make dist"
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
    py = work / "venv" / "bin" / "python"
    wanted = [f"{app[0]}[emulator]", str(emulator[0]), "pytest-django>=4.14,<5"]
    pin = [django] if django else []
    pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, *wanted, *pin], check=True, cwd=work, timeout=600)
    return py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", help="the interpreter of an environment with the wheels")
    parser.add_argument("--dist", default=str(REPO / "dist"), help="where the wheels are")
    parser.add_argument("--django", default="", help='a Django requirement, e.g. "Django<6"')
    parser.add_argument("--variants", default=",".join(VARIANTS), help="which to run")
    parser.add_argument("--no-host-test", action="store_true", help="leave the pytest file out")
    options = parser.parse_args()
    settings_blocks, url_blocks = blocks(DOC.read_text())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    clock = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="quickstart-check."))
    try:
        if options.python:
            py = Path(options.python)
        else:
            py = environment(work, Path(options.dist).resolve(), options.django)
        version = run(
            [
                str(py),
                "-c",
                "import django, sys; print(django.get_version(), sys.version.split()[0])",
            ],
            work,
            dict(os.environ),
        )
        say(f"{work}: Django {version.split()[0]}, Python {version.split()[1]}")
        for name in options.variants.split(","):
            folder = work / name
            folder.mkdir()
            variant(
                name,
                str(py),
                py.parent,
                folder,
                settings_blocks,
                url_blocks,
                not options.no_host_test,
            )
        say(f"OK in {time.monotonic() - clock:.0f} s")
    except BaseException:
        for log in sorted(work.glob("*/logs/*.log")):  # what the processes said, for the reader
            lines = log.read_text(errors="replace").splitlines()[-40:]
            sys.stderr.write(f"-- {log.relative_to(work)} (its end)\n" + "\n".join(lines) + "\n")
        raise
    finally:
        stop_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
