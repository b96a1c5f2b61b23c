"""The milestone lifecycle (DESIGN §3):

planned → claimed (payee, with evidence) → verified (payer) → invoiced →
partially paid → paid; claimed → disputed (payer, with reason) → claimed
again; cancelled or waived by the payee's staff with a reason, until invoiced.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ALLOWED, DomainError, Guard, denied
from core.events import publish
from core.i18n import Localized, Lowercase, Message, Money, localized_name
from core.text import text_input
from partnerships.selectors import acts_for_enterprise, acts_for_research_party
from projects.activity import activity_record
from projects.choices import MILESTONE_TRANSITIONS, MilestoneStatus, VerificationEvidence
from projects.events import (
    MilestoneClaimable,
    MilestoneClaimed,
    MilestoneDisputed,
    MilestoneInvoiced,
    MilestoneVerified,
)
from projects.models import Activity, Document, Invoice, Milestone, ResearchProject
from projects.selectors import staff_work_on_project
from projects.services.open_money import keeps_open_money, project_of, project_of_milestone

from .invoicing import DEFAULT_PAYMENT_TERMS_DAYS, invoice_issue


class MilestoneError(DomainError):
    code = "milestone_refused"


# --- Guards -------------------------------------------------------------------
#
# A guard that refuses says what the person can act on: what the milestone
# waits for and from whom ("Waiting for Hanhai Biopharma to verify the
# claim"), never only that one status cannot follow another.


def _parties(milestone: Milestone) -> dict[str, str]:
    partnership = milestone.agreement.partnership
    return {
        "payer": localized_name(partnership.enterprise),
        "payee": localized_name(partnership.research_party),
    }


def milestone_waiting_for(milestone: Milestone) -> str:
    """Where the milestone stands and who acts next, in a sentence."""
    names = _parties(milestone)
    status = MilestoneStatus(milestone.status)
    if status == MilestoneStatus.PLANNED:
        if not milestone.is_triggered:
            return _("Waiting for the project to enter %(stage)s.") % {
                "stage": localized_name(milestone.trigger_stage)
            }
        return _("Waiting for %(payee)s to claim the milestone.") % names
    return {
        MilestoneStatus.CLAIMED: _("Waiting for %(payer)s to verify the claim."),
        MilestoneStatus.DISPUTED: _(
            "%(payer)s disputed the claim: waiting for %(payee)s to resubmit it."
        ),
        MilestoneStatus.VERIFIED: _(
            "%(payer)s verified the claim: waiting for %(payee)s to invoice it."
        ),
        MilestoneStatus.INVOICED: _("Invoiced: waiting for %(payer)s to pay."),
        MilestoneStatus.PARTIALLY_PAID: _("Partly paid: waiting for %(payer)s to pay the rest."),
        MilestoneStatus.PAID: _("Paid in full: nothing more is owed."),
        MilestoneStatus.CANCELLED: _("Cancelled: nothing is owed."),
        MilestoneStatus.WAIVED: _("Waived: nothing is owed."),
    }[status] % names


def _refused(rule: str, milestone: Milestone, code: str = "invalid_transition") -> Guard:
    """A refusal that says when the action becomes possible and what the
    milestone waits for now."""
    return denied(
        _("%(rule)s %(state)s") % {"rule": rule, "state": milestone_waiting_for(milestone)},
        code,
    )


def _can_move(milestone: Milestone, to_status: MilestoneStatus) -> bool:
    return MilestoneStatus(to_status) in MILESTONE_TRANSITIONS[MilestoneStatus(milestone.status)]


def milestone_claim_guard(milestone: Milestone, user) -> Guard:
    if not acts_for_research_party(user, milestone.agreement):
        return denied(
            _("Only the staff of %(payee)s claim this milestone.") % _parties(milestone),
            "not_payee",
        )
    if not _can_move(milestone, MilestoneStatus.CLAIMED):
        return _refused(_("There is nothing to claim now."), milestone)
    if not milestone.is_triggered:
        return denied(
            _("Claim it once the project has entered %(stage)s.")
            % {"stage": localized_name(milestone.trigger_stage)},
            "not_claimable",
        )
    return ALLOWED


def milestone_verify_guard(milestone: Milestone, user) -> Guard:
    if not acts_for_enterprise(user, milestone.agreement):
        return denied(
            _(
                "Only %(payer)s verifies the claim; if it confirmed it in writing, its "
                "verification can be recorded."
            )
            % _parties(milestone),
            "not_payer",
        )
    if not _can_move(milestone, MilestoneStatus.VERIFIED):
        return _refused(_("There is no claim awaiting verification."), milestone)
    return ALLOWED


def milestone_dispute_guard(milestone: Milestone, user) -> Guard:
    if not acts_for_enterprise(user, milestone.agreement):
        return denied(_("Only %(payer)s disputes the claim.") % _parties(milestone), "not_payer")
    if not _can_move(milestone, MilestoneStatus.DISPUTED):
        return _refused(_("Only a claim awaiting verification can be disputed."), milestone)
    return ALLOWED


def milestone_invoice_guard(milestone: Milestone, user) -> Guard:
    if not acts_for_research_party(user, milestone.agreement):
        return denied(
            _("Only the staff of %(payee)s invoice this milestone.") % _parties(milestone),
            "not_payee",
        )
    if not _can_move(milestone, MilestoneStatus.INVOICED):
        return _refused(_("Invoice it once the claim is verified."), milestone)
    return ALLOWED


def milestone_verification_record_guard(milestone: Milestone, user) -> Guard:
    """Staff of the payee record a verification the enterprise gave outside
    BioBridge (a signed letter, an email); the enterprise's own users verify
    in the portal instead."""
    if not acts_for_research_party(user, milestone.agreement) or user.is_partner:
        return denied(
            _("Only the staff of %(payee)s record a verification received in writing.")
            % _parties(milestone),
            "not_payee",
        )
    if not _can_move(milestone, MilestoneStatus.VERIFIED):
        return _refused(_("Only a claim awaiting verification can be verified."), milestone)
    return ALLOWED


def milestone_close_guard(milestone: Milestone, user, to_status=MilestoneStatus.CANCELLED):
    if not acts_for_research_party(user, milestone.agreement) or user.is_partner:
        return denied(
            _("Only the staff of %(payee)s cancel or waive this milestone.") % _parties(milestone),
            "not_payee",
        )
    if not _can_move(milestone, to_status):
        return _refused(
            _("A milestone can be cancelled or waived until it is invoiced."), milestone
        )
    return ALLOWED


# --- Actions ------------------------------------------------------------------


def _locked(milestone: Milestone) -> Milestone:
    # Lock the milestone row only. PostgreSQL cannot lock the nullable side
    # of an outer join (the trigger stage), and the agreement and project
    # rows are not ours to hold.
    return (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("agreement__partnership", "project", "trigger_stage")
        .get(pk=milestone.pk)
    )


def _text(value: str, *, field: str, name: str, required: str | None = None) -> str:
    return text_input(
        value,
        model=Milestone,
        field=field,
        name=name,
        required=required,
        error_class=MilestoneError,
    )


def _move(
    milestone: Milestone,
    to_status: MilestoneStatus,
    *,
    by,
    verb: str,
    summary: str,
    changes: dict | None = None,
):
    old_status = milestone.status
    milestone.status = to_status
    milestone.save()
    return activity_record(
        actor=by,
        verb=verb,
        target=milestone,
        project=milestone.project,
        agreement=milestone.agreement,
        summary=summary,
        changes={"status": [old_status, to_status], **(changes or {})},
    )


def _evidence_check(milestone: Milestone, documents: list[Document]) -> None:
    """Evidence of a claim or of a verification: documents of the project
    that the enterprise can see, of no other agreement."""
    if any(doc.project_id != milestone.project_id for doc in documents):
        raise MilestoneError(
            _("Evidence must be documents of this project."),
            code="foreign_evidence",
            field="documents",
        )
    if any(doc.is_internal for doc in documents):
        # The payer verifies against the evidence, so it must be able to see it.
        raise MilestoneError(
            _("Internal documents cannot be evidence: the enterprise cannot see them."),
            code="internal_evidence",
            field="documents",
        )
    if any(
        doc.agreement_id not in (None, milestone.agreement_id)
        or (doc.milestone_id is not None and doc.milestone.agreement_id != milestone.agreement_id)
        for doc in documents
    ):
        # Evidence joins the milestone's agreement: a document of another
        # agreement would move out of sight of the partner it belongs to.
        raise MilestoneError(
            _("Evidence must not be a document of another agreement."),
            code="foreign_evidence",
            field="documents",
        )


def _evidence_attach(milestone: Milestone, documents: list[Document]) -> None:
    for document in documents:
        # Evidence is governed by the milestone's agreement: on a project
        # shared by two enterprises, the other one must not see it.
        if (document.milestone_id, document.agreement_id) != (
            milestone.pk,
            milestone.agreement_id,
        ):
            document.milestone = milestone
            document.agreement_id = milestone.agreement_id
            document.save(update_fields=["milestone", "agreement"])
            # The record of its upload names the file: it follows the
            # document out of the other enterprise's timeline.
            Activity.objects.filter(
                target_type=Document._meta.label_lower,
                target_id=document.pk,
                agreement__isnull=True,
            ).update(agreement_id=milestone.agreement_id)


@transaction.atomic
@keeps_open_money(project_of_milestone)
def milestone_claim(
    *, milestone: Milestone, by, evidence_note: str = "", documents: Iterable[Document] = ()
) -> Milestone:
    """The payee claims that the milestone is reached, with evidence: a
    note, documents, or both. A disputed claim is resubmitted the same way."""
    milestone = _locked(milestone)
    milestone_claim_guard(milestone, by).raise_if_denied(MilestoneError)
    documents = list(documents)
    evidence_note = _text(evidence_note, field="claim_note", name="evidence_note")
    if not evidence_note and not documents:
        raise MilestoneError(
            _("A claim needs evidence: describe it or attach documents."),
            code="evidence_required",
            field="evidence_note",
        )
    _evidence_check(milestone, documents)
    resubmission = milestone.status == MilestoneStatus.DISPUTED
    milestone.claim_note = evidence_note
    milestone.claimed_at = timezone.now()
    milestone.claimed_by = by
    _evidence_attach(milestone, documents)
    activity = _move(
        milestone,
        MilestoneStatus.CLAIMED,
        by=by,
        verb="milestone.resubmitted" if resubmission else "milestone.claimed",
        summary=Message(
            gettext_lazy("Claim for %(name)s resubmitted.")
            if resubmission
            else gettext_lazy("%(name)s claimed."),
            name=milestone.name,
        ),
        changes={"evidence": evidence_note, "documents": [doc.pk for doc in documents]},
    )
    publish(MilestoneClaimed(milestone=milestone, activity=activity))
    return milestone


@transaction.atomic
@keeps_open_money(project_of_milestone)
def milestone_verify(*, milestone: Milestone, by, comment: str = "") -> Milestone:
    """The payer confirms the claim."""
    milestone = _locked(milestone)
    milestone_verify_guard(milestone, by).raise_if_denied(MilestoneError)
    milestone.verification_comment = _text(comment, field="verification_comment", name="comment")
    milestone.verified_at = timezone.now()
    milestone.verified_by = by
    milestone.dispute_reason = ""
    activity = _move(
        milestone,
        MilestoneStatus.VERIFIED,
        by=by,
        verb="milestone.verified",
        summary=Message(gettext_lazy("%(name)s verified by the enterprise."), name=milestone.name),
        changes={"comment": milestone.verification_comment},
    )
    publish(MilestoneVerified(milestone=milestone, activity=activity))
    return milestone


@transaction.atomic
@keeps_open_money(project_of_milestone)
def milestone_verification_record(
    *,
    milestone: Milestone,
    by,
    evidence: str,
    documents: Iterable[Document],
    note: str = "",
) -> Milestone:
    """Staff record that the paying enterprise verified the claim outside
    BioBridge, in a signed letter or an email, attached as evidence.

    The record says what happened: ``verified_by`` stays empty, since no
    user of the enterprise verified in BioBridge, and
    ``verification_recorded_by`` names the staff member who recorded the
    enterprise's verification on its behalf; the activity says both. From
    then on the milestone is verified and can be invoiced."""
    milestone = _locked(milestone)
    milestone_verification_record_guard(milestone, by).raise_if_denied(MilestoneError)
    if evidence not in VerificationEvidence.values:
        raise MilestoneError(
            _(
                "Say how the enterprise confirmed the claim: a signed letter, an email or "
                "another written confirmation."
            ),
            code="evidence_kind",
            field="evidence",
        )
    documents = list(documents)
    if not documents:
        raise MilestoneError(
            _(
                "Attach the enterprise's letter or email: a verification recorded for it "
                "needs its evidence."
            ),
            code="evidence_required",
            field="documents",
        )
    _evidence_check(milestone, documents)
    note = _text(note, field="verification_comment", name="note")
    enterprise = milestone.agreement.partnership.enterprise
    evidence = VerificationEvidence(evidence)
    milestone.verification_comment = note
    milestone.verified_at = timezone.now()
    milestone.verified_by = None
    milestone.verification_recorded_by = by
    milestone.verification_evidence = evidence
    milestone.dispute_reason = ""
    _evidence_attach(milestone, documents)
    activity = _move(
        milestone,
        MilestoneStatus.VERIFIED,
        by=by,
        verb="milestone.verification_recorded",
        summary=Message(
            gettext_lazy(
                "%(staff)s recorded %(enterprise)s's verification of %(name)s "
                "(%(evidence)s attached)."
            ),
            staff=by.get_full_name() or by.email,
            enterprise=Localized(enterprise),
            name=milestone.name,
            evidence=Lowercase(evidence.label),
        ),
        changes={
            "on_behalf_of": enterprise.pk,
            "evidence": evidence.value,
            "documents": [doc.pk for doc in documents],
            "note": note,
        },
    )
    publish(MilestoneVerified(milestone=milestone, activity=activity))
    return milestone


@transaction.atomic
@keeps_open_money(project_of_milestone)
def milestone_dispute(*, milestone: Milestone, by, reason: str) -> Milestone:
    """The payer contests the claim, saying why."""
    reason = _text(
        reason, field="dispute_reason", name="reason", required=_("A dispute states its reason.")
    )
    milestone = _locked(milestone)
    milestone_dispute_guard(milestone, by).raise_if_denied(MilestoneError)
    milestone.dispute_reason = reason
    activity = _move(
        milestone,
        MilestoneStatus.DISPUTED,
        by=by,
        verb="milestone.disputed",
        summary=Message(
            gettext_lazy("%(name)s disputed: %(reason)s"), name=milestone.name, reason=reason
        ),
        changes={"reason": reason},
    )
    publish(MilestoneDisputed(milestone=milestone, activity=activity))
    return milestone


@transaction.atomic
@keeps_open_money(project_of_milestone)
def milestone_invoice(
    *,
    milestone: Milestone,
    by,
    issued_on=None,
    payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS,
) -> Invoice:
    """Issue the invoice of a verified milestone, numbered gaplessly."""
    milestone = _locked(milestone)
    milestone_invoice_guard(milestone, by).raise_if_denied(MilestoneError)
    invoice = invoice_issue(
        agreement=milestone.agreement,
        amount=milestone.amount,
        currency=milestone.currency,
        milestone=milestone,
        by=by,
        issued_on=issued_on,
        payment_terms_days=payment_terms_days,
    )
    activity = _move(
        milestone,
        MilestoneStatus.INVOICED,
        by=by,
        verb="milestone.invoiced",
        summary=Message(
            gettext_lazy("Invoice %(number)s issued for %(name)s."),
            number=invoice.number,
            name=milestone.name,
        ),
        changes={"invoice": invoice.number, "due_on": invoice.due_on},
    )
    publish(MilestoneInvoiced(milestone=milestone, invoice=invoice, activity=activity))
    return invoice


def _close(milestone: Milestone, *, by, reason: str, to_status: MilestoneStatus) -> Milestone:
    reason = _text(
        reason,
        field="closing_reason",
        name="reason",
        required=_("Cancelling or waiving a milestone needs a reason."),
    )
    milestone = _locked(milestone)
    milestone_close_guard(milestone, by, to_status).raise_if_denied(MilestoneError)
    milestone.closing_reason = reason
    _move(
        milestone,
        to_status,
        by=by,
        verb=f"milestone.{to_status}",
        summary=Message(
            gettext_lazy("%(name)s %(status)s: %(reason)s"),
            name=milestone.name,
            status=Lowercase(to_status.label),
            reason=reason,
        ),
        changes={"reason": reason},
    )
    return milestone


@transaction.atomic
@keeps_open_money(project_of_milestone)
def milestone_cancel(*, milestone: Milestone, by, reason: str) -> Milestone:
    """Withdraw a milestone that no longer applies."""
    return _close(milestone, by=by, reason=reason, to_status=MilestoneStatus.CANCELLED)


@transaction.atomic
@keeps_open_money(project_of_milestone)
def milestone_waive(*, milestone: Milestone, by, reason: str) -> Milestone:
    """Forgo a milestone the enterprise would owe."""
    return _close(milestone, by=by, reason=reason, to_status=MilestoneStatus.WAIVED)


@transaction.atomic
@keeps_open_money(project_of)
def milestones_create_from_schedule(*, project: ResearchProject, by) -> list[Milestone]:
    """Create the project's milestones from its agreement's schedule. Items
    already created are skipped, so running it again adds only new ones, and
    so are items triggered by stages of another pipeline, which the project
    can never enter. Milestones of stages the project has already entered
    are claimable at once, from the day it entered them, and the payee is
    told."""
    if project.agreement_id is None:
        raise MilestoneError(_("The project has no agreement."), code="no_agreement")
    # No joins: a project whose stage moved while this waited for the lock
    # would not be found by a joined query on PostgreSQL.
    project = ResearchProject.objects.select_for_update().get(pk=project.pk)
    if not staff_work_on_project(by, project):
        raise MilestoneError(
            _("Only the project's research staff plan its milestones."),
            code="permission_denied",
        )
    existing = set(project.milestones.values_list("schedule_item_id", flat=True))
    entered_on = _stage_entry_dates(project)
    created = []
    for item in project.agreement.milestone_schedule.select_related("trigger_stage"):
        if item.pk in existing:
            continue
        stage = item.trigger_stage
        if stage is not None and stage.pipeline_id != project.current_stage.pipeline_id:
            continue
        triggered_on = None
        if stage is not None and stage.position <= project.current_stage.position:
            triggered_on = entered_on.get(stage.pk, timezone.localdate())
        milestone = Milestone.objects.create(
            project=project,
            agreement=project.agreement,
            schedule_item=item,
            name=item.name,
            kind=item.kind,
            trigger_stage=item.trigger_stage,
            trigger_event=item.trigger_event,
            due_offset_days=item.due_offset_days,
            triggered_on=triggered_on,
            due_date=(
                triggered_on + timedelta(days=item.due_offset_days) if triggered_on else None
            ),
            amount=item.amount,
            currency=project.agreement.currency,
        )
        activity_record(
            actor=by,
            verb="milestone.created",
            target=milestone,
            project=project,
            agreement=project.agreement,
            summary=Message(
                gettext_lazy("Milestone %(name)s planned: %(amount)s %(currency)s."),
                name=milestone.name,
                amount=Money(milestone.amount, milestone.currency, code=False),
                currency=milestone.currency,
            ),
            changes={"amount": milestone.amount, "trigger_stage": item.trigger_stage_id},
        )
        if triggered_on is not None:
            publish(MilestoneClaimable(milestone=milestone, on_stage_entry=False))
        created.append(milestone)
    return created


def _stage_entry_dates(project: ResearchProject) -> dict:
    """The day the project last entered each stage it has passed, from its
    gate history; stages passed over by a skip count from the skip."""
    entered = {}
    stages = {stage.pk: stage for stage in project.current_stage.pipeline.stages.all()}
    for transition in project.transitions.order_by("decided_at", "id"):
        day = timezone.localdate(transition.decided_at)
        low = transition.from_stage.position if transition.from_stage_id else 0
        for stage in stages.values():
            moved_up = low < stage.position <= transition.to_stage.position
            if stage.pk == transition.to_stage_id or moved_up:
                entered[stage.pk] = day
    return entered
