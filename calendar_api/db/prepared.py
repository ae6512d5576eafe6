"""Queries of every API request whose SQL is built once, then run with each request's values.

Looking up the caller's calendar took 1.6 ms of an 8 ms API read here, three quarters of it
the ORM building the same SQL again (the selected columns, the joins, the order, the
converters), and 0.1 ms the database; the token check was the same. A `Prepared` query has
the ORM compile its queryset once per shape and thread, from stand-in values. Later calls put
their own values where the stand-ins were, run the SQL on the caller's connection and build
the model objects from the rows as Django's ModelIterable does (the same converters, and
select_related objects filled by the same populators). A shape whose stand-ins are not all
found as given among the compiled parameters (a lookup that transforms its value, such as
`contains` or SQLite's `iexact`) is never kept: it runs through the ORM every time.

Replaces: the ORM's per-call SQL compilation of a QuerySet (Django's own path is
`QuerySet.__iter__` -> `ModelIterable` -> `SQLCompiler.as_sql()`). Relies on these Django
internals, none of them public API: `Query.get_compiler()`, `SQLCompiler.as_sql()`,
`.select`, `.col_count`, `.klass_info`, `.get_converters()`, `.apply_converters()`,
`Query.annotations` / `.values_select`, and `django.db.models.query.get_related_populators`.
Checked against Django 5.2.19 (tests/calendar_api/test_prepared.py runs every shape against
the plain ORM); to be checked again on each Django upgrade, 6.x included.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

M = TypeVar("M", bound=Model)


class Slot(int):
    """Where a call's value goes among the parameters: the index of the value."""


class Compiled(NamedTuple):
    sql: str  # "" when the shape runs through the ORM
    params: tuple[Any, ...] = ()  # constants, and a Slot where a value goes
    compiler: Any = None  # what the ORM compiled (its connection applies the converters)
    converters: Any = None
    init: tuple[str, ...] = ()  # the model's columns, in the order selected
    model: Any = None
    columns: slice = slice(0)  # where the model's columns are in a row
    related: tuple[Any, ...] = ()  # Django's populators of the select_related objects
    fetch_mode: Any = None  # the queryset's fetch mode (Django 6.1 and later; None before)


def stand_in(value: Any, index: int) -> Any:
    """A value of the same type that no call passes, to find among the built parameters. A
    string holds the characters that LIKE lookups escape or wrap, so that such a lookup never
    finds its stand-in unchanged. None for a value of another type (never kept)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    if isinstance(value, int):  # within a 32-bit column's range: no lookup drops it as out of range
        return -2_000_000_000 - index
    return f"\x00%_\\ stand-in {index}\x00"


class Prepared(Generic[M]):
    """The rows of `build(shape, *values)`, compiled once per `shape` (what `build` does
    besides placing the values, such as which filters it adds; hashable) and thread.
    `build` gives a queryset of model objects, without annotations."""

    def __init__(self, build: Callable[..., QuerySet[M]]) -> None:
        self.build = build
        self.local = threading.local()

    def rows(self, values: Sequence[Any], shape: Hashable = ()) -> list[M]:
        return self._run(values, shape, first=False)

    def first(self, values: Sequence[Any], shape: Hashable = ()) -> M | None:
        """The first row, ordered as `QuerySet.first()` orders it."""
        found = self._run(values, shape, first=True)
        return found[0] if found else None

    def _run(self, values: Sequence[Any], shape: Hashable, *, first: bool) -> list[M]:
        kept: dict[tuple[Hashable, bool], Compiled] = self.local.__dict__.setdefault("kept", {})
        compiled = kept.get((shape, first))
        if compiled is None:
            compiled = kept[shape, first] = self._compiled(shape, values, first=first)
        if not compiled.sql:
            query = self.build(shape, *values)
            return [row for row in [query.first()] if row is not None] if first else list(query)
        params = [values[p] if isinstance(p, Slot) else p for p in compiled.params]
        compiler = compiled.compiler
        # The connection of this request's context (not the one the compiler was made with):
        # its transaction is the one the caller is in.
        with connections[compiler.using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            found = cursor.fetchall()
        if compiled.converters:
            found = list(compiler.apply_converters(found, compiled.converters))
        return self._objects(compiled, found)

    def _objects(self, compiled: Compiled, found: list[Any]) -> list[M]:
        """As ModelIterable makes them."""
        using = compiled.compiler.using
        mode = {} if compiled.fetch_mode is None else {"fetch_mode": compiled.fetch_mode}
        objects = []
        for row in found:
            made = compiled.model.from_db(using, compiled.init, row[compiled.columns], **mode)
            for populator in compiled.related:
                populator.populate(row, made)
            objects.append(made)
        return objects

    def _compiled(self, shape: Hashable, values: Sequence[Any], *, first: bool) -> Compiled:
        stand_ins = [stand_in(value, index) for index, value in enumerate(values)]
        usable = None not in stand_ins
        query = self.build(shape, *(stand_ins if usable else values))
        unused = Compiled("")
        if not usable or query.query.annotations or query.query.values_select:
            return unused
        if first:
            query = (query if query.ordered else query.order_by("pk"))[:1]
        compiler = query.query.get_compiler(using=query.db)
        try:
            sql, params = compiler.as_sql()  # also fills the columns and the related objects
        except (EmptyResultSet, FullResultSet):  # a stand-in decided the answer: not kept
            return unused
        slots = tuple(Slot(stand_ins.index(p)) if p in stand_ins else p for p in params)
        placed = {int(p) for p in slots if isinstance(p, Slot)}
        if placed != set(range(len(values))):
            return unused
        info = compiler.klass_info
        own = slice(info["select_fields"][0], info["select_fields"][-1] + 1)
        # Django 6.1's fetch modes: the populators take the queryset's (no shape here sets one
        # that tracks peers), and so does from_db.
        fetch_mode = getattr(query, "_fetch_mode", None)
        modes = () if fetch_mode is None else (fetch_mode,)
        return Compiled(
            sql,
            slots,
            compiler,
            compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]]),
            init=tuple(column[0].target.attname for column in compiler.select[own]),
            model=info["model"],
            columns=own,
            related=tuple(get_related_populators(info, compiler.select, compiler.using, *modes)),
            fetch_mode=fetch_mode,
        )
