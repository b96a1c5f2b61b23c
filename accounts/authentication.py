"""``Authorization: Token <key>`` for integrations."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .api.throttling import token_cached_and_counted
from .models import ApiToken
from .services import token_digest
from .token_cache import token_keep

# Writing last_used_at on every request would turn each read into a write;
# once a minute is precise enough to spot unused tokens.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the header as: Authorization: Token <key>.")
            )
        try:
            key = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("The token is malformed.")) from error
        digest = token_digest(key)
        now = timezone.now()
        token = self.token_cached(request, digest)
        from_database = token is None
        if from_database:
            token = (
                ApiToken.objects.select_related("user", "user__enterprise")
                .filter(key_digest=digest)
                .first()
            )
        # A user awaiting a role reaches nothing of BioBridge, by any door.
        if (
            token is None
            or not token.is_usable(now)
            or not token.user.is_active
            or token.user.is_awaiting_role
        ):
            raise exceptions.AuthenticationFailed(_("The token is invalid, expired or revoked."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        if from_database:
            # Kept until its use is due to be noted again.
            token_keep(token, until=token.last_used_at + LAST_USED_RESOLUTION, now=now)
        return token.user, token

    def token_cached(self, request, digest):
        """The token as the cache keeps it, if it does; with Redis, read in
        the same round trip as the request's place in the throttle's window
        (``throttling.token_cached_and_counted``)."""
        return token_cached_and_counted(request, digest)

    def authenticate_header(self, request):
        return self.keyword
