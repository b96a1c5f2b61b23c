"""Moving the documents' files between local disk and the bucket
(``manage.py move_documents``): every copy is verified by its SHA-256
before its source goes, a run that stopped half-way finishes when run
again, and a copy that does not match keeps its source and fails the run.
Nothing in the database changes."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from config.storage import DISK
from projects.models import Document
from projects.services.document_storage import MISMATCH, document_files_move
from tests.factories import DocumentFactory, ResearchProjectFactory

pytestmark = pytest.mark.django_db

CONTENTS = [f"%PDF-1.4\ndocument {number}\n%%EOF\n".encode() * (number + 1) for number in range(4)]


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def make_documents(settings, storage: dict) -> list[Document]:
    """Documents whose files the default storage, ``storage`` for the
    moment, keeps; the default storage is what it was again afterwards."""
    default = settings.STORAGES["default"]
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    project = ResearchProjectFactory()
    documents = [
        DocumentFactory(project=project, file__data=content, size=len(content))
        for content in CONTENTS
    ]
    settings.STORAGES = {**settings.STORAGES, "default": default}
    return documents


@pytest.fixture
def on_disk(settings, bucket, media_root) -> list[Document]:
    """Four documents on disk, while the bucket is configured (S3_BUCKET
    set) and is the default storage."""
    return make_documents(settings, DISK)


@pytest.fixture
def in_bucket(settings, bucket, media_root) -> list[Document]:
    return make_documents(settings, bucket.storage())


def files_on_disk(media_root: Path) -> list[str]:
    return sorted(path.relative_to(media_root).as_posix() for path in media_root.rglob("*.pdf"))


def names(documents) -> list[str]:
    return sorted(document.file.name for document in documents)


def move(*arguments) -> str:
    out = io.StringIO()
    call_command("move_documents", *arguments, stdout=out, stderr=io.StringIO())
    return out.getvalue()


class Interrupted(BaseException):
    """The process is killed or stopped (Ctrl-C): nothing catches it."""


class CutOffDestination:
    """The destination, reached until the process stops as it saves its
    ``at``-th file."""

    def __init__(self, storage, *, at: int):
        self.storage, self.at, self.saves = storage, at, 0

    def __getattr__(self, attribute):
        return getattr(self.storage, attribute)

    def save(self, name, content):
        self.saves += 1
        if self.saves == self.at:
            raise Interrupted
        return self.storage.save(name, content)


def damaging_save(storage):
    """A save that stores other bytes than it was given, as a faulty
    network or disk might."""
    original_save = storage.save

    def save(name, content):
        return original_save(name, ContentFile(b"%PDF-1.4\ndamaged\n"))

    return save


def test_documents_move_from_disk_into_the_bucket_unchanged_under_the_same_names(
    bucket, on_disk, media_root
):
    rows_before = list(Document.objects.order_by("pk").values())

    output = move("--to", "bucket")

    assert "4 moved, 0 skipped, 0 failed." in output
    assert bucket.keys() == names(on_disk)
    assert files_on_disk(media_root) == []
    assert list(Document.objects.order_by("pk").values()) == rows_before
    for document, content in zip(on_disk, CONTENTS, strict=True):
        document.refresh_from_db()
        with document.file.open("rb") as stored:
            assert stored.read() == content


def test_documents_move_from_the_bucket_back_to_disk(bucket, in_bucket, media_root):
    output = move("--to", "disk")

    assert "4 moved, 0 skipped, 0 failed." in output
    assert bucket.keys() == []
    assert files_on_disk(media_root) == names(in_bucket)
    for name, content in zip([d.file.name for d in in_bucket], CONTENTS, strict=True):
        assert (media_root / name).read_bytes() == content


def test_keep_source_copies_and_verifies_but_leaves_the_files_where_they_were(
    bucket, on_disk, media_root
):
    output = move("--to", "bucket", "--keep-source")

    assert "4 moved, 0 skipped, 0 failed." in output
    assert bucket.keys() == files_on_disk(media_root) == names(on_disk)


def test_a_run_again_skips_what_is_already_copied_and_removes_its_source(
    bucket, on_disk, media_root
):
    move("--to", "bucket", "--keep-source")

    output = move("--to", "bucket")

    assert "0 moved, 4 skipped, 0 failed." in output
    assert files_on_disk(media_root) == []
    assert bucket.keys() == names(on_disk)


def test_a_run_stopped_half_way_finishes_when_run_again(bucket, on_disk, media_root):
    destination = CutOffDestination(storages["bucket"], at=3)

    with pytest.raises(Interrupted):
        document_files_move(source=storages["disk"], destination=destination)

    assert len(bucket.keys()) == 2
    assert len(files_on_disk(media_root)) == 2
    output = move("--to", "bucket")
    assert "2 moved, 2 skipped, 0 failed." in output
    assert bucket.keys() == names(on_disk)
    assert files_on_disk(media_root) == []


def test_a_copy_that_does_not_match_its_source_fails_the_run_and_keeps_the_source(
    bucket, on_disk, media_root, monkeypatch
):
    monkeypatch.setattr(storages["bucket"], "save", damaging_save(storages["bucket"]))

    with pytest.raises(CommandError, match="0 moved, 0 skipped, 4 failed"):
        move("--to", "bucket")

    assert files_on_disk(media_root) == names(on_disk)
    result = document_files_move(source=storages["disk"], destination=storages["bucket"])
    assert result.failed == [(name, MISMATCH) for name in [d.file.name for d in on_disk]]
    assert files_on_disk(media_root) == names(on_disk)


def test_a_damaged_copy_left_by_an_earlier_run_is_replaced(bucket, on_disk, media_root):
    damaged = on_disk[0].file.name
    bucket.client.put_object(Bucket=bucket.name, Key=damaged, Body=b"%PDF-1.4\ntruncat")

    output = move("--to", "bucket")

    assert "4 moved, 0 skipped, 0 failed." in output
    assert bucket.read(damaged) == CONTENTS[0]
    assert bucket.keys() == names(on_disk)


def test_without_a_bucket_configured_nothing_moves(settings):
    settings.STORAGES = {
        alias: storage for alias, storage in settings.STORAGES.items() if alias != "bucket"
    }

    with pytest.raises(CommandError, match="set S3_BUCKET"):
        move("--to", "bucket")
