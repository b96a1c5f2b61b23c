"""Benchmark: the project list of the API under gunicorn on PostgreSQL, against
a floor measured in the same run.

    .venv/bin/python bench/api_projects.py            # seed, measure, drop
    .venv/bin/python bench/api_projects.py --keep     # keep the database
    .venv/bin/python bench/api_projects.py --reuse    # measure a kept one again

It creates the scratch database ``biobridge_bench_api`` on the PostgreSQL
server of ``--server`` (default postgres://postgres@127.0.0.1:5432), migrates
it, runs ``seed_demo --projects 100000`` and ``VACUUM ANALYZE``, and drops it
at the end unless ``--keep`` is given. ``--reuse`` measures a database kept
earlier: it only migrates (new indexes apply) and analyzes. A database of that
name that exists already is never overwritten or dropped without ``--reuse``.

Then it starts gunicorn on a free port of 127.0.0.1 with the production
settings (DEBUG off, persistent database connections, Redis cache for the
throttle) and gthread workers, issues API tokens for the demo superuser and
for partner.a@example.com, one per client as if each were an integration of
its own, and measures ``GET /api/v1/projects/?page_size=100``
with and without ``sector=biomedicine&status=active``, for both tokens, at 1
and 8 concurrent clients. Each client is a thread with one persistent HTTP
connection; each run stops after ``--requests`` requests or ``--seconds``
seconds, whichever comes first. The floor and the API are each warmed up,
then measured in ``--rounds`` alternating slices, so that anything else the
machine does weighs on both alike. The throttle rate is raised far above
what the run sends, so the throttle is consulted on every request but never
refuses one.

The floor is ``floor_projects`` below, mounted by
``bench/urlconf/api_projects.py`` (the server's ROOT_URLCONF; the product's
URLs do not include it): a plain Django
view that runs one SQL query for the same rows and fields, scoped and
filtered the same way, and returns them with orjson, with no authentication.
Before measuring, the script checks that the API and the floor return the
same rows with the same values. It prints p50, p95 and requests per second
of both, and the ratios of the API to the floor (p50, throughput, p95).
Targets: at least half the floor's throughput, and a p95 within twice the
floor's at 8 clients. Figures go to docs/benchmarks.md.
"""

import argparse
import datetime
import http.client
import itertools
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

REPOSITORY = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
API_PATH = "/api/v1/projects/"
FLOOR_PATH = "/bench/floor/projects/"
PAGE_SIZE = 100
FILTER = {"sector": "biomedicine", "status": "active"}
PARTNER_EMAIL = "partner.a@example.com"
MAX_PAGE_SIZE = 200


# --- The floor (runs inside gunicorn) ---------------------------------------------

FLOOR_SQL = """
SELECT p.id, p.code, p.title, p.title_zh, sector.code,
       stage.id, stage.code, stage.name, stage.name_zh, stage.position,
       stage.trl_min, stage.trl_max,
       p.status, p.trl, lead.id, lead.code, lead.name,
       (SELECT coalesce(json_agg(json_build_object('id', e.id, 'code', e.code, 'name', e.name)
                                 ORDER BY e.name), '[]'::json)
          FROM projects_researchproject_partner_enterprises link
          JOIN partnerships_enterprise e ON e.id = link.enterprise_id
         WHERE link.researchproject_id = p.id),
       p.joint_centre_id, {terms}, p.start_date, p.updated_at
  FROM projects_researchproject p
  JOIN projects_stagedefinition stage ON stage.id = p.current_stage_id
  JOIN projects_pipeline pipeline ON pipeline.id = stage.pipeline_id
  JOIN projects_sector sector ON sector.id = pipeline.sector_id
  JOIN partnerships_institution lead ON lead.id = p.lead_institution_id
 WHERE {where}
 ORDER BY p.id DESC
 LIMIT %s
"""


# A partner is told the partnership and agreement of a project only when they
# are its own enterprise's (projects.selectors._terms_shown_to).
ALL_TERMS = "p.partnership_id, p.agreement_id"
OWN_TERMS = """
       CASE WHEN p.partnership_id IN (SELECT id FROM partnerships_partnership
                                       WHERE enterprise_id = %s)
            THEN p.partnership_id END,
       CASE WHEN p.agreement_id IN (SELECT a.id FROM partnerships_agreement a
                                      JOIN partnerships_partnership ap ON ap.id = a.partnership_id
                                     WHERE ap.enterprise_id = %s)
            THEN p.agreement_id END"""


def floor_projects(request):
    """The same first page as the API's project list, from one SQL query:
    ``?enterprise=<id>`` scopes it as for that enterprise's partner users,
    ``sector`` and ``status`` filter it."""
    import orjson
    from django.db import connection
    from django.http import HttpResponse

    where, params, terms, terms_params = ["TRUE"], [], ALL_TERMS, []
    if enterprise := request.GET.get("enterprise"):
        terms, terms_params = OWN_TERMS, [int(enterprise)] * 2
        where.append(
            "EXISTS (SELECT 1 FROM projects_researchproject_partner_enterprises link"
            " WHERE link.researchproject_id = p.id AND link.enterprise_id = %s)"
        )
        params.append(int(enterprise))
    if sector := request.GET.get("sector"):
        where.append("sector.code = %s")
        params.append(sector)
    if status := request.GET.get("status"):
        where.append("p.status = %s")
        params.append(status)
    page_size = min(int(request.GET.get("page_size", 50)), MAX_PAGE_SIZE)
    with connection.cursor() as cursor:
        cursor.execute(
            FLOOR_SQL.format(terms=terms, where=" AND ".join(where)),
            [*terms_params, *params, page_size],
        )
        rows = cursor.fetchall()
    results = [
        {
            "id": row[0],
            "code": row[1],
            "title": row[2],
            "title_zh": row[3],
            "sector": row[4],
            "stage": {
                "id": row[5],
                "code": row[6],
                "name": row[7],
                "name_zh": row[8],
                "position": row[9],
                "trl_min": row[10],
                "trl_max": row[11],
            },
            "status": row[12],
            "trl": row[13],
            "lead_institution": {"id": row[14], "code": row[15], "name": row[16]},
            "partner_enterprises": row[17],
            "joint_centre": row[18],
            "partnership": row[19],
            "agreement": row[20],
            "start_date": row[21],
            "updated_at": row[22],
        }
        for row in rows
    ]
    body = {"next": None, "previous": None, "results": results}
    return HttpResponse(orjson.dumps(body), content_type="application/json")


def server_application(urlconf: str = "bench.urlconf.api_projects"):
    """gunicorn's entry point: the production settings, with a bench
    URLconf as ROOT_URLCONF so that the floor runs behind the same
    middleware as the API."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = urlconf
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


# --- The load generator ----------------------------------------------------------


@dataclass
class Run:
    latencies: list[float]
    seconds: float
    errors: int

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1e3

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[94] * 1e3

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


def load(
    port: int, path: str, headers: list[dict], clients: int, requests: int, seconds: float
) -> Run:
    """``clients`` threads, each with one persistent connection and its own
    ``headers[n]``, send GET ``path`` until ``requests`` answers are in or
    ``seconds`` have passed."""
    tickets = itertools.count()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start_line = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.connect()
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        start_line.wait()
        mine = latencies[number]
        while time.perf_counter() < deadline[0] and next(tickets) < requests:
            started = time.perf_counter()
            connection.request("GET", path, headers=headers[number])
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                errors[number] += 1
            mine.append(elapsed)
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return Run([x for own in latencies for x in own], wall, sum(errors))


def fetch(port: int, path: str, headers: dict) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:500]!r}")
    return json.loads(body)


def comparable(row: dict) -> dict:
    """A row with its timestamp as a moment, whatever the time zone it is
    written in."""
    return {**row, "updated_at": datetime.datetime.fromisoformat(row["updated_at"])}


# --- Database and server ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_exists(server: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


def admin_sql(server: str, statement: str, database: str = "postgres") -> None:
    import psycopg

    with psycopg.connect(f"{server}/{database}", autocommit=True) as connection:
        connection.execute(statement)


def manage(env: dict, log: Path, *arguments: str) -> None:
    with log.open("a") as output:
        finished = subprocess.run(
            [PYTHON, "manage.py", *arguments],
            cwd=REPOSITORY,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    if finished.returncode:
        sys.stderr.write(log.read_text()[-4000:])
        raise SystemExit(f"manage.py {' '.join(arguments)} failed")


def start_server(
    env: dict,
    port: int,
    workers: int,
    threads: int,
    log: Path,
    application: str = "bench.api_projects:server_application()",
):
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            application,
            f"--bind=127.0.0.1:{port}",
            "--worker-class=gthread",
            f"--workers={workers}",
            f"--threads={threads}",
            "--keep-alive=30",
            f"--error-logfile={log}",
        ],
        cwd=REPOSITORY,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-4000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer:\n{log.read_text()[-4000:]}")


def issue_tokens(env: dict, count: int) -> tuple[list[str], list[str], int, dict]:
    """``count`` API keys each of the demo superuser and of the partner, the
    partner's enterprise, and row counts of the scenarios."""
    os.environ.update(env)
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()
    from django.db import connections

    from accounts.models import User
    from accounts.services import api_token_create
    from demo.specs import ADMIN_EMAIL
    from projects.models import ResearchProject

    admin = User.objects.get(email__iexact=ADMIN_EMAIL)
    partner = User.objects.get(email__iexact=PARTNER_EMAIL)
    admin_keys, partner_keys = (
        [api_token_create(user=user, name="bench/api_projects.py").key for _ in range(count)]
        for user in (admin, partner)
    )
    projects = ResearchProject.objects.all()
    filtered = projects.filter(
        current_stage__pipeline__sector__code=FILTER["sector"], status=FILTER["status"]
    )
    counts = {
        "all": projects.count(),
        "filtered": filtered.count(),
        "partner": projects.filter(partner_enterprises=partner.enterprise_id).count(),
        "partner filtered": filtered.filter(partner_enterprises=partner.enterprise_id).count(),
    }
    connections.close_all()
    return admin_keys, partner_keys, partner.enterprise_id, counts


# --- The run --------------------------------------------------------------------


@dataclass
class Scenario:
    label: str
    api: str
    floor: str
    headers: list[dict]


def scenarios(admin_keys: list, partner_keys: list, enterprise: int) -> list[Scenario]:
    cases = []
    for who, keys, scope in (
        ("superuser", admin_keys, {}),
        ("partner", partner_keys, {"enterprise": enterprise}),
    ):
        for filtered in (False, True):
            query = {"page_size": PAGE_SIZE, **(FILTER if filtered else {})}
            cases.append(
                Scenario(
                    label=f"{who}, {'filtered' if filtered else 'all'}",
                    api=f"{API_PATH}?{urlencode(query)}",
                    floor=f"{FLOOR_PATH}?{urlencode({**query, **scope})}",
                    headers=[
                        {"Authorization": f"Token {key}", "Accept": "application/json"}
                        for key in keys
                    ],
                )
            )
    return cases


def check_same_rows(port: int, case: Scenario) -> int:
    api = fetch(port, case.api, case.headers[0])["results"]
    floor = fetch(port, case.floor, {})["results"]
    if [comparable(row) for row in api] != [comparable(row) for row in floor]:
        for mine, theirs in zip(api, floor, strict=False):
            if comparable(mine) != comparable(theirs):
                print("API:  ", mine, "\nfloor:", theirs, file=sys.stderr)
                break
        raise SystemExit(f"{case.label}: the API and the floor disagree")
    return len(api)


def compare(port: int, case: Scenario, clients: int, options) -> tuple[Run, Run]:
    """The floor and the API at ``clients`` clients, each warmed up, then in
    alternating slices, so that whatever else the machine does weighs on
    both alike."""
    targets = {"floor": (case.floor, [{}] * clients), "api": (case.api, case.headers)}
    runs = {name: Run([], 0.0, 0) for name in targets}
    for path, headers in targets.values():
        load(port, path, headers, clients, 10**9, options.warmup)
    for _ in range(options.rounds):
        for name, (path, headers) in targets.items():
            run = load(
                port,
                path,
                headers,
                clients,
                options.requests // options.rounds,
                options.seconds / options.rounds,
            )
            if run.errors:
                raise SystemExit(f"{case.label}, {name}: {run.errors} requests failed")
            runs[name].latencies.extend(run.latencies)
            runs[name].seconds += run.seconds
    return runs["floor"], runs["api"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="biobridge_bench_api")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept earlier")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--requests", type=int, default=2000, help="per run (default 2000)")
    parser.add_argument("--seconds", type=float, default=30, help="per run at most (30)")
    parser.add_argument("--rounds", type=int, default=5, help="alternations per run (5)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds before each run (2)")
    options = parser.parse_args()

    import psycopg

    try:
        exists = database_exists(options.server, options.database)
    except psycopg.OperationalError as error:
        # `make bench` runs every script; the others need no server.
        print(f"skipped: it needs a PostgreSQL server at {options.server} ({error})")
        return
    if exists and not options.reuse:
        raise SystemExit(
            f"Database {options.database} exists: measure it with --reuse, or drop it first."
        )
    if options.reuse and not exists:
        raise SystemExit(f"Database {options.database} does not exist; run without --reuse.")
    created = not exists
    scratch = Path(tempfile.mkdtemp(prefix="biobridge-bench-api-"))
    log = scratch / "bench.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"{options.server}/{options.database}",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        # Production insists on a mailer that delivers; the bench only reads
        # and sends no mail.
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "REDIS_URL": options.redis,
        "CELERY_BROKER_URL": "",
        # Far above what the run sends, so that the throttle is consulted on
        # every request but never refuses one.
        "API_THROTTLE_RATE": "1000000/minute",
        "MEDIA_ROOT": str(scratch / "media"),
        "LOG_LEVEL": "WARNING",
    }
    server = None
    try:
        if created:
            admin_sql(options.server, f'CREATE DATABASE "{options.database}"')
        started = time.perf_counter()
        manage(env, log, "migrate", "--noinput")
        if created:
            manage(env, log, "seed_demo", f"--projects={options.projects}")
            print(f"seeded {options.projects} projects in {time.perf_counter() - started:.0f} s")
        admin_sql(options.server, "VACUUM ANALYZE", options.database)
        admin_keys, partner_keys, enterprise, counts = issue_tokens(env, max(options.clients))
        print("rows:", ", ".join(f"{name} {count}" for name, count in counts.items()))

        port = free_port()
        server = start_server(env, port, options.workers, options.threads, log)
        print(
            f"gunicorn on 127.0.0.1:{port}, {options.workers} gthread workers x "
            f"{options.threads} threads; {os.cpu_count()} CPUs, load average "
            + " ".join(f"{load:.2f}" for load in os.getloadavg())
        )
        cases = scenarios(admin_keys, partner_keys, enterprise)
        for case in cases:
            rows = check_same_rows(port, case)
            print(f"{case.label}: the API and the floor return the same {rows} rows")

        lines = []
        for case in cases:
            for clients in options.clients:
                floor, api = compare(port, case, clients, options)
                lines.append(
                    f"| {case.label} | {clients} "
                    f"| {floor.p50:.1f} | {floor.p95:.1f} | {floor.rate:.0f} "
                    f"| {api.p50:.1f} | {api.p95:.1f} | {api.rate:.0f} "
                    f"| {api.p50 / floor.p50:.2f}x | {api.rate / floor.rate:.2f} "
                    f"| {api.p95 / floor.p95:.2f} | {len(api.latencies)} |"
                )
                print(lines[-1], flush=True)
        print()
        print(
            "| case | clients | floor p50 ms | floor p95 ms | floor req/s "
            "| API p50 ms | API p95 ms | API req/s | API/floor p50 | API/floor req/s "
            "| API/floor p95 | API requests |"
        )
        print("| --- " * 12 + "|")
        print("\n".join(lines))
        print("load average", " ".join(f"{load:.2f}" for load in os.getloadavg()))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if created and not options.keep:
            admin_sql(options.server, f'DROP DATABASE IF EXISTS "{options.database}" WITH (FORCE)')
        elif options.keep or options.reuse:
            print(f"kept database {options.database}; run again with --reuse")
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
