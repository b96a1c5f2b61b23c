"""Writes to accounts: API tokens, the enterprise's team in the portal,
single sign-on, and password resets."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from axes.utils import reset as axes_reset
from celery import current_app
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.errors import DomainError, PermissionDenied

from .choices import Role
from .models import ApiToken, User
from .selectors import (
    may_invite_enterprise_users,
    may_invite_researchers,
    may_manage_team,
    password_reset_recipients,
    team_members_visible_to,
)
from .token_cache import tokens_in_forget
from .tokens import invitation_token_generator

logger = logging.getLogger(__name__)

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
    if user.is_awaiting_role:
        raise TokenError(_("A user awaiting a role cannot have tokens."), field="user")
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
    return api_tokens_revoke(tokens=ApiToken.objects.filter(user=user))


@transaction.atomic
def api_tokens_revoke(*, tokens) -> int:
    """Revoke the tokens of a queryset at once (those not revoked yet), e.g.
    those an admin selected. An ``update()`` tells the cache of tokens
    nothing, so they are forgotten there before the commit."""
    revoked = tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    tokens_in_forget(tokens)
    return revoked


# --- The enterprise's team in the partner portal ------------------------------------------


class TeamError(DomainError):
    code = "invalid_team_change"


def _require_team_admin(by) -> None:
    if not may_manage_team(by):
        raise PermissionDenied(
            _("Only a partner admin of your enterprise can change its team."),
            code="not_partner_admin",
        )


def _colleague_for_update(*, by, user) -> User:
    colleague = team_members_visible_to(by).select_for_update().filter(pk=user.pk).first()
    if colleague is None:
        raise TeamError(_("User not found."), code="not_found")
    return colleague


# Where each role accepts its invitation: partners in the portal,
# researchers on their own pages.
INVITATION_PAGES = {
    Role.PARTNER: "portal:invitation_accept",
    Role.RESEARCHER: "research:invitation_accept",
}


def invitation_url(user: User) -> str:
    path = reverse(
        INVITATION_PAGES[user.role],
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_token_generator.make_token(user),
        },
    )
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _send_invitation(*, user: User, by: User) -> None:
    """Email the one-time link once the invitation is committed. The text
    is written now, in the inviting admin's language."""
    context = {
        "user": user,
        "invited_by": by,
        "enterprise": user.enterprise,
        "url": invitation_url(user),
        "timeout_days": getattr(settings, "INVITATION_TIMEOUT_DAYS", 7),
    }
    subject = " ".join(render_to_string("portal/emails/invitation_subject.txt", context).split())
    body = render_to_string("portal/emails/invitation_body.txt", context)
    transaction.on_commit(
        lambda: send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[user.email]
        )
    )


def _invited_user(*, by: User, enterprise_id: int, email: str, full_name: str, is_partner_admin):
    """A new inactive partner user of the enterprise, without a usable
    password, who chooses one through the emailed link."""
    user = User(
        email=email,
        full_name=(full_name or "").strip()[:150],
        role=Role.PARTNER,
        enterprise_id=enterprise_id,
        is_partner_admin=bool(is_partner_admin),
        is_active=False,
        invited_at=timezone.now(),
    )
    user.set_unusable_password()
    user.save()
    _send_invitation(user=user, by=by)
    return user


def _invitation_email(email: str) -> str:
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise TeamError(_("Enter the colleague's email address."), field="email")
    return email


def _tell_existing_account(*, email: str, by: User) -> None:
    """Someone invited an address that already has an account: its owner
    hears of it (and whom to ask), the inviting admin learns nothing."""
    context = {"invited_by": by, "enterprise": by.enterprise}
    subject = " ".join(
        render_to_string("portal/emails/invitation_existing_subject.txt", context).split()
    )
    body = render_to_string("portal/emails/invitation_existing_body.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=[email])
    )


@transaction.atomic
def partner_user_invite(
    *, by: User, email: str, full_name: str = "", is_partner_admin: bool = False
) -> User | None:
    """Invite a colleague to the portal: an inactive partner user of the
    admin's enterprise, without a usable password, who chooses one through
    the link emailed to them.

    The admin gets the same answer whether or not the address already has a
    BioBridge account, so the form cannot be used to find out who has one:
    for a known address no one is added (None is returned) and the owner of
    the address is told by email instead."""
    _require_team_admin(by)
    email = _invitation_email(email)
    if User.objects.filter(email__iexact=email).exists():
        _tell_existing_account(email=email, by=by)
        return None
    return _invited_user(
        by=by,
        enterprise_id=by.enterprise_id,
        email=email,
        full_name=full_name,
        is_partner_admin=is_partner_admin,
    )


# --- Staff give an enterprise its portal users -------------------------------------------


def _require_centre_staff(by) -> None:
    if not may_invite_enterprise_users(by):
        raise PermissionDenied(
            _("Only research-centre staff invite an enterprise's partner admin."),
            code="permission_denied",
        )


@transaction.atomic
def enterprise_admin_invite(*, by: User, enterprise, email: str, full_name: str = "") -> User:
    """Research-centre staff invite a partner admin of ``enterprise`` (its
    first portal user, typically): the same one-time link a partner admin
    sends a colleague. Staff see the whole directory, so every enterprise
    is one they may see; the page asks the scoping selector first.

    Staff are told plainly when the address already has an account: they
    see the enterprises' portal accounts anyway."""
    _require_centre_staff(by)
    email = _invitation_email(email)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        raise TeamError(
            _("%(email)s already has a BioBridge account.") % {"email": email},
            code="email_taken",
            field="email",
        )
    return _invited_user(
        by=by,
        enterprise_id=enterprise.pk,
        email=email,
        full_name=full_name,
        is_partner_admin=True,
    )


@transaction.atomic
def enterprise_invitation_resend(*, by: User, user: User) -> User:
    """Staff send a pending invitation of an enterprise's user again, with a
    new link; the old link dies."""
    _require_centre_staff(by)
    invitee = (
        User.objects.select_for_update(of=("self",))
        .filter(pk=user.pk, role=Role.PARTNER)
        .select_related("enterprise")
        .first()
    )
    if invitee is None or not invitee.is_invitation_pending:
        raise TeamError(
            _("%(name)s has no pending invitation.") % {"name": invitee or user},
            code="not_invited",
        )
    invitee.invited_at = timezone.now()
    invitee.save(update_fields=["invited_at"])
    _send_invitation(user=invitee, by=by)
    return invitee


# --- Staff give a researcher a sign-in ---------------------------------------------------


def _send_researcher_invitation(*, user: User, by: User) -> None:
    """Email the researcher's one-time link once the invitation is
    committed, in the inviting staff member's language."""
    context = {
        "user": user,
        "invited_by": by,
        "url": invitation_url(user),
        "timeout_days": getattr(settings, "INVITATION_TIMEOUT_DAYS", 7),
    }
    subject = " ".join(render_to_string("research/emails/invitation_subject.txt", context).split())
    body = render_to_string("research/emails/invitation_body.txt", context)
    transaction.on_commit(
        lambda: send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[user.email]
        )
    )


def _require_researcher_inviter(by) -> None:
    if not may_invite_researchers(by):
        raise PermissionDenied(
            _("Only research-centre staff invite researchers."), code="permission_denied"
        )


@transaction.atomic
def researcher_invite(*, by: User, person, email: str = "") -> User:
    """Give a person of an institution a researcher's sign-in: an inactive
    researcher account linked to ``person`` (a ``partnerships.Person``),
    without a usable password, and the one-time link to choose one. They
    then disclose achievements and see those they are an inventor on.

    The address is the person's unless ``email`` gives another."""
    _require_researcher_inviter(by)
    if person.user_id is not None:
        raise TeamError(
            _("%(name)s has a BioBridge account already.") % {"name": person},
            code="has_account",
        )
    if person.institution_id is None:
        raise TeamError(
            _("Researchers work at an institution; invite an enterprise's people to the portal."),
            code="not_at_institution",
        )
    email = _invitation_email(email or person.email)
    if User.objects.filter(email__iexact=email).exists():
        raise TeamError(
            _("%(email)s already has a BioBridge account.") % {"email": email},
            code="email_taken",
            field="email",
        )
    user = User(
        email=email,
        full_name=(person.full_name or "").strip()[:150],
        role=Role.RESEARCHER,
        is_active=False,
        invited_at=timezone.now(),
    )
    user.set_unusable_password()
    user.save()
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    _send_researcher_invitation(user=user, by=by)
    return user


@transaction.atomic
def researcher_invitation_resend(*, by: User, user: User) -> User:
    """Send a researcher's pending invitation again, with a new link; the
    old link dies."""
    _require_researcher_inviter(by)
    invitee = User.objects.select_for_update().filter(pk=user.pk, role=Role.RESEARCHER).first()
    if invitee is None or not invitee.is_invitation_pending:
        raise TeamError(
            _("%(name)s has no pending invitation.") % {"name": invitee or user},
            code="not_invited",
        )
    invitee.invited_at = timezone.now()
    invitee.save(update_fields=["invited_at"])
    _send_researcher_invitation(user=invitee, by=by)
    return invitee


@transaction.atomic
def partner_invitation_resend(*, by: User, user: User) -> User:
    """Send a pending invitation again, with a new link; the old link dies."""
    _require_team_admin(by)
    colleague = _colleague_for_update(by=by, user=user)
    if not colleague.is_invitation_pending:
        raise TeamError(
            _("%(name)s has no pending invitation.") % {"name": colleague},
            code="not_invited",
        )
    colleague.invited_at = timezone.now()
    colleague.save(update_fields=["invited_at"])
    _send_invitation(user=colleague, by=by)
    return colleague


@transaction.atomic
def partner_user_remove(*, by: User, user: User) -> User:
    """Take a colleague off the portal at once: deactivated, API tokens
    revoked, signed out everywhere, a pending invitation cancelled."""
    _require_team_admin(by)
    if user.pk == by.pk:
        raise TeamError(_("You cannot remove yourself."), code="self_removal")
    colleague = _colleague_for_update(by=by, user=user)
    colleague.is_active = False
    colleague.is_partner_admin = False
    colleague.invited_at = None
    # A new password hash changes the session auth hash: Django drops the
    # colleague's sessions on their next request, and old invitation links
    # no longer match.
    colleague.set_unusable_password()
    colleague.save(update_fields=["is_active", "is_partner_admin", "invited_at", "password"])
    api_tokens_revoke_all(user=colleague)
    return colleague


def invitation_user(uidb64: str, token: str, *, role: str = Role.PARTNER) -> User | None:
    """The invited user of ``role`` a link names, if the link is still good."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, role=role).select_related("enterprise").first()
    if user is None or not user.is_invitation_pending:
        return None
    if not invitation_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def invitation_accept(*, user: User, token: str, password: str) -> User:
    """The invitee chose a password (already validated): the account is
    active and the link is spent."""
    user = User.objects.select_for_update().filter(pk=user.pk).first()
    if (
        user is None
        or not user.is_invitation_pending
        or not invitation_token_generator.check_token(user, token)
    ):
        raise TeamError(
            _("This invitation link is no longer valid. Ask your partner admin for a new one."),
            code="invitation_invalid",
        )
    user.set_password(password)
    user.is_active = True
    user.invited_at = None
    user.save(update_fields=["password", "is_active", "invited_at"])
    return user


def sign_in_username(request, credentials) -> str:
    """The account a sign-in attempt names, as the lockout counts it:
    ``Wang@Example.com`` and ``wang@example.com`` are the same account."""
    # django-axes files the account under the user model's USERNAME_FIELD
    # ("email"); a form names it "username".
    credentials = credentials or {}
    username = credentials.get("username") or credentials.get(User.USERNAME_FIELD) or ""
    if not username and request is not None:
        username = request.POST.get("username", "")
    return User.objects.normalize_email(username.strip()).lower()


def sign_in_address(request) -> str | None:
    """The address a sign-in attempt comes from, as the lockout counts it.

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies every request arrives from
    a proxy, so the client is the entry that the outermost trusted proxy
    appended to ``X-Forwarded-For``: that many entries from the right.
    Entries further left were written by the client and prove nothing."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")


# --- Single sign-on ----------------------------------------------------------------------


class SignInRefused(DomainError):
    code = "sign_in_refused"


def _claimed_email_verified(claims: dict) -> bool:
    """Whether the provider vouches for the address. A provider that does
    not send ``email_verified`` vouches for every address it gives (many
    institutional ones only give addresses they issued); one that sends it
    is taken at its word, as a boolean or as the string some send."""
    if "email_verified" not in claims:
        return True
    verified = claims["email_verified"]
    if isinstance(verified, str):
        return verified.strip().lower() == "true"
    return verified is True


def single_sign_on_user(*, claims: dict, allowed_domains) -> User:
    """The BioBridge user that an identity provider's verified claims sign
    in, or ``SignInRefused`` with what to tell them.

    The provider proves the email address, nothing more: the user is found
    by that address, whatever its case; a partner's account signs in with
    its password only, and an inactive one not at all. Someone new gets an
    account only for an address at one of ``allowed_domains``, and it has
    no role: staff or researcher access is granted in BioBridge by an
    administrator. No claim grants a role, staff or superuser status."""
    email = User.objects.normalize_email(str(claims.get("email") or "").strip()).lower()
    if not email or "@" not in email:
        raise SignInRefused(
            _(
                "Your identity provider did not give an email address, so BioBridge cannot "
                "tell who you are."
            ),
            code="no_email",
        )
    if not _claimed_email_verified(claims):
        raise SignInRefused(
            _(
                "Your identity provider has not verified your email address, so it cannot "
                "sign you in to BioBridge."
            ),
            code="email_not_verified",
        )
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if user.role == Role.PARTNER:
            raise SignInRefused(
                _("Enterprise partners sign in with their email address and password."),
                code="partner",
            )
        if not user.is_active:
            raise SignInRefused(
                _("Your BioBridge account is not active. Ask a BioBridge administrator."),
                code="inactive",
            )
        return user
    domain = email.rpartition("@")[2]
    if domain not in {allowed.lower() for allowed in allowed_domains}:
        raise SignInRefused(
            _(
                "%(email)s has no BioBridge account, and single sign-on does not create "
                "accounts for %(domain)s addresses. Ask a BioBridge administrator."
            )
            % {"email": email, "domain": domain},
            code="domain_not_allowed",
        )
    return _awaiting_user_create(email=email, claims=claims)


def _awaiting_user_create(*, email: str, claims: dict) -> User:
    user = User(
        email=email,
        full_name=str(claims.get("name") or "").strip()[:150],
        role=Role.AWAITING,
    )
    # They sign in by single sign-on and have no password.
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Their first sign-in in another tab created the account first.
        return User.objects.get(email__iexact=email)
    logger.info("Account %s created by single sign-on, awaiting a role", user.pk)
    return user


# --- Password reset ----------------------------------------------------------------------

PASSWORD_RESET_TASK = "accounts.tasks.send_password_reset_email"


def password_reset_request(*, email: str, address: str | None) -> None:
    """Someone asks for a reset link for ``email``: each active account with
    that address and a password gets one by email.

    Whoever asks learns nothing: the caller shows the same page whether an
    account exists or not, and the email is written and sent by a task, so
    with a broker the answer takes as long either way (tasks that run
    eagerly, without one, send it before answering). Requests count like
    failed sign-ins, whether the account exists or not: after
    ``AXES_FAILURE_LIMIT`` for one address from one client within the
    lockout's cool-off, further ones send nothing, which keeps the form from
    flooding someone's inbox."""
    email = sign_in_username(None, {"username": email})
    if not email or _password_reset_throttled(email=email, address=address):
        return
    for user in password_reset_recipients(email):
        transaction.on_commit(
            lambda pk=user.pk: current_app.tasks[PASSWORD_RESET_TASK].delay(pk), robust=True
        )


def _password_reset_throttled(*, email: str, address: str | None) -> bool:
    if not settings.AXES_ENABLED:
        return False
    digest = hashlib.sha256(f"{email}|{address}".encode()).hexdigest()
    key = f"accounts:password-reset:{digest}"
    cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds())
    cache.add(key, 0, timeout=cooloff)
    try:
        requests = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=cooloff)
        requests = 1
    if requests > settings.AXES_FAILURE_LIMIT:
        logger.warning("Password reset requests for one account throttled from %s", address)
        return True
    return False


def password_reset_url(user: User) -> str:
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def password_reset_email_send(*, user_id: int) -> bool:
    """Email a reset link to the user, in their language. The link comes
    from ``SITE_URL``, never from the request's Host header, which the
    asker controls."""
    user = password_reset_recipients(None).filter(pk=user_id).first()
    if user is None:
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "url": password_reset_url(user),
            "timeout_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        }
        subject = " ".join(
            render_to_string("registration/password_reset_subject.txt", context).split()
        )
        body = render_to_string("registration/password_reset_email.txt", context)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
    return True


def password_reset_complete(*, user: User) -> None:
    """The owner of the mailbox chose a new password: a lockout of the
    account ends, since whoever caused it does not know the new password.
    The new password hash already ends the account's other sessions and
    spends the link."""
    axes_reset(username=sign_in_username(None, {"username": user.email}))


# --- The user's language ------------------------------------------------------------------


class LanguageError(DomainError):
    code = "unknown_language"


def user_language_set(*, user: User, language: str) -> User:
    """Remember the language the user chose: their notices and emails are
    written in it, also when someone else's action or a nightly task sends
    them."""
    from django.utils.translation import get_supported_language_variant

    try:
        language = get_supported_language_variant(language or "")
    except LookupError:
        raise LanguageError(
            _("BioBridge does not speak %(language)s.") % {"language": language},
            field="language",
        ) from None
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
