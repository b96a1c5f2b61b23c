"""Scoping selectors of the annual reports: staff report on the
institutions they work for, superusers on any; nobody else on any."""

from django.db.models import QuerySet

from accounts.selectors import has_full_access, is_centre_staff_user, staff_institution_ids
from partnerships.models import Institution

from .models import AnnualReportInput, StaffMobility, TransferEntity


def report_institutions_visible_to(user) -> QuerySet[Institution]:
    institutions = Institution.objects.order_by("name")
    if has_full_access(user):
        return institutions
    if is_centre_staff_user(user):
        return institutions.filter(id__in=staff_institution_ids(user))
    return institutions.none()


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
