"""Writes to accounts: API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from .models import ApiToken, User

TOKEN_PREFIX = "bb_"


class TokenError(DomainError):
    code = "invalid_token_request"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # Shown once; never stored.


def token_digest(key: str) -> str:
    # Keys carry 256 random bits, so a fast hash suffices: there is nothing
    # to brute-force that a slow hash would protect.
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_at: datetime | None = None) -> IssuedToken:
    """Issue a token for ``user``. The returned key is the only copy."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("Name the token after what will use it."), field="name")
    if not user.is_active:
        raise TokenError(_("An inactive user cannot have tokens."), field="user")
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError(_("The expiry lies in the past."), field="expires_at")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:10],
        key_digest=token_digest(key),
        expires_at=expires_at,
    )
    return IssuedToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token at once. Users revoke their own; superusers any."""
    if token.user_id != by.pk and not by.is_superuser:
        raise TokenError(_("Token not found."), code="not_found")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of a user, e.g. when the user is removed."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
