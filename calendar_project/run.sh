#!/usr/bin/env bash
# What `make run` runs once the database is migrated: the scheduler's first tick, then the
# Procfile's processes (web, worker, emulator) under honcho, which prints each one's lines.
#
# Ctrl-C reaches honcho (it stops every process: SIGTERM, each one finishing what it does) and
# this script, which waits for honcho and exits 0: stopping is how a run ends, not a failure, so
# make prints no "*** [run] Interrupt". SIGTERM (a service manager) is passed on to honcho.
#
# The environment comes from the Makefile: HOST, PORT, EMULATOR_PORT, and the exported URLs;
# STATE_DIR (default var/) holds the emulator's saved state and the metrics' files.
set -euo pipefail

export HOST="${HOST:-127.0.0.1}" PORT="${PORT:-8000}" EMULATOR_PORT="${EMULATOR_PORT:-8765}"
PY="${PY:-.venv/bin/python}"
HONCHO="${HONCHO:-.venv/bin/honcho}"
export STATE_DIR="${STATE_DIR:-var}"
mkdir -p "$STATE_DIR"
# Emptied at every start (prometheus_client's multiprocess mode): always our own folder.
export PROMETHEUS_MULTIPROC_DIR="$(cd "$STATE_DIR" && pwd)/prometheus"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
"$PY" manage.py schedule_periodic

cat <<BANNER

  Open http://$HOST:$PORT/ to connect a calendar
  (or http://$HOST:$PORT/rest/v1/calendar/init/ for the bare OAuth flow and JSON).
  Google emulator: http://$HOST:$EMULATOR_PORT (alice@example.com, bob@example.com)
  Ctrl-C stops everything.

BANNER

stopping=""
stop() {
    stopping="yes"
    # A terminal's Ctrl-C reached honcho too (the same process group); anything else is passed.
    if [ "$1" = TERM ]; then kill -TERM "$honcho" 2>/dev/null || true; fi
}
"$HONCHO" start -e /dev/null -f Procfile -p "$PORT" &
honcho=$!
trap 'stop INT' INT
trap 'stop TERM' TERM
status=0
# `wait` returns early when a trapped signal arrives: wait again until honcho has stopped all.
while kill -0 "$honcho" 2>/dev/null; do
    wait "$honcho" && status=0 || status=$?
done
if [ -n "$stopping" ]; then
    exit 0
fi
exit "$status"
