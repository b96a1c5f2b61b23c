"""The restore drill's comparison: a restored backup that lost a row, a table
or a migration, or whose documents differ from the source's, is reported; a
faithful one is not."""

import random

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.db import connection

from core.restore_check import (
    DatabaseContents,
    database_contents,
    database_differences,
    document_differences,
    document_names,
    document_sample,
)
from tests.factories import DocumentFactory

SOURCE = DatabaseContents(
    row_counts={"projects_document": 3, "django_migrations": 2},
    migrations=frozenset({("projects", "0001_initial"), ("projects", "0002_documents")}),
)


def storage_with(files):
    storage = InMemoryStorage()
    for name, content in files.items():
        storage.save(name, ContentFile(content))
    return storage


def test_a_faithful_restore_shows_no_difference():
    restored = DatabaseContents(row_counts=dict(SOURCE.row_counts), migrations=SOURCE.migrations)

    assert database_differences(SOURCE, restored) == []


def test_a_restore_missing_a_row_is_reported_with_its_table():
    restored = DatabaseContents(
        row_counts={"projects_document": 2, "django_migrations": 2}, migrations=SOURCE.migrations
    )

    assert database_differences(SOURCE, restored) == [
        "Table projects_document has 3 rows in the source, 2 restored."
    ]


def test_a_missing_table_and_a_missing_migration_are_reported():
    restored = DatabaseContents(
        row_counts={"django_migrations": 2, "projects_extra": 0},
        migrations=frozenset({("projects", "0001_initial")}),
    )

    assert database_differences(SOURCE, restored) == [
        "Table projects_document is missing from the restored database.",
        "Table projects_extra is in the restored database but not in the source.",
        "Migration projects.0002_documents is applied in the source, not restored.",
    ]


def test_identical_documents_show_no_difference():
    files = {"documents/a.pdf": b"%PDF-1.4 a", "documents/b.txt": b"b"}

    assert document_differences(sorted(files), storage_with(files), storage_with(files)) == []


def test_a_changed_document_is_reported_with_both_digests():
    source = storage_with({"documents/a.pdf": b"%PDF-1.4 signed"})
    restored = storage_with({"documents/a.pdf": b"%PDF-1.4 tampered"})

    [difference] = document_differences(["documents/a.pdf"], source, restored)

    assert difference.startswith("Document documents/a.pdf differs: SHA-256 ")


def test_a_document_missing_from_either_side_is_reported():
    source = storage_with({"documents/a.pdf": b"a"})
    restored = storage_with({"documents/b.pdf": b"b"})

    assert document_differences(["documents/a.pdf", "documents/b.pdf"], source, restored) == [
        "Document documents/a.pdf is missing in the restored documents.",
        "Document documents/b.pdf is missing in the source storage.",
    ]


def test_the_sample_holds_every_document_when_there_are_few():
    assert document_sample(["b", "a"], 20) == ["a", "b"]


def test_the_sample_is_drawn_from_the_documents_when_there_are_many():
    names = [f"documents/{number}.pdf" for number in range(100)]

    sample = document_sample(names, 20, rng=random.Random(7))

    assert len(sample) == len(set(sample)) == 20
    assert set(sample) <= set(names)


@pytest.mark.django_db
def test_the_database_is_read_as_row_counts_migrations_and_document_names():
    document = DocumentFactory()

    contents = database_contents(connection)

    assert contents.row_counts["projects_document"] == 1
    assert ("projects", "0001_initial") in contents.migrations
    assert contents.row_counts["django_migrations"] == len(contents.migrations)
    assert document_names(connection) == [document.file.name]
