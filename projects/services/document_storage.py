"""Moving the stored files of documents between two storages: from local
disk into an S3-compatible bucket when BioBridge grows past one machine,
and back.

Each file keeps its name, so no row changes: the same ``Document.file``
names it in either place. A file's source is deleted only once the copy,
read back from the destination, has the source's SHA-256. A run that stops
half-way (a crash, a lost connection, Ctrl-C) is simply run again: files
already at the destination with the same checksum are skipped.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.storage import Storage

from core.files import stored_file_sha256
from projects.models import Document

logger = logging.getLogger(__name__)

MOVED = "moved"
ALREADY_THERE = "already there"
MISMATCH = "copy does not match its source"
MISSING = "missing in both places"
RENAMED = "the destination kept it under another name"
UNREADABLE = "could not be copied"


@dataclass
class DocumentFilesMoved:
    """What a run did: files moved, skipped (already at the destination)
    and failed, each failure with its file's name and why."""

    moved: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def document_files_move(
    *,
    source: Storage,
    destination: Storage,
    keep_source: bool = False,
    on_file: Callable[[str, str], None] | None = None,
) -> DocumentFilesMoved:
    """Copy the file of every document from ``source`` to ``destination``
    under the same name, verify the copy's SHA-256 against the source, and
    then, unless ``keep_source``, delete the source. ``on_file(name,
    outcome)`` hears of each file as it is done."""
    result = DocumentFilesMoved()
    names = Document.objects.order_by("pk").values_list("file", flat=True)
    for name in names.iterator(chunk_size=500):
        try:
            outcome = _move_one(name, source, destination, keep_source=keep_source)
        # Storages raise their own errors (the OS's, boto's); one unreadable
        # file must not keep the others where they are. It stays in its
        # source and the run reports it.
        except Exception:
            logger.exception("Document file %s could not be copied", name)
            outcome = UNREADABLE
        if outcome == MOVED:
            result.moved += 1
        elif outcome == ALREADY_THERE:
            result.skipped += 1
        else:
            result.failed.append((name, outcome))
        if on_file is not None:
            on_file(name, outcome)
    return result


def _move_one(name: str, source: Storage, destination: Storage, *, keep_source: bool) -> str:
    if not source.exists(name):
        # Moved by an earlier run, which then deleted the source.
        return ALREADY_THERE if destination.exists(name) else MISSING
    source_digest = stored_file_sha256(source, name)
    if destination.exists(name):
        if stored_file_sha256(destination, name) == source_digest:
            # Copied by an earlier run that stopped before deleting the source.
            if not keep_source:
                source.delete(name)
            return ALREADY_THERE
        # A partial or damaged copy of an earlier run: replaced, since a
        # storage that does not overwrite would save the new copy elsewhere.
        destination.delete(name)
    with source.open(name, "rb") as content:
        saved_as = destination.save(name, content)
    if saved_as != name:
        destination.delete(saved_as)
        return RENAMED
    if stored_file_sha256(destination, name) != source_digest:
        return MISMATCH
    if not keep_source:
        source.delete(name)
    return MOVED
