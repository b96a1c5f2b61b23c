"""API tokens: random, stored hashed, expiring and revocable."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from accounts.authentication import ApiTokenAuthentication
from accounts.models import ApiToken
from accounts.services import (
    TokenError,
    api_token_create,
    api_token_revoke,
    api_tokens_revoke_all,
    token_digest,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def authenticate(key):
    request = APIRequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}")
    return ApiTokenAuthentication().authenticate(request)


def test_a_new_token_is_random_and_only_its_digest_is_stored():
    user = UserFactory()

    first = api_token_create(user=user, name="ERP")
    second = api_token_create(user=user, name="BI")

    assert first.key != second.key and len(first.key) > 40
    stored = ApiToken.objects.get(pk=first.token.pk)
    assert stored.key_digest == token_digest(first.key)
    assert first.key not in {stored.key_digest, stored.prefix}


def test_a_token_authenticates_as_its_user():
    user = UserFactory()
    issued = api_token_create(user=user, name="ERP")

    authenticated_user, token = authenticate(issued.key)

    assert authenticated_user == user and token == issued.token
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


@pytest.mark.parametrize("key", ["bb_not-a-real-key", ""])
def test_an_unknown_key_is_refused(key):
    from rest_framework.exceptions import AuthenticationFailed

    with pytest.raises(AuthenticationFailed):
        authenticate(key)


def test_a_revoked_token_is_refused_at_once():
    from rest_framework.exceptions import AuthenticationFailed

    user = UserFactory()
    issued = api_token_create(user=user, name="ERP")

    api_token_revoke(token=issued.token, by=user)

    with pytest.raises(AuthenticationFailed):
        authenticate(issued.key)


def test_an_expired_token_is_refused():
    from rest_framework.exceptions import AuthenticationFailed

    issued = api_token_create(
        user=UserFactory(), name="ERP", expires_at=timezone.now() + timedelta(seconds=1)
    )
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(AuthenticationFailed):
        authenticate(issued.key)


def test_an_inactive_users_token_is_refused():
    from rest_framework.exceptions import AuthenticationFailed

    user = UserFactory()
    issued = api_token_create(user=user, name="ERP")
    user.is_active = False
    user.save()

    with pytest.raises(AuthenticationFailed):
        authenticate(issued.key)


def test_a_user_cannot_revoke_someone_elses_token():
    issued = api_token_create(user=UserFactory(), name="ERP")

    with pytest.raises(TokenError):
        api_token_revoke(token=issued.token, by=UserFactory())


def test_removing_a_user_revokes_all_its_tokens():
    user = UserFactory()
    api_token_create(user=user, name="ERP")
    api_token_create(user=user, name="BI")

    assert api_tokens_revoke_all(user=user) == 2
    assert not any(token.is_usable() for token in user.api_tokens.all())


def test_the_command_prints_a_working_key(capsys):
    user = UserFactory(email="finance@example.com")

    call_command("create_api_token", "FINANCE@example.com", "--name", "ERP", "--days", "30")

    key = capsys.readouterr().out.strip()
    assert authenticate(key)[0] == user
    assert user.api_tokens.get().expires_at is not None
