"""Stored files, wherever a storage keeps them (local disk or a bucket)."""

import hashlib

from django.core.files.storage import Storage


def stored_file_sha256(storage: Storage, name: str) -> str:
    """The SHA-256 of a stored file, read in chunks. Raises OSError
    (FileNotFoundError among them) when the storage cannot give it."""
    digest = hashlib.sha256()
    with storage.open(name, "rb") as content:
        for chunk in content.chunks():
            digest.update(chunk)
    return digest.hexdigest()
