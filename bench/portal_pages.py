"""Benchmark: the partner portal's pages rendered server-side with 100,000
projects on PostgreSQL.

    .venv/bin/python bench/portal_pages.py            # seed, measure, drop
    .venv/bin/python bench/portal_pages.py --keep     # keep the database
    .venv/bin/python bench/portal_pages.py --reuse    # measure a kept one again

It creates the scratch database ``biobridge_bench_portal`` on the PostgreSQL
server of ``--server`` (default postgres://postgres@127.0.0.1:5432), migrates
it, runs ``seed_demo --projects 100000`` and ``VACUUM ANALYZE``, and drops it
at the end unless ``--keep`` is given. ``--reuse`` measures a database kept
earlier (it migrates, so that new indexes apply, and analyzes). A database of
that name that exists already is never overwritten or dropped without
``--reuse``.

Then, in this process, with DEBUG off, it signs in the partner user of the
enterprise with the most projects (``seed_demo`` gives every enterprise one)
with Django's test client and times the portal's pages: the overview, the
project list (plain and searched), the page of the enterprise's project with
the most milestones and stage transitions, the milestone list's four tabs,
the invoices, the agreements and the page of the agreement with the most
projects, the royalty reports and the documents: ``--warmup`` requests
first, then the median, p95 and the number of SQL queries of ``--runs``
requests. Target: every page under 300 ms.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
DATABASE = "biobridge_bench_portal"
PROJECTS = 100_000
SEARCH = "antibody"


def psql(server: str, sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", f"{server}/{database}", "-tAc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--projects", type=int, default=PROJECTS)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database")
    options = parser.parse_args()

    exists = psql(options.server, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'")
    if exists and not options.reuse:
        sys.exit(f"{DATABASE} exists; drop it, or measure it with --reuse.")
    if not exists and options.reuse:
        sys.exit(f"{DATABASE} does not exist; run without --reuse first.")
    if not exists:
        psql(options.server, f"CREATE DATABASE {DATABASE}")
    created = not exists
    try:
        os.environ["DATABASE_URL"] = f"{options.server}/{DATABASE}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        os.environ["DEBUG"] = "false"
        os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
        run(options, seed=created)
    finally:
        if not options.keep and not options.reuse:
            from django.db import connections

            connections.close_all()
            psql(options.server, f"DROP DATABASE IF EXISTS {DATABASE}")
            print(f"dropped {DATABASE}")


def partner_and_pages(User, Role):
    """The partner user of the enterprise with the most projects, what its
    enterprise holds, and the pages to time."""
    from django.db.models import Count, Q

    from partnerships.selectors import agreements_visible_to
    from projects.models import ResearchProject
    from projects.selectors import (
        documents_visible_to,
        invoices_visible_to,
        milestones_visible_to,
        projects_visible_to,
    )

    links = ResearchProject.partner_enterprises.through.objects
    busiest = links.values("enterprise_id").annotate(n=Count("id")).order_by("-n", "enterprise_id")
    enterprise_id = busiest[0]["enterprise_id"]
    user = User.objects.filter(role=Role.PARTNER, enterprise_id=enterprise_id).order_by("pk")[0]

    milestones = milestones_visible_to(user)
    project = (
        projects_visible_to(user)
        .annotate(
            milestone_count=Count(
                "milestones", filter=Q(milestones__in=milestones.values("id")), distinct=True
            ),
            transition_count=Count("transitions", distinct=True),
        )
        .filter(milestone_count__gt=0)
        .order_by("-milestone_count", "-transition_count", "code")
        .first()
    )
    agreement = (
        agreements_visible_to(user)
        .filter(partnership__enterprise_id=enterprise_id)
        .annotate(project_count=Count("projects"))
        .order_by("-project_count", "reference")
        .first()
    )
    print(
        f"partner {user.email} ({user.enterprise.code}, {user.enterprise.name}): "
        f"{projects_visible_to(user).count():,} projects, "
        f"{milestones.count():,} milestones, {invoices_visible_to(user).count():,} invoices, "
        f"{agreements_visible_to(user).count():,} agreements, "
        f"{documents_visible_to(user).count():,} documents"
    )
    print(
        f"project page: {project.code} ({project.milestone_count} milestones, "
        f"{project.transition_count} stage transitions); "
        f"agreement page: {agreement.reference} ({agreement.project_count:,} projects)"
    )
    pages = [
        ("overview", "/portal/"),
        ("projects", "/portal/projects/"),
        (f"projects, search {SEARCH}", f"/portal/projects/?q={SEARCH}"),
        ("project page", f"/portal/projects/{project.code}/"),
        ("milestones, awaiting", "/portal/milestones/?tab=awaiting"),
        ("milestones, open", "/portal/milestones/?tab=open"),
        ("milestones, paid", "/portal/milestones/?tab=paid"),
        ("milestones, all", "/portal/milestones/?tab=all"),
        ("invoices", "/portal/invoices/"),
        ("agreements", "/portal/agreements/"),
        ("agreement page", f"/portal/agreements/{agreement.reference}/"),
        ("royalty reports", "/portal/royalty-reports/"),
        ("documents", "/portal/documents/"),
    ]
    return user, pages


def run(options, *, seed: bool) -> None:
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.choices import Role
    from accounts.models import User
    from projects.models import ResearchProject, StageTransition

    call_command("migrate", interactive=False, verbosity=0)
    if seed:
        started = time.perf_counter()
        call_command("seed_demo", projects=options.projects, stdout=StringIO())
        print(f"seeded in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"{ResearchProject.objects.count():,} projects, "
        f"{StageTransition.objects.count():,} stage transitions; "
        f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    )

    user, pages = partner_and_pages(User, Role)
    client = Client()
    client.force_login(user)
    print(f"{'page':<34} {'median':>9} {'p95':>9} {'queries':>8}")
    for label, path in pages:
        for _ in range(options.warmup):
            assert client.get(path).status_code == 200, path
        timings = []
        for _ in range(options.runs):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        print(
            f"{label:<34} {statistics.median(timings):>7.1f}ms {p95:>7.1f}ms "
            f"{len(queries.captured_queries):>8}"
        )


if __name__ == "__main__":
    main()
