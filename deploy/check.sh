#!/usr/bin/env bash
# `make deploy-check`: what a release does, on this machine, with production settings:
# collectstatic (WhiteNoise serves the result), `check --deploy` with zero warnings, migrate a
# fresh PostgreSQL database, start the ASGI server, a worker and the emulator, and wait for
# /readyz to answer 200. Everything it starts is stopped, and the database dropped, at the end.
#
# DEPLOY_CHECK_DATABASE_URL: a PostgreSQL server where it may create a database
# (postgres://USER@HOST:PORT/ANY); default: $DATABASE_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
ADMIN_URL=${DEPLOY_CHECK_DATABASE_URL:-${DATABASE_URL:-}}
case "$ADMIN_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "deploy-check needs DEPLOY_CHECK_DATABASE_URL (or DATABASE_URL) = postgres://..."; exit 2 ;;
esac
WORK=$(mktemp -d /tmp/deploy-check.XXXXXX)
DB_NAME="calendar_deploy_check_$$"
read -r WEB_PORT EMULATOR_PORT < <("$PY" - <<'PYEOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
PYEOF
)

database() {  # database create|drop: a fresh database on the server of ADMIN_URL
  "$PY" - "$1" "$ADMIN_URL" "$DB_NAME" <<'PYEOF'
import sys
import dj_database_url, psycopg
action, url, name = sys.argv[1:]
db = dj_database_url.parse(url)
with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                     password=db["PASSWORD"] or None, dbname="postgres", autocommit=True) as c:
    c.execute(f'DROP DATABASE IF EXISTS "{name}"')
    if action == "create":
        c.execute(f'CREATE DATABASE "{name}"')
PYEOF
}

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  database drop || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Production settings: every value a release sets (fresh keys, https, no DEBUG).
export DEBUG=false LOG_FORMAT=json
export SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export TOKEN_ENCRYPTION_KEYS=$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=true SECURE_HSTS_SECONDS=31536000
export SECURE_HSTS_INCLUDE_SUBDOMAINS=true SECURE_HSTS_PRELOAD=true TRUST_X_FORWARDED_PROTO=true
export DATABASE_URL="${ADMIN_URL%/*}/$DB_NAME" DATABASE_CONN_MAX_AGE=60
export GOOGLE_EMULATOR_URL="http://127.0.0.1:$EMULATOR_PORT"
export PUBLIC_BASE_URL="https://127.0.0.1:$WEB_PORT" PUSH_NOTIFICATIONS=false
export PROMETHEUS_MULTIPROC_DIR="$WORK/metrics" PYTHONUNBUFFERED=1
mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

echo "== collectstatic"
"$PY" manage.py collectstatic --noinput -v0
echo "== check --deploy (warnings fail)"
"$PY" manage.py check --deploy --fail-level WARNING
echo "== migrate a fresh PostgreSQL database ($DB_NAME)"
database create
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py schedule_periodic

echo "== start the emulator, the ASGI server (uvicorn, 2 processes) and a worker"
"$PY" -m google_emulator --host 127.0.0.1 --port "$EMULATOR_PORT" >"$WORK/emulator.log" 2>&1 &
PIDS+=($!)
.venv/bin/uvicorn calendar_project.asgi:application --host 127.0.0.1 --port "$WEB_PORT" \
  --workers 2 --no-access-log >"$WORK/web.log" 2>&1 &
PIDS+=($!)
"$PY" manage.py worker >"$WORK/worker.log" 2>&1 &
PIDS+=($!)

echo "== wait for /readyz"
if ! "$PY" - "$WEB_PORT" <<'PYEOF'
import sys, time, requests
base = f"http://127.0.0.1:{sys.argv[1]}"
deadline, last = time.monotonic() + 120, "no answer"
while time.monotonic() < deadline:
    try:
        r = requests.get(f"{base}/readyz", timeout=10)
        last = f"{r.status_code} {r.text}"
        if r.status_code == 200:
            break
    except requests.RequestException as exc:
        last = str(exc)
    time.sleep(1)
else:
    sys.exit(f"/readyz never answered 200: {last}")
print("/readyz:", last)
proxied = {"X-Forwarded-Proto": "https"}  # as nginx says it
page = requests.get(f"{base}/", headers=proxied, timeout=10)
assert page.status_code == 200, page.status_code
css = [p for p in page.text.split('"') if p.startswith("/static/") and p.endswith(".css")]
assert css, "the page links no stylesheet"
static = requests.get(base + css[0], headers=proxied, timeout=10)
assert static.status_code == 200 and "max-age" in static.headers.get("Cache-Control", ""), css[0]
print("static file from WhiteNoise:", css[0], static.headers["Cache-Control"])
assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
PYEOF
then
  echo "--- web log";    tail -n 40 "$WORK/web.log"
  echo "--- worker log"; tail -n 40 "$WORK/worker.log"
  exit 1
fi
echo "deploy-check: passed"
