"""``manage.py restore_check``: compare a restored backup with its source.

The source is the configured database and document storage; the restore is
another database on the same server and a directory holding the restored
documents. scripts/restore_drill.sh makes the backup, restores it and runs this.
"""

from pathlib import Path

from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.restore_check import (
    connection_to,
    database_contents,
    database_differences,
    document_differences,
    document_names,
    document_sample,
)


class Command(BaseCommand):
    help = (
        "Compare a restored backup with the configured database and document storage: "
        "every table's row count, the migrations applied, and a sample of documents by "
        "SHA-256. Exits with an error listing every difference."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--restored-database",
            required=True,
            metavar="NAME",
            help="The database the backup was restored into, on the same server.",
        )
        parser.add_argument(
            "--restored-documents",
            required=True,
            metavar="DIRECTORY",
            help="The directory the documents were restored into (a copy of MEDIA_ROOT "
            "or a mirror of the bucket).",
        )
        parser.add_argument(
            "--sample",
            type=int,
            default=20,
            metavar="N",
            help="Documents compared, chosen at random (default 20; all if fewer).",
        )

    def handle(self, *args, restored_database, restored_documents, sample, **options):
        if sample < 0:
            raise CommandError("--sample cannot be negative.")
        documents_directory = Path(restored_documents)
        if not documents_directory.is_dir():
            raise CommandError(f"{documents_directory} is not a directory.")
        if restored_database == connection.settings_dict["NAME"]:
            raise CommandError("The restored database is the source itself.")

        restored = connection_to(restored_database)
        try:
            source_contents = database_contents(connection)
            restored_contents = database_contents(restored)
            names = document_names(restored)
        finally:
            restored.close()
        sampled = document_sample(names, sample)

        differences = database_differences(source_contents, restored_contents)
        differences += document_differences(
            sampled, default_storage, FileSystemStorage(location=documents_directory)
        )

        self.stdout.write(
            f"Tables: {len(source_contents.row_counts)} in the source, "
            f"{sum(source_contents.row_counts.values())} rows; "
            f"migrations: {len(source_contents.migrations)}; "
            f"documents: {len(sampled)} compared of {len(names)}."
        )
        if differences:
            for difference in differences:
                self.stderr.write(difference)
            raise CommandError(
                f"The restore differs from its source in {len(differences)} "
                f"place{'s' if len(differences) != 1 else ''}."
            )
        self.stdout.write(self.style.SUCCESS("The restore matches its source."))
