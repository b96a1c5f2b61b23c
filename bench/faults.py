"""Faults, measured: money-moving writes while the broker is down, and a
read/write load while PostgreSQL restarts.

Runs standalone from the repository root, as root or as a user who may run
PostgreSQL's initdb:

    .venv/bin/python bench/faults.py                     # both scenarios
    .venv/bin/python bench/faults.py --scenario broker --writes 100
    .venv/bin/python bench/faults.py --scenario database --clients 8 --seconds 30

It starts everything it needs on spare loopback ports and stops only that:
a throwaway PostgreSQL cluster (initdb and pg_ctl from the machine's
PostgreSQL), a redis-server as the Celery broker, gunicorn with the
production settings, a Celery worker with beat (whose sweeps requeue what
the broker missed), an SMTP sink that counts the emails and a webhook
receiver that counts the deliveries. The machine's own PostgreSQL and Redis
are never touched.

- broker: the broker is stopped, ``--writes`` payments are posted through
  the API, the broker comes back empty (it keeps nothing on disk). Every
  write must succeed, and every notice email and webhook event must arrive
  exactly once after the broker returns.
- database: ``--clients`` threads read the project list and post small
  payments for ``--seconds``; PostgreSQL restarts a third of the way in.
  Requests during the restart must fail cleanly (503 with the API's error
  body), service must resume by itself, and no payment may be lost or
  doubled: every 201 is one payment in the database, nothing else is.

The figures go to docs/reliability.md.
"""

import argparse
import contextlib
import email
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), default=None)
SETTLE_SECONDS = 420  # The sweeps run every minute after a two-minute grace.


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, *, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s")


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


# --- The services it runs -------------------------------------------------


class Cluster:
    """A PostgreSQL cluster of its own, in a scratch folder."""

    def __init__(self, scratch: Path):
        self.data = scratch / "pgdata"
        self.port = spare_port()
        self.log = scratch / "postgres.log"
        self.as_postgres = os.geteuid() == 0

    def _run(self, *command: str) -> None:
        # The server started by pg_ctl inherits its output: keep it out of a
        # pipe that would then never close.
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        subprocess.run(
            [*prefix, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def create(self) -> None:
        self.data.mkdir()
        self.log.touch()
        if self.as_postgres:
            shutil.chown(self.data, "postgres")
            shutil.chown(self.log, "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust")
        self.start()
        subprocess.run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "biobridge",
            ],
            check=True,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def restart(self) -> float:
        started = time.monotonic()
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-m",
            "fast",
            "-w",
            "restart",
        )
        return time.monotonic() - started

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                [
                    *(["runuser", "-u", "postgres", "--"] if self.as_postgres else []),
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "stop",
                ],
                capture_output=True,
            )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/biobridge"


class Redis:
    """A redis-server of its own that keeps nothing on disk, like the
    machine's: stopping it loses every queued message."""

    def __init__(self, scratch: Path):
        self.port = spare_port()
        self.scratch = scratch
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.scratch),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), timeout=10, what="redis")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class SmtpSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP to take Django's emails and count them."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), SmtpSession)


class SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 sink")
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "DATA":
                self.reply("354 go on")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                with self.server.lock:
                    self.server.messages.append(email.message_from_bytes(b"".join(lines)))
                self.reply("250 kept")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class WebhookReceiver(ThreadingHTTPServer):
    """Answers 200 to every delivery and counts the event ids it got."""

    daemon_threads = True

    def __init__(self):
        self.events: Counter = Counter()
        self.deliveries: Counter = Counter()
        self.delay = 0.0  # A slow receiver keeps deliveries in flight.
        self.active = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), WebhookHandler)


class WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.lock:
            self.server.active += 1
        time.sleep(self.server.delay)
        with self.server.lock:
            self.server.active -= 1
            self.server.events[body["id"]] += 1
            self.server.deliveries[self.headers["BioBridge-Delivery"]] += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


# --- The application ------------------------------------------------------


class Application:
    def __init__(self, scratch: Path, cluster: Cluster, redis: Redis, smtp_port: int):
        self.scratch = scratch
        self.port = spare_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": cluster.url,
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis.port}/0",
            # One Redis as broker and cache, as most deployments run it.
            "REDIS_URL": f"redis://127.0.0.1:{redis.port}/1",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            # The sweeps every 10 s, stepping in after 30 s rather than the
            # production defaults (minutes), so a run takes minutes.
            "SWEEP_INTERVAL_SECONDS": "10",
            "NOTIFICATION_EMAIL_SWEEP_GRACE_SECONDS": "30",
            "WEBHOOK_DISPATCH_GRACE_SECONDS": "30",
            "WEBHOOK_DELIVERY_LEASE_SECONDS": "30",
            "VALUATION_QUEUED_GRACE_SECONDS": "30",
            "VALUATION_RUNNING_GRACE_SECONDS": "30",
            # One token drives the load: it must not be throttled.
            "API_THROTTLE_RATE": "1000000/minute",
            "WEBHOOK_ALLOW_PRIVATE_URLS": "true",
            "WEBHOOK_ALLOW_HTTP": "true",
            "MEDIA_ROOT": str(scratch / "media"),
            "LOG_LEVEL": "WARNING",
        }

    def manage(self, *arguments: str) -> None:
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *arguments],
            cwd=REPOSITORY,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        logs = self.scratch
        self.logs = [(logs / name).open("w") for name in ("web.log", "worker.log")]
        self.processes["web"] = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--timeout",
                "60",
            ],
            cwd=REPOSITORY,
            env=self.env,
            stdout=self.logs[0],
            stderr=subprocess.STDOUT,
        )
        self.start_worker()
        wait_for(lambda: port_open(self.port), timeout=60, what="gunicorn")

    def start_worker(self) -> None:
        # In a session of its own, so that killing it kills its pool too.
        self.processes["worker"] = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--beat",
                "--concurrency",
                "2",
                "--schedule",
                str(self.scratch / "beat-schedule"),
                "--loglevel",
                "WARNING",
            ],
            cwd=REPOSITORY,
            env=self.env,
            stdout=self.logs[1],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill_worker(self) -> None:
        """The worker node dies: SIGKILL to the worker and its pool."""
        worker = self.processes["worker"]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in getattr(self, "logs", []):
            log.close()

    def request(self, method: str, path: str, token: str, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                method,
                path,
                body=json.dumps(body) if body is not None else None,
                headers={
                    "Authorization": f"Token {token}",
                    "Content-Type": "application/json",
                    **(headers or {}),
                },
            )
            response = connection.getresponse()
            return response.status, response.read()
        except OSError as error:
            return None, str(error).encode()
        finally:
            connection.close()


def prepare(app: Application, receiver_port: int) -> dict:
    """Migrate, load the demo data, and find what the load pays into: the
    open invoices of the demo's milestones. Returns the token and invoices."""
    app.manage("migrate", "--noinput")
    app.manage("seed_demo")
    os.environ.update(app.env)
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()
    from accounts.models import User
    from accounts.services import api_token_create
    from projects.choices import MilestoneStatus
    from projects.models import Milestone
    from projects.selectors import billed_with_amount_paid
    from webhooks.choices import EventType
    from webhooks.services import webhook_endpoint_create

    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    key = api_token_create(user=admin, name="faults").key
    webhook_endpoint_create(
        url=f"http://127.0.0.1:{receiver_port}/hook",
        event_types=[EventType.PAYMENT_RECORDED, EventType.MILESTONE_PAID],
        by=admin,
    )
    open_milestones = [
        {"id": milestone.pk, "currency": milestone.currency, "outstanding": milestone.outstanding}
        for milestone in billed_with_amount_paid(
            Milestone.objects.filter(
                invoice__isnull=False,
                status__in=[MilestoneStatus.INVOICED, MilestoneStatus.PARTIALLY_PAID],
            )
        ).filter(outstanding__gte=1000)
    ]
    if not open_milestones:
        raise SystemExit("The demo data has no open invoice to pay into.")
    from projects.models import ResearchProject
    from valuations.selectors import valuation_defaults_for

    project = ResearchProject.objects.filter(current_stage__pipeline__sector__code="biomedicine")[
        0
    ]
    simulation = {"trials": 1_000_000, "seed": 7}
    valuation = {**valuation_defaults_for(admin, project)["rnpv"], "simulation": simulation}
    return {
        "token": key,
        "milestones": open_milestones,
        "valuation": {"project": project.pk, "method": "rnpv", "inputs": valuation},
    }


def pay(app: Application, token: str, milestone: dict, amount: str, label: str, retries=0):
    """Post one payment with an Idempotency-Key, as an integration does;
    retry with the same key while the answer is a 503 or no answer at all.
    Returns the final answer, the attempts made and the bank reference."""
    key = str(uuid.uuid4())
    body = {
        "amount": amount,
        "currency": milestone["currency"],
        "paid_on": time.strftime("%Y-%m-%d"),
        "reference": f"{label}-{key[:18]}",
    }
    for attempt in range(1, retries + 2):
        status, answer = app.request(
            "POST",
            f"/api/v1/milestones/{milestone['id']}/payments/",
            token,
            body=body,
            headers={"Idempotency-Key": key},
        )
        if status not in (None, 503, 409) or attempt > retries:
            break
        # 409: the first attempt is still in flight (or died in it): wait
        # for its lease, as Retry-After and the API guide say.
        time.sleep(2 if status != 409 else 5)
    return status, answer, attempt, body["reference"]


# --- Scenarios ------------------------------------------------------------


def broker_down(app, redis, sink, receiver, setup, writes: int) -> dict:
    from notifications.models import Notification
    from projects.models import Payment
    from webhooks.models import OutboxEvent

    started_at = _now()
    redis.stop()
    milestones = setup["milestones"]
    outage_began = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda n: pay(
                    app, setup["token"], milestones[n % len(milestones)], "1.00", f"BROKER{n}"
                ),
                range(writes),
            )
        )
    writes_took = time.monotonic() - outage_began
    statuses = Counter(answer[0] for answer in answers)
    redis.start()
    outage_ended = time.monotonic()

    events = set(
        str(pk)
        for pk in OutboxEvent.objects.filter(occurred_at__gte=started_at).values_list(
            "id", flat=True
        )
    )
    notices = Notification.objects.filter(created_at__gte=started_at).exclude(recipient__email="")

    def settled():
        with receiver.lock:
            delivered = set(receiver.events)
        return events <= delivered and not notices.filter(emailed_at__isnull=True).exists()

    # What has not arrived by then counts as lost.
    with contextlib.suppress(TimeoutError):
        wait_for(settled, timeout=SETTLE_SECONDS, what="emails and webhooks", every=5)
    with receiver.lock:
        deliveries = Counter({event: receiver.events[event] for event in events})
    with sink.lock:
        emails = len(sink.messages)
    payments = Payment.objects.filter(reference__startswith="BROKER")
    return {
        "writes": writes,
        "answers": dict(statuses),
        "seconds_for_the_writes_with_8_clients": round(writes_took, 1),
        "payments_recorded": payments.count(),
        "amount_recorded": str(sum((p.amount for p in payments), Decimal(0))),
        "webhook_events": len(events),
        "webhook_events_delivered_once": sum(1 for n in deliveries.values() if n == 1),
        "webhook_events_lost": sum(1 for n in deliveries.values() if n == 0),
        "webhook_events_doubled": sum(1 for n in deliveries.values() if n > 1),
        "notices_to_email": notices.count(),
        "emails_received": emails,
        # Each notice is emailed at most once (its emailed_at is set under a
        # row lock): more emails than notices would be a doubled one.
        "emails_beyond_one_per_notice": max(0, emails - notices.count()),
        "notices_not_emailed": notices.filter(emailed_at__isnull=True).count(),
        "seconds_to_settle_after_broker_returned": round(time.monotonic() - outage_ended),
    }


def worker_killed(app, sink, receiver, setup, writes: int) -> dict:
    """Payments and a large valuation queue work; the worker node is killed
    while webhook deliveries (to a slow receiver), emails and the valuation
    are in flight; a new worker starts."""
    from notifications.models import Notification
    from valuations.models import Valuation
    from webhooks.choices import OPEN_DELIVERY_STATUSES
    from webhooks.models import OutboxEvent, WebhookDelivery

    started_at = _now()
    receiver.delay = 2.0
    milestones = setup["milestones"]
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda n: pay(
                    app, setup["token"], milestones[n % len(milestones)], "1.00", f"WORKER{n}"
                ),
                range(writes),
            )
        )
    # Queued behind the deliveries the worker is busy with.
    status, body = app.request("POST", "/api/v1/valuations/", setup["token"], setup["valuation"])
    if status not in (200, 201, 202):
        raise SystemExit(f"The valuation was not queued: {status} {body[:500]!r}")
    valuation_id = json.loads(body)["id"]
    # Kill while deliveries are inside the receiver: cut off mid-request.
    wait_for(lambda: receiver.active > 0, timeout=60, what="a delivery in flight", every=0.05)
    with receiver.lock:
        in_flight = receiver.active
    app.kill_worker()
    killed_at, killed_when = time.monotonic(), _now()
    valuation_at_kill = Valuation.objects.get(pk=valuation_id).status
    held_by_the_dead_worker = WebhookDelivery.objects.filter(
        event__occurred_at__gte=started_at,
        status__in=OPEN_DELIVERY_STATUSES,
        claimed_until__gt=killed_when,
    ).count()
    receiver.delay = 0.1
    app.start_worker()

    events = {
        str(pk)
        for pk in OutboxEvent.objects.filter(occurred_at__gte=started_at).values_list(
            "id", flat=True
        )
    }
    notices = Notification.objects.filter(created_at__gte=started_at).exclude(recipient__email="")

    def settled():
        with receiver.lock:
            delivered = set(receiver.events)
        return (
            events <= delivered
            # Deliveries the dead worker held are attempted again once their
            # lease runs out: wait until every one is settled.
            and not WebhookDelivery.objects.filter(
                event__occurred_at__gte=started_at, status__in=OPEN_DELIVERY_STATUSES
            ).exists()
            and not notices.filter(emailed_at__isnull=True).exists()
            and Valuation.objects.get(pk=valuation_id).status in ("done", "failed")
        )

    # What has not arrived by then counts as lost.
    with contextlib.suppress(TimeoutError):
        wait_for(settled, timeout=SETTLE_SECONDS, what="work left by the dead worker", every=5)
    with receiver.lock:
        per_event = Counter({event: receiver.events[event] for event in events})
        per_delivery = Counter(receiver.deliveries)
    with sink.lock:
        emails = len(sink.messages)
    valuation = Valuation.objects.get(pk=valuation_id)
    return {
        "writes": writes,
        "answers": dict(Counter(answer[0] for answer in answers)),
        "deliveries_inside_the_receiver_when_killed": in_flight,
        "deliveries_claimed_by_the_dead_worker": held_by_the_dead_worker,
        "valuation_when_killed": valuation_at_kill,
        "webhook_events": len(events),
        "webhook_events_lost": sum(1 for n in per_event.values() if n == 0),
        # A delivery cut off mid-request may reach the receiver again with the
        # same BioBridge-Delivery id, by which receivers recognise it.
        "webhook_deliveries_received_again": sum(n - 1 for n in per_delivery.values() if n > 1),
        "notices_to_email": notices.count(),
        "emails_received": emails,
        "emails_beyond_one_per_notice": max(0, emails - notices.count()),
        "notices_not_emailed": notices.filter(emailed_at__isnull=True).count(),
        "valuation_status": valuation.status,
        "valuation_results_stored": bool(valuation.results),
        "valuation_finished_after_the_kill": bool(
            valuation.finished_at and valuation.finished_at > killed_when
        ),
        "seconds_to_settle_after_the_kill": round(time.monotonic() - killed_at),
    }


def database_restart(app, cluster, setup, clients: int, seconds: float) -> dict:
    from django.db import connection

    from projects.models import Payment

    connection.close()
    milestones = setup["milestones"]
    # (second, read or write, final status, body, attempts, bank reference)
    answers: list[tuple] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    begun = time.monotonic()

    def client(number: int):
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            if n % 2:
                status, body = app.request("GET", "/api/v1/projects/?page_size=20", setup["token"])
                with lock:
                    answers.append((time.monotonic() - begun, "read", status, body, 1, ""))
            else:
                milestone = milestones[(number + n) % len(milestones)]
                status, body, attempts, reference = pay(
                    app, setup["token"], milestone, "0.01", f"DB{number}", retries=30
                )
                with lock:
                    answers.append(
                        (time.monotonic() - begun, "write", status, body, attempts, reference)
                    )

    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(client, number) for number in range(clients)]
        time.sleep(seconds / 3)
        restart_took = cluster.restart()
        for future in futures:
            future.result()

    def clean(status, body) -> bool:
        if status != 503:
            return False
        try:
            return json.loads(body)["error"]["code"] == "service_unavailable"
        except (ValueError, KeyError, TypeError):
            return False

    reads = [answer for answer in answers if answer[1] == "read"]
    writes = [answer for answer in answers if answer[1] == "write"]
    unclean = [a for a in answers if a[2] is None or (a[2] >= 500 and not clean(a[2], a[3]))]
    paid = {a[5] for a in writes if a[2] == 201}
    last_failure = max((a[0] for a in reads if a[2] is None or a[2] >= 500), default=None)
    connection.close()
    stored = Counter(
        Payment.objects.filter(reference__startswith="DB").values_list("reference", flat=True)
    )
    return {
        "clients": clients,
        "seconds": seconds,
        "restart_at_second": round(seconds / 3, 1),
        "restart_seconds": round(restart_took, 2),
        "reads": dict(Counter(str(a[2]) for a in reads)),
        "reads_failed_uncleanly": sum(1 for a in unclean if a[1] == "read"),
        "last_failed_read_at_second": round(last_failure, 1) if last_failure else None,
        "payments_posted": len(writes),
        "payments_retried": sum(1 for a in writes if a[4] > 1),
        "payments_answered_201": len(paid),
        "payments_not_answered_201": len(writes) - len(paid),
        "payments_in_database": sum(stored.values()),
        "payments_lost": len(paid - set(stored)),
        "payments_doubled": sum(1 for n in stored.values() if n > 1),
        "payments_without_a_201": len(set(stored) - paid),
    }


def _now():
    from django.utils import timezone

    return timezone.now()


def main() -> None:
    # Stopping the script stops what it started (the ``finally`` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", choices=["broker", "worker", "database", "all"], default="all"
    )
    parser.add_argument("--writes", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    options = parser.parse_args()
    if PG_BIN is None or shutil.which("redis-server") is None:
        raise SystemExit("Needs PostgreSQL's server binaries and redis-server.")

    with tempfile.TemporaryDirectory(prefix="biobridge-faults-") as folder:
        scratch = Path(folder)
        os.chmod(scratch, 0o755)
        cluster, redis = Cluster(scratch), Redis(scratch)
        sink, receiver = SmtpSink(), WebhookReceiver()
        for server in (sink, receiver):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        app = Application(scratch, cluster, redis, sink.server_address[1])
        try:
            cluster.create()
            redis.start()
            setup = prepare(app, receiver.server_address[1])
            app.start()
            results = {}
            if options.scenario in ("broker", "all"):
                results["broker_down"] = broker_down(
                    app, redis, sink, receiver, setup, options.writes
                )
                print(json.dumps({"broker_down": results["broker_down"]}, indent=2), flush=True)
            if options.scenario in ("worker", "all"):
                sink.messages.clear()
                with receiver.lock:
                    receiver.events.clear()
                    receiver.deliveries.clear()
                results["worker_killed"] = worker_killed(
                    app, sink, receiver, setup, options.writes // 2
                )
                print(
                    json.dumps({"worker_killed": results["worker_killed"]}, indent=2), flush=True
                )
            if options.scenario in ("database", "all"):
                results["database_restart"] = database_restart(
                    app, cluster, setup, options.clients, options.seconds
                )
                print(
                    json.dumps({"database_restart": results["database_restart"]}, indent=2),
                    flush=True,
                )
        finally:
            app.stop()
            redis.stop()
            cluster.stop()
            sink.shutdown()
            receiver.shutdown()


if __name__ == "__main__":
    main()
