"""Benchmark: search across everything with 100,000 projects on PostgreSQL.

    .venv/bin/python bench/search.py            # seed, measure, drop
    .venv/bin/python bench/search.py --keep     # keep the database
    .venv/bin/python bench/search.py --reuse    # measure a kept one again

It creates the scratch database ``biobridge_bench_search`` on the PostgreSQL
server of ``--server`` (default postgres://postgres@127.0.0.1:5432), migrates
it (which builds the trigram indexes of ``search/migrations``), runs
``seed_demo --projects 100000`` and ``VACUUM ANALYZE``, and drops it at the
end unless ``--keep`` is given. ``--reuse`` measures a database kept earlier
(it migrates and analyzes again). A database of that name that exists
already is never overwritten or dropped without ``--reuse``.

For the demo superuser (all 100,000 projects), the demo staff member and
the demo partner, each query is searched the way the top bar's box does it
as the user types: the live results (htmx) through the whole Django stack,
by Django's test client in this process, with DEBUG off. Each case is
warmed up, then requested ``--repeat`` times; the script prints the median
and p95 of the request, the median of ``search_everything`` alone, the
number of SQL queries and the hits found. Target: under 100 ms.
"""

import argparse
import contextlib
import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
DATABASE = "biobridge_bench_search"
USERS = ("admin@example.com", "staff@example.com", "partner.a@example.com")

QUERIES = [
    ("a project code", "GEN-054321"),
    ("a code's prefix", "GEN-0543"),
    ("a Chinese substring", "细胞疗法"),
    ("a rarer Chinese substring", "赖氨酸"),
    ("a partner's name", "Hanhai"),
    ("a partner's Chinese name", "瀚海生物"),
    ("an English word", "antibody"),
    ("two English words", "enzyme lysine"),
    ("two letters", "rn"),
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


def median_ms(call, repeat: int) -> tuple[float, float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    p95 = statistics.quantiles(timings, n=100, method="inclusive")[94]
    return statistics.median(timings) * 1e3, p95 * 1e3


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
    from search.selectors import DEFAULT_LIMIT, search_everything, search_url_for

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
        f"{ResearchProject.objects.count():,} projects; load average "
        + " ".join(f"{load:.2f}" for load in os.getloadavg())
    )

    for email in USERS:
        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user)
        url = search_url_for(user)
        print(f"\n{email} ({url})")
        print(
            f"{'query':40} {'p50 ms':>8} {'p95 ms':>8} {'select ms':>9} {'queries':>8} {'hits':>8}"
        )
        for label, query in QUERIES:

            def request(query=query, client=client, url=url):
                response = client.get(url, {"q": query}, headers={"HX-Request": "true"})
                assert response.status_code == 200, (url, response.status_code)
                return response

            for _ in range(3):
                request()
            with counting_queries() as queries:
                request()
            p50, p95 = median_ms(request, options.repeat)
            selector, _p95 = median_ms(
                lambda query=query, user=user: search_everything(
                    user, query, limit_per_kind=DEFAULT_LIMIT
                ),
                options.repeat,
            )
            hits = search_everything(user, query, limit_per_kind=DEFAULT_LIMIT).total
            shown = f"{label} ({query})"
            print(f"{shown:40} {p50:8.1f} {p95:8.1f} {selector:9.1f} {len(queries):8} {hits:8,}")
    print("\nload average " + " ".join(f"{load:.2f}" for load in os.getloadavg()))


if __name__ == "__main__":
    main()
