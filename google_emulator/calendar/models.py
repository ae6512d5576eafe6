"""Calendars and events as the emulator keeps them: Google's own JSON resources.

Every change to an event bumps a store-wide sequence number; sync tokens and etags are derived
from it, so `syncToken` lists exactly what changed since.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Calendar:
    id: str
    owner: str  # the account email that owns it
    summary: str
    time_zone: str
    description: str = ""
    color_id: str = "1"
    background_color: str = "#ac725e"
    foreground_color: str = "#1d1d1d"
    primary: bool = False
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)  # event id -> seq of its last change


@dataclass
class CalendarStore:
    calendars: dict[str, Calendar] = field(default_factory=dict)
    seq: int = 0
    min_sync_seq: int = 0  # sync tokens older than this answer 410 fullSyncRequired

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def owned_by(self, email: str) -> list[Calendar]:
        return [c for c in self.calendars.values() if c.owner == email]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CalendarStore:
        calendars = {k: Calendar(**v) for k, v in data.get("calendars", {}).items()}
        return cls(calendars, data.get("seq", 0), data.get("min_sync_seq", 0))
