"""Benchmark: the staff dashboard rendered server-side with 100,000 projects on
PostgreSQL.

    .venv/bin/python bench/ui_dashboard.py            # seed, measure, drop
    .venv/bin/python bench/ui_dashboard.py --keep     # keep the database
    .venv/bin/python bench/ui_dashboard.py --reuse    # measure a kept one again

It creates the scratch database ``biobridge_bench_dash`` on the PostgreSQL
server of ``--server`` (default postgres://postgres@127.0.0.1:5432), migrates
it, runs ``seed_demo --projects 100000`` and ``VACUUM ANALYZE``, and drops it
at the end unless ``--keep`` is given. ``--reuse`` measures a database kept
earlier (it migrates, so that new indexes apply, and analyzes). A database of
that name that exists already is never overwritten or dropped without
``--reuse``. ``--database`` names another database (a copy of one seeded
by ``bench/million.py``, say).

Then, in this process, with DEBUG off, it signs in the demo superuser with
Django's test client and times ``GET /`` (the dashboard, whole: the median
years in stage included), the same with the funnel filtered
(``?sector=biomedicine&mode=transfer``), the funnel's htmx fragment and the
reports page; then the dashboard and the reports again as the demo staff
member, whose figures are scoped to the projects of its institution. Each
dashboard is timed twice: as most requests find it, with the median years in
stage in the cache, and as the first request after a gate decision finds it,
computing them again:
``--warmup`` requests first, then the median, p95 and the number of SQL
queries of ``--runs`` requests. Target: the dashboard, whole, under 150 ms;
the ratio of each dashboard's median to it is printed.
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
DATABASE = "biobridge_bench_dash"
PROJECTS = 100_000
SUPERUSER_EMAIL = "admin@example.com"
STAFF_EMAIL = "staff@example.com"
TARGET_MS = 150
# (signed in as, label, path, headers); a label ending in AFTER_DECISION is
# timed with the cached medians made stale before each request, as a gate
# decision makes them.
AFTER_DECISION = ", after a decision"
PAGES = [
    (SUPERUSER_EMAIL, "dashboard", "/", {}),
    (SUPERUSER_EMAIL, "dashboard" + AFTER_DECISION, "/", {}),
    (SUPERUSER_EMAIL, "dashboard, funnel filtered", "/?sector=biomedicine&mode=transfer", {}),
    (
        SUPERUSER_EMAIL,
        "funnel fragment (htmx)",
        "/?sector=biomedicine&mode=transfer",
        {"HX-Request": "true", "HX-Target": "funnel-card"},
    ),
    (SUPERUSER_EMAIL, "reports", "/reports/", {}),
    (STAFF_EMAIL, "dashboard (staff)", "/", {}),
    (STAFF_EMAIL, "dashboard (staff)" + AFTER_DECISION, "/", {}),
    (STAFF_EMAIL, "reports (staff)", "/reports/", {}),
]


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
    parser.add_argument("--database", default=DATABASE, help=f"default {DATABASE}")
    options = parser.parse_args()
    database = options.database

    exists = psql(options.server, f"SELECT 1 FROM pg_database WHERE datname = '{database}'")
    if exists and not options.reuse:
        sys.exit(f"{database} exists; drop it, or measure it with --reuse.")
    if not exists and options.reuse:
        sys.exit(f"{database} does not exist; run without --reuse first.")
    if not exists:
        psql(options.server, f"CREATE DATABASE {database}")
    created = not exists
    try:
        os.environ["DATABASE_URL"] = f"{options.server}/{database}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        os.environ["DEBUG"] = "false"
        os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
        run(options, seed=created)
    finally:
        if not options.keep and not options.reuse:
            from django.db import connections

            connections.close_all()
            psql(options.server, f"DROP DATABASE IF EXISTS {database}")
            print(f"dropped {database}")


def run(options, *, seed: bool) -> None:
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from projects.models import ResearchProject, StageTransition
    from projects.stay_medians import stay_medians_changed

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

    clients = {}
    for email in (SUPERUSER_EMAIL, STAFF_EMAIL):
        clients[email] = Client()
        clients[email].force_login(User.objects.get(email__iexact=email))
    print(f"{'page':<44} {'median':>9} {'p95':>9} {'queries':>8}  target {TARGET_MS} ms")
    for email, label, path, headers in PAGES:
        client = clients[email]
        for _ in range(options.warmup):
            assert client.get(path, headers=headers).status_code == 200
        timings = []
        for _ in range(options.runs):
            if label.endswith(AFTER_DECISION):
                stay_medians_changed()
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path, headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        timings.sort()
        median = statistics.median(timings)
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        ratio = f"  {median / TARGET_MS:.2f}× target" if path == "/" and not headers else ""
        print(
            f"{label:<44} {median:>7.1f}ms {p95:>7.1f}ms {len(queries.captured_queries):>8}{ratio}"
        )


if __name__ == "__main__":
    main()
