"""The Google call budget: every Calendar API call takes a token first, shared by every process.

Google's Standard Tier quotas for the Calendar API are 10,000 requests per minute per project
and 600 per minute per user per project, counted over a sliding minute ("Usage limits",
https://developers.google.com/workspace/calendar/api/guides/quota, for projects created from
May 2026 on, and for every project without Scaled Tier from April 2027). Two token buckets
hold the product to them: one per Google project (the OAuth client) and one per Google user.
A bucket holds `burst` of a minute's figure (a tenth by default) and refills at the rest per
minute, so that no sliding minute can hold more than the figure: at most `capacity` at once,
plus `(per_minute - capacity)` refilled over the minute.

Who asks comes first by `Priority`, which the caller states (`working(...)`; a view's calls,
a person's writes and first window, are `INTERACTIVE` by default): a lower priority may not
take the last `reserve` share of a bucket (push-triggered syncs a third of it, safety polls
two thirds, horizon work all of it), so a person's write finds a token while polls wait. A
background call that would wait longer than `background_wait` is not waited for: it raises
`BudgetDeferred` (retryable, with `retry_after`) and its job is queued again for later,
instead of holding a worker. Background calls also count against a daily budget per calendar.

Google's rate-limit answers (429, and 403 `rateLimitExceeded` / `userRateLimitExceeded`) are
applied to the bucket, so every process slows down, not just the one that was told: the
bucket is emptied and blocked for Retry-After, or, without one, for an exponential backoff
with jitter over the strikes of the last minutes (Google's error guide,
https://developers.google.com/workspace/calendar/api/guides/errors). `userRateLimitExceeded`
blocks the user's bucket; `rateLimitExceeded` the project's.

The buckets live in Redis when `GOOGLE_CALENDAR_BUDGET_REDIS_URL` is set, otherwise in the
database (db/buckets.py). docs/budget.md has the whole story.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import math
import random
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from calendar_api import metrics
from calendar_api.conf import app_settings
from calendar_api.db.buckets import SqlBuckets
from calendar_api.google import errors

FORGET_STRIKES_AFTER = 300.0  # seconds without a rate-limit answer that reset the backoff


class Priority(enum.IntEnum):
    INTERACTIVE = 0  # a person waiting: their write, their first window
    PUSH = 1  # a sync that a push notification asked for
    POLL = 2  # the safety poll
    HORIZON = 3  # moving the read model's horizon on


@dataclass(frozen=True)
class Work:
    """What a call is for: its priority, and the calendar (our id) whose day it is charged to."""

    priority: Priority = Priority.INTERACTIVE
    calendar: int | None = None


_work: ContextVar[Work | None] = ContextVar("google_budget_work", default=None)


def current() -> Work:
    return _work.get() or Work()


@contextlib.contextmanager
def working(priority: Priority, *, calendar: int | None = None) -> Iterator[None]:
    """Make the Google calls in the block at `priority`, charged to `calendar`'s day."""
    token = _work.set(Work(priority, calendar))
    try:
        yield
    finally:
        _work.reset(token)


class BudgetDeferred(errors.GoogleError):
    """A background call the budget will not make now: queue the work again after
    `retry_after` seconds (no call reached Google)."""

    status_code = 503
    code = "google_budget_deferred"
    default_message = "The Google call budget defers this work."
    retryable = True


@dataclass(frozen=True)
class Config:
    """The budget's settings (config(): GOOGLE_CALENDAR's keys, with their defaults there)."""

    enabled: bool
    project_per_minute: int
    user_per_minute: int
    burst: float  # share of a minute's figure a bucket holds
    reserve: float  # share of a bucket the background leaves for a person waiting
    calendar_daily: int  # background calls per calendar per (UTC) day; 0: no cap
    interactive_wait: float  # seconds a person's call may wait for a token
    background_wait: float  # longer waits defer the job
    backoff_base: float  # seconds, doubled per strike, without Retry-After
    window: float  # the quota's window (Google: a minute)
    redis_url: str
    database: str
    backoff_cap: float = 64.0

    def bucket(self, per_window: int) -> tuple[float, float]:
        """(capacity, tokens per second) of a bucket that never lets a window exceed
        `per_window`."""
        capacity = max(1.0, per_window * self.burst)
        return capacity, max(per_window - capacity, 1.0) / self.window

    def floor(self, priority: Priority, capacity: float) -> float:
        return capacity * self.reserve * int(priority) / 3


def config() -> Config:
    """The budget's keys of GOOGLE_CALENDAR (read live)."""

    return Config(
        enabled=bool(app_settings.BUDGET_ENABLED),
        project_per_minute=int(app_settings.PROJECT_REQUESTS_PER_MINUTE),
        user_per_minute=int(app_settings.USER_REQUESTS_PER_MINUTE),
        burst=float(app_settings.BUDGET_BURST),
        reserve=float(app_settings.BUDGET_RESERVE),
        calendar_daily=int(app_settings.CALENDAR_DAILY_BUDGET),
        interactive_wait=float(app_settings.BUDGET_INTERACTIVE_WAIT),
        background_wait=float(app_settings.BUDGET_BACKGROUND_WAIT),
        backoff_base=float(app_settings.BUDGET_BACKOFF_BASE),
        window=float(app_settings.BUDGET_WINDOW),
        redis_url=str(app_settings.BUDGET_REDIS_URL),
        database=str(app_settings.BUDGET_DATABASE),
    )


class Store(Protocol):
    """The shared buckets (db/buckets.py, db/buckets_redis.py)."""

    def take(
        self, key: str, *, n: int, capacity: float, rate: float, floor: float, now: float
    ) -> float: ...
    def penalize(self, key: str, *, delay: Any, forget_after: float, now: float) -> float: ...
    def day_spend(self, key: str, *, n: int, limit: int, now: float) -> bool: ...
    def day_total(self, prefix: str) -> float: ...
    def peek(
        self, key: str, *, capacity: float, rate: float, now: float
    ) -> tuple[float, float]: ...
    def clear(self) -> None: ...
    def close(self) -> None: ...


_stores: dict[tuple[str, str], Store] = {}  # one per process and configuration


def _store(redis_url: str, database: str) -> Store:
    found = _stores.get((redis_url, database))
    if found is None:
        if not redis_url:
            found = SqlBuckets(database)
        else:
            # Redis is optional (the `redis` extra; RQ's and Celery's bring it): imported here.
            from calendar_api.db.buckets_redis import RedisBuckets

            found = RedisBuckets(redis_url)
        found = _stores.setdefault((redis_url, database), found)
    return found


def stores_close() -> None:
    """Close the connections of every store this process opened (a test run's end, before its
    database is dropped: the database store holds a connection of its own)."""
    while _stores:
        _stores.popitem()[1].close()


def store(cfg: Config | None = None) -> Store:
    cfg = cfg or config()
    return _store(cfg.redis_url, cfg.database)


def project_key(project: str) -> str:
    return f"project:{project}"


def user_key(project: str, user: str) -> str:
    return f"user:{project}:{user}"


def day_prefix(now: float) -> str:
    return "day:" + dt.datetime.fromtimestamp(now, dt.UTC).date().isoformat() + ":"


def spend(*, project: str, user: str = "", n: int = 1, work: Work | None = None) -> None:
    """Take `n` tokens for a call to Google as `user` of `project`, waiting for them if the
    wait is short enough for `work`'s priority. Raises BudgetDeferred (background) or
    RateLimited (a person waiting) instead of waiting longer."""
    cfg = config()
    if not cfg.enabled:
        return
    work = work or current()
    shared = store(cfg)
    started = time.monotonic()
    if work.priority is not Priority.INTERACTIVE:
        _charge_day(cfg, shared, work, n)
    buckets = [(user_key(project, user), cfg.user_per_minute)] if user else []
    buckets.append((project_key(project), cfg.project_per_minute))
    for key, per_window in buckets:
        _take(cfg, shared, key, per_window, n, work.priority, started)
    label = work.priority.name.lower()
    metrics.BUDGET_CALLS.labels(priority=label).inc(n)
    metrics.BUDGET_WAIT.labels(priority=label).observe(time.monotonic() - started)


def _charge_day(cfg: Config, shared: Store, work: Work, n: int) -> None:
    if not cfg.calendar_daily or work.calendar is None:
        return
    now = time.time()
    key = f"{day_prefix(now)}{work.calendar}"
    if not shared.day_spend(key, n=n, limit=cfg.calendar_daily, now=now):
        metrics.BUDGET_DEFERRED.labels(priority=work.priority.name.lower(), reason="daily").inc()
        midnight = math.ceil(now / 86400) * 86400
        raise BudgetDeferred(
            "The calendar's daily budget for background calls is spent.",
            retry_after=int(midnight - now) + random.randint(1, 600),  # noqa: S311
        )


def _take(
    cfg: Config, shared: Store, key: str, per_window: int, n: int, priority: Priority, since: float
) -> None:
    capacity, rate = cfg.bucket(per_window)
    floor = cfg.floor(priority, capacity)
    longest = cfg.interactive_wait if priority is Priority.INTERACTIVE else cfg.background_wait
    while True:
        wait = shared.take(key, n=n, capacity=capacity, rate=rate, floor=floor, now=time.time())
        if not wait:
            return
        if time.monotonic() - since + wait > longest:
            _refuse(priority, key, wait)
        time.sleep(wait + random.uniform(0, min(0.05, wait / 10)))  # noqa: S311


def _refuse(priority: Priority, key: str, wait: float) -> None:
    label = priority.name.lower()
    metrics.BUDGET_DEFERRED.labels(priority=label, reason=key.split(":", 1)[0]).inc()
    retry_after = max(1, math.ceil(wait))
    if priority is Priority.INTERACTIVE:
        raise errors.RateLimited(retry_after=retry_after)
    raise BudgetDeferred(retry_after=retry_after + random.randint(0, retry_after))  # noqa: S311


def rate_limited(*, project: str, user: str, reason: str, retry_after: int | None) -> float:
    """Google answered a rate limit: block the bucket it names for every process, for
    Retry-After or an exponential backoff with jitter. Returns the seconds it is blocked."""
    cfg = config()
    if not cfg.enabled:
        return 0.0
    per_user = reason == "userRateLimitExceeded" and user
    key = user_key(project, user) if per_user else project_key(project)
    scale = float(app_settings.RETRY_BACKOFF)

    def delay(strikes: int) -> float:
        backoff = min(cfg.backoff_cap, cfg.backoff_base * 2.0 ** (strikes - 1)) * scale
        base = max(float(retry_after or 0), backoff)
        return base + random.uniform(0, base / 10)  # noqa: S311

    metrics.GOOGLE_RATE_LIMITED.labels(bucket=key.split(":", 1)[0]).inc()
    shared = store(cfg)
    return float(
        shared.penalize(key, delay=delay, forget_after=FORGET_STRIKES_AFTER, now=time.time())
    )


def snapshot(project: str) -> dict[str, float]:
    """The project bucket's tokens and block, and the background calls charged today."""
    cfg = config()
    shared = store(cfg)
    capacity, rate = cfg.bucket(cfg.project_per_minute)
    now = time.time()
    tokens, blocked = shared.peek(project_key(project), capacity=capacity, rate=rate, now=now)
    spent = shared.day_total(day_prefix(now))
    return {"tokens": tokens, "capacity": capacity, "blocked_seconds": blocked, "spent": spent}
