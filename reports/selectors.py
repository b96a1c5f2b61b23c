"""Scoping selectors of the annual reports: staff report on the
institutions they work for, superusers on any; nobody else on any."""

from django.db.models import QuerySet

from accounts.selectors import has_full_access, is_centre_staff_user
from distributions.selectors import distributing_institutions_for
from partnerships.models import Institution

from .models import AnnualReportInput, StaffMobility, TransferEntity


def report_institutions_visible_to(user) -> QuerySet[Institution]:
    """The institutions whose reports the user produces: the same as those
    whose income they distribute."""
    return distributing_institutions_for(user)


def may_see_reports(user) -> bool:
    return has_full_access(user) or is_centre_staff_user(user)


def report_inputs_visible_to(user) -> QuerySet[AnnualReportInput]:
    return AnnualReportInput.objects.filter(
        institution__in=report_institutions_visible_to(user).values("id")
    )


def staff_mobility_visible_to(user) -> QuerySet[StaffMobility]:
    return StaffMobility.objects.filter(
        institution__in=report_institutions_visible_to(user).values("id")
    )


def transfer_entities_visible_to(user) -> QuerySet[TransferEntity]:
    return TransferEntity.objects.filter(
        institution__in=report_institutions_visible_to(user).values("id")
    )
