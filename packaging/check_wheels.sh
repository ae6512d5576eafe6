#!/usr/bin/env bash
# The two wheels in dist/, installed as a user would, into fresh virtualenvs in a temporary
# folder outside the repository: the app with its `emulator` extra (which must resolve to the
# emulator's wheel), and the emulator alone. Then checks that
# - both import from the virtualenv (not from the repository), at the versions built;
# - the installed calendar_api carries its migrations, templates, static files, the built web
#   bundle and py.typed, and neither the bundle's sources nor the demo project, tests, bench;
# - in a Django project holding only the app (and the apps it needs), every module of
#   calendar_api imports (but those for the `rq`, `celery` and `redis` extras) and every migration applies on SQLite:
#   the declared dependencies suffice;
# - every module of the emulator imports with only its own dependencies, and its console script
#   serves `/__emulator__/health` on a free loopback port (the OS picks it) and stops on
#   SIGTERM; its `exec` sub-command runs a command that reaches Google's hostnames (in
#   namespaces where it may, and through the proxy);
# - with pytest installed beside it, a host's test gets the emulator's fixtures from the pytest11
#   entry point alone.
# `make dist` runs it after building. It removes the folder and stops the emulator on any exit.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

one() {  # the one file matching a glob, or fail
  local found=("$@")
  if [ "${#found[@]}" -ne 1 ] || [ ! -f "${found[0]}" ]; then
    echo "check_wheels: expected one file, found: ${found[*]}" >&2
    exit 1
  fi
  realpath "${found[0]}"
}
APP_WHEEL=$(one dist/django_gcal_sync-*.whl)
EMULATOR_WHEEL=$(one dist/google_calendar_emulator-*.whl)

WORK=$(mktemp -d /tmp/check-wheels.XXXXXX)
EMULATOR_PID=""
cleanup() {
  if [ -n "$EMULATOR_PID" ] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"  # nothing of the repository on sys.path from here on

echo "== check_wheels: fresh virtualenvs in $WORK: the app with its extra; the emulator alone"
"$PYTHON" -m venv venv
VPY=$WORK/venv/bin/python
"$VPY" -m pip install -qq --disable-pip-version-check "$APP_WHEEL[emulator]" "$EMULATOR_WHEEL"
"$PYTHON" -m venv venv-emulator
EPY=$WORK/venv-emulator/bin/python
"$EPY" -m pip install -qq --disable-pip-version-check "$EMULATOR_WHEEL"

echo "== check_wheels: what the wheels installed"
"$VPY" - <<'PY'
import importlib.metadata
import importlib.util
import sys
from pathlib import Path

import calendar_api
import google_emulator

venv = Path(sys.prefix).resolve()
app = Path(calendar_api.__file__).resolve().parent
emulator = Path(google_emulator.__file__).resolve().parent
for package in (app, emulator):
    assert package.is_relative_to(venv), f"{package} is not installed in {venv}"

expected = [
    "py.typed",
    "migrations/__init__.py",
    "migrations/0001_initial.py",
    "templates/calendar_api/base.html",
    "static/calendar_api/app.css",
    "static/calendar_api/build/calendar.js",
    "static/calendar_api/build/calendar.js.map",  # calendar.js names it (sourceMappingURL)
    "static/calendar_api/build/copy.js",  # the Developer page's copy buttons
]
missing = [name for name in expected if not (app / name).is_file()]
assert not missing, f"calendar_api lacks {missing}"
assert (app / "static/calendar_api/build/calendar.js").stat().st_size > 10_000, "bundle empty"
assert not (app / "frontend").exists(), "the bundle's sources were shipped"
for name in ("calendar_project", "tests", "bench", "deploy", "docs"):
    assert importlib.util.find_spec(name) is None, f"{name} was installed"

expected = ["py.typed", "__main__.py", "hook/sitecustomize.py", "hook/browser.py"]
missing = [name for name in expected if not (emulator / name).is_file()]
assert not missing, f"google_emulator lacks {missing}"

for dist in ("django-gcal-sync", "google-calendar-emulator"):
    print(f"  {dist} {importlib.metadata.version(dist)}")
print(f"  calendar_api: {len(list(app.glob('migrations/0*.py')))} migrations, templates, bundle")
PY

echo "== check_wheels: a host project with only the installed app"
mkdir host
cat >host/check_settings.py <<'PY'
SECRET_KEY = "check-wheels-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "calendar_api",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "check.sqlite3"}}
STATIC_URL = "/static/"
ROOT_URLCONF = "check_urls"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
KNOX_TOKEN_MODEL = "knox.AuthToken"  # a migration of calendar_api points at it
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
PY
cat >host/check_urls.py <<'PY'
from django.urls import include, path

urlpatterns = [path("", include("calendar_api.urls"))]
PY
(
  cd host
  export DJANGO_SETTINGS_MODULE=check_settings PYTHONPATH=.
  "$VPY" - <<'PY'
import importlib
import pkgutil

import django

django.setup()
import calendar_api  # noqa: E402
from django.urls import URLResolver, get_resolver  # noqa: E402

EXTRAS = {  # modules that need an extra installed
    "calendar_api.operations.rq_worker": "rq",
    "calendar_api.management.commands.celery_worker": "celery",
    "calendar_api.db.buckets_redis": "redis",
}
names = [m.name for m in pkgutil.walk_packages(calendar_api.__path__, "calendar_api.")]
for name in names:
    if name not in EXTRAS:
        importlib.import_module(name)


def count(patterns: list[object]) -> int:
    return sum(count(p.url_patterns) if isinstance(p, URLResolver) else 1 for p in patterns)


print(f"  {len(names) - len(EXTRAS)} modules of calendar_api imported (not: {', '.join(EXTRAS)})")
print(f"  calendar_api.urls: {count(get_resolver().url_patterns)} URL patterns")
PY
  # --skip-checks: the app's system checks need its settings (keys, Google client), which have
  # no defaults yet; the demo project's tests run them.
  "$VPY" -m django migrate --noinput --skip-checks -v 0
  "$VPY" -m django showmigrations --skip-checks calendar_api | tail -1
)

echo "== check_wheels: the emulator alone: its modules, its console script"
"$EPY" - <<'PY'
import importlib
import pkgutil

import google_emulator

# The pytest plugins run only under pytest (and the Django half only under pytest-django).
PLUGINS = {"google_emulator.pytest_plugin", "google_emulator.pytest_django_plugin"}
names = [m.name for m in pkgutil.walk_packages(google_emulator.__path__, "google_emulator.")]
for name in names:
    if name not in PLUGINS:
        importlib.import_module(name)
print(f"  {len(names) - len(PLUGINS)} modules of google_emulator imported without the app's dependencies")
PY
"$WORK/venv-emulator/bin/google-calendar-emulator" --host 127.0.0.1 --port 0 >emulator.log 2>&1 &
EMULATOR_PID=$!
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^Google emulator listening on \(http:[^ ]*\) .*/\1/p' emulator.log)
  [ -n "$url" ] && break
  kill -0 "$EMULATOR_PID" 2>/dev/null || { cat emulator.log >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "check_wheels: the emulator did not start" >&2; cat emulator.log >&2; exit 1; }
"$EPY" - "$url/__emulator__/health" <<'PY'
import json
import sys
import urllib.request

with urllib.request.urlopen(sys.argv[1], timeout=10) as response:  # noqa: S310 - loopback
    body = json.load(response)
assert body.get("ok") is True, body
print(f"  {sys.argv[1]} -> {body}")
PY
kill "$EMULATOR_PID"
wait "$EMULATOR_PID" || { echo "check_wheels: the emulator did not stop cleanly" >&2; exit 1; }
EMULATOR_PID=""
echo "  stopped on SIGTERM"

# auto: private namespaces where root may create them (exec re-runs `python -m google_emulator`
# inside), else what proxy does: the hook/ folder shipped in the wheel on PYTHONPATH.
for mode in auto proxy; do
  echo "== check_wheels: google-calendar-emulator exec --mode $mode"
  "$WORK/venv-emulator/bin/google-calendar-emulator" exec --mode "$mode" -- "$EPY" -c '
import json, urllib.request
url = "https://www.googleapis.com/discovery/v1/apis/calendar/v3/rest"
with urllib.request.urlopen(url, timeout=10) as response:
    print("  " + url + " -> rootUrl " + json.load(response)["rootUrl"])
'
done
echo "== check_wheels: the emulator's pytest plugin, from its entry point alone (no Django)"
"$EPY" -m pip install -qq --disable-pip-version-check "pytest>=8,<10"
mkdir plugin-host
cat >plugin-host/test_host.py <<'PY'
import sys

SLOT = {"start": {"dateTime": "2030-01-07T10:00:00Z"}, "end": {"dateTime": "2030-01-07T11:00:00Z"}}


def test_an_event_made_at_google_reads_back(google_control):
    events = google_control.service("alice@example.com").events()
    made = events.insert(calendarId="primary", body={"summary": "At Google", **SLOT}).execute()
    assert events.get(calendarId="primary", eventId=made["id"]).execute()["summary"] == "At Google"
    assert "django" not in sys.modules
PY
(cd plugin-host && "$EPY" -m pytest -q -p no:cacheprovider)
echo "== check_wheels: OK"
