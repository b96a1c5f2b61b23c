"""Whether a restored backup holds what its source held.

The restore drill (scripts/restore_drill.sh) restores a backup into a fresh
database and a fresh copy of the documents, then compares: the row count of
every table, the migrations applied, and a sample of documents byte for byte
(SHA-256). Each comparison returns the differences as sentences, an empty list
when there is none.
"""

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.apps import apps
from django.db import connections
from django.db.models import FileField

from core.files import stored_file_sha256


@dataclass(frozen=True)
class DatabaseContents:
    """What the drill compares of one database."""

    row_counts: Mapping[str, int]
    migrations: frozenset[tuple[str, str]]


def database_contents(connection) -> DatabaseContents:
    """Every table's row count and the migrations applied, read through
    ``connection``."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        row_counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            row_counts[table] = cursor.fetchone()[0]
        migrations = frozenset()
        if "django_migrations" in tables:
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = frozenset(cursor.fetchall())
    return DatabaseContents(row_counts=row_counts, migrations=migrations)


def database_differences(source: DatabaseContents, restored: DatabaseContents) -> list[str]:
    differences = []
    for table in sorted(source.row_counts.keys() - restored.row_counts.keys()):
        differences.append(f"Table {table} is missing from the restored database.")
    for table in sorted(restored.row_counts.keys() - source.row_counts.keys()):
        differences.append(f"Table {table} is in the restored database but not in the source.")
    for table in sorted(source.row_counts.keys() & restored.row_counts.keys()):
        expected, found = source.row_counts[table], restored.row_counts[table]
        if expected != found:
            differences.append(
                f"Table {table} has {expected} rows in the source, {found} restored."
            )
    for app, name in sorted(source.migrations - restored.migrations):
        differences.append(f"Migration {app}.{name} is applied in the source, not restored.")
    for app, name in sorted(restored.migrations - source.migrations):
        differences.append(f"Migration {app}.{name} is restored but not applied in the source.")
    return differences


def document_names(connection) -> list[str]:
    """The storage names of all files the database refers to, in every model's
    file fields, read through ``connection``."""
    quote = connection.ops.quote_name
    names = set()
    with connection.cursor() as cursor:
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, FileField):
                    column, table = quote(field.column), quote(model._meta.db_table)
                    cursor.execute(
                        f"SELECT {column} FROM {table} "
                        f"WHERE {column} IS NOT NULL AND {column} <> ''"
                    )
                    names.update(name for (name,) in cursor.fetchall())
    return sorted(names)


def document_sample(names: Iterable[str], size: int, *, rng=None) -> list[str]:
    """``size`` names chosen at random, or all of them if there are fewer: a
    different sample each drill covers more of the files over time."""
    names = sorted(names)
    if len(names) <= size:
        return names
    return sorted((rng or random.SystemRandom()).sample(names, size))


def _digest_or_reason(storage, name: str) -> tuple[str | None, str | None]:
    try:
        return stored_file_sha256(storage, name), None
    except FileNotFoundError:
        return None, "is missing"
    except OSError as error:
        # Storages differ in what they raise for a missing object.
        return None, f"cannot be read ({type(error).__name__}: {error})"


def document_differences(names: Iterable[str], source_storage, restored_storage) -> list[str]:
    differences = []
    for name in names:
        source_digest, source_problem = _digest_or_reason(source_storage, name)
        restored_digest, restored_problem = _digest_or_reason(restored_storage, name)
        if source_problem:
            differences.append(f"Document {name} {source_problem} in the source storage.")
        if restored_problem:
            differences.append(f"Document {name} {restored_problem} in the restored documents.")
        if source_digest and restored_digest and source_digest != restored_digest:
            differences.append(
                f"Document {name} differs: SHA-256 {source_digest} in the source, "
                f"{restored_digest} restored."
            )
    return differences


def connection_to(database_name: str, *, like: str = "default"):
    """A connection to another database on the same server, with the same
    credentials as the ``like`` connection. The caller closes it."""
    template = connections[like]
    settings_dict = {**template.settings_dict, "NAME": database_name}
    return type(template)(settings_dict, alias=f"{like}-restored")
