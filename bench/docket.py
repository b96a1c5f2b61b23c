"""Benchmark: the patent docket's first page with 100,000 achievements.

Runs standalone from the repository root:

    .venv/bin/python bench/docket.py                       # throwaway SQLite file
    .venv/bin/python bench/docket.py --sqlite /tmp/d.db    # keep (or reuse) that file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/biobridge_bench \\
        .venv/bin/python bench/docket.py

It migrates the database, loads the demo data and generates
``--achievements`` achievements (``seed_demo --achievements``: about three
patent applications each and their deadlines) unless the database holds that
many generated ones already, then analyzes it. With DATABASE_URL the database
must exist (``createdb``); it is filled and kept.

Then, for a superuser and for a staff member who works for one institution
(Lakeview Central Hospital, which owns about 15 % of the portfolio and sees
more of it through its projects), it times the docket's first page: the 50
open deadlines due first (overdue first), and the same page filtered by
jurisdiction, by counsel and by achievement. When the staff docket page
(``/achievements/docket/``) and the API's ``/api/v1/deadlines/`` resolve,
they are requested through the whole Django stack with Django's test
client (``?state=open`` and the filter); otherwise the queries those views
run are timed on their own: ``docket_for(user)`` and
``deadlines_visible_to(user)`` ordered by due date, filtered with
``docket_filter``, 51 rows evaluated (one more than the page, as a cursor
page reads). Each case is warmed up, then run ``--runs`` times; the median
and p95 are printed. ``--explain`` prints the database's plan of the
staff's docket query. DEBUG is off. Target: under 150 ms.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

REPOSITORY = Path(__file__).resolve().parent.parent
ADMIN_EMAIL = "admin@example.com"
BENCH_STAFF_EMAIL = "bench.docket.staff@example.com"
BENCH_STAFF_INSTITUTION = "LCH"
PAGE = 50
DOCKET_URL = "/achievements/docket/"
API_URL = "/api/v1/deadlines/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--achievements", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--sqlite", metavar="PATH", help="SQLite file to fill or reuse")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="biobridge-bench-") as scratch:
        if not os.environ.get("DATABASE_URL"):
            path = options.sqlite or f"{scratch}/bench.sqlite3"
            os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        run(options)


def run(options) -> None:
    sys.path.insert(0, str(REPOSITORY))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from achievements.models import Achievement, Deadline, PatentApplication
    from demo.bulk_portfolio import GENERATED_REFERENCE_PREFIX

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)
    generated = Achievement.objects.filter(
        reference__startswith=GENERATED_REFERENCE_PREFIX
    ).count()
    missing = max(options.achievements - generated, 0)
    started = time.perf_counter()
    output = StringIO()
    call_command("seed_demo", achievements=missing, stdout=output)
    print(output.getvalue().strip().splitlines()[-1])
    print(f"seed_demo --achievements {missing}: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    version = (
        f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
        if connection.vendor == "postgresql"
        else f"SQLite {connection.Database.sqlite_version}"
    )
    print(
        f"{version}: {Achievement.objects.count():,} achievements, "
        f"{PatentApplication.objects.count():,} applications, "
        f"{Deadline.objects.count():,} deadlines "
        f"({Deadline.objects.filter(state='open').count():,} open)"
    )
    staff = bench_staff()
    for user in (staff, admin()):
        measure(user, options)
    if options.explain:
        explain(staff)


def admin():
    from accounts.models import User

    return User.objects.get(email=ADMIN_EMAIL)


def bench_staff():
    """A staff member of one institution, not a superuser."""
    from accounts.choices import Role
    from accounts.models import User
    from partnerships.models import Institution

    user = User.objects.filter(email=BENCH_STAFF_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            BENCH_STAFF_EMAIL, None, full_name="Docket Bench", role=Role.CENTRE_STAFF
        )
    user.institutions.set([Institution.objects.get(code=BENCH_STAFF_INSTITUTION)])
    return user


def filters(user) -> dict[str, dict]:
    """The page's filters, with values that select something."""
    from achievements.selectors import deadlines_visible_to

    some = (
        deadlines_visible_to(user)
        .filter(state="open", application__counsel__isnull=False)
        .order_by("due_on", "id")
        .values("achievement_id", "application__counsel_id")
        .first()
    )
    return {
        "first page": {},
        "jurisdiction US": {"jurisdiction": "US"},
        "counsel": {"counsel": some["application__counsel_id"]},
        "achievement": {"achievement": some["achievement_id"]},
    }


def selector_queries(user, params: dict):
    """The queries the docket page and the deadlines API run for a page."""
    from achievements.selectors import deadlines_visible_to, docket_filter, docket_for

    # As the docket page reads its open segment: by due date alone.
    docket = docket_filter(docket_for(user).filter(state="open"), **params).order_by(
        "due_on", "id"
    )
    api = docket_filter(
        deadlines_visible_to(user)
        .filter(state="open")
        .select_related("application")
        .order_by("due_on", "id"),
        **params,
    )
    return {"docket page": docket, "deadlines API": api}


def resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def timed(call, runs: int) -> tuple[float, float]:
    for _ in range(3):
        call()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    p95 = statistics.quantiles(timings, n=100, method="inclusive")[94]
    return statistics.median(timings) * 1e3, p95 * 1e3


def measure(user, options) -> None:
    from django.test import Client

    client = Client()
    client.force_login(user)
    who = "superuser" if user.is_superuser else f"staff of {BENCH_STAFF_INSTITUTION}"
    print(f"\n{user.email} ({who})")
    print(f"{'case':44} {'p50 ms':>8} {'p95 ms':>8}  how")
    routes = {"docket page": DOCKET_URL, "deadlines API": API_URL}
    for label, params in filters(user).items():
        queries = selector_queries(user, params)
        for name, path in routes.items():
            if resolves(path):
                url = f"{path}?{urlencode({'state': 'open', **params})}"

                def call(url=url):
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)

                how = f"GET {url}"
            else:
                queryset = queries[name]

                def call(queryset=queryset):
                    rows = list(queryset[: PAGE + 1])
                    assert rows

                how = "selector, 51 rows"
            p50, p95 = timed(call, options.runs)
            print(f"{name + ', ' + label:44} {p50:8.1f} {p95:8.1f}  {how}")
    # Asked with no parameter at all: the page's default (open deadlines),
    # and the API's (every state, by due date).
    for name, path in routes.items():
        if not resolves(path):
            continue

        def call(path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        p50, p95 = timed(call, options.runs)
        print(f"{name + ', no parameters':44} {p50:8.1f} {p95:8.1f}  GET {path}")


def explain(user) -> None:
    from django.db import connection

    queries = selector_queries(user, {})
    for name, queryset in queries.items():
        print(f"\nplan of the {name} query ({connection.vendor}, staff):")
        print(queryset[: PAGE + 1].explain())


if __name__ == "__main__":
    main()
