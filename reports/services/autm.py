"""The AUTM Licensing Activity Survey for one institution and one fiscal
year (named by the year it ends in; the institution's
``fiscal_year_start_month`` says when it starts). Each figure's definition
key maps to the survey's question number through the table of the survey
year (``reports/data/autm_fy*.json``): the numbering changed between
editions, so it is data, not code. docs/annual-reports.md states each
definition.

Licences count by their signing date, income by the day it was received,
in the report's currency (records in another currency are left out, and
the report says how many)."""

import json
from functools import cache
from pathlib import Path

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from achievements.choices import CHILD_KINDS, PHASE_KINDS, IpCostKind
from achievements.models import PatentApplication
from distributions.choices import LineState, RecipientKind, RunState
from distributions.models import DistributionLine, EquityHolding, EquityRealisation
from partnerships.choices import LICENSEE_SIZE_OF_ENTERPRISE, AgreementKind, Exclusivity
from partnerships.models import Enterprise
from projects.choices import FixedPaymentKind, ProjectStatus, RoyaltyReportKind
from projects.models import StageTransition
from reports.choices import ReportKind
from reports.computations.periods import fiscal_year, licensee_class
from reports.models import AnnualReportInput

from . import records
from .figures import MONEY, NUMBER, AnnualReport, Figure

DATA = Path(__file__).resolve().parent.parent / "data"
LICENCE_KINDS = (AgreementKind.LICENCE, AgreementKind.OPTION)
# Licence income: what licences, options and assignments bring in.
INCOME_KINDS = (AgreementKind.LICENCE, AgreementKind.OPTION, AgreementKind.ASSIGNMENT)
EXCLUSIVE = (Exclusivity.EXCLUSIVE, Exclusivity.SOLE)
LEGAL_FEE_KINDS = (IpCostKind.OFFICIAL_FEE, IpCostKind.COUNSEL, IpCostKind.LEGAL)


@cache
def survey_tables() -> dict[int, dict]:
    """The question tables on file, by survey year."""
    tables = {}
    for path in sorted(DATA.glob("autm_fy*.json")):
        table = json.loads(path.read_text(encoding="utf-8"))
        table["file"] = path.name
        tables[int(table["survey_year"])] = table
    return tables


def survey_table(fiscal_year_: int) -> dict:
    """The table of the latest survey edition not after ``fiscal_year_``
    (the earliest edition for a year before them all)."""
    tables = survey_tables()
    years = [year for year in tables if year <= fiscal_year_] or [min(tables)]
    return tables[max(years)]


def default_currency(institution) -> str:
    return "USD" if str(institution.country) == "US" else "CNY"


def autm_report(institution, fiscal_year_: int, *, currency: str | None = None) -> AnnualReport:
    """Every figure of the survey of ``institution`` for fiscal year
    ``fiscal_year_``, each with the records it counts and its question
    number in that year's survey."""
    currency = currency or default_currency(institution)
    period = fiscal_year(fiscal_year_, institution.fiscal_year_start_month)
    table = survey_table(fiscal_year_)
    inputs = AnnualReportInput.objects.filter(
        institution=institution, report=ReportKind.AUTM, year=fiscal_year_
    ).first()
    figures: list[Figure] = []
    notes: list[str] = []

    def add(key, section, label, value, unit="count", records_=None, money=False):
        figures.append(
            Figure(
                key,
                section,
                label,
                value,
                MONEY if money else unit,
                currency if money else "",
                records_,
                table["questions"].get(key),
            )
        )

    # Research expenditure and staff: stated by the office.
    section = "autm.research"
    expenditure = [
        (
            "autm.research_expenditure.total",
            _("Total research expenditure"),
            "research_expenditure_total",
        ),
        (
            "autm.research_expenditure.federal",
            _("Government-funded research expenditure"),
            "research_expenditure_government",
        ),
        (
            "autm.research_expenditure.industry",
            _("Industry-sponsored research expenditure"),
            "research_expenditure_industry",
        ),
        (
            "autm.research_expenditure.other",
            _("Research expenditure from other sources"),
            "research_expenditure_other",
        ),
    ]
    for key, label, attribute in expenditure:
        add(key, section, label, getattr(inputs, attribute) if inputs else None, money=True)
    add(
        "autm.staff.licensing_ftes",
        section,
        _("Licensing staff (FTE)"),
        inputs.licensing_ftes if inputs else None,
        NUMBER,
    )
    add(
        "autm.staff.other_ftes",
        section,
        _("Other office staff (FTE)"),
        inputs.other_staff_ftes if inputs else None,
        NUMBER,
    )

    # Licences and options executed in the year.
    section = "autm.licences"
    agreements = records.agreements_of(institution)
    executed = records.signed_in(agreements.filter(kind__in=LICENCE_KINDS), period)
    licences = executed.filter(kind=AgreementKind.LICENCE)
    options = executed.filter(kind=AgreementKind.OPTION)
    add(
        "autm.licences_executed",
        section,
        _("Licences executed"),
        licences.count(),
        records_=licences,
    )
    add("autm.options_executed", section, _("Options executed"), options.count(), records_=options)
    add(
        "autm.licences_options_executed",
        section,
        _("Licences and options executed"),
        executed.count(),
        records_=executed,
    )
    exclusive = licences.filter(exclusivity__in=EXCLUSIVE)
    non_exclusive = licences.filter(exclusivity=Exclusivity.NON_EXCLUSIVE)
    add(
        "autm.licences.exclusive",
        section,
        _("Exclusive licences"),
        exclusive.count(),
        records_=exclusive,
    )
    add(
        "autm.licences.non_exclusive",
        section,
        _("Non-exclusive licences"),
        non_exclusive.count(),
        records_=non_exclusive,
    )
    classes: dict[str, list[int]] = {"startup": [], "small": [], "large": []}
    for agreement in executed:
        enterprise = agreement.partnership.enterprise
        classes[
            licensee_class(
                formed_for_licence=agreement.licensee_formed_for_licence,
                founded_on=enterprise.founded_on,
                period=period,
                employees=agreement.licensee_employees,
                size=agreement.licensee_size or _size_of(enterprise),
            )
        ].append(agreement.id)
    for key, label in (
        ("startup", _("Licences and options to start-ups")),
        ("small", _("Licences and options to small companies")),
        ("large", _("Licences and options to large companies")),
    ):
        rows = executed.filter(id__in=classes[key])
        add(f"autm.licences_options.{key}", section, label, rows.count(), records_=rows)
    with_equity = executed.filter(
        Exists(EquityHolding.objects.filter(agreement=OuterRef("pk"), institution=institution))
    )
    add(
        "autm.licences_with_equity",
        section,
        _("Licences and options with equity"),
        with_equity.count(),
        records_=with_equity,
    )
    active = (
        agreements.filter(kind__in=LICENCE_KINDS)
        .filter(
            Q(effective_on__lte=period.end)
            | Q(effective_on__isnull=True, signed_on__lte=period.end)
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=period.end))
        .filter(Q(status="signed") | Q(status="terminated", terminated_on__gt=period.end))
    )
    add(
        "autm.licences_active",
        section,
        _("Active licences and options at year end"),
        active.count(),
        records_=active,
    )

    # Licence income received.
    section = "autm.income"
    income_agreements = agreements.filter(kind__in=INCOME_KINDS)
    received = records.received_in(records.receipts_under(income_agreements), period, currency)
    notes += _other_currency_notes(records.receipts_under(income_agreements), period, currency)
    royalties = received.filter(invoice__royalty_report__kind=RoyaltyReportKind.SALES)
    reimbursements = received.filter(invoice__fixed_payment__kind=FixedPaymentKind.PATENT_COSTS)
    other = received.exclude(id__in=royalties.values("id")).exclude(
        id__in=reimbursements.values("id")
    )
    cashed = EquityRealisation.objects.filter(
        holding__institution=institution,
        holding__agreement__isnull=False,
        realised_on__range=(period.start, period.end),
        currency=currency,
    ).select_related("holding__company")
    royalty_total = records.total(royalties)
    cashed_total = records.total(cashed, "proceeds")
    other_total = records.total(other)
    add(
        "autm.income.running_royalties",
        section,
        _("Running royalties"),
        royalty_total,
        records_=royalties,
        money=True,
    )
    add(
        "autm.income.cashed_in_equity",
        section,
        _("Cashed-in equity"),
        cashed_total,
        records_=cashed,
        money=True,
    )
    add(
        "autm.income.other",
        section,
        _("All other licence income"),
        other_total,
        records_=other,
        money=True,
    )
    add(
        "autm.income.total",
        section,
        _("Total licence income received"),
        royalty_total + cashed_total + other_total,
        money=True,
    )
    paid_out = DistributionLine.objects.filter(
        run__institution=institution,
        run__state=RunState.APPROVED,
        kind=RecipientKind.CO_OWNER,
        state=LineState.PAID,
        settled_on__range=(period.start, period.end),
        currency=currency,
    )
    add(
        "autm.income.paid_to_others",
        section,
        _("Licence income paid to co-owners"),
        records.total(paid_out),
        records_=paid_out,
        money=True,
    )

    # Legal fees.
    section = "autm.legal"
    fees = records.ip_costs_of(institution).filter(
        kind__in=LEGAL_FEE_KINDS,
        incurred_on__range=(period.start, period.end),
        currency=currency,
    )
    reimbursed = records.received_in(records.receipts_under(agreements), period, currency).filter(
        invoice__fixed_payment__kind=FixedPaymentKind.PATENT_COSTS
    )
    add(
        "autm.legal_fees.expended",
        section,
        _("Legal fees expended"),
        records.total(fees),
        records_=fees,
        money=True,
    )
    add(
        "autm.legal_fees.reimbursed",
        section,
        _("Legal fees reimbursed"),
        records.total(reimbursed),
        records_=reimbursed,
        money=True,
    )

    # Disclosures and patents.
    section = "autm.patents"
    disclosures = records.achievements_of(institution).filter(
        disclosed_on__range=(period.start, period.end)
    )
    add(
        "autm.disclosures",
        section,
        _("Invention disclosures received"),
        disclosures.count(),
        records_=disclosures,
    )
    applications = records.applications_of(institution)
    filed = applications.filter(filed_on__range=(period.start, period.end))
    earlier = PatentApplication.objects.filter(
        family=OuterRef("family"), filed_on__lt=OuterRef("filed_on")
    )
    first_filings = (
        filed.filter(parent__isnull=True)
        .exclude(kind__in=[*PHASE_KINDS, *CHILD_KINDS])
        .exclude(Exists(earlier))
    )
    us_filed = filed.filter(jurisdiction="US")
    add(
        "autm.patents.new_applications",
        section,
        _("New patent applications (first filings)"),
        first_filings.count(),
        records_=first_filings,
    )
    add(
        "autm.patents.applications",
        section,
        _("Patent applications filed"),
        filed.count(),
        records_=filed,
    )
    add(
        "autm.patents.us_applications",
        section,
        _("US patent applications filed"),
        us_filed.count(),
        records_=us_filed,
    )
    add(
        "autm.patents.non_us_applications",
        section,
        _("Non-US patent applications filed"),
        filed.count() - us_filed.count(),
        records_=filed.exclude(jurisdiction="US"),
    )
    issued = applications.filter(granted_on__range=(period.start, period.end))
    us_issued = issued.filter(jurisdiction="US")
    add(
        "autm.patents.us_issued",
        section,
        _("US patents issued"),
        us_issued.count(),
        records_=us_issued,
    )
    add("autm.patents.issued", section, _("Patents issued"), issued.count(), records_=issued)

    # Start-ups.
    section = "autm.startups"
    startups = Enterprise.objects.filter(
        partnerships__agreements__in=agreements.filter(
            kind__in=LICENCE_KINDS, licensee_formed_for_licence=True
        ).values("id")
    ).distinct()
    formed = startups.filter(founded_on__range=(period.start, period.end))
    home = (
        formed.filter(region__iexact=institution.region) if institution.region else formed.none()
    )
    operational = startups.filter(founded_on__lte=period.end).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=period.end)
    )
    add("autm.startups.formed", section, _("Start-ups formed"), formed.count(), records_=formed)
    add(
        "autm.startups.formed_in_home_region",
        section,
        _("Start-ups formed in the home state or province"),
        home.count(),
        records_=home,
    )
    add(
        "autm.startups.operational",
        section,
        _("Operational start-ups at year end"),
        operational.count(),
        records_=operational,
    )

    # New products: projects under the institution's licences reaching the
    # market (their last stage) in the year.
    section = "autm.products"
    launches = StageTransition.objects.filter(
        to_status=ProjectStatus.PRODUCTIZED,
        decided_at__date__range=(period.start, period.end),
        project__agreement__in=income_agreements.values("id"),
    ).select_related("project")
    add(
        "autm.new_products",
        section,
        _("New products introduced"),
        launches.values("project").distinct().count(),
        records_=launches,
    )

    return AnnualReport(
        kind=ReportKind.AUTM,
        institution=institution,
        year=fiscal_year_,
        period=period,
        currency=currency,
        figures=figures,
        inputs=inputs,
        survey_table=table["file"],
        notes=notes,
    )


def _size_of(enterprise) -> str:
    return LICENSEE_SIZE_OF_ENTERPRISE.get(enterprise.size, "")


def _other_currency_notes(payments, period, currency) -> list[str]:
    other = (
        payments.filter(paid_on__range=(period.start, period.end))
        .exclude(currency=currency)
        .values("currency")
        .annotate(n=Count("id"))
    )
    return [
        str(_("%(count)s receipts in %(currency)s are not in the totals."))
        % {"count": row["n"], "currency": row["currency"]}
        for row in other
    ]
