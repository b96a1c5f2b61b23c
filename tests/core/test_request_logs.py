"""Every response carries the request's id in X-Request-ID; every request
leaves one access record, and every record made while it is served carries
its id. Nothing secret or personal beyond ids reaches the log."""

import io
import json
import logging
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from django.utils.functional import SimpleLazyObject

from accounts.services import api_token_create
from config.settings.base import logging_settings
from core.logs import JsonFormatter, PlainFormatter, RequestIdFilter
from core.middleware import _user_id_if_known
from core.request_id import current_request_id, request_id_scope
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_ID = re.compile(r"[0-9a-f]{32}")


def raising_view(request):
    logging.getLogger("biobridge.test").info("about to fail")
    raise RuntimeError("the view failed")


# The URLs of the test that needs a view failing with a server error.
urlpatterns = [path("fails/", raising_view)]


class Records:
    """The records written while the fixture is active, as the JSON lines
    production writes and as the parsed objects."""

    def __init__(self, stream):
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    @property
    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines()]

    def of(self, logger: str) -> list[dict]:
        return [line for line in self.lines if line["logger"] == logger]


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield Records(stream)
    root.removeHandler(handler)


@pytest.fixture
def staff(institution):
    return UserFactory(institutions=[institution], email="dana.li@lab.example.org")


# --- The header -------------------------------------------------------------------


def test_a_request_without_an_id_gets_a_new_one(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second)
    assert first != second


def test_a_safe_incoming_id_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.2025_04-19")

    assert response["X-Request-ID"] == "lb-7f3a.2025_04-19"


@pytest.mark.parametrize(
    "incoming",
    ["a" * 65, "has space", 'quote"d', "semi;colon", "new\nline", "", "ümlaut"],
)
def test_an_unsafe_incoming_id_is_replaced(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)

    assert NEW_ID.fullmatch(response["X-Request-ID"])


def test_error_answers_carry_the_id_too(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    answers = {
        "page not found": client.get("/no-such-page/"),
        "API not found": client.get("/api/v1/no-such-endpoint/"),
        "API unauthenticated": client.get("/api/v1/projects/"),
        "host not allowed": client.get("/projects/", HTTP_HOST="evil.example"),
    }

    assert {name: answer.status_code for name, answer in answers.items()} == {
        "page not found": 404,
        "API not found": 404,
        "API unauthenticated": 401,
        "host not allowed": 400,
    }
    for name, answer in answers.items():
        assert NEW_ID.fullmatch(answer["X-Request-ID"]), name


@pytest.mark.urls(__name__)
def test_a_server_error_carries_the_id_and_its_records_do_too(client, json_log):
    client.raise_request_exception = False

    response = client.get("/fails/", HTTP_X_REQUEST_ID="trace-500")

    assert response.status_code == 500
    assert response["X-Request-ID"] == "trace-500"
    lines = json_log.lines
    assert {line["logger"] for line in lines} >= {
        "biobridge.test",
        "django.request",
        "biobridge.request",
    }
    assert all(line["request_id"] == "trace-500" for line in lines)
    [error] = json_log.of("django.request")
    assert "RuntimeError: the view failed" in error["exception"]


def test_djangos_record_of_a_refused_request_carries_its_id(client, json_log):
    """Django records a 4xx answer after the middleware has returned."""
    response = client.get("/api/v1/projects/", HTTP_X_REQUEST_ID="refused-1")

    assert response.status_code == 401
    [refused] = json_log.of("django.request")
    assert refused["request_id"] == "refused-1"
    assert current_request_id() is None


def test_the_id_current_before_a_request_is_current_again_after_it(client):
    with request_id_scope("task-1"):
        client.get("/healthz", HTTP_X_REQUEST_ID="inner-1")

        assert current_request_id() == "task-1"


# --- The records ------------------------------------------------------------------


def test_each_request_leaves_one_access_record_with_its_route_and_user(client, json_log, staff):
    token = api_token_create(user=staff, name="ERP").key

    response = client.get(
        "/api/v1/projects/12345/", HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_REQUEST_ID="r-1"
    )

    [record] = json_log.of("biobridge.request")
    assert record["request_id"] == "r-1"
    assert record["method"] == "GET"
    assert record["route"] == "api/v1/projects/<pk>/"
    assert record["status"] == response.status_code == 404
    assert record["user_id"] == staff.pk
    assert isinstance(record["duration_ms"], float) and record["duration_ms"] >= 0
    assert record["message"].startswith("GET api/v1/projects/<pk>/ 404 in ")


def test_a_page_request_names_its_url_pattern(client, json_log, staff):
    client.force_login(staff)

    client.get("/projects/")

    [record] = json_log.of("biobridge.request")
    assert record["route"] == "projects/"
    assert record["user_id"] == staff.pk


def test_a_request_that_reaches_no_view_has_no_route(client, json_log):
    client.get("/no-such-page/")

    [record] = json_log.of("biobridge.request")
    assert record["route"] is None
    assert record["status"] == 404
    assert record["user_id"] is None


def test_probes_that_answer_200_leave_no_record(client, json_log):
    client.get("/healthz")
    client.get("/readyz")

    assert json_log.of("biobridge.request") == []


def test_a_request_never_looking_up_its_user_records_none_and_costs_no_query(
    django_assert_num_queries,
):
    def lookup():
        raise AssertionError("the user was looked up")

    class Request:
        user = SimpleLazyObject(lookup)

    with django_assert_num_queries(0):
        assert _user_id_if_known(Request()) is None


def test_an_anonymous_user_is_recorded_as_none():
    class Request:
        user = AnonymousUser()

    assert _user_id_if_known(Request()) is None


def test_no_token_cookie_query_string_or_email_reaches_the_log(client, json_log, staff):
    token = api_token_create(user=staff, name="ERP").key
    client.force_login(staff)
    session_key = client.cookies["sessionid"].value

    client.get(
        "/api/v1/projects/?search=dana.li%40lab.example.org&contact=dana.li@lab.example.org",
        HTTP_AUTHORIZATION=f"Token {token}",
        HTTP_COOKIE=f"sessionid={session_key}",
    )
    client.get("/projects/?q=dana.li@lab.example.org")
    client.get("/accounts/password/reset/MQ/cz8w2k-0123456789abcdef0123/")

    text = json_log.text
    assert len(json_log.of("biobridge.request")) == 3
    for secret in (
        token,
        session_key,
        "dana.li",
        "lab.example.org",
        "search=",
        "cz8w2k-0123456789abcdef0123",
        staff.get_full_name() or staff.email,
    ):
        assert secret not in text


# --- Formats ----------------------------------------------------------------------


def record(message="stored %s", *args):
    return logging.LogRecord("biobridge.test", logging.INFO, __file__, 1, message, args, None)


def test_a_record_made_within_a_request_or_task_carries_its_id():
    with request_id_scope("abc123") as request_id:
        entry = record("queued %s", 3)
        RequestIdFilter().filter(entry)
        assert current_request_id() == request_id == "abc123"

    line = json.loads(JsonFormatter().format(entry))
    assert line["request_id"] == "abc123"
    assert line["message"] == "queued 3"
    assert line["time"].endswith("Z")


def test_plain_records_end_with_the_request_id_when_there_is_one():
    formatter = PlainFormatter("%(levelname)s %(name)s %(message)s")
    outside = record("nothing to do")
    RequestIdFilter().filter(outside)
    with request_id_scope("abc123"):
        inside = record("queued")
        RequestIdFilter().filter(inside)

    assert formatter.format(outside) == "INFO biobridge.test nothing to do"
    assert formatter.format(inside) == "INFO biobridge.test queued [abc123]"


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        logging_settings("xml")
