"""The Calendar API calls the emulator has answered, as Google's Cloud console shows a project's
usage: calls per minute (the figure the project quota is counted in, over a sliding minute,
per Google's "Usage limits" page, developers.google.com/workspace/calendar/api/guides/quota),
by method and by account.

Every call a token was checked for counts, whatever its answer; OAuth and control endpoints
do not (they are not Calendar API quota). Read and reset through `/__emulator__/usage`.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

WINDOW = 60  # seconds: Google counts the project's quota per minute


@dataclass
class Usage:
    per_second: Counter[int] = field(default_factory=Counter)
    by_method: Counter[str] = field(default_factory=Counter)
    by_account: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, email: str, method_id: str) -> None:
        second = int(time.time())
        with self.lock:
            self.per_second[second] += 1
            self.by_method[method_id] += 1
            self.by_account[email] += 1

    def clear(self) -> None:
        with self.lock:
            self.per_second.clear()
            self.by_method.clear()
            self.by_account.clear()

    def peak_per_minute(self) -> tuple[int, int]:
        """The most calls any sliding minute held, and the second that minute began."""
        with self.lock:
            seconds = dict(self.per_second)
        best, start = 0, 0
        for first in seconds:  # a busiest window can always start at a second with calls
            held = sum(seconds.get(first + n, 0) for n in range(WINDOW))
            if held > best:
                best, start = held, first
        return best, start

    def as_dict(self, *, accounts: bool = False) -> dict[str, Any]:
        peak, since = self.peak_per_minute()
        with self.lock:
            body: dict[str, Any] = {
                "total": sum(self.by_method.values()),
                "byMethod": dict(self.by_method),
                "peakPerMinute": peak,
                "peakMinuteStart": since,
                "perSecond": {str(k): v for k, v in sorted(self.per_second.items())},
            }
            if accounts:
                body["byAccount"] = dict(self.by_account)
        return body
