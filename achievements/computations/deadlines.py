"""The patent docket's deadlines, computed from a family's facts.

Pure date arithmetic, no database: the service feeds it the family, its
applications and their office actions as plain values, with the last
annuity and maintenance fee already closed per application, and stores what
comes back (``achievements.services.docket``). The rules, their sources and
their edges are in ``docs/ip-docket.md``.

Months are calendar months that clamp to the month's last day: 31 August plus
30 months is the last day of February, 29 February plus 12 months is
28 February.
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

# The deadlines' kinds, as stored (``achievements.choices.DeadlineKind``).
PCT_FILING = "pct_filing"
NATIONAL_PHASE = "national_phase"
REGIONAL_PHASE = "regional_phase"
OFFICE_ACTION = "office_action"
ANNUITY = "annuity"
MAINTENANCE_FEE = "maintenance_fee"
EXPIRY = "expiry"

# Paris Convention priority year; PCT Art. 22 and 39 (30 months); EPC
# Rule 159 (31 months for the Euro-PCT regional phase).
PRIORITY_YEAR_MONTHS = 12
NATIONAL_PHASE_MONTHS = 30
EP_REGIONAL_PHASE_MONTHS = 31
# Late payment of an annuity or maintenance fee, with a surcharge: CN Patent
# Law Implementing Rules r. 98, EPC r. 51(2), 37 CFR 1.362(e).
GRACE_MONTHS = 6
# CN: the annuity of the year of grant is paid when the grant is registered,
# within two months of the notice (Implementing Rules r. 54).
CN_REGISTRATION_MONTHS = 2
# EPC r. 51(1): renewal fees from the third year, due on the last day of the
# month of the filing date's anniversary; after grant they are national fees.
EP_FIRST_RENEWAL_YEAR = 3
# 35 U.S.C. 41(b): 3.5, 7.5 and 11.5 years after grant.
US_MAINTENANCE_MONTHS = (42, 90, 138)
# Terms from the (effective) filing date, in years.
INVENTION_TERM_YEARS = 20
UTILITY_MODEL_TERM_YEARS = 10
CN_DESIGN_TERM_YEARS = 15  # CN Patent Law Art. 42, applications from 1 June 2021
OTHER_DESIGN_TERM_YEARS = 15  # US design patents: from grant (35 U.S.C. 173)

ANNUITY_JURISDICTIONS = frozenset({"CN", "EP"})
DEAD_STATUSES = frozenset({"refused", "abandoned", "lapsed", "expired"})
UTILITY_KINDS = frozenset(
    {"invention", "national_phase", "regional_phase", "continuation", "divisional"}
)


def add_months(start: date, months: int) -> date:
    """``start`` plus whole calendar months, on the same day of the month
    or the month's last day when it has no such day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class OfficeActionFacts:
    id: int
    received_on: date
    term_months: int
    responded_on: date | None = None


@dataclass(frozen=True)
class ApplicationFacts:
    id: int
    jurisdiction: str
    kind: str
    status: str
    filed_on: date | None = None
    granted_on: date | None = None
    parent_id: int | None = None
    # A term the office gives in place of the statutory one (an extension,
    # a supplementary protection certificate).
    expires_on: date | None = None
    office_actions: tuple[OfficeActionFacts, ...] = ()

    @property
    def is_alive(self) -> bool:
        return self.status not in DEAD_STATUSES


@dataclass(frozen=True)
class FamilyFacts:
    priority_date: date | None
    applications: tuple[ApplicationFacts, ...] = ()


@dataclass(frozen=True)
class Deadline:
    """One deadline as the rules give it. ``sequence`` tells apart the
    deadlines of one kind on one application (the annuity's year, the
    maintenance fee's number); ``done_on`` is set when the facts show it
    met (the PCT application filed, the response sent)."""

    kind: str
    due_on: date
    application_id: int | None = None
    office_action_id: int | None = None
    sequence: int = 0
    grace_until: date | None = None
    done_on: date | None = None

    @property
    def key(self) -> tuple:
        return (self.kind, self.application_id, self.office_action_id, self.sequence)


@dataclass(frozen=True)
class Closed:
    """The highest annuity year and maintenance-fee number already paid or
    waived on each application: the docket shows the next one only."""

    annuity: Mapping[int, int] = field(default_factory=dict)
    maintenance_fee: Mapping[int, int] = field(default_factory=dict)


def effective_filing_date(
    application: ApplicationFacts, by_id: Mapping[int, ApplicationFacts]
) -> date | None:
    """The date the term and the annuities run from: a national or regional
    phase runs from its PCT application's filing date, a divisional or a
    continuation from its parent's (each parent's, up the chain)."""
    seen = set()
    current = application
    while (
        current.kind in {"national_phase", "regional_phase", "continuation", "divisional"}
        and current.parent_id in by_id
        and current.parent_id not in seen
    ):
        seen.add(current.id)
        parent = by_id[current.parent_id]
        if parent.filed_on is None:
            break
        current = parent
    return current.filed_on


def family_deadlines(facts: FamilyFacts, closed: Closed | None = None) -> list[Deadline]:
    """Every deadline the family's facts call for now, in date order."""
    closed = closed or Closed()
    by_id = {application.id: application for application in facts.applications}
    deadlines: list[Deadline] = []
    deadlines.extend(_pct_filing(facts))
    for application in facts.applications:
        if not application.is_alive:
            continue
        deadlines.extend(_phase_entries(application, facts))
        deadlines.extend(_office_actions(application))
        filed_on = effective_filing_date(application, by_id)
        if filed_on is None:
            continue
        deadlines.extend(_annuity(application, filed_on, closed.annuity.get(application.id, 0)))
        deadlines.extend(
            _maintenance_fee(application, closed.maintenance_fee.get(application.id, 0))
        )
        deadlines.extend(_expiry(application, filed_on))
    return sorted(deadlines, key=lambda deadline: (deadline.due_on, deadline.key))


def _pct_filing(facts: FamilyFacts) -> Iterable[Deadline]:
    if facts.priority_date is None:
        return
    pct_filed = [
        application.filed_on
        for application in facts.applications
        if application.kind == "pct_international" and application.filed_on
    ]
    alive = any(application.is_alive for application in facts.applications)
    if not pct_filed and not alive:
        return
    yield Deadline(
        kind=PCT_FILING,
        due_on=add_months(facts.priority_date, PRIORITY_YEAR_MONTHS),
        done_on=min(pct_filed) if pct_filed else None,
    )


def _phase_entries(application: ApplicationFacts, facts: FamilyFacts) -> Iterable[Deadline]:
    if application.kind != "pct_international":
        return
    start = facts.priority_date or application.filed_on
    if start is None:
        return
    children = [
        child
        for child in facts.applications
        if child.parent_id == application.id and child.filed_on is not None
    ]
    national = [
        child.filed_on
        for child in children
        if child.kind == "national_phase" and child.jurisdiction != "EP"
    ]
    regional = [
        child.filed_on
        for child in children
        if child.kind == "regional_phase" or child.jurisdiction == "EP"
    ]
    yield Deadline(
        kind=NATIONAL_PHASE,
        due_on=add_months(start, NATIONAL_PHASE_MONTHS),
        application_id=application.id,
        done_on=min(national) if national else None,
    )
    yield Deadline(
        kind=REGIONAL_PHASE,
        due_on=add_months(start, EP_REGIONAL_PHASE_MONTHS),
        application_id=application.id,
        done_on=min(regional) if regional else None,
    )


def _office_actions(application: ApplicationFacts) -> Iterable[Deadline]:
    for action in application.office_actions:
        yield Deadline(
            kind=OFFICE_ACTION,
            due_on=add_months(action.received_on, action.term_months),
            application_id=application.id,
            office_action_id=action.id,
            done_on=action.responded_on,
        )


def _annuity(application: ApplicationFacts, filed_on: date, closed_year: int):
    """The next annuity (CN) or renewal fee (EP) not yet paid or waived."""
    if application.jurisdiction not in ANNUITY_JURISDICTIONS:
        return
    if application.kind in {"provisional", "pct_international"}:
        return
    expires_on = _expires_on(application, filed_on)
    if application.jurisdiction == "CN":
        if application.granted_on is None:
            return
        grant_year = _years_between(filed_on, application.granted_on) + 1
        year = max(grant_year, closed_year + 1)
        if year == grant_year:
            due_on = add_months(application.granted_on, CN_REGISTRATION_MONTHS)
        else:
            due_on = add_months(filed_on, 12 * (year - 1))
    else:
        if application.granted_on is not None:
            return
        year = max(EP_FIRST_RENEWAL_YEAR, closed_year + 1)
        due_on = end_of_month(add_months(filed_on, 12 * (year - 1)))
    if expires_on is not None and due_on >= expires_on:
        return
    yield Deadline(
        kind=ANNUITY,
        due_on=due_on,
        application_id=application.id,
        sequence=year,
        grace_until=add_months(due_on, GRACE_MONTHS),
    )


def _maintenance_fee(application: ApplicationFacts, closed_number: int):
    """The next US maintenance fee: utility patents only, three in all."""
    if application.jurisdiction != "US" or application.granted_on is None:
        return
    if application.kind not in UTILITY_KINDS:
        return
    number = closed_number + 1
    if number > len(US_MAINTENANCE_MONTHS):
        return
    due_on = add_months(application.granted_on, US_MAINTENANCE_MONTHS[number - 1])
    yield Deadline(
        kind=MAINTENANCE_FEE,
        due_on=due_on,
        application_id=application.id,
        sequence=number,
        grace_until=add_months(due_on, GRACE_MONTHS),
    )


def _expiry(application: ApplicationFacts, filed_on: date):
    expires_on = _expires_on(application, filed_on)
    if expires_on is None:
        return
    yield Deadline(kind=EXPIRY, due_on=expires_on, application_id=application.id)


def _expires_on(application: ApplicationFacts, filed_on: date) -> date | None:
    if application.expires_on is not None:
        return application.expires_on
    if application.kind in {"provisional", "pct_international"}:
        return None
    if application.kind == "utility_model":
        return add_months(filed_on, 12 * UTILITY_MODEL_TERM_YEARS)
    if application.kind == "design":
        if application.jurisdiction == "CN":
            return add_months(filed_on, 12 * CN_DESIGN_TERM_YEARS)
        if application.granted_on is None:
            return None
        return add_months(application.granted_on, 12 * OTHER_DESIGN_TERM_YEARS)
    return add_months(filed_on, 12 * INVENTION_TERM_YEARS)


def _years_between(start: date, end: date) -> int:
    """Whole years from ``start`` to ``end`` (an anniversary counts)."""
    years = end.year - start.year
    if add_months(start, 12 * years) > end:
        years -= 1
    return years


def family_expiry(facts: FamilyFacts) -> date | None:
    """The latest expiry among the family's living applications: when the
    last exclusivity it gives ends."""
    by_id = {application.id: application for application in facts.applications}
    expiries = []
    for application in facts.applications:
        if not application.is_alive:
            continue
        filed_on = effective_filing_date(application, by_id)
        if filed_on is None:
            continue
        expires_on = _expires_on(application, filed_on)
        if expires_on is not None:
            expiries.append(expires_on)
    return max(expiries, default=None)
