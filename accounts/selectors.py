"""Who a user acts for. The scoping selectors of every app build on these."""

from django.db.models import Q

from .choices import Role


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


def staff_institution_ids(user):
    """The institutions a staff member works for, as a subquery."""
    return user.institutions.values("id")


def staff_centre_filter(user, prefix: str = "") -> Q:
    """Joint centres a staff member works for directly or that one of its
    institutions hosts, as a filter on ``prefix`` (a path to a JointCentre)."""
    return Q(**{f"{prefix}staff_users": user}) | Q(
        **{f"{prefix}parties__institution__in": staff_institution_ids(user)}
    )
