from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken


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
