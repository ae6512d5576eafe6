"""Calendars and events as the emulator keeps them: Google's own JSON resources.

Every change bumps a store-wide sequence number. An event remembers the sequence of its last
change (`changed`) and of its creation (`created`, which gives the default, stable list order);
sync tokens carry a sequence number, so `syncToken` lists exactly what changed since. A store
has a random `epoch`: tokens from another store (or from before a reset) answer 410.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

Event = dict[str, Any]

ETAG_BASE = 3_180_000_000_000_000  # etags look like Google's: a quoted 16-digit number


def etag_for(seq: int) -> str:
    return f'"{ETAG_BASE + seq}"'


@dataclass
class Calendar:
    id: str
    owner: str  # the account email that owns it
    summary: str
    time_zone: str
    description: str = ""
    location: str = ""
    color_id: str = "14"
    background_color: str = "#9fe1e7"
    foreground_color: str = "#000000"
    primary: bool = False
    seq: int = 0  # when the calendar itself was created or changed
    version: int = 0  # the sequence of the last change to any of its events
    updated: str = ""  # RFC 3339 time of the last change
    events: dict[str, Event] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)  # event id -> seq of last change
    created: dict[str, int] = field(default_factory=dict)  # event id -> seq of its creation
    acl: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule id -> scope, role, seq
    working_hours: dict[str, Any] | None = None  # the Calendar resource's workingHours


@dataclass
class Channel:
    id: str
    resource_id: str
    calendar_id: str
    owner: str
    address: str
    token: str
    expiration_ms: int
    resource_uri: str
    messages: int = 0  # the last message number sent
    event_types: list[str] = field(default_factory=list)  # eventTypes watched (empty: all)

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "api#channel",
            "id": self.id,
            "resourceId": self.resource_id,
            "resourceUri": self.resource_uri,
            "expiration": str(self.expiration_ms),
        }
        if self.token:
            body["token"] = self.token
        return body


@dataclass
class CalendarStore:
    calendars: dict[str, Calendar] = field(default_factory=dict)
    seq: int = 0
    min_sync_seq: int = 0  # sync tokens older than this answer 410 fullSyncRequired
    epoch: str = field(default_factory=lambda: secrets.token_hex(4))
    channels: dict[str, Channel] = field(default_factory=dict)
    # email -> calendar id -> that account's list settings (colour, hidden, "removed", ...)
    entries: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    settings: dict[str, dict[str, str]] = field(default_factory=dict)  # email -> overrides
    pending_conferences: list[tuple[str, str]] = field(default_factory=list)  # (calendar, event)
    meet_pending: bool = False  # Meet conferences answer "pending" first (a control fault)

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def owned_by(self, email: str) -> list[Calendar]:
        return [c for c in self.calendars.values() if c.owner == email]

    def expire_sync_tokens(self) -> None:
        self.min_sync_seq = self.next_seq()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CalendarStore:
        calendars = {k: Calendar(**v) for k, v in data.get("calendars", {}).items()}
        channels = {k: Channel(**v) for k, v in data.get("channels", {}).items()}
        store = cls(calendars, data.get("seq", 0), data.get("min_sync_seq", 0))
        store.epoch = data.get("epoch", store.epoch)
        store.channels = channels
        store.entries = data.get("entries", {})
        store.settings = data.get("settings", {})
        return store
