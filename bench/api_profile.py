"""In-process profile: the API's lists against their floors, through the
WSGI handler of the production settings, without HTTP or gunicorn.

    .venv/bin/python bench/api_profile.py --redis redis://127.0.0.1:6379/6
    .venv/bin/python bench/api_profile.py --lists projects payments --cprofile payments

It measures a database kept by ``bench/api_projects.py --keep``
(``biobridge_bench_api``), issues one API token each to the demo superuser
and to partner.a@example.com, and calls the handler ``--requests`` times
per path, one after the other (after ``--warmup`` requests), alternating API
and floor in five slices. It prints each side's mean and median time per
request and their ratio, which is the ratio of throughput at one client
without the HTTP server and the client; and, less at the mercy of whatever
else the machine runs, the CPU time per request of this process (Python)
and of its PostgreSQL backend (read from /proc), and their sum's ratio.
``--cprofile NAME`` profiles the API's requests of that list and prints the
functions that cost most.
"""

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_projects import FILTER, PARTNER_EMAIL, database_exists

LISTS = ["projects", "milestones", "payments", "invoices", "royalty-reports", "activity"]
PAGE_SIZE = 100


def environ(path: str, headers: dict) -> dict:
    address, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": address,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "application/json",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()},
    }


def call(application, path: str, headers: dict) -> bytes:
    statuses = []
    body = b"".join(
        application(environ(path, headers), lambda status, _headers: statuses.append(status))
    )
    if not statuses[0].startswith("200"):
        raise SystemExit(f"{path}: {statuses[0]} {body[:300]!r}")
    return body


def backend_cpu_seconds() -> float:
    """CPU time so far of this process's PostgreSQL backend (same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def paths(users: dict, keys: dict) -> list[tuple[str, str, str, dict]]:
    """(label, API path, floor path, headers) of each case."""
    found = []
    for who, user in users.items():
        headers = {"Authorization": f"Token {keys[who]}"}
        found.append(
            (
                f"projects, {who}",
                f"/api/v1/projects/?page_size={PAGE_SIZE}",
                "/bench/floor/projects/?"
                + urlencode(
                    {"page_size": PAGE_SIZE}
                    | ({"enterprise": user.enterprise_id} if who == "partner" else {})
                ),
                headers,
            )
        )
        found.append(
            (
                f"projects filtered, {who}",
                f"/api/v1/projects/?{urlencode({'page_size': PAGE_SIZE, **FILTER})}",
                "/bench/floor/projects/?"
                + urlencode(
                    {"page_size": PAGE_SIZE, **FILTER}
                    | ({"enterprise": user.enterprise_id} if who == "partner" else {})
                ),
                headers,
            )
        )
        for name in LISTS[1:]:
            found.append(
                (
                    f"{name}, {who}",
                    f"/api/v1/{name}/?page_size={PAGE_SIZE}",
                    f"/bench/floor/{name}/?page_size={PAGE_SIZE}&user={user.pk}",
                    headers,
                )
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="biobridge_bench_api")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--lists", nargs="+", default=LISTS, choices=LISTS)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--cprofile", metavar="LIST", help="profile this list's API requests")
    options = parser.parse_args()

    import psycopg

    try:
        exists = database_exists(options.server, options.database)
    except psycopg.OperationalError as error:
        print(f"skipped: it needs a PostgreSQL server at {options.server} ({error})")
        return
    if not exists:
        # `make bench` runs every script; this one measures a kept database.
        print(f"skipped: no database {options.database} (bench/api_projects.py --keep makes it)")
        return

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": f"{options.server}/{options.database}",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "EMAIL_URL": "smtp://127.0.0.1:25",
            "REDIS_URL": options.redis,
            "CELERY_BROKER_URL": "",
            "API_THROTTLE_RATE": "1000000/minute",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench.urlconf.api_profile"
    from django.core.wsgi import get_wsgi_application

    from accounts.models import User
    from accounts.services import api_token_create
    from demo.specs import ADMIN_EMAIL

    users = {
        "superuser": User.objects.get(email__iexact=ADMIN_EMAIL),
        "partner": User.objects.select_related("enterprise").get(email__iexact=PARTNER_EMAIL),
    }
    keys = {
        who: api_token_create(user=user, name="bench/api_profile.py").key
        for who, user in users.items()
    }
    application = get_wsgi_application()
    print("load average", " ".join(f"{load:.2f}" for load in os.getloadavg()))
    print(
        "| case | floor mean | floor p50 | API mean | API p50 | API / floor (mean) "
        "| floor CPU Python + PostgreSQL | API CPU Python + PostgreSQL | API / floor (CPU) |"
    )
    print("| --- " * 9 + "|")
    for label, api, floor, headers in paths(users, keys):
        if label.split(",")[0].split(" ")[0] not in options.lists:
            continue
        for _ in range(options.warmup):
            call(application, api, headers)
            call(application, floor, {})
        times = {"floor": [], "api": []}
        python_cpu = {"floor": 0.0, "api": 0.0}
        database_cpu = {"floor": 0.0, "api": 0.0}
        profile = cProfile.Profile() if label.split(",")[0] == options.cprofile else None
        for _ in range(5):
            for side, path, side_headers in (("floor", floor, {}), ("api", api, headers)):
                database_before = backend_cpu_seconds()
                python_before = time.thread_time()
                for _ in range(options.requests // 5):
                    if profile and side == "api":
                        profile.enable()
                    started = time.perf_counter()
                    call(application, path, side_headers)
                    times[side].append(time.perf_counter() - started)
                    if profile and side == "api":
                        profile.disable()
                python_cpu[side] += time.thread_time() - python_before
                database_cpu[side] += backend_cpu_seconds() - database_before
        floor_mean = statistics.fmean(times["floor"]) * 1000
        api_mean = statistics.fmean(times["api"]) * 1000
        cpu = {
            side: (
                python_cpu[side] * 1000 / len(times[side]),
                database_cpu[side] * 1000 / len(times[side]),
            )
            for side in times
        }
        print(
            f"| {label} | {floor_mean:.2f} ms | {statistics.median(times['floor']) * 1000:.2f} ms"
            f" | {api_mean:.2f} ms | {statistics.median(times['api']) * 1000:.2f} ms"
            f" | {api_mean / floor_mean:.2f}"
            f" | {cpu['floor'][0]:.2f} + {cpu['floor'][1]:.2f} ms"
            f" | {cpu['api'][0]:.2f} + {cpu['api'][1]:.2f} ms"
            f" | {sum(cpu['api']) / sum(cpu['floor']):.2f} |",
            flush=True,
        )
        if profile:
            stats = pstats.Stats(profile, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
    print("load average", " ".join(f"{load:.2f}" for load in os.getloadavg()))


if __name__ == "__main__":
    main()
