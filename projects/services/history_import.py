"""Bringing in the history an office kept before BioBridge: the stages a
project passed through on their dates, and milestones already claimed,
verified, invoiced or paid years ago.

The gate and milestone services decide today, on today's date; these record
decisions that were taken in the past, with their dates. They check the same
things (the project's reach, the stages' order within the pipeline, the
milestone's transitions, invoice numbers unique, payments within the
invoice) and write a timeline entry for each import, so the history says
where it came from.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import PAST, date_check
from core.errors import DomainError
from core.i18n import Message
from core.money import quantize_money
from partnerships.choices import MilestoneKind
from partnerships.models import Agreement
from pipelines.models import StageDefinition
from projects.activity import activity_record
from projects.choices import MilestoneStatus, ProjectStatus, TransitionKind
from projects.models import Invoice, Milestone, Payment, ResearchProject, StageTransition
from projects.selectors import staff_work_on_project

from .invoicing import DEFAULT_PAYMENT_TERMS_DAYS, invoice_parties
from .open_money import keeps_open_money, project_of
from .partner_counts import partner_stage_counts_move
from .portfolio_counts import portfolio_counts_move, portfolio_key
from .registration import started_at
from .stage_ranks import project_stage_rank_set
from .stays import stage_stays_refresh


class HistoryImportError(DomainError):
    code = "invalid_history"


# The statuses a milestone can be imported in, in the order a milestone
# passes through them; each implies the steps before it.
IMPORTABLE_MILESTONE_STATUSES = (
    MilestoneStatus.PLANNED,
    MilestoneStatus.CLAIMED,
    MilestoneStatus.VERIFIED,
    MilestoneStatus.INVOICED,
    MilestoneStatus.PARTIALLY_PAID,
    MilestoneStatus.PAID,
)
_STEP = {status: index for index, status in enumerate(IMPORTABLE_MILESTONE_STATUSES)}


def _require_project_staff(project: ResearchProject, by) -> None:
    if not staff_work_on_project(by, project):
        raise HistoryImportError(
            _("Only the project's research staff record its history."),
            code="permission_denied",
        )


@dataclass(frozen=True)
class StageEntry:
    """A stage the project entered, and when."""

    stage: StageDefinition
    entered_on: date


def _history_of(project: ResearchProject) -> list[tuple[int, date]]:
    return [
        (transition.to_stage_id, timezone.localtime(transition.decided_at).date())
        for transition in project.transitions.order_by("decided_at", "pk")
    ]


def _check_history(project: ResearchProject, entries: list[StageEntry]) -> None:
    if not entries:
        raise HistoryImportError(
            _("A stage history names at least one stage."), field="stage_history"
        )
    previous = None
    for entry in entries:
        date_check(entry.entered_on, field="stage_history", bounds=PAST)
        if entry.stage.pipeline_id != project.current_stage.pipeline_id:
            raise HistoryImportError(
                _("%(stage)s is not a stage of the project's pipeline.")
                % {"stage": entry.stage.code},
                field="stage_history",
            )
        if previous is not None:
            if entry.stage.position <= previous.stage.position:
                raise HistoryImportError(
                    _("The stages of a history follow the pipeline's order."),
                    field="stage_history",
                )
            if entry.entered_on < previous.entered_on:
                raise HistoryImportError(
                    _("The dates of a history follow each other."), field="stage_history"
                )
        previous = entry
    if entries[0].entered_on < project.start_date:
        raise HistoryImportError(
            _("The history starts on or after the project's start date."),
            field="stage_history",
        )


@transaction.atomic
@keeps_open_money(project_of)
def project_history_import(
    *, project: ResearchProject, entries: list[StageEntry], by, status: str | None = None
) -> bool:
    """Record the stages ``project`` entered before BioBridge, each on its
    date, after those already recorded, and leave it at the last one, in
    ``status``. The history is append-only: the recorded one must begin the
    imported one (a project registered on the first entry's date, at its
    stage, as ``project_register(started_on=…)`` does), and an import only
    adds the entries after it. Returns whether anything was added."""
    project = ResearchProject.objects.select_for_update().get(pk=project.pk)
    _require_project_staff(project, by)
    _check_history(project, entries)
    wanted = [(entry.stage.pk, entry.entered_on) for entry in entries]
    recorded = _history_of(project)
    kinds = set(project.transitions.values_list("kind", flat=True))
    forward = kinds <= {TransitionKind.START, TransitionKind.ADVANCE, TransitionKind.SKIP}
    if wanted[: len(recorded)] != recorded or not forward:
        raise HistoryImportError(
            _(
                "The project's recorded stage history differs from the file's; a recorded "
                "history is never rewritten."
            ),
            code="history_conflict",
            field="stage_history",
        )
    status = status or project.status
    added = entries[len(recorded) :]
    if not added:
        return False
    rationale = _("Imported from the records kept before BioBridge.")
    previous = entries[len(recorded) - 1] if recorded else None
    for index, entry in enumerate(added):
        last = index == len(added) - 1
        if previous is None:
            kind = TransitionKind.START
        elif entry.stage.position == previous.stage.position + 1:
            kind = TransitionKind.ADVANCE
        else:
            kind = TransitionKind.SKIP
        StageTransition.objects.create(
            project=project,
            kind=kind,
            from_stage=previous.stage if previous else None,
            to_stage=entry.stage,
            from_status=ProjectStatus.ACTIVE if previous else "",
            to_status=status if last else ProjectStatus.ACTIVE,
            decided_by=by,
            decided_at=started_at(entry.entered_on),
            rationale=rationale,
        )
        previous = entry
    from_stage_id = project.current_stage_id
    counted_at = portfolio_key(project)
    project.current_stage = entries[-1].stage
    project.status = status
    project_stage_rank_set(project=project)
    project.save(update_fields=["current_stage", "stage_rank", "status", "updated_at"])
    portfolio_counts_move(before=counted_at, project=project)
    stage_stays_refresh(project=project)
    partner_stage_counts_move(project=project, from_stage_id=from_stage_id)
    activity_record(
        actor=by,
        verb="project.history_imported",
        target=project,
        project=project,
        agreement=project.agreement,
        summary=Message(
            gettext_lazy("%(code)s: %(count)s stages of its history were imported."),
            code=project.code,
            count=len(added),
        ),
        changes={"stage_history": [[entry.stage.code, entry.entered_on] for entry in added]},
    )
    return True


@dataclass(frozen=True)
class MilestoneRecord:
    """A milestone as an office kept it: its terms and how far it got."""

    name: str
    kind: str
    amount: Decimal
    currency: str
    status: str = MilestoneStatus.PLANNED
    trigger_stage: StageDefinition | None = None
    trigger_event: str = ""
    due_date: date | None = None
    claimed_on: date | None = None
    verified_on: date | None = None
    invoice_number: str = ""
    invoiced_on: date | None = None
    paid_amount: Decimal | None = None
    paid_on: date | None = None
    payment_reference: str = ""


def _refuse(message, field: str, code: str = "invalid_history"):
    raise HistoryImportError(message, code=code, field=field)


def _check_record(record: MilestoneRecord) -> None:
    if record.status not in _STEP:
        _refuse(
            _("A milestone is imported as planned, claimed, verified, invoiced or paid."),
            "status",
            "invalid_choice",
        )
    step = _STEP[record.status]
    needs = [
        (MilestoneStatus.CLAIMED, "claimed_on", record.claimed_on),
        (MilestoneStatus.VERIFIED, "verified_on", record.verified_on),
        (MilestoneStatus.INVOICED, "invoice_number", record.invoice_number),
        (MilestoneStatus.INVOICED, "invoiced_on", record.invoiced_on),
        (MilestoneStatus.PARTIALLY_PAID, "paid_amount", record.paid_amount),
        (MilestoneStatus.PARTIALLY_PAID, "paid_on", record.paid_on),
    ]
    for status, field, value in needs:
        reached = step >= _STEP[status]
        if reached and value in (None, ""):
            _refuse(
                _("A milestone that is %(status)s states its %(field)s.")
                % {"status": MilestoneStatus(record.status).label.lower(), "field": field},
                field,
                "required",
            )
        if not reached and value not in (None, ""):
            _refuse(
                _("A milestone that is %(status)s has no %(field)s yet.")
                % {"status": MilestoneStatus(record.status).label.lower(), "field": field},
                field,
                "inconsistent",
            )
    dates = [("claimed_on", record.claimed_on), ("verified_on", record.verified_on)]
    dates += [("invoiced_on", record.invoiced_on), ("paid_on", record.paid_on)]
    previous = None
    for field, value in dates:
        if value is None:
            continue
        date_check(value, field=field, bounds=PAST)
        if previous is not None and value < previous:
            _refuse(_("A milestone's dates follow its steps in order."), field)
        previous = value
    if record.paid_amount is not None:
        if record.paid_amount <= 0:
            _refuse(_("A payment is a positive amount."), "paid_amount")
        full = record.paid_amount >= record.amount
        if record.paid_amount > record.amount:
            _refuse(_("Payments cannot exceed the invoice."), "paid_amount", "overpayment")
        if full != (record.status == MilestoneStatus.PAID):
            _refuse(
                _("A paid milestone is paid in full; a partially paid one is not."),
                "paid_amount",
                "inconsistent",
            )


def _invoice_write(milestone: Milestone, record: MilestoneRecord, by) -> None:
    invoice = Invoice.objects.filter(milestone=milestone).first()
    if invoice is not None and invoice.number != record.invoice_number:
        _refuse(
            _("The milestone is invoiced as %(number)s; an invoice is never renumbered.")
            % {"number": invoice.number},
            "invoice_number",
            "invoice_conflict",
        )
    if invoice is None:
        if Invoice.objects.filter(number=record.invoice_number).exists():
            _refuse(
                _("Invoice %(number)s is already recorded for something else.")
                % {"number": record.invoice_number},
                "invoice_number",
                "duplicate",
            )
        partnership = milestone.agreement.partnership
        payee = partnership.institution or partnership.joint_centre
        invoice = Invoice(
            number=record.invoice_number,
            agreement=milestone.agreement,
            milestone=milestone,
            payee_name=payee.name,
            payer_name=partnership.enterprise.name,
            **invoice_parties(partnership),
            amount=milestone.amount,
            currency=milestone.currency,
            issued_on=record.invoiced_on,
            due_on=record.invoiced_on + timedelta(days=DEFAULT_PAYMENT_TERMS_DAYS),
            issued_by=by,
        )
        invoice.full_clean()
        invoice.save()
    if record.paid_amount is not None and not invoice.payments.exists():
        payment = Payment(
            invoice=invoice,
            amount=quantize_money(record.paid_amount, milestone.currency),
            currency=milestone.currency,
            paid_on=record.paid_on,
            reference=record.payment_reference,
            recorded_by=by,
        )
        payment.full_clean()
        payment.save()
        if payment.amount == invoice.amount:
            # The invoice's only payment settles it (see ``payment_record``).
            invoice.paid_in_full_on = payment.paid_on
            invoice.save(update_fields=["paid_in_full_on"])


@transaction.atomic
@keeps_open_money(project_of)
def milestone_history_import(
    *,
    project: ResearchProject,
    agreement: Agreement,
    record: MilestoneRecord,
    by,
    milestone: Milestone | None = None,
) -> Milestone:
    """Create ``record`` as a milestone of ``project`` under ``agreement``,
    or bring ``milestone`` (the one of that name) up to it, with the dates
    of each step as they were. A milestone moves forward only: an import
    never takes back a claim, an invoice or a payment."""
    _require_project_staff(project, by)
    _check_record(record)
    if project.agreement_id and project.agreement_id != agreement.pk:
        _refuse(_("The milestone's agreement is not the project's."), "agreement", "inconsistent")
    if record.kind not in MilestoneKind.values:
        _refuse(_("Unknown milestone kind."), "kind", "invalid_choice")
    if milestone is not None:
        milestone = Milestone.objects.select_for_update(of=("self",)).get(pk=milestone.pk)
        if milestone.status not in _STEP or _STEP[milestone.status] > _STEP[record.status]:
            _refuse(
                _("The milestone is already %(status)s; an import does not take it back.")
                % {"status": milestone.get_status_display().lower()},
                "status",
                "invalid_transition",
            )
    else:
        milestone = Milestone(project=project, agreement=agreement, name=record.name)
    before = milestone.status if milestone.pk else None
    milestone.kind = record.kind
    milestone.amount = record.amount
    milestone.currency = record.currency
    milestone.trigger_stage = record.trigger_stage
    milestone.trigger_event = record.trigger_event
    milestone.due_date = record.due_date
    milestone.status = record.status
    if record.claimed_on:
        milestone.claimed_at = started_at(record.claimed_on)
        milestone.claim_note = milestone.claim_note or _("Claimed before BioBridge.")
    if record.verified_on:
        milestone.verified_at = started_at(record.verified_on)
        # The enterprise verified outside BioBridge; staff record it.
        milestone.verified_by = None
        milestone.verification_recorded_by = milestone.verification_recorded_by or by
    milestone.full_clean()
    milestone.save()
    if record.invoice_number:
        _invoice_write(milestone, record, by)
    activity_record(
        actor=by,
        verb="milestone.imported",
        target=milestone,
        project=project,
        agreement=agreement,
        summary=Message(
            gettext_lazy("%(name)s imported as %(status)s."),
            name=milestone.name,
            status=milestone.get_status_display().lower(),
        ),
        changes={"status": [before, milestone.status]},
    )
    return milestone
