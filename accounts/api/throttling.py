import logging
import secrets

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache import cache as default_cache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from accounts import token_cache
from accounts.models import ApiToken

logger = logging.getLogger(__name__)

# The moments of the requests of the last ``duration`` seconds, as a sorted
# set, in one round trip: drop those that left the window, refuse when the
# window is full (answering how many there are and the oldest, for
# Retry-After), otherwise add this one. DRF's throttle reads the whole list
# of moments from the cache and writes it back, two round trips and a
# pickle that grows with the rate; and two requests at once may both pass
# the last free place, which the script, run atomically by Redis, rules out.
SLIDING_WINDOW = """
local key, now, duration, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
local count = redis.call('ZCARD', key)
if count >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return {0, count, oldest[2]}
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('EXPIRE', key, duration)
return {1, count + 1, '0'}
"""


# The token a request names, as the token cache keeps it, and, when it keeps
# one, the request's place in that token's window, in one round trip: the
# token's GET and the window's script would otherwise be two. Nothing kept,
# or the marker of a change (ARGV[5]), leaves the window alone: the token is
# then read from the database and the throttle counts on its own, as before.
TOKEN_AND_WINDOW = """
local kept = redis.call('GET', KEYS[1])
if not kept or kept == ARGV[5] then
    return {kept, -1, 0, '0'}
end
local key, now, duration, limit = KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
local count = redis.call('ZCARD', key)
if count >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return {kept, 0, count, oldest[2]}
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('EXPIRE', key, duration)
return {kept, 1, count + 1, '0'}
"""


def _run(client, script: str, *, keys: list, args: list):
    """Run a script by its digest (EVALSHA), sending its text only when
    Redis does not hold it yet (after a restart, say)."""
    return client.register_script(script)(keys=keys, args=args, client=client)


class Counted:
    """A request's place in its token's window, taken before the request
    was authenticated (``token_cached_and_counted``). The throttle uses it
    instead of counting again; a request refused before the throttle gives
    its place back (``give_back``), as if it had never been counted."""

    def __init__(self, client, key, now, member, allowed, count, oldest):
        self.client, self.key, self.now, self.member = client, key, now, member
        self.allowed, self.count, self.oldest = allowed, count, oldest
        self.used = False

    def give_back(self):
        if self.used or not self.allowed:
            return
        self.used = True
        try:
            self.client.zrem(self.key, self.member)
        except RedisError as error:
            logger.warning("A refused request's place in its window stays (%s)", error)


def token_cached_and_counted(request, digest: str) -> ApiToken | None:
    """``token_cache.token_cached(digest)``; with Redis, and when the view's
    one throttle is ``UserOrTokenRateThrottle``, the request also takes its
    place in the token's window in the same round trip, noted on the
    request for the throttle. A request refused before the throttle (by
    authentication or a permission) gives it back, through the API's error
    handler."""
    cache = token_cache.shared_cache()
    view = (getattr(request, "parser_context", None) or {}).get("view")
    throttles = view.get_throttles() if view is not None else ()
    if (
        not isinstance(cache, RedisCache)
        or len(throttles) != 1
        or type(throttles[0]) is not UserOrTokenRateThrottle
        or throttles[0].rate is None
        or throttles[0]._cache() is not cache
    ):
        return token_cache.token_cached(digest)
    throttle = throttles[0]
    kept_key = cache.make_and_validate_key(token_cache.cache_key(digest))
    window_key = throttle.window_key(throttle.token_ident(digest))
    now = throttle.timer()
    member = f"{now!r}:{secrets.token_hex(4)}"
    serializer = cache._cache._serializer
    try:
        client = cache._cache.get_client(kept_key, write=True)
        kept, allowed, count, oldest = _run(
            client,
            TOKEN_AND_WINDOW,
            keys=[kept_key, window_key],
            args=[
                repr(now),
                throttle.duration,
                throttle.num_requests,
                member,
                serializer.dumps(token_cache.CHANGED),
            ],
        )
    except RedisError as error:
        logger.warning("API token read from the database: the cache is unreachable (%s)", error)
        return None
    if allowed != -1:
        counted = Counted(client, window_key, now, member, allowed == 1, int(count), oldest)
        request.counted_in_window = counted
        request.give_back_on_refusal = [*getattr(request, "give_back_on_refusal", ()), counted]
    return token_cache.token_from_kept(None if kept is None else serializer.loads(kept))


class UserOrTokenRateThrottle(SimpleRateThrottle):
    """Limits each API token on its own, each signed-in user (browser
    session) on its own, and anonymous clients per address."""

    scope = "user"

    def token_ident(self, digest: str) -> str:
        # By digest, which a request names before it is authenticated.
        return f"token:{digest}"

    def window_key(self, ident: str) -> str:
        """The Redis key of the window of ``ident``."""
        # A key of its own: DRF's pickled list under the plain key is
        # another type of value.
        key = self.cache_format % {"scope": self.scope, "ident": ident}
        return self._cache().make_and_validate_key(f"{key}:moments")

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = self.token_ident(request.auth.key_digest)
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        # The counts live in the cache (Redis in production). While it is
        # down, let requests through: refusing every request would turn a
        # cache outage into an outage of the API.
        try:
            if isinstance(self._cache(), RedisCache) and self.rate is not None:
                return self._allow_in_redis(request, view)
            return super().allow_request(request, view)
        except RedisError as error:
            logger.warning("Throttling skipped: the cache is unreachable (%s)", error)
            return True

    def _cache(self):
        # DRF's default is Django's proxy to the default cache, not the
        # cache itself.
        return caches[DEFAULT_CACHE_ALIAS] if self.cache is default_cache else self.cache

    def _allow_in_redis(self, request, view) -> bool:
        """DRF's sliding window, kept in Redis by ``SLIDING_WINDOW``. Leaves
        ``history`` as long as the window and ending with its oldest moment,
        which is all ``wait`` reads of it, when it refuses."""
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        cache = self._cache()
        key = cache.make_and_validate_key(f"{self.key}:moments")
        counted = getattr(request, "counted_in_window", None)
        if counted is not None and counted.key == key and not counted.used:
            counted.used = True
            self.now = counted.now
            allowed, count, oldest = counted.allowed, counted.count, counted.oldest
        else:
            allowed, count, oldest = self._count(cache, key)
        if allowed:
            return True
        # Only a refusal reads the history (``wait``, for Retry-After).
        self.history = [self.now] * (int(count) - 1) + [float(oldest)]
        return False

    def _count(self, cache, key):
        self.now = self.timer()
        client = cache._cache.get_client(key, write=True)
        return _run(
            client,
            SLIDING_WINDOW,
            keys=[key],
            args=[
                repr(self.now),
                self.duration,
                self.num_requests,
                f"{self.now!r}:{secrets.token_hex(4)}",
            ],
        )
