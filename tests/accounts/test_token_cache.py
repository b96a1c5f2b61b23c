"""The cache of API tokens: a token and its user are read from the shared
cache instead of the database, and every change that ends or alters a
token's access reaches the cache before the next request."""

from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient, APIRequestFactory

from accounts import token_cache
from accounts.authentication import ApiTokenAuthentication
from accounts.models import ApiToken, User
from accounts.services import (
    api_token_create,
    api_token_revoke,
    api_tokens_revoke_all,
    partner_user_remove,
    token_digest,
)
from tests.factories import PartnerUserFactory, ResearchProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def token_cache_on(settings, monkeypatch):
    """The cache on, as in production. Without Redis the test's process is
    the whole server, so its local-memory cache is one all requests share."""
    settings.API_TOKEN_CACHE_SECONDS = 60
    monkeypatch.setattr(
        token_cache, "SHARED_BACKENDS", (*token_cache.SHARED_BACKENDS, LocMemCache)
    )
    cache.clear()
    yield
    cache.clear()


def authenticate(key):
    request = APIRequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}")
    return ApiTokenAuthentication().authenticate(request)


def authenticate_counting(key):
    with CaptureQueriesContext(connection) as queries:
        found = authenticate(key)
    return found, len(queries)


def refused(key) -> bool:
    try:
        authenticate(key)
    except AuthenticationFailed:
        return True
    return False


def cached_token(key):
    """A token that has been used once, so that the cache holds it."""
    authenticate(key)
    assert token_cache.token_cached(token_digest(key)) is not None
    return key


def stored_keys() -> list[str]:
    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        return list(backend._cache)
    return [key.decode() for key in backend._cache.get_client().keys("*")]


def test_a_used_token_is_read_from_the_cache_without_a_query():
    user = UserFactory()
    key = api_token_create(user=user, name="ERP").key

    (_user, first_token), first_queries = authenticate_counting(key)
    (second_user, second_token), second_queries = authenticate_counting(key)

    assert first_queries == 2  # the token and its user; noting its first use
    assert second_queries == 0
    assert second_user == user and second_token == first_token
    assert second_user.email == user.email and second_user.is_active
    assert second_token.name == "ERP"


def test_the_cache_is_keyed_by_the_digest_and_holds_no_key_and_no_password():
    key = cached_token(api_token_create(user=UserFactory(), name="ERP").key)

    keys = stored_keys()
    assert any(token_digest(key) in stored for stored in keys)
    assert not any(key in stored for stored in keys)
    kept = cache.get(token_cache.KEY_PREFIX + token_digest(key))
    assert "password" not in kept[2]
    assert not any(isinstance(value, str) and value.startswith("md5$") for value in kept[3])


def test_a_revoked_token_is_refused_on_the_next_request():
    user = UserFactory()
    issued = api_token_create(user=user, name="ERP")
    cached_token(issued.key)

    api_token_revoke(token=issued.token, by=user)

    assert refused(issued.key)


def test_tokens_revoked_all_at_once_are_refused_on_the_next_request():
    user = UserFactory()
    keys = [cached_token(api_token_create(user=user, name=name).key) for name in ("ERP", "BI")]

    api_tokens_revoke_all(user=user)

    assert all(refused(key) for key in keys)


def test_tokens_revoked_in_the_admin_are_refused_on_the_next_request(rf):
    admin_user = UserFactory(is_superuser=True, is_staff=True)
    key = cached_token(api_token_create(user=UserFactory(), name="ERP").key)
    request = rf.post("/admin/")
    request.user = admin_user

    site._registry[ApiToken].revoke(request, ApiToken.objects.all())

    assert refused(key)


def test_a_deleted_token_is_refused_on_the_next_request():
    issued = api_token_create(user=UserFactory(), name="ERP")
    cached_token(issued.key)

    issued.token.delete()

    assert refused(issued.key)


def test_a_deleted_users_token_is_refused_on_the_next_request():
    user = UserFactory()
    key = cached_token(api_token_create(user=user, name="ERP").key)

    user.delete()

    assert refused(key)


def test_a_deactivated_users_token_is_refused_on_the_next_request():
    user = UserFactory()
    key = cached_token(api_token_create(user=user, name="ERP").key)

    user.is_active = False
    user.save()

    assert refused(key)


def test_a_partner_removed_from_the_team_is_refused_on_the_next_request():
    admin = PartnerUserFactory(is_partner_admin=True)
    colleague = PartnerUserFactory(enterprise=admin.enterprise)
    key = cached_token(api_token_create(user=colleague, name="ERP").key)

    partner_user_remove(by=admin, user=colleague)

    assert refused(key)


def test_an_expired_token_is_refused_though_the_cache_holds_it(monkeypatch):
    issued = api_token_create(
        user=UserFactory(), name="ERP", expires_at=timezone.now() + timedelta(seconds=30)
    )
    cached_token(issued.key)
    later = timezone.now() + timedelta(seconds=31)

    monkeypatch.setattr("accounts.authentication.timezone.now", lambda: later)

    assert refused(issued.key)


def test_a_change_to_the_user_is_seen_on_the_next_request():
    user = UserFactory(is_superuser=True, is_staff=True)
    key = cached_token(api_token_create(user=user, name="ERP").key)

    user.is_superuser = False
    user.language = "zh-hans"
    user.save()

    seen, _token = authenticate(key)
    assert not seen.is_superuser and seen.language == "zh-hans"


def test_a_new_password_is_seen_on_the_next_request_and_keeps_the_token():
    user = UserFactory()
    key = cached_token(api_token_create(user=user, name="ERP").key)

    user.set_password("a new and long passphrase")
    user.save()

    seen, _token = authenticate(key)
    assert seen.check_password("a new and long passphrase")


def test_each_partners_cached_token_resolves_to_that_partner_only():
    partner, other_partner = PartnerUserFactory(), PartnerUserFactory()
    key = cached_token(api_token_create(user=partner, name="ERP").key)
    other_key = cached_token(api_token_create(user=other_partner, name="ERP").key)

    seen, _token = authenticate(key)
    other_seen, _other_token = authenticate(other_key)

    assert (seen.pk, seen.enterprise_id) == (partner.pk, partner.enterprise_id)
    assert (other_seen.pk, other_seen.enterprise_id) == (
        other_partner.pk,
        other_partner.enterprise_id,
    )
    assert seen.enterprise == partner.enterprise


def test_a_request_that_read_the_token_before_a_revocation_cannot_keep_it():
    user = UserFactory()
    issued = api_token_create(user=user, name="ERP")
    # Read by a request while the revocation was under way...
    read_before = ApiToken.objects.select_related("user").get(pk=issued.token.pk)
    api_token_revoke(token=issued.token, by=user)
    # ...and kept after it.
    now = timezone.now()
    token_cache.token_keep(read_before, until=now + timedelta(minutes=1), now=now)

    assert token_cache.token_cached(issued.token.key_digest) is None
    assert refused(issued.key)


def test_without_a_shared_cache_nothing_is_kept(monkeypatch):
    monkeypatch.setattr(token_cache, "SHARED_BACKENDS", ())
    key = api_token_create(user=UserFactory(), name="ERP").key

    authenticate(key)

    assert token_cache.token_cached(token_digest(key)) is None
    assert authenticate_counting(key)[1] == 1


UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_while_the_cache_is_unreachable_tokens_are_read_from_the_database():
    user = UserFactory()
    issued = api_token_create(user=user, name="ERP")

    with override_settings(CACHES=UNREACHABLE_REDIS):
        assert authenticate(issued.key)[0] == user
        assert authenticate(issued.key)[0] == user
        api_token_revoke(token=issued.token, by=user)
        assert refused(issued.key)


def test_an_api_response_is_the_same_from_the_cache_with_one_query_less(world_token):
    _partner, key = world_token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    with CaptureQueriesContext(connection) as first_queries:
        first = client.get("/api/v1/projects/?page_size=10")
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get("/api/v1/projects/?page_size=10")

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    # The first request also noted the token's first use.
    assert len(second_queries) == len(first_queries) - 2


@pytest.fixture
def world_token():
    partner = PartnerUserFactory()
    ResearchProjectFactory()
    return partner, api_token_create(user=partner, name="ERP").key


def test_the_user_from_the_cache_is_a_user_as_read_from_the_database():
    user = PartnerUserFactory(language="zh-hans", full_name="王芳")
    key = cached_token(api_token_create(user=user, name="ERP").key)

    seen, _token = authenticate(key)
    stored = User.objects.get(pk=user.pk)

    for field in User._meta.concrete_fields:
        assert getattr(seen, field.attname) == getattr(stored, field.attname), field.name
    assert not seen._state.adding and seen._state.db == "default"
