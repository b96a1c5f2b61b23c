"""Benchmark: how long `seed_demo --projects N` takes on a fresh database (N 100,000 unless given).

Runs standalone from the repository root:

    .venv/bin/python bench/seed_projects.py              # throwaway SQLite file
    DATABASE_URL=postgres://... .venv/bin/python bench/seed_projects.py
    .venv/bin/python bench/seed_projects.py --projects 20000
    DATABASE_URL=postgres://... .venv/bin/python bench/seed_projects.py --projects 1000000
    DATABASE_URL=postgres://... .venv/bin/python bench/seed_projects.py --processes 1

Without DATABASE_URL it migrates a new SQLite database in a temporary
directory that is removed afterwards. With DATABASE_URL it migrates and fills
that database, which should be a new, empty one made for the purpose. The
demo data is loaded first and timed on its own, so the figure for the
generated projects is theirs alone. DEBUG is off unless set in the
environment. It prints the load average before and after the run, and on
PostgreSQL the CPU time of the database's backend, the drafting processes
and this one: on a shared machine, the CPU seconds say more than the clock.
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
    parser.add_argument(
        "--processes", type=int, default=None, help="drafting processes (default: one per CPU)"
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="biobridge-bench-") as scratch:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        run(options.projects, options.batch_size, options.processes)


def load_average() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def backend_cpu_seconds(connection) -> float | None:
    """The CPU time of the database backend serving ``connection``, if it
    runs on this machine."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(projects: int, batch_size: int | None, processes: int | None) -> None:
    sys.path.insert(0, str(REPOSITORY))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # The local settings turn DEBUG on, which formats and logs every query:
    # a cost of the development server, not of seeding.
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from projects.models import (
        Invoice,
        Milestone,
        Payment,
        ResearchProject,
        StageTransition,
        VatInvoice,
    )

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", stdout=StringIO())
    demo_seconds = time.perf_counter() - started

    extra = {"batch_size": batch_size} if batch_size else {}
    if processes:
        extra["processes"] = processes
    output = StringIO()
    load_before = load_average()
    backend_before = backend_cpu_seconds(connection)
    cpu_before = os.times()
    started = time.perf_counter()
    call_command("seed_demo", projects=projects, stdout=output, verbosity=2, **extra)
    seconds = time.perf_counter() - started
    cpu_after = os.times()
    backend_after = backend_cpu_seconds(connection)
    load_after = load_average()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"seed_demo (demo data only): {demo_seconds:.1f} s")
    # The summary, then its phases (verbosity 2).
    lines = output.getvalue().strip().splitlines()
    print("\n".join(lines[next(i for i, line in enumerate(lines) if "Generated" in line) :]))
    print(f"seed_demo --projects {projects}: {seconds:.1f} s")
    print(f"load average before: {load_before}, after: {load_after}")
    this = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
    drafting = (cpu_after.children_user + cpu_after.children_system) - (
        cpu_before.children_user + cpu_before.children_system
    )
    cpu = f"CPU: this process {this:.1f} s, drafting processes {drafting:.1f} s"
    if backend_before is not None and backend_after is not None:
        cpu += f", database backend {backend_after - backend_before:.1f} s"
    print(cpu)
    print(
        f"rows: {ResearchProject.objects.count()} projects, "
        f"{StageTransition.objects.count()} stage transitions, "
        f"{Milestone.objects.count()} milestones, {Invoice.objects.count()} invoices, "
        f"{Payment.objects.count()} payments, {VatInvoice.objects.count()} VAT invoices"
    )


if __name__ == "__main__":
    main()
