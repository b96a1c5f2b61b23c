"""With Redis, a request's token is read from the cache and its place in the
token's throttle window taken in one round trip; the throttle then refuses
and allows as it always has, and a request refused before the throttle
(a permission, the token) takes no place."""

from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from redis.client import Redis
from rest_framework.test import APIClient

from accounts.api.throttling import UserOrTokenRateThrottle
from accounts.choices import Role
from accounts.services import api_token_create
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.REDIS_URL, reason="no Redis server (REDIS_URL)"),
]


@pytest.fixture(autouse=True)
def kept_tokens_and_a_low_rate(settings, monkeypatch):
    """The token cache on and three requests a minute, both in Redis, as in
    production."""
    settings.API_TOKEN_CACHE_SECONDS = 60
    monkeypatch.setattr(UserOrTokenRateThrottle, "THROTTLE_RATES", {"user": "3/minute"})
    cache.clear()
    yield
    cache.clear()


def client_with(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def redis_commands_of(request) -> list[str]:
    sent = []
    execute = Redis.execute_command

    def recording(self, *args, **options):
        sent.append(args[0])
        return execute(self, *args, **options)

    with mock.patch.object(Redis, "execute_command", recording):
        request()
    return sent


NOTIFICATIONS = "api:notification-list"


def test_a_kept_token_and_its_place_in_the_window_take_one_round_trip():
    key = api_token_create(user=UserFactory(), name="ERP").key
    client = client_with(key)
    client.get(reverse(NOTIFICATIONS))  # reads the token from the database, keeps it

    sent = redis_commands_of(lambda: client.get(reverse(NOTIFICATIONS)))

    assert sent == ["EVALSHA"]


def test_the_throttle_refuses_past_the_rate_with_retry_after():
    client = client_with(api_token_create(user=UserFactory(), name="ERP").key)

    responses = [client.get(reverse(NOTIFICATIONS)) for _ in range(4)]

    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    assert responses[-1].json()["error"]["code"] == "throttled"
    assert 0 < int(responses[-1]["Retry-After"]) <= 60


def test_requests_refused_by_a_permission_take_no_place_in_the_window():
    researcher = UserFactory(role=Role.RESEARCHER)
    client = client_with(api_token_create(user=researcher, name="Lab").key)

    refused = [client.get(reverse("api:project-list")) for _ in range(4)]
    allowed = [client.get(reverse(NOTIFICATIONS)) for _ in range(3)]

    assert [response.status_code for response in refused] == [403] * 4
    assert [response.status_code for response in allowed] == [200] * 3
    assert client.get(reverse(NOTIFICATIONS)).status_code == 429


def test_a_token_refused_after_it_was_kept_takes_no_place_in_the_window():
    user = UserFactory()
    key = api_token_create(user=user, name="ERP").key
    client = client_with(key)
    client.get(reverse(NOTIFICATIONS))
    token = user.api_tokens.get()

    with mock.patch.object(type(token), "is_usable", return_value=False):
        refused = [client.get(reverse(NOTIFICATIONS)) for _ in range(3)]

    assert [response.status_code for response in refused] == [401] * 3
    assert [client.get(reverse(NOTIFICATIONS)).status_code for _ in range(3)] == [200, 200, 429]
