"""An offline stand-in for Google's OAuth 2.0 and Calendar v3 endpoints.

Run it with `python -m google_emulator`, or start it in a thread from tests:

    server = start(seed="demo", auto_consent=True)
    ...  # point the clients at server.base_url
    server.stop()
"""

from __future__ import annotations

from pathlib import Path

from google_emulator.calendar.recurrence import set_instance_ids
from google_emulator.keys import SigningKey
from google_emulator.seed import build_state
from google_emulator.server import Emulator, EmulatorServer
from google_emulator.state import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Client, State

__all__ = ["DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "Emulator", "EmulatorServer", "start"]


def start(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    seed: str = "demo",
    auto_consent: bool = False,
    latency_ms: int = 0,
    state_file: Path | None = None,
    clients: list[Client] | None = None,
    instance_ids: str | None = None,
) -> EmulatorServer:
    """Start an emulator in a background thread and return its running server.
    `instance_ids`: "google" or "opaque" (process-wide; None leaves it as it is)."""
    if instance_ids is not None:
        set_instance_ids(instance_ids)
    state = State.load(state_file) if state_file and state_file.exists() else build_state(seed)
    for client in clients or []:
        state.clients[client.client_id] = client
    emulator = Emulator(
        state, auto_consent=auto_consent, latency_ms=latency_ms, seed=seed, state_file=state_file
    )
    if state.signing_key_pem:  # the key saved with --state: earlier id_tokens still verify
        emulator.key = SigningKey(state.signing_key_pem.encode())
    return EmulatorServer(emulator, host, port).start()
