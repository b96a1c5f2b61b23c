"""Benchmark: the staff UI's list pages with 100,000 projects on PostgreSQL.

    .venv/bin/python bench/ui_lists.py            # seed, measure, drop
    .venv/bin/python bench/ui_lists.py --keep     # keep the database
    .venv/bin/python bench/ui_lists.py --reuse    # measure a kept one again

It creates the scratch database ``biobridge_bench_lists`` on the PostgreSQL
server of ``--server`` (default postgres://postgres@127.0.0.1:5432), migrates
it, runs ``seed_demo --projects 100000`` and ``VACUUM ANALYZE``, and drops it
at the end unless ``--keep`` is given. ``--reuse`` measures a database kept
earlier (it migrates and analyzes again). A database of that name that exists
already is never overwritten or dropped without ``--reuse``.

Pages are rendered server-side through the whole Django stack (middleware,
session, scoping, FilterSet, sorting, pagination, templates) by Django's
test client in this process, with the local settings and DEBUG off, for the
demo superuser (all 100,000 projects) and the demo staff member (the
projects of the institutions and centres it works for). Each case is warmed
up, then requested ``--repeat`` times; the script prints the median, p95 and
the number of SQL queries. Then it times the CSV and Excel exports of the
whole project list (the 100,000-row cap). Target: project list under 300 ms.
"""

import argparse
import contextlib
import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

REPOSITORY = Path(__file__).resolve().parent.parent
DATABASE = "biobridge_bench_lists"
ADMIN_EMAIL = "admin@example.com"
STAFF_EMAIL = "staff@example.com"

CASES = [
    ("projects, first page", "/projects/", {}),
    ("projects, sector + status", "/projects/", {"sector": "biomedicine", "status": "active"}),
    ("projects, search", "/projects/", {"q": "antibody"}),
    ("projects, sorted by title desc", "/projects/", {"sort": "-title"}),
    ("projects, sorted by stage", "/projects/", {"sort": "stage"}),
    ("projects, page 1000", "/projects/", {"page": "1000"}),
    ("partnerships", "/partners/partnerships/", {}),
    ("agreements", "/agreements/", {}),
    ("milestones, overdue", "/milestones/", {"overdue": "true"}),
    ("payments", "/milestones/payments/", {}),
    ("royalty reports", "/royalties/", {}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database")
    options = parser.parse_args()

    import psycopg

    with psycopg.connect(f"{options.server}/postgres", autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]
        ).fetchone()
        if exists and not options.reuse:
            sys.exit(f"{DATABASE} exists; measure it with --reuse or drop it first.")
        if not exists:
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
    try:
        run(options, seed=not exists)
    finally:
        if not options.keep:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{options.server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


@contextlib.contextmanager
def counting_queries():
    """The SQL statements run inside the block, in a list."""
    from django.db import connection

    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def run(options, *, seed: bool) -> None:
    sys.path.insert(0, str(REPOSITORY))
    os.environ["DATABASE_URL"] = f"{options.server}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User
    from projects.models import ResearchProject

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)
    if seed:
        started = time.perf_counter()
        call_command("seed_demo", projects=options.projects, stdout=StringIO())
        print(f"seeded in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}, "
        f"{ResearchProject.objects.count():,} projects"
    )

    for email in (ADMIN_EMAIL, STAFF_EMAIL):
        client = Client()
        client.force_login(User.objects.get(email=email))
        print(f"\n{email}")
        print(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'rows':>8}")
        for label, path, params in CASES:
            url = f"{path}?{urlencode(params)}" if params else path
            for _ in range(3):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            with counting_queries() as queries:
                response = client.get(url)
            timings = []
            for _ in range(options.repeat):
                started = time.perf_counter()
                client.get(url)
                timings.append(time.perf_counter() - started)
            p50 = statistics.median(timings) * 1e3
            p95 = statistics.quantiles(timings, n=100, method="inclusive")[94] * 1e3
            count = response.context["page"].paginator.count
            print(f"{label:34} {p50:8.1f} {p95:8.1f} {len(queries):8} {count:8,}")

    client = Client()
    client.force_login(User.objects.get(email=ADMIN_EMAIL))
    print("\nexports of the whole project list (admin)")
    for export_format in ("csv", "xlsx"):
        started = time.perf_counter()
        with counting_queries() as queries:
            response = client.get("/projects/", {"format": export_format})
            size = sum(len(chunk) for chunk in response.streaming_content)
        seconds = time.perf_counter() - started
        print(f"{export_format:5} {seconds:6.1f} s  {size / 1e6:6.1f} MB  {len(queries)} queries")


if __name__ == "__main__":
    main()
