"""The milestone lifecycle: planned → claimed (payee staff, with evidence) →
verified (payer) or disputed (payer, with reason) → invoiced → partially paid
→ paid; cancelled or waived by the payee's staff, with a reason, until
invoiced. Overdue is derived, never stored.

In these tests ``staff_user`` works for the payee institution and
``partner_user`` acts for the paying enterprise.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import DomainError
from notifications.choices import NotificationKind
from notifications.models import Notification
from pipelines.models import StageDefinition
from projects.choices import MILESTONE_TRANSITIONS, MilestoneStatus
from projects.models import Activity, Invoice, Milestone
from projects.selectors import invoice_amount_paid
from projects.services import (
    invoice_issue,
    milestone_cancel,
    milestone_claim,
    milestone_claim_guard,
    milestone_close_guard,
    milestone_dispute,
    milestone_dispute_guard,
    milestone_invoice,
    milestone_invoice_guard,
    milestone_verification_record,
    milestone_verification_record_guard,
    milestone_verify,
    milestone_verify_guard,
    milestone_waive,
    milestones_create_from_schedule,
    payment_record,
    payment_record_guard,
)
from tests.factories import (
    AgreementFactory,
    DocumentFactory,
    MilestoneFactory,
    MilestoneScheduleItemFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    ResearchProjectFactory,
    StageTransitionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = MilestoneStatus
EVIDENCE = "In vivo efficacy report, study BB-17, signed off by the QA unit."


# --- Arranging a milestone in each status, through the services -------------------


def bring_to(status, milestone, *, staff, payer):
    """Take a planned milestone to ``status`` the way users would."""
    if status == S.PLANNED:
        return milestone
    if status in (S.CANCELLED, S.WAIVED):
        close = milestone_cancel if status == S.CANCELLED else milestone_waive
        return close(milestone=milestone, by=staff, reason="No longer in the plan.")
    milestone_claim(milestone=milestone, by=staff, evidence_note=EVIDENCE)
    if status == S.CLAIMED:
        return refreshed(milestone)
    if status == S.DISPUTED:
        milestone_dispute(milestone=milestone, by=payer, reason="The report is unsigned.")
        return refreshed(milestone)
    milestone_verify(milestone=milestone, by=payer)
    if status == S.VERIFIED:
        return refreshed(milestone)
    invoice = milestone_invoice(milestone=milestone, by=staff)
    if status == S.PARTIALLY_PAID:
        pay(invoice, Decimal("40000.00"), by=staff)
    elif status == S.PAID:
        pay(invoice, invoice.amount, by=staff)
    return refreshed(milestone)


def refreshed(milestone):
    milestone.refresh_from_db()
    return milestone


def pay(invoice, amount, *, by, reference=""):
    return payment_record(
        invoice=invoice,
        amount=amount,
        currency=invoice.currency,
        paid_on=timezone.localdate(),
        by=by,
        reference=reference,
    )


def invoice_of(milestone, staff):
    """The milestone's invoice. A milestone that was never invoiced is given
    one directly, so that the test can show that its status, not the
    existence of an invoice, decides whether payments are taken."""
    invoice = Invoice.objects.filter(milestone=milestone).first()
    if invoice is None:
        invoice = invoice_issue(
            agreement=milestone.agreement,
            amount=milestone.amount,
            currency=milestone.currency,
            milestone=milestone,
            by=staff,
        )
    return invoice


def letter(milestone):
    """The enterprise's signed letter confirming the claim, uploaded."""
    return DocumentFactory(project=milestone.project, original_name="confirmation.pdf")


def outstanding_or_full(invoice):
    outstanding = invoice.amount - invoice_amount_paid(invoice)
    return outstanding if outstanding > 0 else invoice.amount


# Each action: the status it leads to, how it is done and its guard.
ACTIONS = {
    "claim": (
        S.CLAIMED,
        lambda m, staff, payer: milestone_claim(milestone=m, by=staff, evidence_note=EVIDENCE),
        lambda m, staff, payer: milestone_claim_guard(m, staff),
    ),
    "verify": (
        S.VERIFIED,
        lambda m, staff, payer: milestone_verify(milestone=m, by=payer),
        lambda m, staff, payer: milestone_verify_guard(m, payer),
    ),
    "record verification": (
        S.VERIFIED,
        lambda m, staff, payer: milestone_verification_record(
            milestone=m, by=staff, evidence="letter", documents=[letter(m)]
        ),
        lambda m, staff, payer: milestone_verification_record_guard(m, staff),
    ),
    "dispute": (
        S.DISPUTED,
        lambda m, staff, payer: milestone_dispute(milestone=m, by=payer, reason="Unsigned."),
        lambda m, staff, payer: milestone_dispute_guard(m, payer),
    ),
    "invoice": (
        S.INVOICED,
        lambda m, staff, payer: milestone_invoice(milestone=m, by=staff),
        lambda m, staff, payer: milestone_invoice_guard(m, staff),
    ),
    "cancel": (
        S.CANCELLED,
        lambda m, staff, payer: milestone_cancel(milestone=m, by=staff, reason="Out of scope."),
        lambda m, staff, payer: milestone_close_guard(m, staff, S.CANCELLED),
    ),
    "waive": (
        S.WAIVED,
        lambda m, staff, payer: milestone_waive(milestone=m, by=staff, reason="Goodwill."),
        lambda m, staff, payer: milestone_close_guard(m, staff, S.WAIVED),
    ),
    "record payment": (
        S.PAID,
        lambda m, staff, payer: pay(
            invoice_of(m, staff), outstanding_or_full(invoice_of(m, staff)), by=staff
        ),
        lambda m, staff, payer: payment_record_guard(invoice_of(m, staff), staff),
    ),
}

# What each status allows, written out so that a change to the lifecycle
# shows up here as well as in MILESTONE_TRANSITIONS.
ALLOWED = {
    S.PLANNED: {"claim", "cancel", "waive"},
    S.CLAIMED: {"verify", "record verification", "dispute", "cancel", "waive"},
    S.DISPUTED: {"claim", "cancel", "waive"},
    S.VERIFIED: {"invoice", "cancel", "waive"},
    S.INVOICED: {"record payment"},
    S.PARTIALLY_PAID: {"record payment"},
    S.PAID: set(),
    S.CANCELLED: set(),
    S.WAIVED: set(),
}

# The code of a refusal where it is not "invalid_transition": paying a paid
# invoice is an over-payment (its guard says the invoice is settled).
REFUSAL_CODE = {(S.PAID, "record payment"): ("already_paid", "overpayment")}

TABLE = [(status, action) for status in S for action in ACTIONS]


class TestTransitionTable:
    def test_the_table_matches_the_transition_map(self):
        for status in S:
            by_map = {
                action
                for action, (target, _do, _guard) in ACTIONS.items()
                if target in MILESTONE_TRANSITIONS[status]
            }
            assert by_map == ALLOWED[status], status

    @pytest.mark.parametrize(("status", "action"), TABLE, ids=[f"{s.value}-{a}" for s, a in TABLE])
    def test_every_action_from_every_status(
        self, project, staff_user, partner_user, status, action
    ):
        """Allowed moves happen; forbidden ones are refused with a code, and
        change nothing."""
        milestone = bring_to(
            status, MilestoneFactory(project=project), staff=staff_user, payer=partner_user
        )
        target, do, guard = ACTIONS[action]
        activities_before = Activity.objects.count()

        allowed, reason = guard(milestone, staff_user, partner_user)
        if action in ALLOWED[status]:
            do(milestone, staff_user, partner_user)

            assert (allowed, reason) == (True, "")
            assert refreshed(milestone).status == target
        else:
            guard_code, action_code = REFUSAL_CODE.get(
                (status, action), ("invalid_transition", "invalid_transition")
            )
            with pytest.raises(DomainError) as error:
                do(milestone, staff_user, partner_user)

            assert not allowed
            assert reason
            assert guard(milestone, staff_user, partner_user).code == guard_code
            assert error.value.code == action_code
            assert refreshed(milestone).status == status
            assert Activity.objects.count() == activities_before


# --- Claim --------------------------------------------------------------------------


class TestClaim:
    def test_the_payee_claims_with_a_note(self, project, staff_user):
        milestone = MilestoneFactory(project=project)

        milestone_claim(milestone=milestone, by=staff_user, evidence_note=EVIDENCE)

        milestone.refresh_from_db()
        assert milestone.status == S.CLAIMED
        assert milestone.claim_note == EVIDENCE
        assert milestone.claimed_by == staff_user
        assert milestone.claimed_at is not None
        entry = Activity.objects.get(verb="milestone.claimed")
        assert (entry.actor, entry.project, entry.target_id) == (
            staff_user,
            project,
            milestone.pk,
        )

    def test_the_payee_claims_with_documents_only(self, project, staff_user):
        """Attached documents are evidence enough, and become the
        milestone's documents."""
        milestone = MilestoneFactory(project=project)
        report = DocumentFactory(project=project)

        milestone_claim(milestone=milestone, by=staff_user, documents=[report])

        report.refresh_from_db()
        assert refreshed(milestone).status == S.CLAIMED
        assert report.milestone == milestone

    def test_internal_documents_are_no_evidence(self, project, staff_user):
        """The payer verifies against the evidence and cannot see internal
        documents."""
        milestone = MilestoneFactory(project=project)
        notes = DocumentFactory(project=project, is_internal=True)

        with pytest.raises(DomainError) as error:
            milestone_claim(milestone=milestone, by=staff_user, documents=[notes])

        assert error.value.code == "internal_evidence"
        assert refreshed(milestone).status == S.PLANNED

    @pytest.mark.parametrize("note", ["", "   "], ids=["empty", "blank"])
    def test_a_claim_without_evidence_is_refused(self, project, staff_user, note):
        milestone = MilestoneFactory(project=project)

        with pytest.raises(DomainError) as error:
            milestone_claim(milestone=milestone, by=staff_user, evidence_note=note)

        assert error.value.code == "evidence_required"
        assert refreshed(milestone).status == S.PLANNED

    def test_documents_of_another_project_are_no_evidence(self, project, staff_user):
        milestone = MilestoneFactory(project=project)
        foreign = DocumentFactory(project=ResearchProjectFactory())

        with pytest.raises(DomainError) as error:
            milestone_claim(milestone=milestone, by=staff_user, documents=[foreign])

        assert error.value.code == "foreign_evidence"
        foreign.refresh_from_db()
        assert foreign.milestone is None

    def test_evidence_joins_the_agreement_of_the_milestone(self, project, staff_user):
        """On a project shared by two enterprises, a project document made
        claim evidence is the milestone's agreement's, and no longer shared
        with the other enterprise."""
        milestone = MilestoneFactory(project=project)
        report = DocumentFactory(project=project)

        milestone_claim(milestone=milestone, by=staff_user, documents=[report])

        report.refresh_from_db()
        assert report.agreement == milestone.agreement

    def test_documents_of_another_agreement_are_no_evidence(self, project, staff_user):
        """Making it evidence would move it out of sight of the enterprise
        whose agreement it belongs to."""
        milestone = MilestoneFactory(project=project)
        other_terms = DocumentFactory(project=project, agreement=AgreementFactory())

        with pytest.raises(DomainError) as error:
            milestone_claim(milestone=milestone, by=staff_user, documents=[other_terms])

        assert error.value.code == "foreign_evidence"
        assert refreshed(milestone).status == S.PLANNED

    def test_the_payer_cannot_claim(self, project, partner_user):
        milestone = MilestoneFactory(project=project)

        allowed, reason = milestone_claim_guard(milestone, partner_user)
        with pytest.raises(DomainError) as error:
            milestone_claim(milestone=milestone, by=partner_user, evidence_note=EVIDENCE)

        payee = project.agreement.partnership.institution
        assert (allowed, reason) == (
            False,
            f"Only the staff of {payee.name} claim this milestone.",
        )
        assert error.value.code == "not_payee"

    def test_staff_of_another_institution_cannot_claim(self, project, foreign_staff):
        milestone = MilestoneFactory(project=project)

        with pytest.raises(DomainError) as error:
            milestone_claim(milestone=milestone, by=foreign_staff, evidence_note=EVIDENCE)

        assert error.value.code == "not_payee"
        assert refreshed(milestone).status == S.PLANNED

    def test_a_stage_milestone_is_claimable_only_once_its_stage_is_entered(
        self, project, staff_user, env_stages
    ):
        milestone = MilestoneFactory(project=project, trigger_stage=env_stages[1])

        allowed, reason = milestone_claim_guard(milestone, staff_user)
        with pytest.raises(DomainError) as error:
            milestone_claim(milestone=milestone, by=staff_user, evidence_note=EVIDENCE)

        assert (allowed, reason) == (False, "Claim it once the project has entered Pilot.")
        assert error.value.code == "not_claimable"
        assert refreshed(milestone).status == S.PLANNED

    def test_an_event_milestone_is_claimable_at_any_time(self, project, staff_user):
        milestone = MilestoneFactory(project=project, trigger_event="First patent granted")

        assert milestone_claim_guard(milestone, staff_user).allowed

    def test_the_payer_is_asked_to_verify(
        self, project, staff_user, partner_user, other_partner_user
    ):
        colleague = PartnerUserFactory(enterprise=partner_user.enterprise)
        milestone = MilestoneFactory(project=project)

        milestone_claim(milestone=milestone, by=staff_user, evidence_note=EVIDENCE)

        asked = Notification.objects.filter(kind=NotificationKind.CLAIM_AWAITING_VERIFICATION)
        assert {n.recipient for n in asked} == {partner_user, colleague}
        assert EVIDENCE in asked.first().body


# --- Verify and dispute -------------------------------------------------------------


@pytest.fixture
def claimed(project, staff_user, partner_user):
    """A claimed milestone; the payer's user exists when the claim is made."""
    milestone = MilestoneFactory(project=project)
    milestone_claim(milestone=milestone, by=staff_user, evidence_note=EVIDENCE)
    return refreshed(milestone)


class TestOfflineVerification:
    """The enterprise confirmed the claim in writing, outside BioBridge (it
    has no portal user yet, say): the payee's staff record its
    verification, with the letter or email attached."""

    def test_staff_record_the_enterprise_s_verification_with_its_letter(self, claimed, staff_user):
        staff_user.full_name = "Wang Fang"
        staff_user.save(update_fields=["full_name"])
        enterprise = claimed.agreement.partnership.enterprise
        document = letter(claimed)

        milestone_verification_record(
            milestone=claimed,
            by=staff_user,
            evidence="letter",
            documents=[document],
            note="Signed by the CTO on 2 December.",
        )

        claimed.refresh_from_db()
        assert claimed.status == S.VERIFIED
        assert claimed.verified_at is not None
        # No user of the enterprise verified in BioBridge: the record says
        # who recorded the enterprise's verification instead.
        assert claimed.verified_by is None
        assert claimed.verification_recorded_by == staff_user
        assert claimed.verification_evidence == "letter"
        assert claimed.verification_comment == "Signed by the CTO on 2 December."
        document.refresh_from_db()
        assert document.milestone == claimed
        activity = Activity.objects.get(verb="milestone.verification_recorded")
        assert activity.actor == staff_user
        assert activity.summary == (
            f"Wang Fang recorded {enterprise.name}'s verification of {claimed.name} "
            "(signed letter attached)."
        )
        assert activity.changes["on_behalf_of"] == enterprise.pk
        told = Notification.objects.get(kind=NotificationKind.MILESTONE_VERIFIED)
        assert told.recipient == staff_user

    def test_a_recorded_verification_lets_staff_invoice_the_milestone(self, claimed, staff_user):
        assert milestone_invoice_guard(claimed, staff_user).reason == (
            "Invoice it once the claim is verified. Waiting for "
            f"{claimed.agreement.partnership.enterprise.name} to verify the claim."
        )
        milestone_verification_record(
            milestone=claimed, by=staff_user, evidence="email", documents=[letter(claimed)]
        )

        invoice = milestone_invoice(milestone=refreshed(claimed), by=staff_user)

        assert invoice.amount == claimed.amount
        assert refreshed(claimed).status == S.INVOICED

    def test_the_partner_cannot_record_a_verification_even_for_its_own_enterprise(
        self, claimed, partner_user
    ):
        allowed, reason = milestone_verification_record_guard(claimed, partner_user)
        with pytest.raises(DomainError) as error:
            milestone_verification_record(
                milestone=claimed, by=partner_user, evidence="letter", documents=[letter(claimed)]
            )

        assert not allowed and "record a verification received in writing" in reason
        assert error.value.code == "not_payee"
        assert refreshed(claimed).status == S.CLAIMED

    def test_staff_of_another_institution_cannot_record_a_verification(
        self, claimed, foreign_staff
    ):
        with pytest.raises(DomainError) as error:
            milestone_verification_record(
                milestone=claimed, by=foreign_staff, evidence="letter", documents=[letter(claimed)]
            )

        assert error.value.code == "not_payee"
        assert refreshed(claimed).status == S.CLAIMED

    def test_a_recorded_verification_needs_the_letter_or_email(self, claimed, staff_user):
        with pytest.raises(DomainError) as error:
            milestone_verification_record(
                milestone=claimed, by=staff_user, evidence="letter", documents=[]
            )

        assert error.value.code == "evidence_required"
        assert refreshed(claimed).status == S.CLAIMED

    def test_an_internal_document_is_no_evidence_of_the_enterprise_s_verification(
        self, claimed, staff_user
    ):
        internal = DocumentFactory(project=claimed.project, is_internal=True)

        with pytest.raises(DomainError) as error:
            milestone_verification_record(
                milestone=claimed, by=staff_user, evidence="letter", documents=[internal]
            )

        assert error.value.code == "internal_evidence"

    def test_an_unknown_kind_of_evidence_is_refused(self, claimed, staff_user):
        with pytest.raises(DomainError) as error:
            milestone_verification_record(
                milestone=claimed,
                by=staff_user,
                evidence="phone call",
                documents=[letter(claimed)],
            )

        assert error.value.field == "evidence"


class TestVerifyAndDispute:
    def test_the_payer_verifies_a_claim(self, claimed, partner_user, staff_user):
        milestone_verify(milestone=claimed, by=partner_user, comment="Report accepted.")

        claimed.refresh_from_db()
        assert claimed.status == S.VERIFIED
        assert claimed.verified_by == partner_user
        assert claimed.verification_comment == "Report accepted."
        told = Notification.objects.get(kind=NotificationKind.MILESTONE_VERIFIED)
        assert told.recipient == staff_user

    def test_another_enterprise_cannot_verify(self, claimed, other_partner_user):
        allowed, reason = milestone_verify_guard(claimed, other_partner_user)
        with pytest.raises(DomainError) as error:
            milestone_verify(milestone=claimed, by=other_partner_user)

        payer = claimed.agreement.partnership.enterprise
        assert not allowed and reason.startswith(f"Only {payer.name} verifies the claim")
        assert error.value.code == "not_payer"
        assert refreshed(claimed).status == S.CLAIMED

    def test_the_payee_cannot_verify_its_own_claim(self, claimed, staff_user):
        with pytest.raises(DomainError) as error:
            milestone_verify(milestone=claimed, by=staff_user)

        assert error.value.code == "not_payer"

    def test_another_enterprise_cannot_dispute(self, claimed, other_partner_user):
        with pytest.raises(DomainError) as error:
            milestone_dispute(milestone=claimed, by=other_partner_user, reason="Not convinced.")

        assert error.value.code == "not_payer"
        assert refreshed(claimed).status == S.CLAIMED

    def test_the_payer_disputes_with_a_reason(self, claimed, partner_user, staff_user):
        milestone_dispute(milestone=claimed, by=partner_user, reason="The report is unsigned.")

        claimed.refresh_from_db()
        assert claimed.status == S.DISPUTED
        assert claimed.dispute_reason == "The report is unsigned."
        told = Notification.objects.get(kind=NotificationKind.MILESTONE_DISPUTED)
        assert (told.recipient, told.body) == (staff_user, "The report is unsigned.")

    @pytest.mark.parametrize("reason", ["", "  \n "], ids=["empty", "blank"])
    def test_a_dispute_needs_a_reason(self, claimed, partner_user, reason):
        with pytest.raises(DomainError) as error:
            milestone_dispute(milestone=claimed, by=partner_user, reason=reason)

        assert (error.value.code, error.value.field) == ("reason_required", "reason")
        assert refreshed(claimed).status == S.CLAIMED

    def test_a_disputed_claim_can_be_resubmitted_and_verified(
        self, claimed, staff_user, partner_user
    ):
        """The payee answers the dispute with new evidence; the payer is
        asked again, and verifying closes the dispute."""
        milestone_dispute(milestone=claimed, by=partner_user, reason="The report is unsigned.")

        milestone_claim(milestone=claimed, by=staff_user, evidence_note="Signed report attached.")
        claimed.refresh_from_db()
        assert claimed.status == S.CLAIMED
        assert claimed.claim_note == "Signed report attached."
        milestone_verify(milestone=claimed, by=partner_user)

        assert Activity.objects.filter(verb="milestone.resubmitted").count() == 1
        asked = Notification.objects.filter(
            kind=NotificationKind.CLAIM_AWAITING_VERIFICATION, recipient=partner_user
        )
        assert asked.count() == 2
        claimed.refresh_from_db()
        assert claimed.status == S.VERIFIED
        assert claimed.dispute_reason == ""


# --- Cancel and waive -----------------------------------------------------------------


class TestCancelAndWaive:
    @pytest.mark.parametrize(
        ("close", "status"), [(milestone_cancel, S.CANCELLED), (milestone_waive, S.WAIVED)]
    )
    def test_staff_close_a_milestone_with_a_reason(self, project, staff_user, close, status):
        milestone = MilestoneFactory(project=project)

        close(milestone=milestone, by=staff_user, reason="Programme re-scoped.")

        milestone.refresh_from_db()
        assert milestone.status == status
        assert milestone.closing_reason == "Programme re-scoped."
        assert Activity.objects.filter(verb=f"milestone.{status}").count() == 1

    @pytest.mark.parametrize("close", [milestone_cancel, milestone_waive])
    @pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
    def test_closing_needs_a_reason(self, project, staff_user, close, reason):
        milestone = MilestoneFactory(project=project)

        with pytest.raises(DomainError) as error:
            close(milestone=milestone, by=staff_user, reason=reason)

        assert error.value.code == "reason_required"
        assert refreshed(milestone).status == S.PLANNED

    @pytest.mark.parametrize("close", [milestone_cancel, milestone_waive])
    def test_an_invoiced_milestone_cannot_be_closed(
        self, project, staff_user, partner_user, close
    ):
        """A numbered invoice is settled by payments, not withdrawn."""
        milestone = bring_to(
            S.INVOICED, MilestoneFactory(project=project), staff=staff_user, payer=partner_user
        )

        with pytest.raises(DomainError) as error:
            close(milestone=milestone, by=staff_user, reason="Changed our minds.")

        assert error.value.code == "invalid_transition"
        assert refreshed(milestone).status == S.INVOICED

    @pytest.mark.parametrize("close", [milestone_cancel, milestone_waive])
    def test_the_payer_cannot_close_a_milestone(self, project, partner_user, close):
        milestone = MilestoneFactory(project=project)

        with pytest.raises(DomainError) as error:
            close(milestone=milestone, by=partner_user, reason="We would rather not pay.")

        assert error.value.code == "not_payee"
        assert refreshed(milestone).status == S.PLANNED


# --- Creating milestones from the agreement's schedule ------------------------------


class TestCreateFromSchedule:
    def test_one_milestone_per_schedule_item(self, project, staff_user, env_stages):
        agreement = project.agreement
        pilot = MilestoneScheduleItemFactory(
            agreement=agreement, trigger_stage=env_stages[1], amount=Decimal("500000.00")
        )
        sale = MilestoneScheduleItemFactory(agreement=agreement, trigger_event="First sale")

        created = milestones_create_from_schedule(project=project, by=staff_user)

        assert len(created) == 2
        by_item = {m.schedule_item: m for m in project.milestones.all()}
        assert by_item[pilot].amount == Decimal("500000.00")
        assert by_item[pilot].currency == agreement.currency
        assert by_item[pilot].trigger_stage == env_stages[1]
        assert by_item[pilot].status == S.PLANNED
        assert by_item[sale].trigger_event == "First sale"
        assert Activity.objects.filter(verb="milestone.created").count() == 2

    def test_running_it_again_adds_only_new_items(self, project, staff_user):
        MilestoneScheduleItemFactory(agreement=project.agreement)
        milestones_create_from_schedule(project=project, by=staff_user)
        MilestoneScheduleItemFactory(agreement=project.agreement, name="Licence to a third party")

        again = milestones_create_from_schedule(project=project, by=staff_user)
        once_more = milestones_create_from_schedule(project=project, by=staff_user)

        assert [m.name for m in again] == ["Licence to a third party"]
        assert once_more == []
        assert project.milestones.count() == 2

    def test_milestones_of_stages_already_reached_are_claimable_at_once(
        self, project, staff_user, env_stages
    ):
        project.current_stage = env_stages[2]
        project.save()
        passed = MilestoneScheduleItemFactory(
            agreement=project.agreement, trigger_stage=env_stages[1], due_offset_days=60
        )
        current = MilestoneScheduleItemFactory(
            agreement=project.agreement, trigger_stage=env_stages[2], due_offset_days=10
        )
        ahead = MilestoneScheduleItemFactory(
            agreement=project.agreement, trigger_stage=env_stages[3]
        )
        today = timezone.localdate()

        milestones_create_from_schedule(project=project, by=staff_user)

        by_item = {m.schedule_item: m for m in project.milestones.all()}
        assert (by_item[passed].triggered_on, by_item[passed].due_date) == (
            today,
            today + timedelta(days=60),
        )
        assert by_item[current].due_date == today + timedelta(days=10)
        assert by_item[ahead].triggered_on is None
        assert milestone_claim_guard(by_item[passed], staff_user).allowed
        assert milestone_claim_guard(by_item[ahead], staff_user).code == "not_claimable"

    def test_a_passed_stage_triggers_from_the_day_the_project_entered_it(
        self, project, staff_user, env_stages
    ):
        """The gate history says when the stage was entered; the due date
        counts from then, not from the day the schedule was applied."""
        entered = timezone.now() - timedelta(days=400)
        StageTransitionFactory(
            project=project,
            kind="advance",
            from_stage=env_stages[0],
            to_stage=env_stages[1],
            decided_at=entered,
        )
        project.current_stage = env_stages[1]
        project.save()
        item = MilestoneScheduleItemFactory(
            agreement=project.agreement, trigger_stage=env_stages[1], due_offset_days=30
        )

        milestones_create_from_schedule(project=project, by=staff_user)

        milestone = project.milestones.get(schedule_item=item)
        assert milestone.triggered_on == timezone.localdate(entered)
        assert milestone.due_date == timezone.localdate(entered) + timedelta(days=30)
        assert milestone.is_overdue(timezone.localdate())

    def test_items_of_another_pipeline_are_skipped(self, project, staff_user):
        """A schedule written for another sector's stages can never be
        reached by this project."""
        drug_stage = StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", code="phase_1")
        MilestoneScheduleItemFactory(agreement=project.agreement, trigger_stage=drug_stage)

        assert milestones_create_from_schedule(project=project, by=staff_user) == []

    def test_only_the_projects_staff_apply_the_schedule(self, project, partner_user):
        MilestoneScheduleItemFactory(agreement=project.agreement)

        with pytest.raises(DomainError) as error:
            milestones_create_from_schedule(project=project, by=partner_user)

        assert error.value.code == "permission_denied"
        assert not project.milestones.exists()

    def test_a_project_without_agreement_has_no_schedule(self, staff_user):
        project = ResearchProjectFactory()

        with pytest.raises(DomainError) as error:
            milestones_create_from_schedule(project=project, by=staff_user)

        assert error.value.code == "no_agreement"


# --- Overdue ----------------------------------------------------------------------------


def milestone_due(project, status, due_date):
    """A milestone stored in ``status`` with a due date (arranged directly:
    what is tested is how overdue is derived, not how it got there)."""
    return MilestoneFactory(
        project=project,
        status=status,
        due_date=due_date,
        closing_reason="Closed." if status in (S.CANCELLED, S.WAIVED) else "",
        dispute_reason="Unsigned." if status == S.DISPUTED else "",
    )


class TestOverdue:
    TODAY = timezone.localdate()

    @pytest.mark.parametrize("status", list(S))
    def test_a_milestone_past_its_due_date_is_overdue_until_settled(self, project, status):
        milestone = milestone_due(project, status, self.TODAY - timedelta(days=1))
        settled = status in (S.PAID, S.CANCELLED, S.WAIVED)

        assert milestone.is_overdue(self.TODAY) is not settled
        assert Milestone.objects.overdue(self.TODAY).filter(pk=milestone.pk).exists() is not (
            settled
        )

    @pytest.mark.parametrize(
        "due_in_days", [0, 1, None], ids=["due today", "due tomorrow", "no due date"]
    )
    def test_a_milestone_not_yet_due_is_not_overdue(self, project, due_in_days):
        due_date = None if due_in_days is None else self.TODAY + timedelta(days=due_in_days)
        milestone = milestone_due(project, S.INVOICED, due_date)

        assert not milestone.is_overdue(self.TODAY)
        assert not Milestone.objects.overdue(self.TODAY).exists()

    def test_a_milestone_stops_being_overdue_once_paid(self, project, staff_user, partner_user):
        """Nothing to update by hand: paying it is enough."""
        milestone = bring_to(
            S.PARTIALLY_PAID,
            MilestoneFactory(project=project),
            staff=staff_user,
            payer=partner_user,
        )
        Milestone.objects.filter(pk=milestone.pk).update(due_date=self.TODAY - timedelta(days=3))
        assert Milestone.objects.overdue(self.TODAY).filter(pk=milestone.pk).exists()

        invoice = milestone.invoice
        pay(invoice, invoice.amount - invoice_amount_paid(invoice), by=staff_user)

        assert not Milestone.objects.overdue(self.TODAY).filter(pk=milestone.pk).exists()
        assert not refreshed(milestone).is_overdue(self.TODAY)


# --- Who is told ---------------------------------------------------------------------------


class TestNotifications:
    def test_each_step_tells_the_other_side_once(self, project, staff_user, partner_user):
        """Claim → payer; verify → payee; invoice → payer; payment → both.
        Nobody hears of the same event twice, and nobody hears of their own
        side's step as a request."""
        milestone = MilestoneFactory(project=project)
        outsider = PartnerUserFactory()
        foreign_staff = UserFactory()

        bring_to(S.PAID, milestone, staff=staff_user, payer=partner_user)

        def kinds(user):
            return sorted(
                Notification.objects.filter(recipient=user).values_list("kind", flat=True)
            )

        assert kinds(partner_user) == sorted(
            [
                NotificationKind.CLAIM_AWAITING_VERIFICATION,
                NotificationKind.INVOICE_ISSUED,
                NotificationKind.PAYMENT_RECORDED,
            ]
        )
        assert kinds(staff_user) == sorted(
            [NotificationKind.MILESTONE_VERIFIED, NotificationKind.PAYMENT_RECORDED]
        )
        assert kinds(outsider) == []
        assert kinds(foreign_staff) == []

    def test_a_joint_centre_payee_is_told_through_its_staff(self, partner_user, enterprise):
        """When the payee is a joint centre, the centre's staff claim and are
        told."""
        from tests.factories import (
            AgreementFactory,
            InstitutionFactory,
            JointCentreFactory,
            PartnershipFactory,
        )

        centre = JointCentreFactory()
        centre_staff = UserFactory(joint_centres=[centre])
        agreement = AgreementFactory(
            partnership=PartnershipFactory(
                institution=None, joint_centre=centre, enterprise=enterprise
            )
        )
        project = ProjectUnderAgreementFactory(
            agreement=agreement, joint_centre=centre, lead_institution=InstitutionFactory()
        )
        milestone = MilestoneFactory(project=project)

        milestone_claim(milestone=milestone, by=centre_staff, evidence_note=EVIDENCE)
        milestone_verify(milestone=milestone, by=partner_user)

        assert Notification.objects.filter(
            kind=NotificationKind.MILESTONE_VERIFIED, recipient=centre_staff
        ).exists()
