"""Pages of plain rows whose SQL is compiled once.

The API's lists read their pages as plain rows (``.values()``) of a queryset
built once per scope. Compiling that queryset to SQL on every request (the
scope's subqueries, twenty columns, the joins and the order) took as long as
PostgreSQL took to run it for a page of a hundred payments or reports. The
SQL of a page is a function of the code, the scope and the request's query
string: ``sql_compiled_once(rows, key)`` gives ``rows`` whose pages, read by
iterating them, run the SQL compiled the first time for the same key, order
and slice on this connection.

The key is the caller's promise: it must name everything the SQL depends on
(the list, the scope: the superuser's, or a partner's enterprise, and the
query string). Only the query's text and parameters are kept, never rows, so
nothing shown can go stale: every page reads the database. With the setting
``COMPILED_SQL_CHECK`` on (the test suite), each page is compiled anyway and
a page whose SQL differs from what its key kept is an error.
"""

import threading
from functools import cache

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import QuerySet, ValuesIterable

# Compiled pages kept per connection (each thread has its own): more keys
# than this (many partners, many query strings) start the collection again.
KEPT_PER_CONNECTION = 256


class CompiledSQLMismatch(AssertionError):
    """A page's SQL is not what its key kept: the key does not name
    something the SQL depends on."""


class _Compiled:
    """A page's SQL and what reading its rows needs, without the query it
    was compiled from (which a kept page would otherwise hold on to)."""

    __slots__ = ("columns", "connection", "converters", "params", "sql", "trimmed")

    def __init__(self, compiler, sql, params):
        self.connection = compiler.connection
        self.sql = sql
        self.params = params
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())
        query = compiler.query
        # The names in the order ValuesIterable gives them.
        self.columns = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        # Columns the order needs besides the selected ones come after them.
        self.trimmed = compiler.col_count if compiler.has_extra_select else None


_kept = threading.local()


def _compiled(queryset) -> _Compiled | None:
    """The page's SQL, kept under its key, order and slice; None when
    Django reads such a page its own way: one that selects nothing (answered
    without the database) or a composite key's columns."""
    query = queryset.query
    connection = connections[queryset.db]
    key = (queryset.db, queryset.sql_key, tuple(query.order_by), query.low_mark, query.high_mark)
    entries = _kept.__dict__.setdefault("entries", {})
    compiled = entries.get(key)
    if compiled is not None and compiled.connection is connection:
        if getattr(settings, "COMPILED_SQL_CHECK", False):
            _check(compiled, queryset)
        return compiled
    compiler = query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    if compiler.has_composite_fields([column[0] for column in compiler.select]):
        return None
    if len(entries) >= KEPT_PER_CONNECTION:
        entries.clear()
    compiled = entries[key] = _Compiled(compiler, sql, tuple(params))
    return compiled


def _check(compiled: _Compiled, queryset) -> None:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    if (sql, tuple(params)) != (compiled.sql, compiled.params):
        raise CompiledSQLMismatch(
            f"The key {queryset.sql_key!r} kept\n{compiled.sql}\n{compiled.params}\n"
            f"but the page compiles to\n{sql}\n{tuple(params)}"
        )


class _SQLCompiledOnce:
    """Mixed into the queryset's own class: the key goes with every clone
    (an order, a filter, a slice), and reading plain rows runs the SQL kept
    for the key, order and slice."""

    sql_key = None

    def _clone(self):
        clone = super()._clone()
        clone.sql_key = self.sql_key
        return clone

    def _fetch_all(self):
        if (
            self._result_cache is None
            and self.sql_key is not None
            and self._iterable_class is ValuesIterable
            and not self._prefetch_related_lookups
        ):
            compiled = _compiled(self)
            if compiled is not None:
                self._result_cache = _rows(compiled, self.db)
        super()._fetch_all()


def _rows(compiled: _Compiled, alias: str) -> list[dict]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params)
        rows = cursor.fetchall()
    if compiled.trimmed is not None:
        rows = [row[: compiled.trimmed] for row in rows]
    if compiled.converters:
        rows = [_converted(row, compiled.converters, connection) for row in rows]
    columns = compiled.columns
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _converted(row, converters, connection) -> list:
    """The row's values through the backend's and the fields' converters,
    as the compiler applies them."""
    row = list(row)
    for position, (functions, expression) in converters:
        value = row[position]
        for convert in functions:
            value = convert(value, expression, connection)
        row[position] = value
    return row


@cache
def _class_compiled_once(queryset_class):
    return type(f"{queryset_class.__name__}CompiledOnce", (_SQLCompiledOnce, queryset_class), {})


def sql_compiled_once(rows: QuerySet, key) -> QuerySet:
    """``rows`` (a ``.values()`` queryset), whose pages run SQL compiled once
    per ``key``, order and slice. ``key`` names all the SQL depends on."""
    clone = rows.all()
    if not isinstance(clone, _SQLCompiledOnce):
        clone.__class__ = _class_compiled_once(type(rows))
    clone.sql_key = key
    return clone
