"""`python -m google_emulator`: run the emulator as a standalone, threaded WSGI server."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from google_emulator import EmulatorServer, start
from google_emulator.calendar.generate import generate
from google_emulator.state import Client


def parse_client(value: str) -> Client:
    parts = value.split(":", 2)
    if len(parts) != 3 or not all(parts):
        raise argparse.ArgumentTypeError("expected ID:SECRET:REDIRECT_URI")
    redirect = urlsplit(parts[2])
    if redirect.scheme not in ("http", "https") or not redirect.netloc or redirect.fragment:
        raise argparse.ArgumentTypeError(f"not an absolute http(s) redirect URI: {parts[2]}")
    return Client(parts[0], parts[1], [parts[2]])


def generate_for(server: EmulatorServer, count: int) -> None:
    state = server.emulator.state
    with state.lock:
        first = next(iter(state.accounts))
        calendar = state.calendars.calendars[first]
        generate(state.calendars, calendar, count)
    print(f"Generated {count} events in {first}'s primary calendar.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m google_emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", choices=["demo", "empty"], default="demo")
    parser.add_argument(
        "--auto-consent",
        action="store_true",
        help="approve at once as the login_hint account (or the first one)",
    )
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument(
        "--generate",
        type=int,
        default=0,
        metavar="N",
        help="add N generated events to the first account's primary calendar (benchmarks)",
    )
    parser.add_argument("--state", type=Path, help="load state from, and save it to, this file")
    parser.add_argument(
        "--client",
        type=parse_client,
        action="append",
        default=[],
        help="register a client: ID:SECRET:REDIRECT_URI (repeatable)",
    )
    args = parser.parse_args(argv)
    server = start(
        host=args.host,
        port=args.port,
        seed=args.seed,
        auto_consent=args.auto_consent,
        latency_ms=args.latency_ms,
        state_file=args.state,
        clients=args.client,
    )
    print(
        f"Google emulator listening on {server.base_url} (seed={args.seed}, "
        f"auto-consent={'on' if args.auto_consent else 'off'})",
        flush=True,
    )
    if args.generate:
        generate_for(server, args.generate)
    stopped: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        # Only a flag: setting a threading.Event here can deadlock with a main thread that is
        # inside Event.wait() (the handler runs in that same thread).
        stopped.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopped:
        time.sleep(0.1)
    server.stop()
    server.emulator.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
