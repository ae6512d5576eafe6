"""Injected failures: one-off faults (the next N calls of a method) and a steady fault rate.

A steady rate makes a fraction of calls fail the ways Google's API does under load: 429 and
403 `rateLimitExceeded`, 500 and 503 `backendError`, slow answers, connections dropped before an
answer, calls that hang and then drop (a client timeout), and answers lost after the call took
effect. With a `seed`, the same calls in the same order meet the same faults.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

# kind -> HTTP status it answers with (0: no error answer; the connection is slowed or dropped)
RATE_KINDS: dict[str, int] = {
    "429": 429,
    "403": 403,
    "500": 500,
    "503": 503,
    "slow": 0,
    "drop": 0,
    "timeout": 0,
    "lost": 0,
}
DEFAULT_RATE_KINDS = ("429", "403", "500", "503", "slow", "drop")


class DropConnection(ConnectionAbortedError):
    """Raised to end a call with no answer at all (the server closes the connection)."""


@dataclass
class Fault:
    """An injected failure: the next `times` calls of `method` fail (or are slowed)."""

    method: str  # a method id, or a pattern such as "*" or "calendar.events.*"
    status: int = 0  # 0: no error, only `delay_ms`
    reason: str = ""
    message: str = ""
    error: str = ""  # for oauth.* methods: the OAuth `error` code
    times: int = 1
    delay_ms: int = 0
    # Seconds sent as Retry-After (0: none). Google's Calendar pages promise no Retry-After on
    # its rate limits (they ask for exponential backoff), but HTTP lets a 429 or 503 carry one
    # (RFC 6585 section 4, RFC 9110 10.2.3) and Google's front ends do send it at times: a
    # client must honour it when it comes and back off when it does not.
    retry_after: int = 0

    def matches(self, method_id: str) -> bool:
        return self.times > 0 and fnmatchcase(method_id, self.method)


@dataclass
class FaultRate:
    """A steady share of calls (`rate`, 0 to 1) fail with one of `kinds`, chosen by weight."""

    rate: float
    kinds: dict[str, float]
    method: str = "*"
    seed: int | None = None
    slow_ms: int = 2000
    timeout_ms: int = 30000
    calls: int = 0
    injected: dict[str, int] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.injected = dict.fromkeys(self.kinds, 0)

    def draw(self, method_id: str) -> str | None:
        """The fault kind this call meets, or None (the caller holds the emulator's fault lock)."""
        if not fnmatchcase(method_id, self.method):
            return None
        self.calls += 1
        if self.rng.random() >= self.rate:
            return None
        kind = self.rng.choices(list(self.kinds), weights=list(self.kinds.values()))[0]
        self.injected[kind] += 1
        return kind

    def as_dict(self) -> dict[str, Any]:
        return {
            "rate": self.rate,
            "kinds": dict(self.kinds),
            "method": self.method,
            "seed": self.seed,
            "slow_ms": self.slow_ms,
            "timeout_ms": self.timeout_ms,
            "calls": self.calls,
            "injected": dict(self.injected),
        }


def parse_rate(spec: dict[str, Any]) -> FaultRate:
    """A `FaultRate` from the control endpoint's JSON; ValueError says what is wrong."""
    rate = spec.get("rate")
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise ValueError("rate must be a number from 0 to 1")
    kinds = _kinds(spec.get("kinds", list(DEFAULT_RATE_KINDS)))
    method = spec.get("method", "*")
    if not isinstance(method, str) or not method:
        raise ValueError("method must be a method id or a pattern such as calendar.*")
    seed = spec.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError("seed must be an integer")
    return FaultRate(
        rate=float(rate),
        kinds=kinds,
        method=method,
        seed=seed,
        slow_ms=_millis(spec, "slow_ms", 2000),
        timeout_ms=_millis(spec, "timeout_ms", 30000),
    )


def _kinds(value: object) -> dict[str, float]:
    if isinstance(value, list):
        value = dict.fromkeys((str(kind) for kind in value), 1.0)
    if not isinstance(value, dict) or not value:
        raise ValueError("kinds must be a non-empty list of kinds, or {kind: weight}")
    kinds: dict[str, float] = {}
    for kind, weight in value.items():
        if kind not in RATE_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(RATE_KINDS)}")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise ValueError(f"the weight of {kind!r} must be a positive number")
        kinds[kind] = float(weight)
    return kinds


def _millis(spec: dict[str, Any], name: str, default: int) -> int:
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 600_000:
        raise ValueError(f"{name} must be an integer from 0 to 600000")
    return value
