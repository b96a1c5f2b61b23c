"""Unsaved model instances written with PostgreSQL's ``COPY`` instead of
``bulk_create``: the same rows, without Django compiling an ``INSERT``
with a placeholder per value.

A row holds every concrete column the instance would have had inserted:
the model's defaults were set when the instance was made, ``auto_now`` and
``auto_now_add`` dates are set here as ``bulk_create`` sets them, and the
values are converted as ``bulk_create`` converts them, except for the
field types whose conversion leaves a value unchanged on PostgreSQL, which
pass through as they are (the bulk of the columns, and of the time).
Constraints are the table's own: ``COPY`` checks them like an ``INSERT``.
"""

import datetime
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models
from django.utils import timezone

# Fields whose value PostgreSQL takes as the instance holds it: their
# ``get_db_prep_save`` returns it unchanged there.
_PASSTHROUGH = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateField,  # DateTimeField included
    models.DecimalField,
    models.ForeignKey,
)


def copy_supported() -> bool:
    """Whether the default database loads rows with ``COPY``."""
    return connection.vendor == "postgresql"


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys drawn from the table's sequence, for rows
    written with ``COPY`` whose keys other rows refer to. Drawn like any
    insert draws them, so the sequence stays ahead of the table."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_instances(
    model: type[models.Model], instances: Iterable[models.Model], *, with_pk: bool
) -> int:
    """Write ``instances`` of ``model`` with one ``COPY``; return how many.

    With ``with_pk`` the instances carry their primary keys (from
    ``reserve_ids``); without, the database assigns them and the instances
    are not told.
    """
    fields = instance_fields(model, with_pk=with_pk)
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) FROM STDIN"
    )
    written = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in instance_rows(model, instances, with_pk=with_pk):
            copy.write_row(row)
            written += 1
    return written


def instance_fields(model: type[models.Model], *, with_pk: bool) -> list[models.Field]:
    """The columns ``copy_instances`` writes, in the order of its rows."""
    return [field for field in model._meta.concrete_fields if with_pk or not field.primary_key]


def instance_rows(
    model: type[models.Model], instances: Iterable[models.Model], *, with_pk: bool
) -> Iterator[list]:
    """The rows of ``instances`` as ``copy_instances`` writes them: write
    times stamped now (and on the instances) and values converted for the
    database."""
    fields = instance_fields(model, with_pk=with_pk)
    read_row = operator.attrgetter(*(field.attname for field in fields))
    stamped = [
        index
        for index, field in enumerate(fields)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    converted = [
        (index, field)
        for index, field in enumerate(fields)
        if not isinstance(field, _PASSTHROUGH) and index not in stamped
    ]
    now = timezone.now()
    for instance in instances:
        row = _as_list(read_row(instance), len(fields))
        for index in stamped:
            row[index] = now
            setattr(instance, fields[index].attname, now)
        for index, field in converted:
            row[index] = field.get_db_prep_save(row[index], connection)
        yield row


def _as_list(values, width: int) -> list:
    # attrgetter of a single name returns the value, not a tuple.
    return [values] if width == 1 else list(values)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write plain rows into ``table``'s ``columns`` with one ``COPY``
    (for through tables, whose rows need no model instance)."""
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    written = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


# What COPY's text format escapes in a value.
_ESCAPED = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(rows: Iterable[Sequence]) -> bytes:
    """Rows in COPY's text format, ready for ``copy_text_write``: made
    where no connection is at hand (a drafting process), written by the one
    that holds it. Values are those ``copy_rows`` takes: ``None``, text,
    numbers, decimals, booleans, dates and aware datetimes."""
    return "".join([copy_line(row) + "\n" for row in rows]).encode()


def copy_line(row: Iterable) -> str:
    """A row in COPY's text format, without its line end."""
    return "\t".join(map(_text_value, row))


def _text_value(value) -> str:
    kind = type(value)
    if kind is str:
        # Most values hold nothing to escape, and looking is cheaper than
        # translating.
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_ESCAPED)
        return value
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime.datetime:
        return value.isoformat()
    if isinstance(value, str):
        # A choice: a subclass, joined as the text it holds.
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return str.translate(value, _ESCAPED)
        return value
    return str(value)


def copy_text_write(table: str, columns: Sequence[str], text: bytes) -> None:
    """Write rows made by ``copy_text`` into ``table``'s ``columns``."""
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        copy.write(text)


@contextmanager
def indexes_and_foreign_keys_set_aside(
    models_loaded: Sequence[type[models.Model]], *, lap: Callable[[str], None] | None = None
):
    """Drop the secondary indexes and the foreign keys of the tables of
    ``models_loaded`` for the duration of a large load, then create them
    again as they were, in the same transaction.

    PostgreSQL's advice for populating a database: building an index over
    a million rows at once is many times faster than updating it row by row
    (the trigram indexes of the searched texts most of all), and adding a
    foreign key checks every row with one join instead of one lookup per
    row queued until the commit. Primary keys and unique constraints stay,
    so a duplicate fails as it would have. The tables are locked until the
    transaction ends. ``lap(phase)``, if given, is called as each phase
    ends, for timing.
    """
    lap = lap or (lambda phase: None)
    tables = [model._meta.db_table for model in models_loaded]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # A table with deferred checks still pending in the transaction
        # cannot be altered: run those checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint
            WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
            ORDER BY 1, 2
            """,
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            """
            SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid)
            FROM pg_index AS i
            WHERE indrelid = ANY(%s::regclass[])
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint AS c
                WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
              )
            ORDER BY 1
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    lap("setting indexes and foreign keys aside")
    yield
    with connection.cursor() as cursor:
        # Index builds sort in memory up to this limit, then on disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        lap("building the indexes")
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        lap("adding the foreign keys")
