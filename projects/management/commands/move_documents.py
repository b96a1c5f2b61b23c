"""Move the stored files of all documents between local disk (under
MEDIA_ROOT) and the S3-compatible bucket named by S3_BUCKET, verifying each
copy's SHA-256 before its source is deleted. Run it again after an
interruption: what is already at the destination is skipped. Nothing in the
database changes. docs/deployment.md, "Object storage", gives the steps of
a move."""

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from projects.services.document_storage import document_files_move


class Command(BaseCommand):
    help = "Move the documents' files from local disk to the bucket, or back."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            required=True,
            choices=["bucket", "disk"],
            help="Where the files go: the S3_BUCKET bucket, or MEDIA_ROOT on local disk.",
        )
        parser.add_argument(
            "--keep-source",
            action="store_true",
            help="Copy and verify, but leave the files where they are.",
        )

    def handle(self, *args, to, keep_source, verbosity, **options):
        if "bucket" not in settings.STORAGES:
            raise CommandError(
                "No bucket is configured: set S3_BUCKET and the other S3_* variables "
                "(docs/deployment.md, Object storage)."
            )
        bucket, disk = storages["bucket"], storages["disk"]
        source, destination = (disk, bucket) if to == "bucket" else (bucket, disk)

        def on_file(name, outcome):
            self.stdout.write(f"{name}: {outcome}")

        result = document_files_move(
            source=source,
            destination=destination,
            keep_source=keep_source,
            on_file=on_file if verbosity > 1 else None,
        )
        summary = f"{result.moved} moved, {result.skipped} skipped, {len(result.failed)} failed."
        if result.failed:
            for name, outcome in result.failed:
                self.stderr.write(f"{name}: {outcome}")
            raise CommandError(f"{summary} The failed files stay where they were.")
        self.stdout.write(self.style.SUCCESS(summary))
