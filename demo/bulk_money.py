"""The money of generated projects: the milestones their agreements'
schedules promise, and the invoices, VAT invoices and payments of those
reached, drafted beside each project (``demo.bulk``) as plain values.

A generated milestone stands where the demo's rules put a demo milestone
(``demo.money``): one reached before the agreement took effect is
cancelled, one reached before ``SETTLED_BEFORE`` is paid in full, a later one
is somewhere on its way from claimed to paid, in about the proportions of the
demo's recent milestones; one not reached is planned, or cancelled if its
project was terminated. Its dates follow the project's history as the demo's
do: the claim a week after the trigger, the verification three days later,
the invoice three weeks after the trigger, the payment some three weeks
after the invoice, none later than today. Money invariants are the services':
an invoice bills the milestone's amount in its currency, a paid milestone's
payments add up to its invoice, a partially paid one's to less, an invoiced
one has none.

Invoice numbers are drawn when the rows are written (``InvoiceNumbers``), in
the order the projects are generated, from the sequences the services draw
from, which are then left at the last number used.
"""

import datetime
import random
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.money import quantize_money
from demo.history import PlannedTransition
from demo.money_specs import (
    PAYER_BANKS,
    PRE_AGREEMENT_REASON,
    SETTLED_BEFORE,
    TERMINATED_REASON,
    TERMS,
    VERIFICATION_COMMENT,
)
from demo.specs import DEMO_TIME_ZONE
from partnerships.models import Agreement, MilestoneScheduleItem, Partnership
from projects.choices import (
    MilestoneStatus,
    ProjectStatus,
    TransitionKind,
    VatInvoiceKind,
    VatRate,
    VerificationEvidence,
)
from projects.models import InvoiceSequence
from projects.services.invoicing import DEFAULT_PAYMENT_TERMS_DAYS, invoice_parties

# The columns of the money rows, in the order of the drafted values. The
# writer adds the rest: the keys, the references to rows written with keys
# drawn at that time (the project, the milestone, the invoice), the invoice
# number and the write times.
MILESTONE_FIELDS = (
    "agreement",
    "schedule_item",
    "name",
    "kind",
    "trigger_stage",
    "trigger_event",
    "due_offset_days",
    "triggered_on",
    "due_date",
    "amount",
    "currency",
    "status",
    "claim_note",
    "claimed_at",
    "claimed_by",
    "verification_comment",
    "verified_at",
    "verified_by",
    "verification_recorded_by",
    "verification_evidence",
    "dispute_reason",
    "closing_reason",
)
MILESTONE_WRITTEN_FIELDS = ("id", "project", "created_at", "updated_at")
INVOICE_PARTY_FIELDS = (
    "payee_legal_name",
    "payee_tax_id",
    "payee_address",
    "payee_bank_name",
    "payee_bank_branch",
    "payee_bank_account",
    "payer_legal_name",
    "payer_tax_id",
    "payer_address",
)
INVOICE_FIELDS = (
    "agreement",
    "royalty_report",
    "fixed_payment",
    "payee_name",
    "payer_name",
    *INVOICE_PARTY_FIELDS,
    "amount",
    "currency",
    "issued_on",
    "due_on",
    "issued_by",
    "sent_on",
    "sent_by",
    "paid_in_full_on",
)
INVOICE_WRITTEN_FIELDS = ("id", "number", "milestone", "created_at")
PAYMENT_FIELDS = ("amount", "currency", "paid_on", "reference", "recorded_by")
PAYMENT_WRITTEN_FIELDS = ("id", "invoice", "recorded_at")
VAT_INVOICE_FIELDS = (
    "kind",
    "code",
    "number",
    "issued_on",
    "amount_with_tax",
    "tax_rate",
    "tax_amount",
    "recorded_by",
)
VAT_INVOICE_WRITTEN_FIELDS = ("id", "invoice", "recorded_at")

# Where a milestone reached since SETTLED_BEFORE stands, weighted as the
# demo's recent milestones stand: most claimed or invoiced, some disputed,
# verified or partly paid, a few paid already.
RECENT_STATUSES = (
    MilestoneStatus.CLAIMED,
    MilestoneStatus.DISPUTED,
    MilestoneStatus.VERIFIED,
    MilestoneStatus.INVOICED,
    MilestoneStatus.PARTIALLY_PAID,
    MilestoneStatus.PAID,
)
RECENT_WEIGHTS = (6, 3, 2, 4, 2, 3)
GENERATED_DISPUTES = (
    "The evidence does not show the stage was entered; resubmit with the approval notice. / "
    "证明材料不足以表明已进入该阶段，请补充批件后重新提交。",
    "The report is a draft; resubmit the signed final version. / 报告为草稿，请提交签字终版。",
    "The milestone date is disputed pending the steering committee's minutes. / "
    "里程碑日期有争议，待指导委员会会议纪要确认。",
)
GENERATED_WAIVERS = (
    "Waived in the settlement of the cost overrun with the enterprise. / "
    "与企业就成本超支达成和解，免除该笔款项。",
    "Waived: the enterprise funded the extra study this milestone would have paid for. / "
    "企业已出资开展补充研究，免除该里程碑款项。",
)
# The share of settled milestones waived, and of running projects whose
# last milestone reached is still open, as in the demo.
WAIVED_SHARE = 0.03
LAST_REACHED_OPEN = 0.8
# The share of a partly paid invoice paid so far, in percent.
FIRST_INSTALMENT = 40
# Days from the trigger to the claim and to the invoice, and from the
# invoice to the payment, as in the demo.
CLAIM_AFTER_DAYS = 7
VERIFY_AFTER_DAYS = 3
INVOICE_AFTER_DAYS = 21
PAYMENT_AFTER_DAYS = 24


@dataclass(frozen=True, slots=True)
class ScheduledPayment:
    """A milestone an agreement's schedule promises, with what its claim cites."""

    id: int
    position: int
    name: str
    kind: str
    amount: Decimal
    trigger_stage_id: int | None
    trigger_pipeline: str
    trigger_event: str
    due_offset_days: int
    evidence: str


@dataclass(frozen=True, slots=True)
class AgreementMoney:
    """What the milestones of a project under an agreement take from it.
    Only projects in ``pipeline`` get them, as in the demo."""

    id: int
    pipeline: str
    currency: str
    signed_on: datetime.date | None
    schedule: tuple[ScheduledPayment, ...]


@dataclass(frozen=True, slots=True)
class BillingParties:
    """Who bills whom under a partnership, as its invoices record them."""

    payee_code: str
    payee_name: str
    payer_name: str
    particulars: tuple[str, ...]  # INVOICE_PARTY_FIELDS
    bank: str  # the prefix of the payer's transfer references
    payer_user_id: int | None  # the payer's partner user, who verifies


@dataclass(frozen=True, slots=True)
class MoneyFacts:
    agreements: Mapping[int, AgreementMoney]
    parties: Mapping[int, BillingParties]  # by partnership id
    staff_id: int
    today: datetime.date


@dataclass(frozen=True, slots=True)
class MilestoneDraft:
    """A milestone's row and, if it was invoiced, its invoice's, VAT
    invoice's and payments' rows, as values in the order of the *_FIELDS;
    the invoice's number is drawn from ``invoice_prefix`` when written."""

    milestone: tuple
    invoice: tuple | None = None
    invoice_prefix: str = ""
    payments: tuple[tuple, ...] = ()
    vat_invoice: tuple | None = None


def money_facts(
    partnership_ids: Sequence[int],
    *,
    staff_id: int,
    payer_user_ids: Mapping[int, int],
    today: datetime.date,
) -> MoneyFacts:
    """The terms and billing parties of the partnerships generated projects
    run under; ``payer_user_ids`` are the enterprises' partner users by
    enterprise id."""
    pipeline_of = {spec.agreement: spec.pipeline for spec in TERMS}
    evidence_of = {item.name: item.evidence for spec in TERMS for item in spec.schedule}
    partnerships = Partnership.objects.filter(pk__in=partnership_ids).select_related(
        "institution", "joint_centre", "enterprise"
    )
    agreements = {}
    schedule = MilestoneScheduleItem.objects.select_related("trigger_stage__pipeline").order_by(
        "agreement_id", "position", "pk"
    )
    items: dict[int, list[ScheduledPayment]] = {}
    for item in schedule.filter(agreement__partnership_id__in=partnership_ids):
        stage = item.trigger_stage
        items.setdefault(item.agreement_id, []).append(
            ScheduledPayment(
                id=item.pk,
                position=len(items.get(item.agreement_id, ())),
                name=item.name,
                kind=item.kind,
                amount=item.amount,
                trigger_stage_id=stage.pk if stage else None,
                trigger_pipeline=stage.pipeline.code if stage else "",
                trigger_event=item.trigger_event,
                due_offset_days=item.due_offset_days,
                evidence=evidence_of.get(item.name) or item.name,
            )
        )
    for agreement in Agreement.objects.filter(partnership_id__in=partnership_ids):
        if agreement.reference in pipeline_of and agreement.pk in items:
            agreements[agreement.pk] = AgreementMoney(
                id=agreement.pk,
                pipeline=pipeline_of[agreement.reference],
                currency=agreement.currency,
                signed_on=agreement.signed_on,
                schedule=tuple(items[agreement.pk]),
            )
    parties = {}
    for partnership in partnerships:
        payee = partnership.institution or partnership.joint_centre
        particulars = invoice_parties(partnership)
        parties[partnership.pk] = BillingParties(
            payee_code=payee.code,
            payee_name=payee.name,
            payer_name=partnership.enterprise.name,
            particulars=tuple(particulars.get(name, "") for name in INVOICE_PARTY_FIELDS),
            bank=PAYER_BANKS.get(partnership.enterprise.code, "TT"),
            payer_user_id=payer_user_ids.get(partnership.enterprise_id),
        )
    return MoneyFacts(agreements=agreements, parties=parties, staff_id=staff_id, today=today)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=DEMO_TIME_ZONE)


def draft_milestones(
    *,
    code: str,
    number: int,
    partnership_id: int,
    agreement_id: int | None,
    pipeline_code: str,
    status: str,
    history: Sequence[PlannedTransition],
    rng: random.Random,
    facts: MoneyFacts,
) -> tuple[MilestoneDraft, ...]:
    """The milestones of generated project ``code`` (number ``number``) and
    their money, from its agreement's schedule and its history."""
    terms = facts.agreements.get(agreement_id) if agreement_id else None
    if terms is None or terms.pipeline != pipeline_code:
        return ()
    entered: dict[int, datetime.date] = {}
    for planned in history:
        if planned.kind in (TransitionKind.START, TransitionKind.ADVANCE):
            entered.setdefault(planned.to_stage.id, planned.decided_at.date())
    parties = facts.parties[partnership_id]
    schedule = [
        item
        for item in terms.schedule
        if item.trigger_stage_id is None or item.trigger_pipeline == terms.pipeline
    ]
    # The milestone a running project reached last may still be on its way
    # to being paid, however long ago it was reached.
    latest = None
    if status in (ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD):
        reached = [item for item in schedule if item.trigger_stage_id in entered]
        if reached and rng.random() < LAST_REACHED_OPEN:
            latest = max(reached, key=lambda item: entered[item.trigger_stage_id])
    drafts = []
    for item in schedule:
        triggered_on = entered.get(item.trigger_stage_id) if item.trigger_stage_id else None
        reason = dispute = ""
        if triggered_on is None:
            if status == ProjectStatus.TERMINATED:
                milestone_status, reason = MilestoneStatus.CANCELLED, TERMINATED_REASON
            else:
                milestone_status = MilestoneStatus.PLANNED
        elif terms.signed_on and triggered_on < terms.signed_on:
            milestone_status, reason = MilestoneStatus.CANCELLED, PRE_AGREEMENT_REASON
        elif triggered_on < SETTLED_BEFORE and item is not latest:
            milestone_status = MilestoneStatus.PAID
            if rng.random() < WAIVED_SHARE:
                milestone_status, reason = MilestoneStatus.WAIVED, rng.choice(GENERATED_WAIVERS)
        else:
            milestone_status = rng.choices(RECENT_STATUSES, weights=RECENT_WEIGHTS)[0]
            if milestone_status == MilestoneStatus.DISPUTED:
                dispute = rng.choice(GENERATED_DISPUTES)
        drafts.append(
            _milestone_draft(
                item,
                code=code,
                number=number,
                terms=terms,
                parties=parties,
                status=milestone_status,
                triggered_on=triggered_on,
                reason=reason,
                dispute=dispute,
                facts=facts,
            )
        )
    return tuple(drafts)


# How far along a milestone of each status is.
_CLAIMED = {
    MilestoneStatus.CLAIMED,
    MilestoneStatus.DISPUTED,
    MilestoneStatus.VERIFIED,
    MilestoneStatus.INVOICED,
    MilestoneStatus.PARTIALLY_PAID,
    MilestoneStatus.PAID,
}
_VERIFIED = {
    MilestoneStatus.VERIFIED,
    MilestoneStatus.INVOICED,
    MilestoneStatus.PARTIALLY_PAID,
    MilestoneStatus.PAID,
}
_INVOICED = {MilestoneStatus.INVOICED, MilestoneStatus.PARTIALLY_PAID, MilestoneStatus.PAID}


def _milestone_draft(
    item: ScheduledPayment,
    *,
    code: str,
    number: int,
    terms: AgreementMoney,
    parties: BillingParties,
    status: str,
    triggered_on: datetime.date | None,
    reason: str,
    dispute: str,
    facts: MoneyFacts,
) -> MilestoneDraft:
    today = facts.today
    currency = terms.currency
    amount = quantize_money(item.amount, currency)
    invoice = payments = vat_invoice = None
    prefix = ""
    end = today
    if status in _INVOICED:
        issued_on = min(triggered_on + datetime.timedelta(days=INVOICE_AFTER_DAYS), today)
        end = issued_on
        prefix = f"INV-{parties.payee_code}-{issued_on.year}"
        invoice = (
            terms.id,
            None,
            None,
            parties.payee_name,
            parties.payer_name,
            *parties.particulars,
            amount,
            currency,
            issued_on,
            issued_on + datetime.timedelta(days=DEFAULT_PAYMENT_TERMS_DAYS),
            facts.staff_id,
            None,
            None,
            None,
        )
        payments = ()
        if status in (MilestoneStatus.PAID, MilestoneStatus.PARTIALLY_PAID):
            paid_on = min(issued_on + datetime.timedelta(days=PAYMENT_AFTER_DAYS), today)
            if status == MilestoneStatus.PAID:
                # Paid in one payment, as ``payment_record`` would date it.
                invoice = (*invoice[:-1], paid_on)
            paid = (
                amount
                if status == MilestoneStatus.PAID
                else quantize_money(amount * FIRST_INSTALMENT / 100, currency)
            )
            # A transfer reference as the payer's bank prints it.
            serial = zlib.crc32(f"{code}:{item.position}:{paid_on}".encode()) % 1_000_000
            payments = (
                (
                    paid,
                    currency,
                    paid_on,
                    f"{parties.bank}{paid_on:%Y%m%d}{serial:06d}",
                    facts.staff_id,
                ),
            )
            if currency == "CNY":
                # The fully digitalised VAT invoice of registered technology
                # transfer income, exempt from VAT, as the demo records them;
                # its serial, past any the demo draws, names the milestone.
                serial = 10**14 + number * 100 + item.position
                vat_invoice = (
                    VatInvoiceKind.DIGITAL_SPECIAL,
                    "",
                    f"{issued_on:%y}420{serial:015d}",
                    issued_on,
                    amount,
                    VatRate.EXEMPT,
                    Decimal("0.00"),
                    facts.staff_id,
                )
    claimed_at = verified_at = None
    claim_note = verification_comment = ""
    claimed_by = verified_by = recorded_by = None
    evidence = ""
    if status in _CLAIMED:
        claimed_on = triggered_on + datetime.timedelta(days=CLAIM_AFTER_DAYS)
        claimed_on = min(claimed_on, end - datetime.timedelta(days=2 * VERIFY_AFTER_DAYS))
        claimed_on = min(max(claimed_on, triggered_on), today)
        claimed_at = _at(claimed_on, 10)
        claim_note = item.evidence
        claimed_by = facts.staff_id
        if status in _VERIFIED:
            verified_on = min(claimed_on + datetime.timedelta(days=VERIFY_AFTER_DAYS), end)
            verified_at = _at(max(verified_on, claimed_on), 15)
            verification_comment = VERIFICATION_COMMENT
            if parties.payer_user_id is not None:
                verified_by = parties.payer_user_id
            else:
                # No partner user of the payer: its written verification is
                # recorded by staff.
                recorded_by = facts.staff_id
                evidence = VerificationEvidence.LETTER
    milestone = (
        terms.id,
        item.id,
        item.name,
        item.kind,
        item.trigger_stage_id,
        item.trigger_event,
        item.due_offset_days,
        triggered_on,
        triggered_on + datetime.timedelta(days=item.due_offset_days) if triggered_on else None,
        amount,
        currency,
        status,
        claim_note,
        claimed_at,
        claimed_by,
        verification_comment,
        verified_at,
        verified_by,
        recorded_by,
        evidence,
        dispute,
        reason,
    )
    return MilestoneDraft(
        milestone=milestone,
        invoice=invoice,
        invoice_prefix=prefix,
        payments=payments or (),
        vat_invoice=vat_invoice,
    )


class InvoiceNumbers:
    """Invoice numbers drawn gaplessly per prefix, continuing the services'
    sequences; ``save`` leaves each sequence at the last number drawn."""

    def __init__(self) -> None:
        self._last = dict(InvoiceSequence.objects.values_list("prefix", "last_number"))
        self._drawn: set[str] = set()

    def draw(self, prefix: str) -> str:
        number = self._last.get(prefix, 0) + 1
        self._last[prefix] = number
        self._drawn.add(prefix)
        return f"{prefix}-{number:04d}"

    def save(self) -> None:
        for prefix in sorted(self._drawn):
            InvoiceSequence.objects.update_or_create(
                prefix=prefix, defaults={"last_number": self._last[prefix]}
            )
