"""What the office states for a report: narrative sections, research
expenditure, staff."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import InvalidInput, PermissionDenied
from reports.models import AnnualReportInput
from reports.selectors import report_institutions_visible_to

INPUT_FIELDS = (
    "work_done",
    "lessons",
    "problems",
    "policy_implementation",
    "currency",
    "research_expenditure_government",
    "research_expenditure_industry",
    "research_expenditure_other",
    "licensing_ftes",
    "other_staff_ftes",
)


@transaction.atomic
def annual_report_input_save(*, institution, report: str, year: int, by, **values):
    """Record (or change) the office's inputs for one report of one year.
    Only staff of the institution may; every bad value is refused at once
    and nothing is saved."""
    if not report_institutions_visible_to(by).filter(pk=institution.pk).exists():
        raise PermissionDenied(_("Only the institution's staff may state its report inputs."))
    unknown = set(values) - set(INPUT_FIELDS)
    if unknown:
        raise InvalidInput(
            {field: [_("Not an input of the report.")] for field in sorted(unknown)}
        )
    # Lock the row: two staff members may save the same report at once.
    entry = (
        AnnualReportInput.objects.select_for_update()
        .filter(institution=institution, report=report, year=year)
        .first()
    ) or AnnualReportInput(institution=institution, report=report, year=year)
    for field, value in values.items():
        setattr(entry, field, value)
    try:
        entry.full_clean()
    except ValidationError as error:
        raise InvalidInput(error.message_dict, code="invalid") from error
    entry.save()
    return entry
