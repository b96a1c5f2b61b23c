import logging

from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken

logger = logging.getLogger(__name__)


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
            return super().allow_request(request, view)
        except RedisError as error:
            logger.warning("Throttling skipped: the cache is unreachable (%s)", error)
            return True
