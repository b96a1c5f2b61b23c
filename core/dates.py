"""The range each date of the business may take, in one place.

A date far outside the life of a partnership is a typing slip or a crafted
request, never a fact: an invoice of the year 1 would take a number of that
year for good, and a date near 9999-12-31 overflows the first day added to
it. The services check every date they write against its bounds here, so the
staff UI, the portal, the API and an import all refuse the same dates with
the same message (docs/lifecycle.md lists them).
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.errors import DomainError

# No partnership the centre runs, nor any record it keeps, starts earlier.
EARLIEST_BUSINESS_DATE = date(1990, 1, 1)


class DateOutOfRange(DomainError):
    code = "date_out_of_range"


@dataclass(frozen=True)
class DateBounds:
    """From ``EARLIEST_BUSINESS_DATE`` to ``years_ahead`` years after today
    (today itself when ``years_ahead`` is 0)."""

    years_ahead: int

    def latest(self, today: date) -> date:
        try:
            return today.replace(year=today.year + self.years_ahead)
        except ValueError:
            # 29 February of a year whose counterpart has none.
            return today.replace(year=today.year + self.years_ahead, day=28)


# What has happened: a payment received, a cost incurred, a sales period
# reported. Not after today.
PAST = DateBounds(years_ahead=0)
# An invoice may be prepared ahead of its date, not years ahead.
INVOICE = DateBounds(years_ahead=1)
# Plans and facts of a partnership's life: a project's start, a signature,
# an agreement taking effect, a payment falling due, a centre founded.
BUSINESS = DateBounds(years_ahead=10)
# The end of a term: licences and partnerships run for decades (a patent's
# twenty years and its extensions).
TERM_END = DateBounds(years_ahead=50)


def date_check(value, *, field: str, bounds: DateBounds, today: date | None = None) -> None:
    """Refuse ``value`` for ``field`` unless it lies within ``bounds``;
    nothing (an optional date left empty) passes."""
    if value is None:
        return
    if not isinstance(value, date):
        raise DateOutOfRange(_("Enter a valid date."), code="invalid_date", field=field)
    today = today or timezone.localdate()
    latest = bounds.latest(today)
    if value < EARLIEST_BUSINESS_DATE or value > latest:
        raise DateOutOfRange(
            _("Enter a date from %(earliest)s to %(latest)s.")
            % {
                "earliest": date_format(EARLIEST_BUSINESS_DATE, "SHORT_DATE_FORMAT"),
                "latest": date_format(latest, "SHORT_DATE_FORMAT"),
            },
            field=field,
        )


def dates_check(values: dict, bounds_by_field: dict[str, DateBounds]) -> None:
    """``date_check`` for each field of ``bounds_by_field`` present in
    ``values`` (the changes an edit service received)."""
    for field, bounds in bounds_by_field.items():
        if field in values:
            date_check(values[field], field=field, bounds=bounds)
