"""API tokens resolved from the cache instead of the database.

Every API request names its token; looking it up (token and user) is a
database round trip, most of the time for the same answer as a second ago.
The answer is kept in the shared cache under the token's digest (never the
key itself), as the stored columns of the token and of its user, for at most
``API_TOKEN_CACHE_SECONDS``. Only a usable token of an active user is kept.

A change that may end or alter a token's access puts a marker in the place
of the answer, at once and again when its transaction commits: until the
marker expires, requests with that token read the database and keep nothing
(``cache.add`` does not write over the marker), so a request that read the
database before the change committed cannot put the old answer back. The
changes: a token saved (revoked, edited) or deleted, its user saved
(deactivated, a new password, role, enterprise, superuser flag or anything
else) or deleted, and the bulk revocations of the services. The signals
below are how every ``save()`` and ``delete()`` reaches the cache, also
Django's own (the admin, the password views, management commands): this is
the cache following the rows it copies, not a business rule. A bulk
``update()`` of tokens or users sends no signal and must call
``tokens_forget`` or ``tokens_of_users_forget`` itself.

What is kept is what the token's user is made of, not what it may see:
institutions, joint centres, groups and permissions are read per request as
before, and so is the enterprise (only its id is kept). The password hash
is not kept; the rebuilt user reads it from the database if something asks.

The cache must be one that every web process shares (Redis): a cache per
process (``LocMemCache``) would be told of a revocation in one process only,
so without Redis tokens are always read from the database. While the cache
is unreachable, tokens are read from the database; a change made while it
is unreachable cannot mark the old answer, which then lasts at most
``API_TOKEN_CACHE_SECONDS`` once the cache is back.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from redis.exceptions import RedisError

from .models import ApiToken, User

logger = logging.getLogger(__name__)

# The backends every web process shares; tests add the local-memory cache,
# whose one process is the whole server.
SHARED_BACKENDS: tuple[type, ...] = (RedisCache,)

# In the place of an answer after a change: read the database, keep nothing.
CHANGED = "changed"

KEY_PREFIX = "accounts:api-token:"


def _columns(model, *, leave_out=()) -> tuple[str, ...]:
    return tuple(
        field.attname for field in model._meta.concrete_fields if field.name not in leave_out
    )


TOKEN_COLUMNS = _columns(ApiToken)
USER_COLUMNS = _columns(User, leave_out={"password"})


def _cache():
    if settings.API_TOKEN_CACHE_SECONDS <= 0:
        return None
    cache = caches[DEFAULT_CACHE_ALIAS]
    return cache if isinstance(cache, SHARED_BACKENDS) else None


def _key(digest: str) -> str:
    return KEY_PREFIX + digest


def token_cached(digest: str) -> ApiToken | None:
    """The token with this digest and its user, as kept by ``token_keep``;
    None when nothing usable is kept (then read the database)."""
    cache = _cache()
    if cache is None:
        return None
    try:
        kept = cache.get(_key(digest))
    except RedisError as error:
        logger.warning("API token read from the database: the cache is unreachable (%s)", error)
        return None
    return token_from_kept(kept)


def token_from_kept(kept) -> ApiToken | None:
    """The token and user of what the cache keeps under a token's key, as
    read by ``shared_cache().get(cache_key(digest))``; None for a marker,
    nothing, or something else."""
    # Kept by code whose models had other columns (a deployment under way):
    # not ours to rebuild.
    if not isinstance(kept, tuple) or kept[0] != TOKEN_COLUMNS or kept[2] != USER_COLUMNS:
        return None
    token = ApiToken.from_db(kept[4], TOKEN_COLUMNS, kept[1])
    token.user = User.from_db(kept[4], USER_COLUMNS, kept[3])
    return token


def shared_cache():
    """The cache that keeps tokens, or None when they are not kept."""
    return _cache()


def cache_key(digest: str) -> str:
    """The key (before the cache's prefix) under which a token is kept."""
    return _key(digest)


def token_keep(token: ApiToken, *, until: datetime, now: datetime) -> None:
    """Keep a token just read from the database, with its user, until
    ``until`` at the latest. Nothing is written over the marker of a change."""
    cache = _cache()
    if cache is None:
        return
    seconds = min(settings.API_TOKEN_CACHE_SECONDS, int((until - now).total_seconds()))
    if seconds < 1:
        return
    user = token.user
    kept = (
        TOKEN_COLUMNS,
        tuple(getattr(token, column) for column in TOKEN_COLUMNS),
        USER_COLUMNS,
        tuple(getattr(user, column) for column in USER_COLUMNS),
        token._state.db,
    )
    try:
        cache.add(_key(token.key_digest), kept, timeout=seconds)
    except RedisError as error:
        logger.warning("API token not kept: the cache is unreachable (%s)", error)


def _mark_changed(keys: list[str]) -> None:
    cache = _cache()
    if cache is None:
        return
    try:
        cache.set_many(dict.fromkeys(keys, CHANGED), timeout=settings.API_TOKEN_CACHE_SECONDS)
    except RedisError as error:
        logger.error(
            "API tokens changed but the cache is unreachable: what it keeps of them may "
            "last up to %s seconds (%s)",
            settings.API_TOKEN_CACHE_SECONDS,
            error,
        )


def tokens_forget(digests) -> None:
    """The tokens with these digests (or their users) have changed: what the
    cache keeps of them is no longer used, from now on and again after the
    commit, when a request may have read the rows as they were."""
    if _cache() is None:
        return
    keys = [_key(digest) for digest in digests]
    if not keys:
        return
    _mark_changed(keys)
    transaction.on_commit(lambda: _mark_changed(keys))


def tokens_in_forget(tokens) -> None:
    """``tokens_forget`` for the tokens of a queryset."""
    if _cache() is None:
        return
    tokens_forget(tokens.values_list("key_digest", flat=True))


def tokens_of_users_forget(user_ids) -> None:
    """Forget every token of these users (after a change to the users)."""
    tokens_in_forget(ApiToken.objects.filter(user_id__in=user_ids))


def _token_changed(sender, instance, created=False, **kwargs):
    # A new token's digest is new: nothing is kept under it.
    if not created:
        tokens_forget([instance.key_digest])


def _user_changed(sender, instance, created=False, **kwargs):
    # A new user has no tokens yet.
    if not created:
        tokens_of_users_forget([instance.pk])


post_save.connect(_token_changed, sender=ApiToken, dispatch_uid="accounts.token_cache.saved")
post_delete.connect(_token_changed, sender=ApiToken, dispatch_uid="accounts.token_cache.deleted")
post_save.connect(_user_changed, sender=User, dispatch_uid="accounts.token_cache.user_saved")
