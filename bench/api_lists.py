"""Benchmark: the API's lists of milestones, payments, invoices, royalty
reports and activity under gunicorn on PostgreSQL, each against a floor
measured in the same run.

    .venv/bin/python bench/api_lists.py --reuse     # a database kept by api_projects.py
    .venv/bin/python bench/api_lists.py             # seed, measure, drop

The database, the server and the load are those of ``bench/api_projects.py``
(``biobridge_bench_api``, ``seed_demo --projects 100000``, gunicorn with the
production settings, one API token per client, the throttle consulted on
every request): see its docstring. It measures the first page
(``page_size=100``) of each list for the demo superuser and for
partner.a@example.com, at 1 and 8 clients.

Each floor is a plain Django view defined here and mounted only by
``bench/urlconf/api_lists.py``: one SQL query for the same page with the
same fields, returned with orjson, without authentication. The rows it may
show are those of the list's scoping selector for the user named by
``?user=<id>``, compiled to SQL once per user and used as a subquery, so
that the database does the same scoping work as for the API. The lists of
numbered pages (invoices, royalty reports) answer with the count of their
rows, so their floors count them too, when the page is full, as the API
does (one more query: the page alone would not be the same answer). Before
measuring, the script checks that the API and the floor return the same
rows with the same values (moments compared as moments, whatever their time
zone) and the same count. It prints p50, p95 and requests per second of
both, and the ratio of the API's throughput to the floor's. Target: 0.5 or
more.
"""

import argparse
import datetime
import os
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_projects import (
    PARTNER_EMAIL,
    Run,
    admin_sql,
    database_exists,
    fetch,
    free_port,
    load,
    manage,
    start_server,
)

PAGE_SIZE = 100
MAX_PAGE_SIZE = 200

# --- The floors (run inside gunicorn) -----------------------------------------------


@dataclass(frozen=True)
class Floor:
    selector: str
    sql: str
    order: str
    # Numbered pages: the answer holds the count of the rows.
    numbered: bool = False

    def query(self) -> str:
        return f"{self.sql}\n WHERE t.id IN ({{scope}})\n ORDER BY {self.order}\n LIMIT %s"


FLOORS = {
    "milestones": Floor(
        "milestones_visible_to",
        """SELECT t.id, t.project_id AS project, t.agreement_id AS agreement, t.name, t.kind,
       t.trigger_stage_id AS trigger_stage, t.trigger_event, t.due_offset_days,
       t.triggered_on, t.due_date, t.amount::text AS amount, t.currency, t.status,
       coalesce(t.due_date < %s AND t.status = ANY(%s), false) AS is_overdue,
       t.claim_note, t.claimed_at, t.verification_comment, t.verified_at,
       t.verification_evidence, t.dispute_reason, t.closing_reason,
       (SELECT i.id FROM projects_invoice i WHERE i.milestone_id = t.id) AS invoice,
       t.created_at, t.updated_at
  FROM projects_milestone t""",
        "t.id DESC",
    ),
    "payments": Floor(
        "payments_visible_to",
        """SELECT t.id, t.invoice_id AS invoice, t.amount::text AS amount, t.currency, t.paid_on,
       t.reference, t.recorded_at
  FROM projects_payment t""",
        "t.id DESC",
    ),
    "invoices": Floor(
        "invoices_visible_to",
        """SELECT t.id, t.number, t.milestone_id AS milestone,
       t.royalty_report_id AS royalty_report, t.fixed_payment_id AS fixed_payment,
       t.payee_name, t.payee_legal_name, t.payee_tax_id,
       t.payee_address, t.payee_bank_name, t.payee_bank_branch, t.payee_bank_account,
       t.payer_name, t.payer_legal_name, t.payer_tax_id, t.payer_address,
       t.amount::text AS amount,
       coalesce((SELECT sum(p.amount) FROM projects_payment p WHERE p.invoice_id = t.id),
                0)::numeric(20, 2)::text AS amount_paid,
       t.currency, t.issued_on, t.due_on, t.sent_on,
       (SELECT json_build_object('invoice', v.invoice_id, 'kind', v.kind, 'code', v.code,
                                 'number', v.number, 'issued_on', v.issued_on,
                                 'amount_with_tax', v.amount_with_tax::text,
                                 'tax_rate', v.tax_rate, 'tax_amount', v.tax_amount::text,
                                 'recorded_at', v.recorded_at)
          FROM projects_vatinvoice v WHERE v.invoice_id = t.id) AS vat_invoice,
       t.created_at
  FROM projects_invoice t""",
        "t.issued_on DESC, t.number DESC",
        numbered=True,
    ),
    "royalty-reports": Floor(
        "royalty_reports_visible_to",
        """SELECT t.id, t.agreement_id AS agreement, t.project_id AS project, t.kind,
       t.period_start, t.period_end, t.net_sales::text AS net_sales,
       t.sublicense_income::text AS sublicense_income, t.royalty_due::text AS royalty_due,
       t.currency, t.status, t.note, t.query_reason,
       (SELECT coalesce(json_agg(json_build_object('product', l.product,
                                                   'territory', l.territory,
                                                   'net_sales', l.net_sales::text)
                                 ORDER BY l.product, l.territory), '[]'::json)
          FROM projects_royaltyreportline l WHERE l.report_id = t.id) AS lines,
       (SELECT i.id FROM projects_invoice i WHERE i.royalty_report_id = t.id) AS invoice,
       t.submitted_at, t.accepted_at, t.created_at
  FROM projects_royaltyreport t
  JOIN partnerships_agreement agreement ON agreement.id = t.agreement_id""",
        # The model's order: by agreement (in the agreements' own order).
        "agreement.signed_on DESC, agreement.reference, t.period_start DESC, t.kind",
        numbered=True,
    ),
    "activity": Floor(
        "activities_visible_to",
        """SELECT t.id, t.created_at, actor.email AS actor, t.verb, t.target_type, t.target_id,
       t.message::json AS summary, t.summary AS written_summary, t.changes::json AS changes,
       t.project_id AS project, t.agreement_id AS agreement
  FROM projects_activity t
  LEFT JOIN accounts_user actor ON actor.id = t.actor_id""",
        "t.id DESC",
    ),
}

# Each user's scope as SQL, compiled from the list's selector at the first
# request for that user.
_scopes: dict[tuple[str, int], tuple[str, tuple]] = {}


def _scope(name: str, user_id: int) -> tuple[str, tuple]:
    if (name, user_id) not in _scopes:
        from accounts.models import User
        from projects import selectors

        user = User.objects.select_related("enterprise").get(pk=user_id)
        visible = getattr(selectors, FLOORS[name].selector)(user)
        _scopes[name, user_id] = visible.order_by().values("id").query.sql_with_params()
    return _scopes[name, user_id]


def floor_list(request, name: str):
    """The first page of the API's list ``name`` for the user ``?user=<id>``,
    from one SQL query."""
    import orjson
    from django.db import connection
    from django.http import HttpResponse
    from django.utils import timezone

    from projects.choices import MILESTONE_OPEN_STATUSES

    scope, scope_params = _scope(name, int(request.GET["user"]))
    page_size = min(int(request.GET.get("page_size", 50)), MAX_PAGE_SIZE)
    params = [*scope_params, page_size]
    if name == "milestones":
        # The overdue flag, as the model tells it.
        params = [timezone.localdate(), list(MILESTONE_OPEN_STATUSES), *params]
    with connection.cursor() as cursor:
        cursor.execute(FLOORS[name].query().replace("{scope}", scope), params)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if name == "activity":
        from core.i18n import render_stored

        for row in rows:
            # The sentence in the request's language, as the API writes it.
            row["summary"] = render_stored(row["summary"], row.pop("written_summary"))
    body = {"next": None, "previous": None, "results": rows}
    if FLOORS[name].numbered:
        count = len(rows)
        if count == page_size:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({scope}) AS visible", scope_params)
                count = cursor.fetchone()[0]
        body = {"count": count, **body}
        if count > page_size:
            body["next"] = request.build_absolute_uri(
                f"{request.path}?page=2&page_size={page_size}"
            )
    return HttpResponse(orjson.dumps(body), content_type="application/json")


# --- The run ------------------------------------------------------------------------


def comparable(value):
    """Moments as moments, whatever the time zone they are written in."""
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, str) and len(value) > 19 and value[10:11] == "T":
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


@dataclass
class Case:
    label: str
    api: str
    floor: str
    headers: list[dict]


def issue(env: dict, count: int) -> tuple[dict[str, tuple[int, list[str]]], dict]:
    """Per user (superuser, partner): its id and ``count`` API keys; and the
    rows each list holds for each."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections

    from accounts.models import User
    from accounts.services import api_token_create
    from demo.specs import ADMIN_EMAIL
    from projects import selectors

    users = {
        "superuser": User.objects.get(email__iexact=ADMIN_EMAIL),
        "partner": User.objects.get(email__iexact=PARTNER_EMAIL),
    }
    keys = {
        who: (
            user.pk,
            [api_token_create(user=user, name="bench/api_lists.py").key for _ in range(count)],
        )
        for who, user in users.items()
    }
    counts = {
        f"{name} ({who})": getattr(selectors, floor.selector)(user).count()
        for name, floor in FLOORS.items()
        for who, user in users.items()
    }
    connections.close_all()
    return keys, counts


def cases(keys: dict) -> list[Case]:
    found = []
    for name in FLOORS:
        for who, (user_id, user_keys) in keys.items():
            query = {"page_size": PAGE_SIZE}
            found.append(
                Case(
                    label=f"{name}, {who}",
                    api=f"/api/v1/{name}/?{urlencode(query)}",
                    floor=f"/bench/floor/{name}/?{urlencode({**query, 'user': user_id})}",
                    headers=[
                        {"Authorization": f"Token {key}", "Accept": "application/json"}
                        for key in user_keys
                    ],
                )
            )
    return found


def check_same_rows(port: int, case: Case) -> int:
    api_page = fetch(port, case.api, case.headers[0])
    floor_page = fetch(port, case.floor, {})
    if api_page.get("count") != floor_page.get("count"):
        raise SystemExit(
            f"{case.label}: the API counts {api_page.get('count')} rows, "
            f"the floor {floor_page.get('count')}"
        )
    api, floor = api_page["results"], floor_page["results"]
    if comparable(api) != comparable(floor):
        for mine, theirs in zip(api, floor, strict=False):
            if comparable(mine) != comparable(theirs):
                print("API:  ", mine, "\nfloor:", theirs, file=sys.stderr)
                break
        raise SystemExit(f"{case.label}: the API and the floor disagree")
    if [list(row) for row in api] != [list(row) for row in floor]:
        raise SystemExit(f"{case.label}: the fields come in another order")
    return len(api)


def compare(port: int, case: Case, clients: int, options) -> tuple[Run, Run]:
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
    parser.add_argument("--lists", nargs="+", default=list(FLOORS), choices=list(FLOORS))
    parser.add_argument("--requests", type=int, default=1000, help="per run (default 1000)")
    parser.add_argument("--seconds", type=float, default=15, help="per run at most (15)")
    parser.add_argument("--rounds", type=int, default=5, help="alternations per run (5)")
    parser.add_argument("--warmup", type=float, default=1, help="seconds before each run (1)")
    options = parser.parse_args()

    import psycopg

    try:
        exists = database_exists(options.server, options.database)
    except psycopg.OperationalError as error:
        print(f"skipped: it needs a PostgreSQL server at {options.server} ({error})")
        return
    if exists and not options.reuse:
        raise SystemExit(
            f"Database {options.database} exists: measure it with --reuse, or drop it first."
        )
    if options.reuse and not exists:
        raise SystemExit(f"Database {options.database} does not exist; run without --reuse.")
    created = not exists
    scratch = Path(tempfile.mkdtemp(prefix="biobridge-bench-api-lists-"))
    log = scratch / "bench.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"{options.server}/{options.database}",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "REDIS_URL": options.redis,
        "CELERY_BROKER_URL": "",
        "API_THROTTLE_RATE": "1000000/minute",
        "MEDIA_ROOT": str(scratch / "media"),
        "LOG_LEVEL": "WARNING",
    }
    server = None
    try:
        if created:
            admin_sql(options.server, f'CREATE DATABASE "{options.database}"')
        manage(env, log, "migrate", "--noinput")
        if created:
            started = time.perf_counter()
            manage(env, log, "seed_demo", f"--projects={options.projects}")
            print(f"seeded {options.projects} projects in {time.perf_counter() - started:.0f} s")
        admin_sql(options.server, "VACUUM ANALYZE", options.database)
        keys, counts = issue(env, max(options.clients))
        print("rows:", ", ".join(f"{name} {count}" for name, count in counts.items()))

        port = free_port()
        server = start_server(
            env,
            port,
            options.workers,
            options.threads,
            log,
            "bench.api_projects:server_application('bench.urlconf.api_lists')",
        )
        print(
            f"gunicorn on 127.0.0.1:{port}, {options.workers} gthread workers x "
            f"{options.threads} threads; {os.cpu_count()} CPUs, load average "
            + " ".join(f"{load:.2f}" for load in os.getloadavg())
        )
        chosen = [case for case in cases(keys) if case.label.split(",")[0] in options.lists]
        for case in chosen:
            rows = check_same_rows(port, case)
            print(f"{case.label}: the API and the floor return the same {rows} rows")

        lines = []
        for case in chosen:
            for clients in options.clients:
                floor, api = compare(port, case, clients, options)
                lines.append(
                    f"| {case.label} | {clients} "
                    f"| {floor.p50:.1f} | {floor.p95:.1f} | {floor.rate:.0f} "
                    f"| {api.p50:.1f} | {api.p95:.1f} | {api.rate:.0f} "
                    f"| {api.rate / floor.rate:.2f} | {api.p95 / floor.p95:.2f} |"
                )
                print(lines[-1], flush=True)
        print()
        print(
            "| list, user | clients | floor p50 ms | floor p95 ms | floor req/s "
            "| API p50 ms | API p95 ms | API req/s | API/floor req/s | API/floor p95 |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
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
