"""Two BioBridge nodes behind one load balancer: a user's requests may land
on either. Two gunicorn processes on their own ports share the test
database, Redis and a bucket on the local S3 server; what one node records
(a session, an uploaded document, an idempotency key, a throttle's count, a
lockout's failures) the other honours.

The nodes read what the test process wrote, so each test commits its data
(a transactional test), and they need PostgreSQL and Redis, which several
processes share: the test is skipped on SQLite or without REDIS_URL."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from core.api.idempotency import HEADER as IDEMPOTENCY_KEY
from projects import services as project_services
from projects.models import Document, Payment
from tests.factories import (
    DEMO_PASSWORD,
    MilestoneFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    UserFactory,
)

BASE_DIR = Path(__file__).resolve().parent.parent
THROTTLE_LIMIT = 6
LOCKOUT_LIMIT = 3
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + os.urandom(2048) + b"\n%%EOF\n"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.nodes,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="two nodes share PostgreSQL and Redis: set DATABASE_URL and REDIS_URL",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("tasks_run_in_process"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database (pytest-django's ``test_`` one), as a URL."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return (
        f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class Node:
    """A gunicorn process serving BioBridge on a port of its own."""

    def __init__(self, environment: dict, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                "--workers=1",
                "--threads=4",
                "--graceful-timeout=2",
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def wait_until_serving(self, deadline: float):
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"The node on port {self.port} stopped:\n{self.log.read_text()}")
            try:
                requests.get(self.url + reverse("accounts:login"), timeout=10)
                return
            # Refused until gunicorn listens; slow while its worker loads
            # the application.
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        pytest.fail(f"The node on port {self.port} did not answer:\n{self.log.read_text()}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def node_bucket(s3_server):
    return s3_server.new_bucket()


@pytest.fixture(scope="module")
def nodes(django_db_setup, s3_server, node_bucket, tmp_path_factory):
    """Two nodes over the test database, the test's Redis and the bucket."""
    from tests.object_storage import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY

    environment = {
        key: value
        for key, value in os.environ.items()
        # Nothing of this process's own: its xdist worker would move the
        # nodes to other Redis databases, its broker would queue their tasks.
        if not key.startswith(("DJANGO_", "PYTEST_", "CELERY_", "S3_", "DATABASE_", "REDIS_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="tests.node_settings",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.CACHES["default"]["LOCATION"],
        S3_BUCKET=node_bucket.name,
        S3_ENDPOINT_URL=node_bucket.endpoint_url,
        S3_REGION=REGION,
        S3_ACCESS_KEY_ID=ACCESS_KEY_ID,
        S3_SECRET_ACCESS_KEY=SECRET_ACCESS_KEY,
        API_THROTTLE_RATE=f"{THROTTLE_LIMIT}/minute",
        AXES_FAILURE_LIMIT=str(LOCKOUT_LIMIT),
    )
    logs = tmp_path_factory.mktemp("nodes")
    started = [Node(environment, logs / f"node-{number}.log") for number in (1, 2)]
    try:
        deadline = time.monotonic() + 60
        for node in started:
            node.wait_until_serving(deadline)
        yield started
    finally:
        for node in started:
            node.stop()


def sign_in(http: requests.Session, node: Node, email: str, password: str = DEMO_PASSWORD):
    login = node.url + reverse("accounts:login")
    http.get(login, timeout=10)
    return http.post(
        login,
        {
            "username": email,
            "password": password,
            "csrfmiddlewaretoken": http.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )


def signed_in(node: Node, user) -> requests.Session:
    http = requests.Session()
    response = sign_in(http, node, user.email)
    assert response.status_code == 302, response.status_code
    return http


def unsafe_headers(http: requests.Session) -> dict:
    """What a browser's page sends with a POST of the signed-in session."""
    return {"X-CSRFToken": http.cookies["csrftoken"]}


@pytest.fixture
def project():
    return ProjectUnderAgreementFactory()


@pytest.fixture
def staff(project):
    return UserFactory(institutions=[project.agreement.partnership.institution])


def test_signed_in_on_one_node_a_user_uploads_on_the_other_and_downloads_from_the_first(
    nodes, node_bucket, project, staff
):
    first, second = nodes
    http = signed_in(first, staff)

    uploaded = http.post(
        second.url + reverse("projects:document_create", kwargs={"code": project.code}),
        {"csrfmiddlewaretoken": http.cookies["csrftoken"], "description": "Protocol"},
        files={"file": ("protocol.pdf", PDF, "application/pdf")},
        allow_redirects=False,
        timeout=10,
    )

    assert uploaded.status_code == 302, uploaded.text[:500]
    document = Document.objects.get(project=project, original_name="protocol.pdf")
    assert node_bucket.keys() == [document.file.name]
    downloaded = http.get(
        first.url
        + reverse("projects:document_download", kwargs={"code": project.code, "pk": document.pk}),
        timeout=10,
    )
    assert downloaded.status_code == 200
    assert downloaded.content == PDF


def test_a_request_sent_to_one_node_and_replayed_to_the_other_takes_effect_once(
    nodes, project, staff
):
    first, second = nodes
    milestone = MilestoneFactory(project=project)
    partner = PartnerUserFactory(enterprise=project.agreement.partnership.enterprise)
    project_services.milestone_claim(milestone=milestone, by=staff, evidence_note="Report.")
    project_services.milestone_verify(milestone=milestone, by=partner)
    invoice = project_services.milestone_invoice(milestone=milestone, by=staff)
    http = signed_in(first, staff)
    path = reverse("api:invoice-payments", kwargs={"pk": invoice.pk})
    payment = {
        "amount": "250.00",
        "currency": invoice.currency,
        "paid_on": invoice.issued_on.isoformat(),
    }
    headers = {**unsafe_headers(http), IDEMPOTENCY_KEY: "transfer-0042"}

    sent = http.post(first.url + path, json=payment, headers=headers, timeout=10)
    replayed = http.post(second.url + path, json=payment, headers=headers, timeout=10)

    assert sent.status_code == 201, sent.text[:500]
    assert replayed.status_code == 201
    assert replayed.json() == sent.json()
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert Payment.objects.filter(invoice=invoice).count() == 1


def test_the_api_throttle_counts_the_requests_of_both_nodes_together(nodes, staff):
    cache.clear()
    http = signed_in(nodes[0], staff)
    path = reverse("api:document-list")

    answers = [
        http.get(nodes[number % 2].url + path, timeout=10).status_code
        for number in range(THROTTLE_LIMIT + 1)
    ]

    assert answers == [200] * THROTTLE_LIMIT + [429]


def test_a_lockout_counted_on_one_node_holds_on_the_other(nodes):
    account = PartnerUserFactory()
    http = requests.Session()

    failures = [
        sign_in(http, nodes[number % 2], account.email, "wrong-password").status_code
        for number in range(LOCKOUT_LIMIT)
    ]
    with_the_right_password = sign_in(requests.Session(), nodes[1], account.email)

    assert failures == [200] * (LOCKOUT_LIMIT - 1) + [429]
    assert with_the_right_password.status_code == 429
    assert "sessionid" not in with_the_right_password.cookies
