"""Benchmark: how long `seed_demo --projects N` takes on a fresh database (N 100,000 unless given).

Runs standalone from the repository root:

    .venv/bin/python bench/seed_projects.py              # throwaway SQLite file
    DATABASE_URL=postgres://... .venv/bin/python bench/seed_projects.py
    .venv/bin/python bench/seed_projects.py --projects 20000
    DATABASE_URL=postgres://... .venv/bin/python bench/seed_projects.py --projects 1000000

Without DATABASE_URL it migrates a new SQLite database in a temporary
directory that is removed afterwards. With DATABASE_URL it migrates and fills
that database, which should be a new, empty one made for the purpose. The
demo data is loaded first and timed on its own, so the figure for the
generated projects is theirs alone. DEBUG is off unless set in the
environment.
"""

import argparse
import os
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=None)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="biobridge-bench-") as scratch:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        run(options.projects, options.batch_size)


def run(projects: int, batch_size: int | None) -> None:
    sys.path.insert(0, str(REPOSITORY))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # The local settings turn DEBUG on, which formats and logs every query:
    # a cost of the development server, not of seeding.
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from projects.models import ResearchProject, StageTransition

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", stdout=StringIO())
    demo_seconds = time.perf_counter() - started

    extra = {"batch_size": batch_size} if batch_size else {}
    output = StringIO()
    started = time.perf_counter()
    call_command("seed_demo", projects=projects, stdout=output, **extra)
    seconds = time.perf_counter() - started

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"seed_demo (demo data only): {demo_seconds:.1f} s")
    print(output.getvalue().strip().splitlines()[-1])
    print(f"seed_demo --projects {projects}: {seconds:.1f} s")
    print(
        f"rows: {ResearchProject.objects.count()} projects, "
        f"{StageTransition.objects.count()} stage transitions"
    )


if __name__ == "__main__":
    main()
