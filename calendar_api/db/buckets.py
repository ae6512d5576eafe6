"""Token buckets and day counters shared by every process, kept in a SQL database.

The Google call budget (google/budget.py) keeps its buckets here when there is no Redis
(db/buckets_redis.py holds the same operations in Redis). A bucket is one row: the tokens it
held at `updated` (epoch seconds), refilled at `rate` per second up to `capacity` when it is
read, and a `blocked_until` that a rate-limit answer from Google sets for every process.
A day counter is a row whose `tokens` counts what was spent.

Every operation is one statement or a short series of them in autocommit, so that taking a
token is atomic on SQLite and PostgreSQL alike: `UPDATE ... WHERE <refilled tokens> - n >=
floor` takes a token only while there is one, and two processes never take the same one.

The statements run on a connection of the budget's own (one per process, shared by its
threads under a lock), never on the caller's: a sync fetches its next page from Google while
its transaction holds rows, and a token taken inside that transaction would hold the bucket's
row until the sync commits (PostgreSQL) or wait for the whole database (SQLite). On SQLite the
buckets live in a file beside the database (`<NAME>-budget`) for the same reason: SQLite has
one writer per file. The table is created on first use (`CREATE TABLE IF NOT EXISTS`), so it
needs no migration and works in any database Django can reach.

Relies on Django's `load_backend()`, `DatabaseWrapper(settings_dict, alias)` and
`inc_thread_sharing()` (checked against Django 5.2.19, SQLite and PostgreSQL 15).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Sequence
from typing import Any

from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

TABLE = "gcal_budget_bucket"
DAY_PREFIX = "day:"
DAY_ROWS_KEPT = 3 * 86400  # a day counter is dropped this long after its last spend

CREATE = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    key VARCHAR(255) PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    updated DOUBLE PRECISION NOT NULL,
    blocked_until DOUBLE PRECISION NOT NULL DEFAULT 0,
    strikes INTEGER NOT NULL DEFAULT 0,
    struck_at DOUBLE PRECISION NOT NULL DEFAULT 0
)"""


def refilled(now: float, rate: float, capacity: float) -> tuple[str, list[float]]:
    """SQL for the bucket's tokens at `now`, and its parameters (portable: no LEAST/MIN)."""
    grown = "tokens + (CASE WHEN %s > updated THEN %s - updated ELSE 0 END) * %s"
    sql = f"(CASE WHEN {grown} > %s THEN %s ELSE {grown} END)"
    grown_params = [now, now, rate]
    return sql, [*grown_params, capacity, capacity, *grown_params]


class SqlBuckets:
    """The budget's buckets in a table of the database `alias` (SQLite: a file beside it)."""

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias
        self._lock = threading.Lock()
        self._connection: BaseDatabaseWrapper | None = None
        self._pid = 0

    # -- the operations (the same in db/buckets_redis.py) ----------------------------------

    def take(
        self, key: str, *, n: int, capacity: float, rate: float, floor: float, now: float
    ) -> float:
        """Take `n` tokens if the bucket keeps at least `floor` after; 0.0 when taken, else the
        seconds until it could be (the block's end, or the refill the caller lacks)."""
        tokens, params = refilled(now, rate, capacity)
        sql = (
            f"UPDATE {TABLE} SET tokens = {tokens} - %s, updated = %s "
            f"WHERE key = %s AND blocked_until <= %s AND {tokens} - %s >= %s"
        )
        args = [*params, n, now, key, now, *params, n, floor]
        if self._run(sql, args, ensure=(key, capacity, now)):
            return 0.0
        row = self._row(key)
        blocked_until, held = row["blocked_until"], row["tokens"]
        if blocked_until > now:
            return blocked_until - now + (floor + n) / rate
        held = min(capacity, held + max(0.0, now - row["updated"]) * rate)
        return max((floor + n - held) / rate, 1e-3)

    def penalize(self, key: str, *, delay: Any, forget_after: float, now: float) -> float:
        """A rate-limit answer: count a strike (strikes older than `forget_after` seconds are
        forgotten), then empty the bucket and block it for `delay(strikes)` seconds, or
        longer if another process blocked it longer. Returns the seconds it is blocked."""
        self._run(
            f"UPDATE {TABLE} SET strikes = CASE WHEN struck_at > %s THEN strikes + 1 ELSE 1 END, "
            "struck_at = %s WHERE key = %s",
            [now - forget_after, now, key],
            ensure=(key, 0.0, now),
        )
        until = now + float(delay(int(self._row(key)["strikes"])))
        self._run(
            f"UPDATE {TABLE} SET tokens = 0, updated = %s, blocked_until = "
            "CASE WHEN blocked_until > %s THEN blocked_until ELSE %s END WHERE key = %s",
            [until, until, until, key],
        )
        return float(self._row(key)["blocked_until"]) - now

    def day_spend(self, key: str, *, n: int, limit: int, now: float) -> bool:
        """Count `n` against the day counter `key` while it stays within `limit`."""
        sql = f"UPDATE {TABLE} SET tokens = tokens + %s, updated = %s WHERE key = %s "
        sql += "AND tokens + %s <= %s"
        return self._run(sql, [n, now, key, n, limit], ensure=(key, 0.0, now)) == 1

    def day_total(self, prefix: str) -> float:
        """What the day counters whose keys start with `prefix` have spent, together."""
        rows = self._query(f"SELECT SUM(tokens) FROM {TABLE} WHERE key LIKE %s", [prefix + "%"])
        return float(rows[0][0] or 0)

    def peek(self, key: str, *, capacity: float, rate: float, now: float) -> tuple[float, float]:
        """The bucket's tokens at `now` and the seconds it stays blocked (a full bucket when
        it was never used)."""
        row = self._row(key)
        if not row:
            return capacity, 0.0
        tokens = min(capacity, row["tokens"] + max(0.0, now - row["updated"]) * rate)
        return tokens, max(0.0, row["blocked_until"] - now)

    def clear(self) -> None:
        self._run(f"DELETE FROM {TABLE}", [])

    # -- plumbing ------------------------------------------------------------------------

    def _row(self, key: str) -> dict[str, float]:
        names = ("tokens", "updated", "blocked_until", "strikes")
        rows = self._query(f"SELECT {', '.join(names)} FROM {TABLE} WHERE key = %s", [key])
        return dict(zip(names, map(float, rows[0]), strict=True)) if rows else {}

    def _run(
        self, sql: str, args: Sequence[Any], ensure: tuple[str, float, float] | None = None
    ) -> int:
        """Run `sql`; when it matched no row and `ensure` names a missing row, create that row
        (tokens, updated) and run it once more. Returns the rows changed."""
        with self._lock:
            count = int(self._execute(sql, args))
            if count or ensure is None:
                return count
            key, tokens, now = ensure
            if self._execute(f"SELECT 1 FROM {TABLE} WHERE key = %s", [key], rows=True):
                return 0
            self._insert(key, tokens, now)
            return int(self._execute(sql, args))

    def _insert(self, key: str, tokens: float, now: float) -> None:
        if key.startswith(DAY_PREFIX):  # a new day: yesterday's counters go
            sql = f"DELETE FROM {TABLE} WHERE key LIKE %s AND updated < %s"
            self._execute(sql, [DAY_PREFIX + "%", now - DAY_ROWS_KEPT])
        self._execute(
            f"INSERT INTO {TABLE} (key, tokens, updated) VALUES (%s, %s, %s) "
            "ON CONFLICT (key) DO NOTHING",
            [key, tokens, now],
        )

    def _query(self, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._execute(sql, args, rows=True) or [])

    def _execute(self, sql: str, args: Sequence[Any], *, rows: bool = False) -> Any:
        for attempt in (1, 2):  # a connection the database dropped is opened again, once
            try:
                with self._open().cursor() as cursor:
                    cursor.execute(sql, args)
                    return cursor.fetchall() if rows else cursor.rowcount
            except DatabaseError:
                if attempt == 2:
                    raise
                self._close()
        return None  # pragma: no cover (the loop returns or raises)

    def _open(self) -> BaseDatabaseWrapper:
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        settings_dict = dict(connections[self.alias].settings_dict)
        if settings_dict["ENGINE"].endswith("sqlite3"):
            settings_dict["NAME"] = sqlite_budget_name(str(settings_dict["NAME"]))
        backend: Any = load_backend(settings_dict["ENGINE"])
        connection: BaseDatabaseWrapper = backend.DatabaseWrapper(settings_dict, self.alias)
        connection.inc_thread_sharing()  # one per process, its threads in turn (self._lock)
        with connection.cursor() as cursor:
            cursor.execute(CREATE)
        self._connection, self._pid = connection, os.getpid()
        return connection

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            with contextlib.suppress(DatabaseError):
                self._connection.close()
        self._connection = None


def sqlite_budget_name(name: str) -> str:
    """The SQLite database of the buckets beside the database `name`: a file beside its file,
    or, for an in-memory database (a host's tests on SQLite), one in memory of its own (no
    other process can share an in-memory database anyway)."""
    if name == ":memory:" or "mode=memory" in name:
        return ":memory:"
    return f"{name}-budget"
