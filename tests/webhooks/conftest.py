"""Fixtures for the webhook tests: a real HTTP receiver on 127.0.0.1,
endpoints, events, and Celery tasks run in-process or only recorded.

Tasks are patched rather than left to Celery so that the same tests run on
SQLite (eager tasks) and on PostgreSQL with a real broker and no worker."""

import datetime
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from projects.models import Invoice, Milestone, Payment
from tests.factories import AgreementFactory, ResearchProjectFactory, UserFactory
from webhooks import tasks
from webhooks.models import OutboxEvent, WebhookEndpoint


@dataclass
class ReceivedRequest:
    path: str
    headers: Message
    body: bytes


@dataclass
class Receiver:
    """An HTTP server that records what it receives and answers with
    ``status``. ``url`` is where it listens."""

    url: str = ""
    status: int = 200
    answer: bytes = b"thanks"
    delay: float = 0.0
    extra_headers: dict = field(default_factory=dict)
    requests: list[ReceivedRequest] = field(default_factory=list)


@pytest.fixture
def receiver():
    received = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            time.sleep(received.delay)
            length = int(self.headers.get("Content-Length") or 0)
            received.requests.append(
                ReceivedRequest(path=self.path, headers=self.headers, body=self.rfile.read(length))
            )
            self.send_response(received.status)
            for name, value in received.extra_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(received.answer)))
            self.end_headers()
            self.wfile.write(received.answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    received.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/biobridge"
    yield received
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_urls(settings):
    """Let webhooks reach the receiver on 127.0.0.1 over plain http."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_ALLOW_HTTP = True
    return settings


@pytest.fixture
def project(institution):
    """A project that ``staff_user`` sees: led by its institution."""
    return ResearchProjectFactory(lead_institution=institution)


@pytest.fixture
def make_endpoint(staff_user):
    """Arrange an endpoint directly (the services have their own tests)."""

    def make(
        url="https://hooks.partner.example/biobridge", event_types=None, owner=None, **fields
    ):
        return WebhookEndpoint.objects.create(
            url=url,
            event_types=event_types or ["project.stage_changed"],
            created_by=owner or staff_user,
            **fields,
        )

    return make


@pytest.fixture
def make_event(project):
    """An outbox event about ``project`` that has not been dispatched."""

    def make(event_type="project.stage_changed", obj=None, **fields):
        obj = obj or project
        return OutboxEvent.objects.create(
            event_type=event_type,
            object_type="project",
            object_id=obj.pk,
            object_url_path=f"/api/v1/projects/{obj.pk}/",
            payload={"action": "project.advance"},
            **fields,
        )

    return make


@dataclass
class TaskLog:
    dispatched: list = field(default_factory=list)
    delivered: list = field(default_factory=list)


@pytest.fixture
def queued_tasks(monkeypatch):
    """Record the tasks that would go to the broker, without running them."""
    log = TaskLog()
    monkeypatch.setattr(tasks.dispatch_event, "delay", log.dispatched.append)
    monkeypatch.setattr(tasks.deliver, "delay", log.delivered.append)
    return log


@pytest.fixture
def inline_tasks(monkeypatch):
    """Run queued tasks at once, in this process, as a worker would."""
    log = TaskLog()

    def dispatch(event_id):
        log.dispatched.append(event_id)
        return tasks.dispatch_event(event_id)

    def deliver(delivery_id):
        log.delivered.append(delivery_id)
        return tasks.deliver(delivery_id)

    monkeypatch.setattr(tasks.dispatch_event, "delay", dispatch)
    monkeypatch.setattr(tasks.deliver, "delay", deliver)
    return log


@pytest.fixture
def other_staff_user(db):
    """Staff of another institution: sees none of ``project``."""
    from tests.factories import InstitutionFactory

    return UserFactory(institutions=[InstitutionFactory()])


def milestone_payment(project, *, amount=Decimal("40000.00"), invoiced=Decimal("100000.00")):
    """A milestone of ``project``, its invoice and one payment on it."""
    agreement = AgreementFactory(partnership__institution=project.lead_institution)
    milestone = Milestone.objects.create(
        project=project,
        agreement=agreement,
        name="Proof of concept in vivo",
        kind="scientific",
        trigger_event="Proof of concept",
        amount=invoiced,
        currency="CNY",
        status="invoiced",
    )
    invoice = Invoice.objects.create(
        number=f"INV-T-2025-{milestone.pk:04d}",
        milestone=milestone,
        payee_name="Institute",
        payer_name="Company",
        amount=invoiced,
        currency="CNY",
        issued_on=datetime.date(2025, 4, 1),
        due_on=datetime.date(2025, 5, 1),
    )
    payment = Payment.objects.create(
        invoice=invoice, amount=amount, currency="CNY", paid_on=datetime.date(2025, 4, 20)
    )
    return milestone, payment
