"""Benchmark: importing 10,000 research projects with their stage histories
and 30,000 milestones in every state, as a dry run and as a commit.

Runs standalone from the repository root:

    .venv/bin/python bench/imports.py                    # throwaway SQLite file
    DATABASE_URL=postgres://... .venv/bin/python bench/imports.py
    .venv/bin/python bench/imports.py --projects 1000    # a smaller run

Without DATABASE_URL it migrates a new SQLite database in a temporary
directory that is removed afterwards. With DATABASE_URL it migrates that
database, which should be a new, empty one made for the purpose. It records
one institution, enterprise, partnership and signed agreement and a staff
member of the institution, then writes two CSV files in memory: the
projects (each under the agreement, with a history of one to six stages of
the drug pipeline on their dates) and three milestones per project (planned,
claimed, verified, invoiced or paid, with invoice numbers and payments).
Each file is imported by ``imports.services.import_file`` as the staff
member, first as a dry run, then committed, exactly as the API and the
wizard's background task do. It prints the seconds, rows per second and
peak memory of each run. DEBUG is off unless set in the environment.
"""

import argparse
import csv
import io
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
PIPELINE = "BIOMED-DRUG"
MILESTONES_PER_PROJECT = 3
STATES = ["planned", "claimed", "verified", "invoiced", "paid"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="biobridge-bench-") as scratch:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        run(options.projects, random.Random(options.seed))


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def project_rows(count, stages, institution, agreement, rng):
    rows = [["code", "title", "pipeline", "current_stage", "lead_institution", "trl",
             "start_date", "agreement", "stage_history"]]  # fmt: skip
    for number in range(count):
        reached = rng.randint(1, 6)
        start = date(2012, 1, 1) + timedelta(days=rng.randint(0, 1500))
        day, history = start, []
        for stage in stages[:reached]:
            day += timedelta(days=rng.randint(30, 400))
            history.append(f"{stage.code}:{day.isoformat()}")
        current = stages[reached - 1]
        rows.append([f"IMP-{number:05d}", f"Imported programme {number}", PIPELINE, current.code,
                     institution.code, current.trl_min, start.isoformat(), agreement.reference,
                     "; ".join(history)])  # fmt: skip
    return rows


def milestone_rows(count, agreement, rng):
    rows = [["project", "name", "agreement", "kind", "amount", "currency", "status",
             "claimed_on", "verified_on", "invoice_number", "invoiced_on", "paid_amount",
             "paid_on"]]  # fmt: skip
    for number in range(count):
        for index in range(MILESTONES_PER_PROJECT):
            state = rng.choice(STATES)
            step = STATES.index(state)
            day = date(2020, 1, 1) + timedelta(days=rng.randint(0, 1500))
            amount = rng.randint(1, 50) * 10_000
            dates = [(day + timedelta(days=10 * k)).isoformat() for k in range(4)]
            rows.append([
                f"IMP-{number:05d}", f"Milestone {index + 1}", agreement.reference,
                "regulatory", amount, "CNY", state,
                dates[0] if step >= 1 else "",
                dates[1] if step >= 2 else "",
                f"INV-BENCH-{number:05d}-{index}" if step >= 3 else "",
                dates[2] if step >= 3 else "",
                amount if step >= 4 else "",
                dates[3] if step >= 4 else "",
            ])  # fmt: skip
    return rows


def timed(label, rows, **arguments):
    from imports.services import import_file

    started = time.perf_counter()
    result = import_file(data=csv_bytes(rows), filename=f"{label}.csv", **arguments)
    seconds = time.perf_counter() - started
    count = len(rows) - 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mode = "dry run" if arguments["dry_run"] else "commit "
    print(
        f"{label:<10} {mode} {count:>6} rows  {seconds:8.1f} s  {count / seconds:8.0f} rows/s  "
        f"created {result.created:>6}  updated {result.updated:>6}  "
        f"errors {result.error_count}  peak {peak:.0f} MB"
    )
    if result.error_count:
        for error in result.errors[:5]:
            print("   ", error)
        raise SystemExit(1)
    return result


def run(projects: int, rng) -> None:
    sys.path.insert(0, str(REPOSITORY))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from partnerships import services as partnerships
    from pipelines.models import StageDefinition
    from projects.models import Invoice, Milestone, Payment, ResearchProject, StageTransition

    call_command("migrate", interactive=False, verbosity=0)
    settings.IMPORT_MAX_ROWS = max(settings.IMPORT_MAX_ROWS, projects * MILESTONES_PER_PROJECT)
    admin = User.objects.create_superuser(email="bench@example.com", password=None)
    institution = partnerships.institution_create(
        by=admin, code="BENCH-U", name="Bench University", kind="university"
    )
    enterprise = partnerships.enterprise_create(
        by=admin, code="BENCH-E", name="Bench Biotech", size="sme"
    )
    staff = User.objects.create_user(email="staff@example.com", password=None)
    staff.institutions.set([institution])
    partnership = partnerships.partnership_create(
        by=staff, code="PS-BENCH", title="Bench partnership", mode="transfer",
        enterprise=enterprise, institution=institution, started_on=date(2011, 1, 1),
    )  # fmt: skip
    agreement = partnerships.agreement_create(
        by=staff, partnership=partnership, reference="AGR-BENCH", title="Bench licence",
        kind="licence", status="signed", signed_on=date(2011, 6, 1), currency="CNY",
    )  # fmt: skip
    stages = list(StageDefinition.objects.filter(pipeline__code=PIPELINE).order_by("position"))

    print(f"database: {connection.vendor}")
    projects_file = project_rows(projects, stages, institution, agreement, rng)
    milestones_file = milestone_rows(projects, agreement, rng)
    common = {"by": staff}
    timed("projects", projects_file, kind="projects", dry_run=True, **common)
    timed("projects", projects_file, kind="projects", dry_run=False, **common)
    timed("milestones", milestones_file, kind="milestones", dry_run=True, **common)
    timed("milestones", milestones_file, kind="milestones", dry_run=False, **common)
    timed("projects", projects_file, kind="projects", dry_run=False, **common)
    print(
        f"rows: {ResearchProject.objects.count()} projects, "
        f"{StageTransition.objects.count()} stage transitions, "
        f"{Milestone.objects.count()} milestones, {Invoice.objects.count()} invoices, "
        f"{Payment.objects.count()} payments"
    )


if __name__ == "__main__":
    main()
