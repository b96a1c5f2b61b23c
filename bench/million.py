"""Benchmark: the pages that must stay fast at a million projects, timed at
100,000 and at 1,000,000 projects in one run, with the ratio.

    .venv/bin/python bench/million.py            # seed both, measure, drop both
    .venv/bin/python bench/million.py --keep     # keep both databases
    .venv/bin/python bench/million.py --reuse    # measure kept ones again

It creates the scratch databases ``biobridge_bench_million_100k`` and
``biobridge_bench_million_1m`` on the PostgreSQL server of ``--server``
(default postgres://postgres@127.0.0.1:5432), migrates them, runs
``seed_demo --projects N`` on each (timed: the million is a target of its
own, under five minutes) and ``VACUUM ANALYZE``, and drops them at the end
unless ``--keep`` is given (``--prefix`` names other databases).
``--reuse`` measures databases kept earlier; a database of either name
that exists already is never overwritten or dropped without it.

Each size is measured in a process of its own (Django holds one database
per process), with the local settings and DEBUG off, through Django's test
client: the staff member's project list (first page, filtered, searched,
sorted, page 10,000: at 100,000 projects that is the last page, 2,001), a
project page, the dashboard (the superuser, and the staff member, whose
figures are chosen by the links of what the staff member sees), the portal's overview and
project list for the partner of the enterprise with the most projects, and
the API's project list (the superuser, a session). Each page is warmed up,
then requested ``--repeat`` times at each size in alternation, one request
at a time, so that the machine's load weighs on both sizes alike; the script
prints the median and p95 of each size, the number of SQL queries at
1,000,000 and the ratio of the medians, 1,000,000 over 100,000. Target:
every ratio at most 2.
"""

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
SIZES = {100_000: "100k", 1_000_000: "1m"}
DEFAULT_PREFIX = "biobridge_bench_million"
ADMIN_EMAIL = "admin@example.com"
STAFF_EMAIL = "staff@example.com"
PARTNER_EMAIL = "partner.a@example.com"
PROJECT_CODE = "GEN-000001"
TARGET_RATIO = 2.0

# label, who, path
CASES = [
    ("projects, first page", STAFF_EMAIL, "/projects/"),
    ("projects, sector + status", STAFF_EMAIL, "/projects/?sector=biomedicine&status=active"),
    ("projects, search antibody", STAFF_EMAIL, "/projects/?q=antibody"),
    ("projects, sorted by title desc", STAFF_EMAIL, "/projects/?sort=-title"),
    ("projects, sorted by stage", STAFF_EMAIL, "/projects/?sort=stage"),
    ("projects, page 10,000", STAFF_EMAIL, "/projects/?page=10000"),
    ("project page", STAFF_EMAIL, f"/projects/{PROJECT_CODE}/"),
    ("dashboard", ADMIN_EMAIL, "/"),
    ("dashboard, staff", STAFF_EMAIL, "/"),
    ("portal overview", PARTNER_EMAIL, "/portal/"),
    ("portal projects", PARTNER_EMAIL, "/portal/projects/"),
    ("API projects", ADMIN_EMAIL, "/api/v1/projects/?page_size=100"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure kept databases")
    parser.add_argument(
        "--prefix",
        default=DEFAULT_PREFIX,
        help="the databases are PREFIX_100k and PREFIX_1m (default %(default)s)",
    )
    parser.add_argument("--prepare", metavar="DATABASE", help=argparse.SUPPRESS)
    parser.add_argument("--serve", metavar="DATABASE", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.prepare:
        prepare(options)
        return
    if options.serve:
        serve(options)
        return

    import psycopg

    created = []
    databases = {size: f"{options.prefix}_{suffix}" for size, suffix in SIZES.items()}
    print(f"load average at start: {load_average()}")
    try:
        prepared = {}
        for projects, database in databases.items():
            with psycopg.connect(f"{options.server}/postgres", autocommit=True) as admin:
                exists = admin.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [database]
                ).fetchone()
                if exists and not options.reuse:
                    sys.exit(f"{database} exists; measure it with --reuse or drop it first.")
                if not exists:
                    admin.execute(f'CREATE DATABASE "{database}"')
                    created.append(database)
            child = subprocess.run(
                [
                    *(sys.executable, __file__, "--server", options.server),
                    *("--prepare", database, "--seed", "0" if exists else str(projects)),
                ],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            )
            prepared[projects] = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"load average before measuring: {load_average()}")
        report(prepared, measure_alternately(options, databases))
    finally:
        if not options.keep:
            with psycopg.connect(f"{options.server}/postgres", autocommit=True) as admin:
                for database in created if not options.reuse else databases.values():
                    admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    print(f"load average at end: {load_average()}")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure_alternately(options, databases: dict) -> dict:
    """Time every page at both sizes, one request at a time, alternating.

    Each size is served by a process of its own (Django holds one database
    per process); the two wait for each other, so that a change in the
    machine's load over the run weighs on both sizes alike instead of on
    whichever was measured last.
    """
    servers = {
        size: subprocess.Popen(
            [sys.executable, __file__, "--server", options.server, "--serve", database],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        for size, database in databases.items()
    }

    def ask(size: int, command: dict) -> dict:
        server = servers[size]
        server.stdin.write(json.dumps(command) + "\n")
        server.stdin.flush()
        answer = server.stdout.readline()
        if not answer:
            raise RuntimeError(f"the server of {databases[size]} stopped")
        return json.loads(answer)

    try:
        pages = {size: {} for size in servers}
        for index, (label, *_) in enumerate(CASES):
            timings = {size: [] for size in servers}
            queries = {}
            for size in servers:
                queries[size] = ask(size, {"case": index, "warm": 3})["queries"]
            for _ in range(options.repeat):
                for size in servers:
                    timings[size].append(ask(size, {"case": index})["seconds"])
            for size in servers:
                pages[size][label] = {
                    "p50": statistics.median(timings[size]) * 1e3,
                    "p95": statistics.quantiles(timings[size], n=100, method="inclusive")[94]
                    * 1e3,
                    "queries": queries[size],
                }
            print(
                f"{label}: "
                + ", ".join(f"{pages[size][label]['p50']:.1f} ms" for size in servers),
                file=sys.stderr,
            )
        return pages
    finally:
        for server in servers.values():
            server.stdin.close()
            server.wait()


def report(prepared: dict, pages: dict) -> None:
    small, large = pages[100_000], pages[1_000_000]
    for size, result in prepared.items():
        seeded = f", seeded in {result['seed_seconds']:.0f} s" if result["seed_seconds"] else ""
        print(f"{size:>9,} requested: {result['projects']:,} projects{seeded}")
    print(
        f"\n{'page':32} {'100k p50':>9} {'p95':>7} {'1M p50':>9} {'p95':>7} "
        f"{'queries':>7} {'ratio':>6}"
    )
    over = []
    for label, *_ in CASES:
        before, after = small[label], large[label]
        ratio = after["p50"] / before["p50"]
        if ratio > TARGET_RATIO:
            over.append(label)
        print(
            f"{label:32} {before['p50']:9.1f} {before['p95']:7.1f} {after['p50']:9.1f} "
            f"{after['p95']:7.1f} {after['queries']:7} {ratio:6.2f}"
        )
    print(f"\nover {TARGET_RATIO:g}x: {', '.join(over) if over else 'none'}")


@contextlib.contextmanager
def counting_queries():
    from django.db import connection

    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def set_up_django(options, database: str) -> None:
    sys.path.insert(0, str(REPOSITORY))
    os.environ["DATABASE_URL"] = f"{options.server}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()


def prepare(options) -> None:
    """Migrate, seed if asked, analyse; prints the figures as one JSON line."""
    set_up_django(options, options.prepare)
    from django.core.management import call_command
    from django.db import connection

    from projects.models import ResearchProject

    call_command("migrate", interactive=False, verbosity=0)
    seed_seconds = 0.0
    if options.seed:
        call_command("seed_demo", stdout=StringIO())
        started = time.perf_counter()
        output = StringIO()
        call_command("seed_demo", projects=options.seed, stdout=output, verbosity=2)
        seed_seconds = time.perf_counter() - started
        print(f"seed_demo --projects {options.seed}: {seed_seconds:.1f} s", file=sys.stderr)
        # Where the time went (the phases, at verbosity 2).
        for line in output.getvalue().splitlines():
            if line.startswith("  "):
                print(line, file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(json.dumps({"projects": ResearchProject.objects.count(), "seed_seconds": seed_seconds}))


def serve(options) -> None:
    """Answer the parent's requests for timings, one JSON line per line read.

    ``{"case": i, "warm": n}`` requests case i n times, then once more
    counting its queries, and answers ``{"queries": q}``; ``{"case": i}``
    requests it once and answers ``{"seconds": s}``.
    """
    set_up_django(options, options.serve)
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User

    setup_test_environment()
    clients = {}
    for line in sys.stdin:
        command = json.loads(line)
        _, email, url = CASES[command["case"]]
        if email not in clients:
            clients[email] = Client()
            clients[email].force_login(User.objects.get(email=email))
        client = clients[email]
        if "warm" in command:
            for _ in range(command["warm"]):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            with counting_queries() as queries:
                client.get(url)
            answer = {"queries": len(queries)}
        else:
            started = time.perf_counter()
            client.get(url)
            answer = {"seconds": time.perf_counter() - started}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
