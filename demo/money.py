"""The demo's money side: ``seed_money()``, part of ``seed_demo()``.

It gives every agreement its terms and the demo projects their money:
milestones in every state, invoices, payments, royalty reports and cost
entries, as ``demo.money_specs`` describes them. It writes them through the
lifecycle services, acting as the people who would: staff claim, invoice and
record payments, the paying enterprise's partner users verify, dispute and
report sales. The services date what they do today; invoices and payments
carry the dates of the history they belong to. Money once written is left
alone, like a project's history.
"""

import calendar
import datetime
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.i18n import Message, Money
from core.money import quantize_money
from demo.money_specs import (
    COST_ENTRIES,
    MANUAL_MILESTONES,
    MILESTONE_PLANS,
    PAYER_BANKS,
    PRE_AGREEMENT_REASON,
    ROYALTY_PLANS,
    SETTLED_BEFORE,
    TERMINATED_REASON,
    TERMS,
    VERIFICATION_COMMENT,
    MilestonePlan,
    RoyaltyPlan,
    TermsSpec,
)
from demo.specs import (
    DEMO_AS_OF,
    DEMO_TIME_ZONE,
    PARTNER_A_EMAIL,
    PARTNER_B_EMAIL,
    PORTAL_CONTACTS,
    PROJECTS,
    STAFF_EMAIL,
)
from partnerships.choices import Party, RoyaltyReporting
from partnerships.computations.royalties import Tier
from partnerships.models import Agreement, Enterprise, FailureClause, MilestoneScheduleItem
from partnerships.services import CostShareInput, cost_shares_set, royalty_tiers_set
from pipelines.models import StageDefinition
from projects.activity import activity_record
from projects.choices import (
    MilestoneStatus,
    ProjectStatus,
    RoyaltyReportKind,
    RoyaltyReportStatus,
    TransitionKind,
    VatInvoiceKind,
    VatRate,
)
from projects.models import (
    Activity,
    CostEntry,
    Invoice,
    Milestone,
    Payment,
    ResearchProject,
    RoyaltyReport,
    StageTransition,
)
from projects.services import (
    agreement_fixed_payments_schedule,
    cost_entry_record,
    document_upload,
    fixed_payment_invoice,
    milestone_cancel,
    milestone_claim,
    milestone_dispute,
    milestone_invoice,
    milestone_verify,
    milestone_waive,
    milestones_create_from_schedule,
    open_money_kept,
    payment_record,
    royalty_report_accept,
    royalty_report_invoice,
    royalty_report_query,
    royalty_report_submit,
    royalty_year_true_up,
    vat_invoice_record,
)
from projects.services.royalties import SalesLine


@dataclass(frozen=True)
class MoneySummary:
    """What the demo's money side holds after seeding, and what this run
    added."""

    milestones: int
    milestones_created: int
    invoices: int
    payments: int
    royalty_reports: int
    cost_entries: int

    def __str__(self) -> str:
        return (
            f"{self.milestones} milestones ({self.milestones_created} new), "
            f"{self.invoices} invoices, {self.payments} payments, "
            f"{self.royalty_reports} royalty reports, {self.cost_entries} cost entries"
        )


@dataclass
class _Billing:
    """An invoice to issue and the payments to record on it. Invoices are
    issued in date order, so that numbers follow dates within a year."""

    issued_on: datetime.date | None  # None: today
    issue: Callable[[datetime.date | None], Invoice]
    payments: tuple[tuple[datetime.date, int], ...]
    settle: bool  # the last payment settles the invoice
    bank: str
    invoice: Invoice | None = None


@dataclass
class _MoneyRun:
    """What seeding the money side needs at hand."""

    today: datetime.date
    staff: User
    partners: dict[str, User]  # by email
    payer_users: dict[int, User]  # by enterprise id
    stages: dict[tuple[str, str], StageDefinition]  # by pipeline and stage code
    banks: dict[int, str]  # by enterprise id
    billings: list[_Billing]
    milestones_created: int = 0
    # Milestones moved on this run, with their plans: their claims and
    # verifications are dated after the invoices are issued.
    driven: list[tuple[Milestone, "MilestonePlan"]] = field(default_factory=list)


def seed_money(*, users: Mapping[str, User]) -> MoneySummary:
    """Terms on every demo agreement, milestones of the demo projects in
    every state, royalty reports, invoices, payments and cost entries, all
    written through the services by the people who would do it.

    Whatever exists is left alone: an agreement's terms once it has any, a
    project's milestones and cost entries once it has any, a royalty report
    once its period is reported."""
    enterprises = {e.code: e for e in Enterprise.objects.all()}
    partners = User.objects.filter(
        email__in=[PARTNER_A_EMAIL, PARTNER_B_EMAIL, *(c.email for c in PORTAL_CONTACTS)]
    )
    run = _MoneyRun(
        today=timezone.localdate(),
        staff=users[STAFF_EMAIL],
        partners={partner.email: partner for partner in partners},
        payer_users={partner.enterprise_id: partner for partner in partners},
        stages={
            (stage.pipeline.code, stage.code): stage
            for stage in StageDefinition.objects.select_related("pipeline")
        },
        banks={enterprises[code].pk: bank for code, bank in PAYER_BANKS.items()},
        billings=[],
    )
    agreements = {
        agreement.reference: agreement
        for agreement in Agreement.objects.filter(
            reference__in=[spec.agreement for spec in TERMS]
        ).select_related("partnership")
    }
    for spec in TERMS:
        _seed_terms(spec, agreements[spec.agreement], run)
    for spec in TERMS:
        _seed_fixed_payments(agreements[spec.agreement], run)

    projects = {
        project.code: project
        for project in ResearchProject.objects.filter(
            code__in=[spec.code for spec in PROJECTS]
        ).select_related("agreement__partnership", "current_stage__pipeline")
    }
    entries = _stage_entries(project.pk for project in projects.values())
    terms_of = {spec.agreement: spec for spec in TERMS}
    with_milestones = set(
        Milestone.objects.filter(project__in=projects.values()).values_list(
            "project_id", flat=True
        )
    )
    for project in projects.values():
        terms = terms_of.get(project.agreement.reference) if project.agreement else None
        # The service gives every project the agreement's whole schedule,
        # so only projects in the pipeline the schedule names get it (see
        # the note on _seed_milestones).
        if (
            terms is None
            or not terms.schedule
            or project.current_stage.pipeline.code != terms.pipeline
            or project.pk in with_milestones
        ):
            continue
        _seed_milestones(project, terms, entries.get(project.pk, {}), run)

    _seed_royalties(projects, entries, run)
    _settle(run)
    _date_milestone_histories(run)
    _date_royalty_histories(run)
    _seed_costs(projects, entries, run)
    return MoneySummary(
        milestones=Milestone.objects.count(),
        milestones_created=run.milestones_created,
        invoices=Invoice.objects.count(),
        payments=Payment.objects.count(),
        royalty_reports=RoyaltyReport.objects.count(),
        cost_entries=CostEntry.objects.count(),
    )


def _seed_terms(spec: TermsSpec, agreement: Agreement, run: _MoneyRun) -> None:
    """Write an agreement's terms, unless it has some already: staff may
    have edited them since."""
    has_terms = (
        agreement.equity_share > 0
        or agreement.milestone_schedule.exists()
        or agreement.royalty_tiers.exists()
        or agreement.cost_shares.exists()
        or agreement.failure_clauses.exists()
    )
    if has_terms:
        return

    def stage(code: str, pipeline: str = "") -> StageDefinition:
        return run.stages[pipeline or spec.pipeline, code]

    # The scalar terms and the schedule and failure clause rows have no
    # service of their own: staff enter them in the admin's terms inlines.
    agreement.upfront_amount = Decimal(spec.upfront)
    agreement.upfront_due_on = (
        agreement.signed_on + datetime.timedelta(days=30)
        if spec.upfront and agreement.signed_on
        else None
    )
    agreement.annual_licence_fee = Decimal(spec.annual_licence_fee)
    agreement.annual_maintenance_fee = Decimal(spec.annual_maintenance_fee)
    agreement.royalty_term_years = spec.royalty_term_years
    agreement.minimum_annual_royalty = Decimal(spec.minimum_annual_royalty)
    agreement.sublicense_income_share = Decimal(spec.sublicense_income_share)
    agreement.equity_share = Decimal(spec.equity_share)
    agreement.royalty_reporting = spec.royalty_reporting
    agreement.sales_breakdown_required = spec.sales_breakdown_required
    agreement.save(
        update_fields=[
            "upfront_amount",
            "upfront_due_on",
            "annual_licence_fee",
            "annual_maintenance_fee",
            "royalty_term_years",
            "minimum_annual_royalty",
            "sublicense_income_share",
            "equity_share",
            "royalty_reporting",
            "sales_breakdown_required",
            "updated_at",
        ]
    )
    MilestoneScheduleItem.objects.bulk_create(
        MilestoneScheduleItem(
            agreement=agreement,
            position=position,
            name=item.name,
            kind=item.kind,
            amount=Decimal(item.amount),
            trigger_stage=stage(item.stage) if item.stage else None,
            trigger_event=item.event,
            due_offset_days=item.due_offset_days,
        )
        for position, item in enumerate(spec.schedule, start=1)
    )
    FailureClause.objects.bulk_create(
        FailureClause(
            agreement=agreement,
            stage=stage(clause.stage, clause.pipeline),
            sunk_costs_borne_by=clause.sunk_costs_borne_by,
            ip_reverts_to_institution=clause.ip_reverts,
            break_fee=Decimal(clause.break_fee),
            break_fee_payer=Party.ENTERPRISE,
            notes=clause.notes,
        )
        for clause in spec.failure_clauses
    )
    if spec.tiers:
        royalty_tiers_set(
            agreement=agreement,
            tiers=[Tier(Decimal(bound), Decimal(rate)) for bound, rate in spec.tiers],
            basis=spec.royalty_basis,
            by=run.staff,
        )
    if spec.cost_shares:
        cost_shares_set(
            agreement=agreement,
            shares=[
                CostShareInput(
                    first_stage=stage(share.first_stage, share.pipeline),
                    last_stage=stage(share.last_stage, share.pipeline),
                    party=party,
                    percent=Decimal(percent),
                )
                for share in spec.cost_shares
                for party, percent in (
                    (Party.RESEARCH, share.research_percent),
                    (Party.ENTERPRISE, 100 - share.research_percent),
                )
            ],
            by=run.staff,
        )


# A fixed payment that fell due this recently is invoiced and not paid yet.
RECENTLY_DUE_DAYS = 120


def _seed_fixed_payments(agreement: Agreement, run: _MoneyRun) -> None:
    """What a signed agreement's terms made owed (its upfront and annual
    fees), recorded by the service the signing calls, and billed as the
    history would have it: invoiced a month before falling due (on the
    signing day for an upfront) and paid some three weeks later, large
    upfronts in two instalments; one that fell due lately is invoiced and
    still unpaid, one not yet due is simply owed. Fixed payments recorded
    before are left alone."""
    for fixed_payment in agreement_fixed_payments_schedule(
        agreement=agreement, by=run.staff, today=run.today
    ):
        if fixed_payment.due_date > run.today:
            continue
        issued_on = fixed_payment.due_date - datetime.timedelta(days=30)
        if agreement.signed_on:
            issued_on = max(issued_on, agreement.signed_on)
        payments: tuple[tuple[datetime.date, int], ...] = ()
        if (run.today - fixed_payment.due_date).days > RECENTLY_DUE_DAYS:
            paid_on = issued_on + datetime.timedelta(days=21)
            payments = ((paid_on, 100),)
            if fixed_payment.amount >= 8_000_000:
                payments = ((paid_on, 50), (paid_on + datetime.timedelta(days=45), 50))
        run.billings.append(
            _Billing(
                issued_on=issued_on,
                issue=lambda issued_on, fixed_payment=fixed_payment: fixed_payment_invoice(
                    fixed_payment=fixed_payment, by=run.staff, issued_on=issued_on
                ),
                payments=payments,
                settle=bool(payments),
                bank=run.banks.get(agreement.partnership.enterprise_id, "TT"),
            )
        )


def _stage_entries(project_ids: Iterable[int]) -> dict[int, dict[int, datetime.date]]:
    """The day each project first entered each of its stages, by project
    and stage id, from its stage-gate history."""
    entries: dict[int, dict[int, datetime.date]] = {}
    transitions = (
        StageTransition.objects.filter(
            project_id__in=list(project_ids),
            kind__in=[
                TransitionKind.START,
                TransitionKind.ADVANCE,
                TransitionKind.SKIP,
                TransitionKind.REVERT,
            ],
        )
        .order_by("decided_at", "pk")
        .values_list("project_id", "to_stage_id", "decided_at")
    )
    for project_id, stage_id, decided_at in transitions:
        entries.setdefault(project_id, {}).setdefault(
            stage_id, decided_at.astimezone(DEMO_TIME_ZONE).date()
        )
    return entries


def _seed_milestones(
    project: ResearchProject,
    terms: TermsSpec,
    entered: Mapping[int, datetime.date],
    run: _MoneyRun,
) -> None:
    """Create the project's milestones from its agreement's schedule (and
    any added by hand), then move each to where its plan says.

    Only projects in the pipeline of the schedule's stages get milestones:
    ``milestones_create_from_schedule`` creates every schedule item for
    every project under the agreement, and an item triggered by another
    pipeline's stage could never become claimable."""
    agreement = project.agreement
    created = milestones_create_from_schedule(project=project, by=run.staff)
    items = {item.name: item for item in terms.schedule}
    planned = []
    for milestone in created:
        item = items.get(milestone.name)
        if item is None:
            continue
        entered_on = (
            entered.get(milestone.trigger_stage_id) if milestone.trigger_stage_id else None
        )
        if entered_on is not None and milestone.triggered_on != entered_on:
            # The service dates a trigger from the last time the project
            # entered the stage; the demo's history bills a milestone from
            # the first time, so its dates must say the same.
            with transaction.atomic(), open_money_kept(project.pk):
                milestone.triggered_on = entered_on
                milestone.due_date = entered_on + datetime.timedelta(
                    days=milestone.due_offset_days
                )
                milestone.save(update_fields=["triggered_on", "due_date", "updated_at"])
        plan = MILESTONE_PLANS.get((project.code, item.key)) or _default_plan(
            milestone, project, agreement, entered_on
        )
        invoiced_on = plan.invoiced_on or (
            entered_on + datetime.timedelta(days=21) if entered_on else None
        )
        planned.append((milestone, plan, item.evidence, invoiced_on))
    for spec in MANUAL_MILESTONES:
        if spec.project != project.code:
            continue
        # Summed into the open milestones' money as the services sum theirs.
        with transaction.atomic(), open_money_kept(project.pk):
            milestone = Milestone.objects.create(
                project=project,
                agreement=agreement,
                name=spec.name,
                kind=spec.kind,
                trigger_event=spec.event,
                due_date=spec.due_date,
                amount=Decimal(spec.amount),
                currency=agreement.currency,
            )
        activity_record(
            actor=run.staff,
            verb="milestone.created",
            target=milestone,
            project=project,
            agreement=agreement,
            summary=Message(
                gettext_lazy("Milestone %(name)s planned: %(amount)s %(currency)s, due %(due)s."),
                name=milestone.name,
                amount=Money(milestone.amount, milestone.currency, code=False),
                currency=milestone.currency,
                due=milestone.due_date,
            ),
            changes={"amount": milestone.amount, "due_date": milestone.due_date},
        )
        created.append(milestone)
        plan = MILESTONE_PLANS.get(
            (project.code, spec.key), MilestonePlan(MilestoneStatus.PLANNED)
        )
        planned.append((milestone, plan, spec.evidence, plan.invoiced_on))
    run.milestones_created += len(created)
    for milestone, plan, evidence, invoiced_on in planned:
        _drive_milestone(milestone, plan, evidence, invoiced_on, run)
        run.driven.append((milestone, plan))


def _default_plan(
    milestone: Milestone,
    project: ResearchProject,
    agreement: Agreement,
    entered_on: datetime.date | None,
) -> MilestonePlan:
    if milestone.trigger_stage_id and milestone.triggered_on is not None:
        if entered_on is None:
            # Reached without a recorded entry: treat it as just reached.
            return MilestonePlan(MilestoneStatus.CLAIMED)
        if agreement.signed_on and entered_on < agreement.signed_on:
            return MilestonePlan(MilestoneStatus.CANCELLED, reason=PRE_AGREEMENT_REASON)
        return MilestonePlan(
            MilestoneStatus.PAID if entered_on < SETTLED_BEFORE else MilestoneStatus.CLAIMED
        )
    if project.status == ProjectStatus.TERMINATED:
        return MilestonePlan(MilestoneStatus.CANCELLED, reason=TERMINATED_REASON)
    return MilestonePlan(MilestoneStatus.PLANNED)


def _drive_milestone(
    milestone: Milestone,
    plan: MilestonePlan,
    evidence: str,
    invoiced_on: datetime.date | None,
    run: _MoneyRun,
) -> None:
    """Take a planned milestone to the plan's status the way people would:
    the payee's staff claim, invoice and record payments, the payer's
    partner user verifies or disputes."""
    staff = run.staff
    if plan.status == MilestoneStatus.PLANNED:
        return
    if plan.status in (MilestoneStatus.CANCELLED, MilestoneStatus.WAIVED):
        close = milestone_cancel if plan.status == MilestoneStatus.CANCELLED else milestone_waive
        close(milestone=milestone, by=staff, reason=plan.reason)
        return
    payer = run.payer_users[milestone.agreement.partnership.enterprise_id]
    documents = []
    if plan.evidence_file:
        documents.append(
            document_upload(
                uploaded_file=SimpleUploadedFile(
                    f"{milestone.project.code}-evidence-{milestone.pk}.pdf",
                    evidence_pdf(milestone, evidence),
                    content_type="application/pdf",
                ),
                by=staff,
                project=milestone.project,
                description=f"Evidence: {milestone.name}",
            )
        )
    milestone_claim(milestone=milestone, by=staff, evidence_note=evidence, documents=documents)
    if plan.disputed_first:
        milestone_dispute(milestone=milestone, by=payer, reason=plan.disputed_first)
        milestone_claim(milestone=milestone, by=staff, evidence_note=plan.resubmission)
    if plan.status == MilestoneStatus.CLAIMED:
        return
    if plan.status == MilestoneStatus.DISPUTED:
        milestone_dispute(milestone=milestone, by=payer, reason=plan.reason)
        return
    milestone_verify(milestone=milestone, by=payer, comment=VERIFICATION_COMMENT)
    if plan.status == MilestoneStatus.VERIFIED:
        return
    payments = plan.payments
    if plan.status == MilestoneStatus.PAID and not payments:
        payments = (((invoiced_on or run.today) + datetime.timedelta(days=24), 100),)
    if plan.status == MilestoneStatus.INVOICED:
        payments = ()
    run.billings.append(
        _Billing(
            issued_on=None if plan.invoice_today else invoiced_on,
            issue=lambda issued_on, milestone=milestone: milestone_invoice(
                milestone=milestone, by=staff, issued_on=issued_on
            ),
            payments=payments,
            settle=plan.status == MilestoneStatus.PAID,
            bank=run.banks[milestone.agreement.partnership.enterprise_id],
        )
    )


def reporting_periods(
    reporting: str, first_day: datetime.date, today: datetime.date
) -> list[tuple[str, datetime.date, datetime.date]]:
    """The reporting periods from the one holding ``first_day`` to the last
    that ended before ``today``, each as (label, first day, last day)."""
    months = {
        RoyaltyReporting.QUARTERLY: 3,
        RoyaltyReporting.SEMI_ANNUAL: 6,
        RoyaltyReporting.ANNUAL: 12,
    }[RoyaltyReporting(reporting)]
    start = datetime.date(first_day.year, (first_day.month - 1) // months * months + 1, 1)
    periods = []
    while True:
        last_month = start.month + months - 1
        end = datetime.date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])
        if end >= today:
            return periods
        number = (start.month - 1) // months + 1
        label = {3: f"{start.year}-Q{number}", 6: f"{start.year}-H{number}"}.get(
            months, str(start.year)
        )
        periods.append((label, start, end))
        start = end + datetime.timedelta(days=1)


def _seed_royalties(
    projects: Mapping[str, ResearchProject],
    entries: Mapping[int, Mapping[int, datetime.date]],
    run: _MoneyRun,
) -> None:
    """The licensees' royalty reports, reviewed by the licensor's staff,
    and the minimum-royalty true-ups of the years that have ended."""
    staff = run.staff
    for plan in ROYALTY_PLANS:
        project = projects[plan.project]
        agreement = project.agreement
        if plan.first_period:
            first_day = plan.first_period
        else:
            pipeline = project.current_stage.pipeline.code
            market = max(
                (stage for (code, _stage_code), stage in run.stages.items() if code == pipeline),
                key=lambda stage: stage.position,
            )
            launched_on = entries.get(project.pk, {}).get(market.pk)
            if project.status != ProjectStatus.PRODUCTIZED or launched_on is None:
                continue
            # Sales in the first fortnight are booked with the next period.
            first_day = launched_on + datetime.timedelta(days=14)
        periods = reporting_periods(agreement.royalty_reporting, first_day, run.today)
        reported = set(
            agreement.royalty_reports.filter(kind=RoyaltyReportKind.SALES).values_list(
                "period_start", flat=True
            )
        )
        open_reports = {label: (status, reason) for label, status, reason in plan.open_reports}
        for index, ((label, start, end), net_sales) in enumerate(
            zip(periods, plan.net_sales, strict=False)
        ):
            if start in reported:
                continue
            sublicense = plan.sublicense_income[index] if plan.sublicense_income else 0
            report = royalty_report_submit(
                agreement=agreement,
                by=run.partners[plan.reporter],
                period_start=start,
                period_end=end,
                lines=_sales_lines(plan, index, Decimal(net_sales), agreement.currency),
                net_sales=None if plan.product else Decimal(net_sales),
                sublicense_income=Decimal(sublicense),
                project=project,
                note=plan.note,
            )
            status, reason = open_reports.get(label, (RoyaltyReportStatus.PAID, ""))
            if status == RoyaltyReportStatus.SUBMITTED:
                continue
            if status == RoyaltyReportStatus.QUERIED:
                royalty_report_query(report=report, by=staff, reason=reason)
                continue
            royalty_report_accept(report=report, by=staff)
            if status == RoyaltyReportStatus.ACCEPTED:
                continue
            _bill_royalty(report, status, end + datetime.timedelta(days=50), run)

        # What the daily task does after a year ends.
        years = {start.year for _label, start, _end in periods}
        for year in sorted(y for y in years if y < run.today.year):
            if agreement.royalty_reports.filter(
                kind=RoyaltyReportKind.MINIMUM_TRUE_UP, period_start=datetime.date(year, 1, 1)
            ).exists():
                continue
            true_up = royalty_year_true_up(agreement=agreement, year=year, by=staff)
            if true_up is not None:
                _bill_royalty(
                    true_up, RoyaltyReportStatus.PAID, datetime.date(year + 1, 2, 14), run
                )


def _sales_lines(
    plan: RoyaltyPlan, index: int, net_sales: Decimal, currency: str
) -> list[SalesLine]:
    """A report's sales by product and territory, if the plan breaks them
    down: the main territory has what the others do not."""
    if not plan.product:
        return []
    lines = []
    rest = net_sales
    for territory, percent, from_index in plan.other_territories:
        if index >= from_index:
            share = quantize_money(net_sales * percent / 100, currency)
            lines.append(SalesLine(plan.product, territory, share))
            rest -= share
    return [SalesLine(plan.product, plan.main_territory, rest), *lines]


def _bill_royalty(
    report: RoyaltyReport, status: str, issued_on: datetime.date, run: _MoneyRun
) -> None:
    payments = {
        RoyaltyReportStatus.INVOICED: (),
        RoyaltyReportStatus.PARTIALLY_PAID: ((issued_on + datetime.timedelta(days=21), 50),),
        RoyaltyReportStatus.PAID: ((issued_on + datetime.timedelta(days=21), 100),),
    }[status]
    run.billings.append(
        _Billing(
            issued_on=issued_on,
            issue=lambda issued_on, report=report: royalty_report_invoice(
                report=report, by=run.staff, issued_on=issued_on
            ),
            payments=payments,
            settle=status == RoyaltyReportStatus.PAID,
            bank=run.banks[report.agreement.partnership.enterprise_id],
        )
    )


def _settle(run: _MoneyRun) -> None:
    """Issue the invoices in date order, then record the payments in date
    order, none later than today."""

    def issue_day(billing: _Billing) -> datetime.date:
        return min(billing.issued_on or run.today, run.today)

    for billing in sorted(run.billings, key=issue_day):
        billing.invoice = billing.issue(issue_day(billing) if billing.issued_on else None)
        if billing.payments:
            record_vat_invoice(billing.invoice, by=run.staff)
    payments = []
    for billing in run.billings:
        for number, (paid_on, percent) in enumerate(billing.payments, start=1):
            last = number == len(billing.payments)
            paid_on = max(min(paid_on, run.today), billing.invoice.issued_on)
            payments.append((paid_on, billing, percent, last))
    paid = defaultdict(Decimal)
    for paid_on, billing, percent, last in sorted(
        payments, key=lambda payment: (payment[0], payment[1].invoice.number)
    ):
        invoice = billing.invoice
        if last and billing.settle:
            amount = invoice.amount - paid[invoice.pk]
        else:
            amount = quantize_money(invoice.amount * percent / 100, invoice.currency)
        # A transfer reference as the payer's bank prints it.
        serial = zlib.crc32(f"{invoice.number}:{paid_on}".encode()) % 1_000_000
        payment_record(
            invoice=invoice,
            amount=amount,
            currency=invoice.currency,
            paid_on=paid_on,
            by=run.staff,
            reference=f"{billing.bank}{paid_on:%Y%m%d}{serial:06d}",
        )
        paid[invoice.pk] += amount


def _date_royalty_histories(run: _MoneyRun) -> None:
    """Give the royalty reports the dates of their history, as
    ``_date_milestone_histories`` does for milestones: a sales report is
    submitted three weeks after its period ends, queried and corrected in
    the days after, accepted before it is invoiced; a true-up is made when
    its year has ended; the timeline entries of the invoice and the
    payments carry their dates. None is later than today."""
    steps = {
        "royalty_report.submitted": 0,
        "royalty_report.true_up": 0,
        "royalty_report.queried": 3,
        "royalty_report.resubmitted": 6,
        "royalty_report.accepted": 9,
    }
    reports = RoyaltyReport.objects.filter(submitted_at__isnull=False).select_related("invoice")
    for report in reports:
        invoice = getattr(report, "invoice", None)
        latest = min(invoice.issued_on if invoice else run.today, run.today)
        submitted_on = min(report.period_end + datetime.timedelta(days=21), latest)
        if report.kind == RoyaltyReportKind.MINIMUM_TRUE_UP:
            submitted_on = min(report.period_end + datetime.timedelta(days=31), latest)

        def day_of(step: int, submitted_on=submitted_on, latest=latest) -> datetime.date:
            return min(submitted_on + datetime.timedelta(days=step), latest)

        activities = Activity.objects.filter(
            target_type=RoyaltyReport._meta.label_lower, target_id=report.pk
        )
        for activity in activities:
            if activity.verb in steps:
                when = _at(day_of(steps[activity.verb]))
            elif activity.verb == "royalty_report.invoiced" and invoice is not None:
                when = _at(invoice.issued_on, 11)
            else:
                continue
            Activity.objects.filter(pk=activity.pk).update(created_at=when)
        RoyaltyReport.objects.filter(pk=report.pk).update(
            submitted_at=_at(submitted_on),
            accepted_at=_at(day_of(steps["royalty_report.accepted"]), 15)
            if report.accepted_at
            else None,
        )
        if invoice is not None:
            for payment in invoice.payments.all():
                Activity.objects.filter(
                    target_type=Payment._meta.label_lower, target_id=payment.pk
                ).update(created_at=_at(payment.paid_on, 14))


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=DEMO_TIME_ZONE)


def _step_day(claimed_on: datetime.date, step: int, end: datetime.date) -> datetime.date:
    """The day of a milestone's ``step``-th move after its claim, three
    days apart, none after ``end``."""
    return min(claimed_on + datetime.timedelta(days=3 * step), end)


def _date_milestone_histories(run: _MoneyRun) -> None:
    """Give the milestones moved on this run the dates of their history.

    The services date a claim, a verification and their timeline entries
    today; a milestone the demo invoiced and paid in 2024 would otherwise
    say it was claimed today. Each claim is dated a week after the trigger
    (or three weeks before the invoice, for a milestone of an event), its
    verification five days later, each step before the next and none after
    today; the timeline entries of the invoice and the payments carry their
    dates."""
    for milestone, plan in run.driven:
        milestone.refresh_from_db()
        if milestone.claimed_at is None:
            continue
        invoice = Invoice.objects.filter(milestone=milestone).first()
        end = min(invoice.issued_on if invoice else run.today, run.today)
        anchor = milestone.triggered_on or (
            milestone.due_date - datetime.timedelta(days=30) if milestone.due_date else None
        )
        claimed_on = (
            anchor + datetime.timedelta(days=7) if anchor else end - datetime.timedelta(days=21)
        )
        steps = 4 if plan.disputed_first else 2  # claim, (dispute, claim,) verify
        claimed_on = min(claimed_on, end - datetime.timedelta(days=3 * steps))
        if anchor is not None:
            claimed_on = max(claimed_on, anchor)
        claimed_on = min(claimed_on, run.today)

        activities = Activity.objects.filter(
            target_type=Milestone._meta.label_lower, target_id=milestone.pk
        ).order_by("created_at", "pk")
        step = 0
        for activity in activities:
            if activity.verb == "milestone.created":
                when = _at(min(anchor or claimed_on, claimed_on), 9)
            elif activity.verb in ("milestone.claimed", "milestone.resubmitted"):
                when = _at(_step_day(claimed_on, step, end))
                step += 1
            elif activity.verb in ("milestone.disputed", "milestone.verified"):
                when = _at(_step_day(claimed_on, step, end), 15)
                step += 1
            elif activity.verb == "milestone.invoiced" and invoice is not None:
                when = _at(invoice.issued_on, 11)
            else:
                continue
            Activity.objects.filter(pk=activity.pk).update(created_at=when)
            if activity.verb in ("milestone.claimed", "milestone.resubmitted"):
                milestone.claimed_at = when
            elif activity.verb == "milestone.verified":
                milestone.verified_at = when
        Milestone.objects.filter(pk=milestone.pk).update(
            claimed_at=milestone.claimed_at, verified_at=milestone.verified_at
        )
        if invoice is not None:
            for payment in invoice.payments.all():
                Activity.objects.filter(
                    target_type=Payment._meta.label_lower, target_id=payment.pk
                ).update(created_at=_at(payment.paid_on, 14))


def record_vat_invoice(invoice: Invoice, *, by: User) -> None:
    """The fully digitalised VAT invoice (数电发票) the payee issued on the
    day of an invoice in yuan that has been paid: registered technology
    transfer income, exempt from VAT. Its 20-digit number is the year, the
    region and a serial derived from the invoice number."""
    if invoice.currency != "CNY":
        return
    serial = zlib.crc32(invoice.number.encode()) % 10**15
    vat_invoice_record(
        invoice=invoice,
        by=by,
        kind=VatInvoiceKind.DIGITAL_SPECIAL,
        number=f"{invoice.issued_on:%y}420{serial:015d}",
        issued_on=invoice.issued_on,
        amount_with_tax=invoice.amount,
        tax_rate=VatRate.EXEMPT,
        tax_amount=Decimal("0"),
    )


def _seed_costs(
    projects: Mapping[str, ResearchProject],
    entries: Mapping[int, Mapping[int, datetime.date]],
    run: _MoneyRun,
) -> None:
    """What each party spent on projects with cost shares, so that the
    ledgers show balances both ways."""
    with_costs = set(
        CostEntry.objects.filter(project__code__in=COST_ENTRIES).values_list(
            "project__code", flat=True
        )
    )
    last_day = min(run.today, DEMO_AS_OF)
    for code, specs in COST_ENTRIES.items():
        project = projects.get(code)
        if project is None or code in with_costs or project.agreement is None:
            continue
        pipeline = project.current_stage.pipeline.code
        for spec in specs:
            stage = run.stages[pipeline, spec.stage]
            entered_on = entries.get(project.pk, {}).get(stage.pk)
            if entered_on is None:
                continue
            cost_entry_record(
                project=project,
                stage=stage,
                paid_by=spec.paid_by,
                amount=Decimal(spec.amount),
                currency=project.agreement.currency,
                incurred_on=min(entered_on + datetime.timedelta(days=spec.days_in), last_day),
                description=spec.description,
                by=run.staff,
            )


def evidence_pdf(milestone: Milestone, evidence: str) -> bytes:
    """A one-page PDF standing in for a claim's evidence. Its text is the
    English half of the bilingual names: the standard PDF fonts have no
    Chinese glyphs."""

    def english(text: str) -> str:
        return text.split(" / ")[0].encode("ascii", "replace").decode()

    def escaped(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    lines = [
        f"{milestone.project.code}: {english(milestone.name)}",
        english(evidence),
        f"Agreement {milestone.agreement.reference}",
    ]
    text = "".join(
        f"BT /F1 {size} Tf 56 {760 - 28 * number} Td ({escaped(line)}) Tj ET\n"
        for number, (size, line) in enumerate(zip((14, 11, 11), lines, strict=True))
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%sendstream" % (len(text), text),
    ]
    pdf = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return pdf
