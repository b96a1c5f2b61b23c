"""One-time links that invite a colleague to the partner portal."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


def invitation_timeout_seconds() -> int:
    return int(getattr(settings, "INVITATION_TIMEOUT_DAYS", 7)) * 24 * 60 * 60


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """A token for the invitation link. Its own salt keeps it apart from
    password-reset tokens; it dies once the invitee sets a password (the
    password hash and last login change), when the invitation is sent again
    (``invited_at`` changes), when the colleague is removed, and after
    ``INVITATION_TIMEOUT_DAYS``."""

    key_salt = "accounts.tokens.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        invited_at = "" if user.invited_at is None else user.invited_at.replace(tzinfo=None)
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}{invited_at}"

    def check_token(self, user, token):
        # Django's own check reads PASSWORD_RESET_TIMEOUT; invitations
        # live longer than password-reset links.
        if not (user and token):
            return False
        try:
            timestamp_b36, _hash = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            expected = self._make_token_with_timestamp(user, timestamp, secret)
            if constant_time_compare(expected, token):
                break
        else:
            return False
        age = self._num_seconds(self._now()) - timestamp
        return age <= invitation_timeout_seconds()


invitation_token_generator = InvitationTokenGenerator()
