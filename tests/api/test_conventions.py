"""Conventions every part of the API keeps: one error format, idempotent
money-moving POSTs, throttling per token and per user, a body size limit,
and fields a client may not write staying unwritten."""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from accounts.api.throttling import UserOrTokenRateThrottle
from accounts.services import api_token_create
from core.api import idempotency
from core.models import IdempotencyRecord
from distributions.models import DistributionLine
from projects.models import Invoice, Payment, ResearchProject, RoyaltyReport
from projects.services import project_resume_guard
from tests.api.conftest import SCORECARD_INPUTS, World, client_for

pytestmark = pytest.mark.django_db


# --- One error format -------------------------------------------------------------


def assert_error_format(response, status: int, code: str | None = None, fields=None):
    """``{"error": {"code", "message", "fields"?}}`` and nothing else."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) <= {"code", "message", "fields"}, error
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    if code is not None:
        assert error["code"] == code, error
    if "fields" in error:
        assert error["fields"], error
        for name, messages in error["fields"].items():
            assert isinstance(name, str)
            assert messages and all(isinstance(m, str) and m for m in messages), error
    if fields is not None:
        assert set(fields) <= set(error.get("fields", {})), error
    return error


def milestone_url(world: World, state: str, action: str) -> str:
    return reverse(f"api:milestone-{action}", kwargs={"pk": world.a.milestones[state].pk})


def test_a_bad_body_is_a_400_naming_the_field(world):
    response = client_for(world.a.partner).post(
        milestone_url(world, "claimed", "dispute"), {}, format="json"
    )

    assert_error_format(response, 400, fields={"reason"})


def test_a_bad_filter_value_is_a_400_naming_the_filter(world):
    response = client_for(world.a.staff).get(reverse("api:milestone-list"), {"project": "1e30"})

    assert_error_format(response, 400, fields={"project"})


def test_no_credentials_is_a_401_that_names_the_scheme(world):
    response = client_for().get(reverse("api:project-list"))

    assert_error_format(response, 401, code="not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_token_is_a_401(world):
    response = client_for(token="bb_not-a-real-token").get(reverse("api:project-list"))

    assert_error_format(response, 401, code="authentication_failed")


def test_a_partner_doing_what_only_staff_do_is_a_403(world):
    response = client_for(world.a.partner).post(
        milestone_url(world, "planned", "claim"), {"evidence_note": "Done."}, format="json"
    )

    assert_error_format(response, 403, code="not_payee")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/projects/999999999/", "/api/v1/no-such-collection/", "/api/v1/projects/a.b/"],
)
def test_a_missing_object_or_route_is_a_404(world, path):
    response = client_for(world.a.staff).get(path)

    assert_error_format(response, 404, code="not_found")


def test_a_method_a_route_does_not_offer_is_a_405(world):
    url = reverse("api:project-detail", kwargs={"pk": world.a.project.pk})

    response = client_for(world.a.staff).put(url, {"title": "x"}, format="json")

    assert_error_format(response, 405, code="method_not_allowed")


@pytest.mark.parametrize("format", ["multipart", None])
def test_a_form_encoded_body_to_a_json_endpoint_is_a_415(world, format):
    # One content type per body is what generated clients handle; a form is
    # refused rather than half-understood.
    response = client_for(world.a.partner).post(
        milestone_url(world, "claimed", "dispute"), {"reason": "Late."}, format=format
    )

    assert_error_format(response, 415, code="unsupported_media_type")


def test_a_json_body_to_the_upload_endpoint_is_a_415(world):
    response = client_for(world.a.staff).post(
        reverse("api:document-list"), {"project": world.a.project.pk}, format="json"
    )

    assert_error_format(response, 415, code="unsupported_media_type")


def test_a_refused_transition_is_a_409_with_the_guards_reason(world):
    """An active project cannot resume; the answer says why, with a code."""
    url = reverse("api:project-resume", kwargs={"pk": world.a.project.pk})

    response = client_for(world.a.staff).post(url, {"rationale": "Back on."}, format="json")

    guard = project_resume_guard(world.a.project, world.a.staff)
    error = assert_error_format(response, 409, code=guard.code)
    assert error["message"] == guard.reason
    assert "fields" not in error


def test_a_json_body_over_the_limit_is_a_413(world, settings):
    settings.API_MAX_JSON_BYTES = 1024
    body = {**SCORECARD_INPUTS, "padding": "x" * 2000}

    response = client_for(world.a.staff).post(
        reverse("api:valuation-compute-scorecard"), body, format="json"
    )

    assert_error_format(response, 413, code="request_too_large")


def test_a_json_body_under_the_limit_passes(world, settings):
    settings.API_MAX_JSON_BYTES = 1024

    response = client_for(world.a.staff).post(
        reverse("api:valuation-compute-scorecard"), SCORECARD_INPUTS, format="json"
    )

    assert response.status_code == 200


# --- Idempotency of money-moving POSTs ---------------------------------------------


@dataclass(frozen=True)
class MoneyPost:
    """A POST that moves money: who sends it, where, with what body (and a
    different body), and how many of what it creates."""

    role: str
    url: object
    body: dict
    other_body: dict
    created: object


PAYMENT = {"amount": "250.00", "currency": "CNY", "paid_on": "2025-07-01"}
SALES = {"period_start": "2024-10-01", "period_end": "2024-12-31", "net_sales": "100000.00"}

MONEY_POSTS = {
    "milestone-invoice": MoneyPost(
        "staff",
        lambda w: milestone_url(w, "verified", "invoice"),
        {"payment_terms_days": 30},
        {"payment_terms_days": 45},
        Invoice.objects.count,
    ),
    "milestone-payments": MoneyPost(
        "staff",
        lambda w: milestone_url(w, "invoiced", "payments"),
        PAYMENT,
        {**PAYMENT, "amount": "260.00"},
        Payment.objects.count,
    ),
    "invoice-payments": MoneyPost(
        "staff",
        lambda w: reverse("api:invoice-payments", kwargs={"pk": w.a.invoice.pk}),
        PAYMENT,
        {**PAYMENT, "reference": "Second transfer"},
        Payment.objects.count,
    ),
    "royalty-report-submit": MoneyPost(
        "partner",
        lambda w: reverse("api:royalty-report-list"),
        SALES,
        {**SALES, "net_sales": "90000.00"},
        RoyaltyReport.objects.count,
    ),
    "distribution-line-settle": MoneyPost(
        "staff",
        lambda w: reverse("api:distribution-line-settle", kwargs={"pk": w.a.distribution_line.pk}),
        {"on": timezone.localdate().isoformat()},
        {"on": timezone.localdate().isoformat(), "reference": "TX-2"},
        DistributionLine.objects.exclude(state="pending").count,
    ),
    "royalty-report-invoice": MoneyPost(
        "staff",
        lambda w: reverse("api:royalty-report-invoice", kwargs={"pk": w.a.reports["accepted"].pk}),
        {},
        {"payment_terms_days": 10},
        Invoice.objects.count,
    ),
}


def send(world, post: MoneyPost, body: dict, key: str, user=None):
    if post is MONEY_POSTS["royalty-report-submit"]:
        body = {**body, "agreement": world.a.agreement.pk}
    client = client_for(user or world.user(post.role))
    return client.post(post.url(world), body, format="json", HTTP_IDEMPOTENCY_KEY=key)


money_posts = pytest.mark.parametrize("name", list(MONEY_POSTS))


@money_posts
def test_the_same_key_and_body_replay_the_first_answer_without_a_second_effect(world, name):
    post = MONEY_POSTS[name]
    first = send(world, post, post.body, "key-1")
    created = post.created()

    again = send(world, post, post.body, "key-1")

    assert 200 <= first.status_code < 300, first.content[:300]
    assert "Idempotent-Replayed" not in first
    assert again.status_code == first.status_code
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert post.created() == created


@money_posts
def test_the_same_key_with_another_body_is_a_422(world, name):
    post = MONEY_POSTS[name]
    send(world, post, post.body, "key-1")
    created = post.created()

    other = send(world, post, post.other_body, "key-1")

    assert_error_format(other, 422, code="idempotency_key_reused")
    assert post.created() == created


@money_posts
def test_a_key_still_in_flight_is_a_409(world, name):
    """While the first request with a key runs, a retry must wait."""
    post = MONEY_POSTS[name]
    send(world, post, post.body, "key-1")
    IdempotencyRecord.objects.filter(user=world.user(post.role), key="key-1").update(
        state=IdempotencyRecord.State.IN_FLIGHT, response_status=None, response_body=None
    )
    created = post.created()

    retry = send(world, post, post.body, "key-1")

    assert_error_format(retry, 409, code="idempotency_key_in_use")
    assert post.created() == created


def test_a_key_in_flight_recorded_by_another_request_is_a_409(world):
    """The record a running request leaves, made here by hand: the retry
    with the same key and body waits."""
    post = MONEY_POSTS["milestone-payments"]
    # What the record holds of a request: its method, path and body.
    request = f"POST {post.url(world)}\n{json.dumps(post.body, sort_keys=True)}"
    IdempotencyRecord.objects.create(
        user=world.a.staff,
        key="running",
        fingerprint=hashlib.sha256(request.encode()).hexdigest(),
        state=IdempotencyRecord.State.IN_FLIGHT,
    )
    payments = Payment.objects.count()

    retry = send(world, post, post.body, "running")

    assert_error_format(retry, 409, code="idempotency_key_in_use")
    assert Payment.objects.count() == payments


@pytest.mark.parametrize("name", ["milestone-payments", "invoice-payments"])
def test_keys_are_per_user(world, name):
    """Another user sending the same key and body is not answered with the
    first user's payment: it records its own."""
    post = MONEY_POSTS[name]
    first = send(world, post, post.body, "shared-key", user=world.a.staff)

    second = send(world, post, post.body, "shared-key", user=world.superuser)

    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert second.json()["id"] != first.json()["id"]
    assert IdempotencyRecord.objects.filter(key="shared-key").count() == 2


def test_a_refused_request_keeps_no_key(world):
    """Only successes are replayed: after a refusal the client may fix the
    request and retry with the same key."""
    post = MONEY_POSTS["milestone-payments"]

    refused = send(world, post, {**post.body, "amount": "-1"}, "key-1")
    accepted = send(world, post, post.body, "key-1")

    assert refused.status_code == 400
    assert accepted.status_code == 201
    assert "Idempotent-Replayed" not in accepted


@money_posts
def test_a_request_cut_off_by_the_database_leaves_no_effect_and_can_be_retried(
    world, name, monkeypatch
):
    """The database went away after the work but before its answer was kept:
    the two commit together, so neither did, and the key is free again once
    the lease of the dead request ran out."""
    post = MONEY_POSTS[name]
    created = post.created()

    def database_gone(record, response):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(idempotency, "_complete", database_gone)
    client = client_for(world.user(post.role))
    client.raise_request_exception = False
    body = post.body
    if post is MONEY_POSTS["royalty-report-submit"]:
        body = {**body, "agreement": world.a.agreement.pk}
    cut_off = client.post(post.url(world), body, format="json", HTTP_IDEMPOTENCY_KEY="key-1")
    monkeypatch.undo()

    assert cut_off.status_code == 503
    assert post.created() == created
    too_soon = send(world, post, post.body, "key-1")
    assert_error_format(too_soon, 409, code="idempotency_key_in_use")

    IdempotencyRecord.objects.filter(key="key-1").update(
        created_at=timezone.now() - idempotency.IN_FLIGHT_LEASE - timedelta(seconds=1)
    )
    retried = send(world, post, post.body, "key-1")

    assert 200 <= retried.status_code < 300, retried.content[:300]
    assert "Idempotent-Replayed" not in retried
    assert send(world, post, post.body, "key-1")["Idempotent-Replayed"] == "true"


# --- Throttling --------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def low_rate(request, monkeypatch):
    """Three requests a minute, counted in a cache of this test's own: in
    memory, and in Redis as in production when the suite has a server
    (REDIS_URL)."""
    monkeypatch.setattr(UserOrTokenRateThrottle, "THROTTLE_RATES", {"user": "3/minute"})
    if request.param == "redis":
        if not settings.REDIS_URL:
            pytest.skip("no Redis server (REDIS_URL)")
        # Keys of this test's own, which expire within the minute.
        cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"throttle-test-{uuid.uuid4()}"})
    else:
        cache = LocMemCache("api-throttle-tests", {})
        # Caches of one name share their store: start this test's empty.
        cache.clear()
    monkeypatch.setattr(UserOrTokenRateThrottle, "cache", cache)
    return cache


def burst(client, n=4):
    return [client.get(reverse("api:notification-list")) for _ in range(n)]


def test_a_burst_over_the_rate_is_a_429_with_retry_after(world, low_rate):
    responses = burst(client_for(token=world.keys["staff"]))

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert_error_format(responses[-1], 429, code="throttled")
    assert int(responses[-1]["Retry-After"]) > 0


class UnreachableCache:
    """A cache whose server is down, as Redis answers then."""

    def get(self, *args, **kwargs):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    set = get


def test_the_window_slides_and_retry_after_counts_to_the_oldest_request(world, low_rate):
    """At 3 a minute, requests at 0, 1 and 2 s fill the window: at 3 s the
    next is told to wait 57 s, until the first leaves the window. At 60.5 s
    and 61 s two pass, as those of 0 and 1 s leave it; at 61.5 s the window
    holds those of 2, 60.5 and 61 s, and the next waits for the one of 2 s."""
    clock = iter([1000.0, 1001.0, 1002.0, 1003.0, 1060.5, 1061.0, 1061.5])
    client = client_for(token=world.keys["staff"])
    url = reverse("api:notification-list")

    with mock.patch.object(UserOrTokenRateThrottle, "timer", lambda self: next(clock)):
        statuses = [client.get(url) for _ in range(7)]

    assert [r.status_code for r in statuses] == [200, 200, 200, 429, 200, 200, 429]
    assert statuses[3]["Retry-After"] == "57"
    assert statuses[6]["Retry-After"] == "1"


def test_the_throttle_counts_in_the_configured_cache_itself():
    """DRF's default is Django's proxy to the default cache; the throttle
    looks through it, so that with Redis configured it keeps its window in
    one round trip."""
    assert UserOrTokenRateThrottle()._cache() is caches["default"]


def test_requests_pass_unthrottled_while_redis_is_down(world, monkeypatch):
    """The same with Redis as the cache, refusing connections."""
    unreachable = RedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )
    monkeypatch.setattr(UserOrTokenRateThrottle, "cache", unreachable)

    responses = burst(client_for(token=world.keys["staff"]))

    assert [r.status_code for r in responses] == [200, 200, 200, 200]


def test_requests_pass_unthrottled_while_the_cache_is_down(world, monkeypatch):
    """Throttling counts in the cache; when it cannot be reached the API
    keeps answering rather than failing every request."""
    monkeypatch.setattr(UserOrTokenRateThrottle, "cache", UnreachableCache())

    responses = burst(client_for(token=world.keys["staff"]))

    assert [r.status_code for r in responses] == [200, 200, 200, 200]


def test_each_token_has_its_own_rate(world, low_rate):
    """A second token of the same user is not slowed by the first's burst."""
    second_key = api_token_create(user=world.a.staff, name="Second integration").key
    burst(client_for(token=world.keys["staff"]))

    response = client_for(token=second_key).get(reverse("api:notification-list"))

    assert response.status_code == 200


def test_each_signed_in_user_has_its_own_rate(world, low_rate):
    """A user's browser session is limited on its own: another user is not
    slowed, and neither are the user's tokens."""
    session = client_for()
    session.force_login(world.a.staff)
    other = client_for()
    other.force_login(world.a.partner)

    responses = burst(session)
    other_response = other.get(reverse("api:notification-list"))
    token_response = client_for(token=world.keys["staff"]).get(reverse("api:notification-list"))

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert "Retry-After" in responses[-1]
    assert other_response.status_code == 200
    assert token_response.status_code == 200


# --- Fields that are not the client's ------------------------------------------------


def project_url(world) -> str:
    return reverse("api:project-detail", kwargs={"pk": world.a.project.pk})


def test_a_partner_cannot_change_its_projects_status(world):
    response = client_for(world.a.partner).patch(
        project_url(world), {"status": "terminated"}, format="json"
    )

    assert_error_format(response, 403)
    assert ResearchProject.objects.get(pk=world.a.project.pk).status == "active"


def test_a_partner_cannot_change_a_milestones_amount(world):
    milestone = world.a.milestones["planned"]
    url = reverse("api:milestone-detail", kwargs={"pk": milestone.pk})

    response = client_for(world.a.partner).patch(url, {"amount": "1.00"}, format="json")

    assert response.status_code in {403, 405}
    milestone.refresh_from_db()
    assert milestone.amount == Decimal("100000.00")


def test_a_partner_cannot_change_the_parties_of_its_partnership(world):
    url = reverse("api:partnership-detail", kwargs={"pk": world.a.partnership.pk})

    response = client_for(world.a.partner).patch(
        url, {"enterprise": world.b.enterprise.pk}, format="json"
    )

    assert_error_format(response, 403)
    world.a.partnership.refresh_from_db()
    assert world.a.partnership.enterprise_id == world.a.enterprise.pk


def test_a_partner_cannot_record_a_payment(world):
    payments = Payment.objects.count()

    response = client_for(world.a.partner).post(
        milestone_url(world, "invoiced", "payments"), PAYMENT, format="json"
    )

    assert_error_format(response, 403)
    assert Payment.objects.count() == payments


def test_staff_cannot_set_a_projects_status_or_stage_by_a_patch(world):
    """Stage and status move through gate decisions only; in a PATCH they are
    ignored, and the rest of the change is made."""
    project = world.a.project
    other_stage = project.current_stage.pipeline.stages.exclude(pk=project.current_stage_id)[0]

    response = client_for(world.a.staff).patch(
        project_url(world),
        {"status": "terminated", "current_stage": other_stage.pk, "title": "Renamed"},
        format="json",
    )

    project.refresh_from_db()
    assert response.status_code == 200
    assert project.title == "Renamed"
    assert project.status == "active"
    assert project.current_stage_id != other_stage.pk
    assert response.json()["status"] == "active"


def test_a_partner_reporting_sales_cannot_set_the_royalty_due_or_status(world):
    """The royalty is computed from the agreement's tiers and the report
    starts as submitted, whatever the body says."""
    response = client_for(world.a.partner).post(
        reverse("api:royalty-report-list"),
        {
            **SALES,
            "agreement": world.a.agreement.pk,
            "royalty_due": "0.01",
            "status": "accepted",
        },
        format="json",
    )

    assert response.status_code == 201, response.content[:300]
    report = RoyaltyReport.objects.get(pk=response.json()["id"])
    assert report.status == "submitted"
    assert report.royalty_due == Decimal("5000.00")


def test_a_user_is_never_given_another_users_token_by_creating_one(world):
    response = client_for(world.a.partner).post(
        reverse("api:token-list"), {"name": "Mine", "user": world.a.staff.pk}, format="json"
    )

    assert response.status_code == 201
    assert world.a.partner.api_tokens.filter(pk=response.json()["id"]).exists()


def test_a_revoked_token_is_a_401(world):
    token = world.tokens["partner"]
    token.revoked_at = token.created_at
    token.save(update_fields=["revoked_at"])

    response = client_for(token=world.keys["partner"]).get(reverse("api:project-list"))

    assert_error_format(response, 401, code="authentication_failed")
