"""Who a user acts for. The scoping selectors of every app build on these."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Q

from .choices import Role
from .models import User


def has_full_access(user) -> bool:
    """Superusers see everything."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_partner_user(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.PARTNER
        and user.enterprise_id is not None
    )


def is_centre_staff_user(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.CENTRE_STAFF)


def is_researcher_user(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.RESEARCHER)


def is_awaiting_role_user(user) -> bool:
    """Signed up by single sign-on, with no role granted yet."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.AWAITING)


def staff_institution_ids(user):
    """The institutions a staff member works for, as a subquery."""
    return user.institutions.values("id")


def staff_centre_filter(user, prefix: str = "") -> Q:
    """Joint centres a staff member works for directly or that one of its
    institutions hosts, as a filter on ``prefix`` (a path to a JointCentre)."""
    return Q(**{f"{prefix}staff_users": user}) | Q(
        **{f"{prefix}parties__institution__in": staff_institution_ids(user)}
    )


def is_staff_side_user(user) -> bool:
    """Research-centre staff and superusers: those who work in the staff
    UI's lists and act on them in bulk."""
    return has_full_access(user) or is_centre_staff_user(user)


def colleagues_of(user):
    """The active research-centre staff of the institutions ``user`` works
    for (every one of them for a superuser): whom a project may be handed
    to."""
    staff = User.objects.filter(role=Role.CENTRE_STAFF, is_active=True)
    if not has_full_access(user):
        if not is_centre_staff_user(user):
            return User.objects.none()
        staff = staff.filter(institutions__in=staff_institution_ids(user)).distinct()
    return staff.order_by("full_name", "email")


def team_members_visible_to(user):
    """The partner users of the user's enterprise, the user included; nobody
    for anyone else. The team page and the team's services read only
    these, so another enterprise's user answers 404."""
    if not is_partner_user(user):
        return User.objects.none()
    return User.objects.filter(role=Role.PARTNER, enterprise_id=user.enterprise_id).order_by(
        "-is_active", "full_name", "email"
    )


def may_manage_team(user) -> bool:
    """Partner admins invite and remove their enterprise's partner users."""
    return is_partner_user(user) and user.is_partner_admin


def may_invite_enterprise_users(user) -> bool:
    """Research-centre staff (and superusers) give an enterprise its partner
    admin, e.g. its first portal user."""
    return has_full_access(user) or is_centre_staff_user(user)


def may_invite_researchers(user) -> bool:
    """Research-centre staff (and superusers) give researchers a sign-in."""
    return has_full_access(user) or is_centre_staff_user(user)


def password_reset_recipients(email: str | None):
    """The accounts a password-reset link may be sent to: active, with a
    password of their own. An invitee who has not accepted yet has neither
    and uses the invitation link."""
    users = (
        User.objects.filter(is_active=True)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .exclude(password="")
    )
    if email is not None:
        users = users.filter(email__iexact=email)
    return users
