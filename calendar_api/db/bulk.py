"""Plain bulk writes for sync's hot path: rows as tuples, inserted through Django's
connection and its operations, on SQLite and PostgreSQL alike.

A full sync writes tens of thousands of event and instance rows, a page (2,500 events) while
Google is asked for the next one. `bulk_create` built a model object per row and prepared
every value of it through its field: several times what the database itself took.

Replaces: `QuerySet.bulk_create(update_conflicts=True)` on the sync's hot path. Relies on
these Django internals: `connection.ops.quote_name()`, `.on_conflict_suffix_sql()`,
`.adapt_datetimefield_value()`, `Model._meta.db_table`, `django.db.models.constants.OnConflict`,
and the driver's connection under the wrapper (`connection.connection`: its own cursors, and
on SQLite the build's parameter limit, `getlimit(SQLITE_LIMIT_VARIABLE_NUMBER)`). Checked
against Django 5.2.19 on SQLite and PostgreSQL 15 (tests/calendar_api/test_sync.py and the
read-model tests compare the rows with the ORM's); to be checked again on each Django
upgrade, 6.x included.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import FloatField, Func, Model, QuerySet
from django.db.models.constants import OnConflict

BATCH = 500  # rows a statement at most, within the database's limit of parameters
SMALL_UPSERT = 50  # PostgreSQL: rows to upsert that go in one statement rather than by COPY
BATCH_BEHIND = 5000  # the same for inserts behind the caller (see _statements_behind)


def datetime_read(value: Any) -> dt.datetime:
    """A datetime column as a raw cursor or a text cast gives it (Django's converters cost more
    than the query on hot reads): SQLite's naive UTC, as a datetime or as text, or
    PostgreSQL's aware value, or its text with an offset. Always aware, in UTC."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def values_read(rows: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list query as the database cursor gives them: the ORM builds the
    query, but on hot reads its per-row iteration and per-value converters cost more than the
    query itself. An empty query (`none()`) reads nothing."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


class Epoch(Func):
    """A datetime column as seconds since 1970 (UTC, a float), worked out by the database:
    hot reads that only compare and subtract times skip datetime objects altogether. SQLite's
    julianday is exact to the millisecond once rounded (to whole milliseconds: round() with
    digits formats and parses text, several times slower)."""

    output_field = FloatField()

    @property
    def convert_value(self) -> Any:  # both databases give a float: no converter per value
        return self._convert_value_noop  # type: ignore[attr-defined]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "round((julianday(%(expressions)s) - 2440587.5) * 86400000.0) / 1000.0"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
        return self.as_sql(compiler, connection, template=template, **extra)


def connection_for(model: type[Model]) -> BaseDatabaseWrapper:
    return connections[router.db_for_write(model)]


def insert(
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    unique: Sequence[str] = (),
    update: Sequence[str] = (),
) -> None:
    """Insert the rows (values in the order of `columns`, adapted for the database). With
    `unique` and `update`, a row whose unique columns are taken updates those columns of the
    row it meets instead (Django's ON CONFLICT clause for the database).

    Measured on a full sync: on SQLite, statements of many rows cost a quarter less than an
    executemany of one-row statements; on PostgreSQL it is the other way round, as psycopg
    pipelines an executemany (one round trip) while it parses a statement of thousands of
    placeholders in Python, every time (Django's cursor binds parameters on the client). Rows
    that update nothing go to PostgreSQL by COPY, faster still: measured on a full sync's
    46,000 instance rows, several times less than the pipelined statements."""
    connection = connection_for(model)
    behind = _behind.get()
    if behind is not None and behind.connection is connection:
        if not update:
            statements = _statements_behind(connection, model, columns, rows)
            behind.submit(lambda cursor: _write_behind(cursor, statements))
            return
        behind.flush()
    ops = connection.ops
    names = ", ".join(ops.quote_name(column) for column in columns)
    head = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = ""
    if update:
        tail = " " + ops.on_conflict_suffix_sql([], OnConflict.UPDATE, update, unique)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if not update or len(rows) > SMALL_UPSERT:
                _copy_postgresql(cursor, model, columns, rows, unique=unique, update=update)
                return
            # A few rows to upsert (an incremental sync's): one statement, not the four of
            # the staged COPY (create, truncate, copy, insert).
            rows = _last_of_each(rows, columns, unique)
        sqlite = connection.vendor == "sqlite"
        size = _rows_per_statement(connection, columns, BATCH) if sqlite else SMALL_UPSERT
        for begin in range(0, len(rows), size):
            batch = rows[begin : begin + size]
            params = [value for row in batch for value in row]
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, params)


def _copy_postgresql(
    cursor: Any,
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    unique: Sequence[str],
    update: Sequence[str],
) -> None:
    """PostgreSQL: plain rows by COPY; rows to upsert by COPY into a temporary table of the
    same columns (emptied at commit), then one INSERT ... SELECT ... ON CONFLICT. A row per
    statement, even pipelined, cost several times more on both sides."""
    quote = cursor.db.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    if not update:
        _copy_rows(cursor, f"COPY {table} ({names}) FROM STDIN", rows)
        return
    rows = _last_of_each(rows, columns, unique)
    stage = quote(f"{model._meta.db_table}_stage")
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "  # noqa: S608
        f"SELECT {names} FROM {table} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {stage}")
    _copy_rows(cursor, f"COPY {stage} ({names}) FROM STDIN", rows)
    suffix = cursor.db.ops.on_conflict_suffix_sql([], OnConflict.UPDATE, update, unique)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} {suffix}")  # noqa: S608


def _last_of_each(
    rows: Sequence[Sequence[Any]], columns: Sequence[str], unique: Sequence[str]
) -> list[Sequence[Any]]:
    """One statement may not update a row twice: the last of rows with the same key wins, as
    it did one statement at a time."""
    where = [columns.index(column) for column in unique]
    return list({tuple(row[i] for i in where): row for row in rows}.values())


def _copy_rows(cursor: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


class Behind:
    """Plain inserts run on a thread of their own, on the caller's connection and in its
    transaction, while the caller goes on building rows: the database's work (SQLite and
    psycopg let go of the GIL meanwhile) overlaps the caller's Python. Inserts run in the
    order given, one waiting at most (two batches of rows in memory); any other statement of
    the caller's on the connection first waits for them (`flush`), and so does leaving
    (see writes_behind), so the connection is only ever used by one thread at a time. The
    first error of an insert is raised in the caller's thread, by its next statement or on
    leaving; the inserts after it are not run."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.jobs: queue.Queue[Callable[[Any], None] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="bulk-behind", daemon=True)
        self.thread.start()

    def submit(self, job: Callable[[Any], None]) -> None:
        self._raise()
        self.jobs.put(job)

    def flush(self) -> None:
        self.jobs.join()
        self._raise()

    def close(self) -> None:
        """Wait for the insert running, if any; the ones waiting run unless one failed."""
        self.jobs.put(None)
        self.thread.join()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        cursor = self.connection.connection.cursor()  # the driver's own: never Django's
        try:
            while (job := self.jobs.get()) is not None:
                try:
                    if self.error is None:
                        job(cursor)
                except BaseException as exc:  # handed to the caller's thread
                    self.error = exc
                finally:
                    self.jobs.task_done()
        finally:
            self.jobs.task_done()
            cursor.close()


_behind: ContextVar[Behind | None] = ContextVar("behind", default=None)


@contextlib.contextmanager
def writes_behind(model: type[Model]) -> Iterator[None]:
    """Within the block, plain inserts (no `update`) on `model`'s connection run behind the
    caller (see Behind). Use it inside the transaction: the block ends with every insert
    done, or with the first one's error raised."""
    connection = connection_for(model)
    behind = Behind(connection)
    token = _behind.set(behind)

    def flush_first(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        behind.flush()
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(flush_first):
            yield
    finally:
        _behind.reset(token)
        behind.close()
    behind.flush()


def _statements_behind(
    connection: BaseDatabaseWrapper, model: type[Model], columns: Sequence[str], rows: Any
) -> list[tuple[str, Any]]:
    """`insert`'s plain rows as the driver's own statements, made on the caller's thread:
    PostgreSQL's COPY (and its rows), SQLite's INSERTs with its own placeholders, as many rows
    each as it takes. The thread behind needs the GIL to start each statement and again once
    it is done, and waited up to a switch interval (5 ms) each time while the caller's
    Python ran: in statements of 124 rows, as Django's limit of 999 parameters makes them,
    the inserts of a full sync took twice as long as alone."""
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(column) for column in columns)
    if connection.vendor == "postgresql":
        return [(f"COPY {table} ({names}) FROM STDIN", rows)]
    head = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["?"] * len(columns)) + ")"
    size = _rows_per_statement(connection, columns, BATCH_BEHIND)
    return [
        (head + ", ".join([one] * len(batch)), [v for row in batch for v in row])
        for batch in (rows[begin : begin + size] for begin in range(0, len(rows), size))
    ]


def _rows_per_statement(connection: BaseDatabaseWrapper, columns: Sequence[str], most: int) -> int:
    """Rows a SQLite statement takes, up to `most`: as many as its build's limit of
    parameters allows. Django assumes the oldest builds' 999, 71 events a statement: in
    statements of 500, a full sync took 0.91x as long (alternated)."""
    limit: int = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(most, limit // len(columns)))


def _write_behind(cursor: Any, statements: list[tuple[str, Any]]) -> None:
    """Run on the thread behind, with the driver's own cursor."""
    for sql, params in statements:
        if sql.startswith("COPY"):
            with cursor.copy(sql) as copy:
                for row in params:
                    copy.write_row(row)
        else:
            cursor.execute(sql, params)


def datetime_param(model: type[Model]) -> Callable[[dt.datetime | None], Any]:
    """How the database takes a datetime column's value: Django's own adaptation, except for
    the case it spends most of a row's time on: SQLite (text columns, naive UTC) and a UTC
    value (all of sync's), whose text is written here as Django writes it: the naive value's
    str(), which is its isoformat(" ") without the "+00:00"."""
    connection = connection_for(model)
    adapt = connection.ops.adapt_datetimefield_value
    if connection.vendor != "sqlite" or not settings.USE_TZ or connection.timezone_name != "UTC":
        return adapt

    def utc_text(value: dt.datetime | None) -> Any:
        if value is not None and value.tzinfo is dt.UTC:
            return value.isoformat(" ")[:-6]
        return adapt(value)

    return utc_text
