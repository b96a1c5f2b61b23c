"""``manage.py seed_demo``: load the bilingual demo data with its money side
and IP portfolio; with ``--projects N`` add N generated projects (with their
milestones, invoices and payments) and with ``--achievements N`` N generated
achievements with their patents and docket, for benchmarks.

The data and the logic live in the ``demo`` app (``demo.seeding`` and
``demo.bulk``, ``demo.bulk_portfolio``); this command only reads its options and reports.
"""

from django.core.management.base import BaseCommand, CommandError

from demo.bulk import generate_projects
from demo.bulk_portfolio import generate_achievements
from demo.drafts import DEFAULT_BATCH_SIZE
from demo.seeding import seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo institutions, joint centre, enterprises, partnerships, projects, "
        "their terms, milestones, invoices, payments, royalty reports and costs, and the "
        "IP portfolio and logins (password biobridge-demo). Safe to run again. With "
        "--projects N or --achievements N, also generate N projects or achievements for "
        "benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects",
            type=int,
            default=0,
            metavar="N",
            help=(
                "Also generate N projects (codes GEN-000001 onward) with their history, "
                "milestones, invoices and payments."
            ),
        )
        parser.add_argument(
            "--achievements",
            type=int,
            default=0,
            metavar="N",
            help=(
                "Also generate N achievements (references GEN-A-000001 onward) with their "
                "patent families, three applications each on average, and their docket."
            ),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            metavar="N",
            help=f"Generated rows written per batch (default {DEFAULT_BATCH_SIZE}).",
        )

        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            metavar="N",
            help=(
                "Processes that draft generated projects on PostgreSQL (default: one per CPU "
                "from 20,000 projects on, otherwise 1). The projects are the same either way."
            ),
        )

    def handle(self, *args, projects, achievements, batch_size, processes, **options):
        if projects < 0:
            raise CommandError("--projects cannot be negative.")
        if achievements < 0:
            raise CommandError("--achievements cannot be negative.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if processes is not None and processes < 1:
            raise CommandError("--processes must be at least 1.")
        self.stdout.write(str(seed_demo()))
        if projects:
            summary = generate_projects(count=projects, batch_size=batch_size, processes=processes)
            self.stdout.write(str(summary))
            if options["verbosity"] >= 2:
                for phase, seconds in summary.phases:
                    self.stdout.write(f"  {phase}: {seconds:.1f} s")
        if achievements:
            self.stdout.write(
                str(generate_achievements(count=achievements, batch_size=batch_size))
            )
