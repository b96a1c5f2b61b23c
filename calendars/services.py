"""Issuing and revoking a user's calendar feed, and finding a feed by the
secret in its address."""

import secrets

from django.db import transaction

from accounts.services import token_digest

from .models import CalendarFeed

FEED_TOKEN_PREFIX = "cal_"


@transaction.atomic
def calendar_feed_issue(*, user) -> str:
    """A new secret for the user's feed, replacing the old one (whose address
    stops working at once). Returns the secret: it is not stored."""
    token = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_digest": token_digest(token)}
    )
    return token


def calendar_feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def calendar_feed_owner(token: str):
    """The active user whose feed the secret opens, or None. The secret is
    looked up by its digest, so no comparison runs on the secret itself."""
    if not token.startswith(FEED_TOKEN_PREFIX) or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_digest=token_digest(token), user__is_active=True)
        .first()
    )
    return feed.user if feed else None
