"""Calendar API quotas as real integrations meet them.

- A per-user queries-per-minute limit over a sliding minute (Google's default is 600; the
  emulator's is off unless set), answered `403 userRateLimitExceeded` or `429
  rateLimitExceeded`. Each call in a batch counts.
- The "Calendar usage limits exceeded" write lock-out: for a while, every write of one
  account answers `403 quotaExceeded`, while reads still work.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from google_emulator.errors import GoogleError

WINDOW = 60.0
# POSTs that only read: they never meet the write lock-out.
READ_POSTS = {"calendar.freebusy.query", "calendar.events.watch", "calendar.channels.stop"}


@dataclass
class Quota:
    user_qpm: int = 0  # 0: no limit
    status: int = 403  # 403 userRateLimitExceeded, or 429 rateLimitExceeded
    lockouts: dict[str, float] = field(default_factory=dict)  # email -> until (epoch seconds)
    calls: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def check(self, email: str, method_id: str, http_method: str) -> None:
        """Raise Google's error when `email` is over its rate or locked out of writing."""
        now = time.monotonic()
        with self.lock:
            until = self.lockouts.get(email, 0.0)
            if until and until < time.time():
                del self.lockouts[email]
            elif until and http_method != "GET" and method_id not in READ_POSTS:
                raise GoogleError(403, "quotaExceeded", "Calendar usage limits exceeded.")
            if not self.user_qpm:
                return
            recent = self.calls.setdefault(email, deque())
            while recent and recent[0] <= now - WINDOW:
                recent.popleft()
            if len(recent) >= self.user_qpm:
                # Retry-After: when the oldest call of the sliding minute leaves it (see Fault's
                # retry_after for why the emulator sends one).
                wait = max(1, math.ceil(recent[0] + WINDOW - now))
                if self.status == 429:
                    raise GoogleError(
                        429, "rateLimitExceeded", "Rate Limit Exceeded", retry_after=wait
                    )
                raise GoogleError(
                    403, "userRateLimitExceeded", "User Rate Limit Exceeded", retry_after=wait
                )
            recent.append(now)

    def as_dict(self) -> dict[str, Any]:
        with self.lock:
            return {
                "user_qpm": self.user_qpm,
                "status": self.status,
                "lockouts": {e: int(until) for e, until in self.lockouts.items()},
            }

    def clear(self) -> None:
        with self.lock:
            self.user_qpm, self.status = 0, 403
            self.lockouts.clear()
            self.calls.clear()
