"""`python -m google_emulator`: run the emulator as a standalone, threaded WSGI server.

Subcommands: `exec [options] -- COMMAND` runs COMMAND with Google's hostnames served by the
emulator; `env [options]` prints the environment that does the same from another shell;
`token EMAIL` prints an access token of a running emulator's account, for scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from google_emulator import EmulatorServer, dropin, start
from google_emulator.calendar.generate import generate
from google_emulator.expiry import RefreshExpiry
from google_emulator.state import Client


def parse_client(value: str) -> Client:
    parts = value.split(":", 2)
    if len(parts) != 3 or not all(parts):
        raise argparse.ArgumentTypeError("expected ID:SECRET:REDIRECT_URI")
    redirect = urlsplit(parts[2])
    if redirect.scheme not in ("http", "https") or not redirect.netloc or redirect.fragment:
        raise argparse.ArgumentTypeError(f"not an absolute http(s) redirect URI: {parts[2]}")
    return Client(parts[0], parts[1], [parts[2]])


def merge_clients(clients: list[Client]) -> list[Client]:
    """A client id given twice adds its redirect URIs (its last secret wins)."""
    merged: dict[str, Client] = {}
    for client in clients:
        found = merged.get(client.client_id)
        if found is None:
            merged[client.client_id] = Client(
                client.client_id, client.client_secret, list(client.redirect_uris)
            )
            continue
        found.client_secret = client.client_secret
        found.redirect_uris += [u for u in client.redirect_uris if u not in found.redirect_uris]
    return list(merged.values())


def generate_for(server: EmulatorServer, count: int) -> None:
    state = server.emulator.state
    with state.lock:
        first = next(iter(state.accounts))
        calendar = state.calendars.calendars[first]
        generate(state.calendars, calendar, count)
    print(f"Generated {count} events in {first}'s primary calendar.", flush=True)


def add_emulator_options(parser: argparse.ArgumentParser, *, port: int | None = 8765) -> None:
    parser.add_argument("--port", type=int, default=port)
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
    parser.add_argument(
        "--instance-ids",
        choices=["google", "opaque"],
        default="google",
        help="ids of recurring instances: <seriesId>_<start> (google) or not derivable (opaque)",
    )
    parser.add_argument("--state", type=Path, help="load state from, and save it to, this file")
    parser.add_argument(
        "--user-qpm",
        type=int,
        default=0,
        metavar="N",
        help="Calendar queries per minute per user, as Google's quota (its default: 600); 0: off",
    )
    parser.add_argument(
        "--publishing-status",
        choices=["production", "testing"],
        default="production",
        help="the OAuth consent screen's status: testing gives refresh tokens a 7-day life",
    )
    parser.add_argument(
        "--client",
        type=parse_client,
        action="append",
        default=[],
        help="register a client: ID:SECRET:REDIRECT_URI (repeatable; the same ID adds URIs)",
    )


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m google_emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    add_emulator_options(parser)
    args = parser.parse_args(argv)
    server = start(
        host=args.host,
        port=args.port,
        seed=args.seed,
        auto_consent=args.auto_consent,
        latency_ms=args.latency_ms,
        state_file=args.state,
        clients=merge_clients(args.client),
        instance_ids=args.instance_ids,
    )
    server.emulator.quota.user_qpm = args.user_qpm
    server.emulator.expiry = RefreshExpiry.for_status(args.publishing_status)
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


def dropin_parser(name: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m google_emulator {name}", description=dropin.__doc__
    )
    add_emulator_options(parser, port=None)  # exec: 8765 inside namespaces, else a free port
    parser.add_argument("--ca-dir", type=Path, help="keep (and reuse) the CA in this directory")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    if name == "exec":
        parser.add_argument(
            "--mode",
            choices=["auto", "namespaces", "proxy"],
            default="auto",
            help="auto: namespaces when root on Linux allows them, else the proxy",
        )
        parser.add_argument("--inside-namespaces", action="store_true", help=argparse.SUPPRESS)
    else:
        parser.add_argument("--https-port", type=int, default=0)
    return parser


def exec_command(argv: list[str]) -> int:
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print(
            "usage: python -m google_emulator exec [options] -- COMMAND [ARGS...]", file=sys.stderr
        )
        return 2
    split = argv.index("--")
    args = dropin_parser("exec").parse_args(argv[:split])
    args.client = merge_clients(args.client)
    raw = [a for a in argv if a != "--inside-namespaces"]
    return dropin.exec_main(args, argv[split + 1 :], raw)


def env_command(argv: list[str]) -> int:
    args = dropin_parser("env").parse_args(argv)
    args.client = merge_clients(args.client)
    return dropin.env_main(args)


DEFAULT_URL = "http://127.0.0.1:8765"


def token_command(argv: list[str]) -> int:
    """Print an access token for EMAIL from the emulator at --url (GOOGLE_EMULATOR_URL)."""
    parser = argparse.ArgumentParser(
        prog="python -m google_emulator token",
        description="Print an access token of a running emulator's account (calendar scope), "
        'for scripts: curl -H "Authorization: Bearer $(python -m google_emulator token '
        'alice@example.com)" ...',
    )
    parser.add_argument("email")
    parser.add_argument(
        "--url",
        default=os.environ.get("GOOGLE_EMULATOR_URL") or DEFAULT_URL,
        help="the emulator's base URL (default: GOOGLE_EMULATOR_URL, else %(default)s)",
    )
    parser.add_argument("--scope", default="", help="space-separated scopes (default: calendar)")
    args = parser.parse_args(argv)
    body = json.dumps({"email": args.email, "scope": args.scope}).encode()
    if urlsplit(args.url).scheme not in ("http", "https"):
        parser.error(f"--url must be an http(s) URL, not {args.url}")
    url = args.url.rstrip("/") + "/__emulator__/token"
    request = Request(url, body, {"Content-Type": "application/json"}, method="POST")  # noqa: S310
    try:
        with urlopen(request, timeout=10) as answer:  # noqa: S310 (http(s) only, checked above)
            print(json.loads(answer.read())["access_token"])
    except HTTPError as exc:
        detail = json.loads(exc.read() or b"{}").get("error", {}).get("message", exc.reason)
        print(f"The emulator at {args.url} refused: {detail}", file=sys.stderr)
        return 1
    except (URLError, OSError, ValueError) as exc:
        print(f"No emulator answers at {args.url} ({exc}): is it running?", file=sys.stderr)
        return 1
    return 0


COMMANDS = {"exec": exec_command, "env": env_command, "token": token_command}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        return COMMANDS[argv[0]](argv[1:])
    return serve(argv)


if __name__ == "__main__":
    sys.exit(main())
