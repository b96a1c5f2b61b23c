import logging
import secrets

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache import cache as default_cache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

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


class UserOrTokenRateThrottle(SimpleRateThrottle):
    """Limits each API token on its own, each signed-in user (browser
    session) on its own, and anonymous clients per address."""

    scope = "user"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
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
        self.now = self.timer()
        # A key of its own: DRF's pickled list under the plain key is
        # another type of value.
        cache = self._cache()
        key = cache.make_and_validate_key(f"{self.key}:moments")
        client = cache._cache.get_client(key, write=True)
        allowed, count, oldest = client.eval(
            SLIDING_WINDOW,
            1,
            key,
            repr(self.now),
            self.duration,
            self.num_requests,
            f"{self.now!r}:{secrets.token_hex(4)}",
        )
        if allowed:
            return True
        # Only a refusal reads the history (``wait``, for Retry-After).
        self.history = [self.now] * (int(count) - 1) + [float(oldest)]
        return False
