"""The parameters that pick a report: an institution the user reports on
and a year. Shared by the API and the staff pages; bad values are coded
field errors."""

from django.http import Http404
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.money import Currency
from reports.selectors import report_institutions_visible_to

FIRST_YEAR = 1980
LAST_YEAR = 2100


def _integer(raw, field, errors):
    if raw in (None, ""):
        errors[field] = [_("This parameter is required.")]
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        errors[field] = [_("A whole number is required.")]
        return None


def report_params(user, query, *, year_field: str = "year") -> tuple:
    """(institution, year, currency) from ``query``; InvalidInput for
    missing or malformed values, Http404 for an institution the user does
    not report on."""
    errors: dict[str, list[str]] = {}
    institution_id = _integer(query.get("institution"), "institution", errors)
    year = _integer(query.get(year_field), year_field, errors)
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        errors[year_field] = [
            _("A year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        ]
    currency = query.get("currency") or None
    if currency is not None and currency not in Currency.values:
        errors["currency"] = [_("Not a currency BioBridge books.")]
    if errors:
        code = (
            "required"
            if any(query.get(field) in (None, "") for field in errors if field != "currency")
            else "invalid"
        )
        raise InvalidInput(errors, code=code)
    institution = report_institutions_visible_to(user).filter(pk=institution_id).first()
    if institution is None:
        raise Http404
    return institution, year, currency
