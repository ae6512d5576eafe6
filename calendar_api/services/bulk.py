"""Plain bulk writes for sync's hot path: rows as tuples, inserted through Django's
connection and its operations, on SQLite and PostgreSQL alike.

A full sync writes tens of thousands of event and instance rows, a page (2,500 events) while
Google is asked for the next one. `bulk_create` built a model object per row and prepared
every value of it through its field: several times what the database itself took.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import FloatField, Func, Model, QuerySet
from django.db.models.constants import OnConflict

BATCH = 500  # rows a statement at most, within the database's limit of parameters


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
    ops = connection.ops
    names = ", ".join(ops.quote_name(column) for column in columns)
    head = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = ""
    if update:
        tail = " " + ops.on_conflict_suffix_sql([], OnConflict.UPDATE, update, unique)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_postgresql(cursor, model, columns, rows, unique=unique, update=update)
            return
        size = max(1, min(BATCH, ops.bulk_batch_size(columns, rows)))
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
    # One statement may not update a row twice: the last of rows with the same key wins, as
    # it did one statement at a time.
    where = [columns.index(column) for column in unique]
    rows = list({tuple(row[i] for i in where): row for row in rows}.values())
    stage = quote(f"{model._meta.db_table}_stage")
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "  # noqa: S608
        f"SELECT {names} FROM {table} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {stage}")
    _copy_rows(cursor, f"COPY {stage} ({names}) FROM STDIN", rows)
    suffix = cursor.db.ops.on_conflict_suffix_sql([], OnConflict.UPDATE, update, unique)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} {suffix}")  # noqa: S608


def _copy_rows(cursor: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


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
