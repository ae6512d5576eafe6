"""Push notifications' delivery: queued under the state lock, sent by one daemon thread.

Notifications are queued while the request holds the state lock and sent by one daemon thread
(in order, so message numbers arrive increasing), each POST with an empty body and a short
timeout; delivery failures are ignored, as a webhook that is down simply misses messages.
Injected faults (`PushFaults`) drop, duplicate, reorder or delay them. The handlers that open
and close channels (events.watch, channels.stop) are in `push`.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import queue
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from google_emulator.calendar import event_types
from google_emulator.state.calendar import Calendar, CalendarStore, Channel, Event

DELIVERY_TIMEOUT = 2.0
REORDER_WAIT = 1.0  # seconds a held notification waits for a later one to overtake it

Delivery = tuple[str, dict[str, str]]
_queue: queue.Queue[Delivery] = queue.Queue()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()


@dataclass
class PushFaults:
    """Notification faults: each share (0 to 1) of notifications is dropped, sent twice,
    or held back until the next one has gone (reordered); `delay_ms` slows every one."""

    drop: float = 0.0
    duplicate: float = 0.0
    reorder: float = 0.0
    delay_ms: int = 0
    seed: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.counts = {"sent": 0, "dropped": 0, "duplicated": 0, "reordered": 0}

    @classmethod
    def parse(cls, body: Any) -> PushFaults:
        if not isinstance(body, dict):
            raise ValueError("Send a JSON object")
        shares: dict[str, float] = {}
        for name in ("drop", "duplicate", "reorder"):
            value = body.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be a number from 0 to 1")
            shares[name] = float(value)
        delay, seed = body.get("delay_ms", 0), body.get("seed")
        if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= 60_000:
            raise ValueError("delay_ms must be an integer from 0 to 60000")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError("seed must be an integer")
        return cls(
            drop=shares["drop"],
            duplicate=shares["duplicate"],
            reorder=shares["reorder"],
            delay_ms=delay,
            seed=seed,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "drop": self.drop,
            "duplicate": self.duplicate,
            "reorder": self.reorder,
            "delay_ms": self.delay_ms,
            "seed": self.seed,
            "counts": dict(self.counts),
        }


_faults: PushFaults | None = None
_faults_lock = threading.Lock()


def set_faults(faults: PushFaults | None) -> None:
    global _faults
    with _faults_lock:
        _faults = faults


def current_faults() -> PushFaults | None:
    return _faults


def _post(address: str, headers: dict[str, str]) -> None:
    parts = urlsplit(address)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.netloc, timeout=DELIVERY_TIMEOUT)
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", target, b"", headers)
        connection.getresponse().read()
    finally:
        connection.close()


def _attempt(delivery: Delivery) -> None:
    faults = _faults
    if faults is not None and faults.delay_ms:
        time.sleep(faults.delay_ms / 1000)
    # Google gives up on a failing webhook too; clients keep polling.
    with contextlib.suppress(OSError, http.client.HTTPException, ValueError):
        _post(*delivery)


def _plan(delivery: Delivery) -> tuple[int, bool]:
    """How many times to send `delivery` (0: dropped) and whether to hold it back."""
    with _faults_lock:
        faults = _faults
        if faults is None:
            return 1, False
        draw = faults.rng.random
        if draw() < faults.drop:
            faults.counts["dropped"] += 1
            return 0, False
        times = 2 if draw() < faults.duplicate else 1
        held = draw() < faults.reorder
        faults.counts["sent"] += times
        faults.counts["duplicated"] += times - 1
        faults.counts["reordered"] += int(held)
        return times, held


def _deliver_forever() -> None:
    while True:
        delivery = _queue.get()
        try:
            times, held = _plan(delivery)
            if held:  # let the next notification overtake this one, if one comes soon
                try:
                    later = _queue.get(timeout=REORDER_WAIT)
                except queue.Empty:
                    later = None
                if later is not None:
                    try:
                        for _ in range(_plan(later)[0]):
                            _attempt(later)
                    finally:
                        _queue.task_done()
            for _ in range(times):
                _attempt(delivery)
        finally:
            _queue.task_done()


def _enqueue(delivery: Delivery) -> None:
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_deliver_forever, name="push", daemon=True)
            _worker.start()
    _queue.put(delivery)


def wait_idle() -> None:
    """Block until every queued notification has been attempted (for tests and tools)."""
    _queue.join()


def live(store: CalendarStore, calendar_id: str | None = None) -> list[Channel]:
    now_ms = int(time.time() * 1000)
    return [
        c
        for c in store.channels.values()
        if c.expiration_ms > now_ms and calendar_id in (None, c.calendar_id)
    ]


def send(channel: Channel, state: str) -> None:
    channel.messages += 1
    headers = {
        "X-Goog-Channel-ID": channel.id,
        "X-Goog-Channel-Expiration": email.utils.formatdate(
            channel.expiration_ms / 1000, usegmt=True
        ),
        "X-Goog-Resource-ID": channel.resource_id,
        "X-Goog-Resource-URI": channel.resource_uri,
        "X-Goog-Resource-State": state,
        "X-Goog-Message-Number": str(channel.messages),
        "Content-Length": "0",
    }
    if channel.token:
        headers["X-Goog-Channel-Token"] = channel.token
    _enqueue((channel.address, headers))


def changed(store: CalendarStore, calendar: Calendar, event: Event | None = None) -> None:
    """Tell every live channel on `calendar` that its events changed (`event`, when one did):
    a channel opened with `eventTypes` hears only of events of those types."""
    for channel in live(store, calendar.id):
        if event_types.notifies(channel.event_types, event):
            send(channel, "exists")
