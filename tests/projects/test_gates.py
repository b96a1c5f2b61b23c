"""Stage-gate decisions: a project moves one stage at a time unless a skip is
recorded, can be held, resumed, reverted and terminated, and every decision
is recorded with its reviewer, rationale and evidence.

The project of these tests runs in the environmental pipeline: lab research →
pilot → field demonstration → certification → deployment.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import TransitionNotAllowed
from notifications.choices import NotificationKind
from notifications.models import Notification
from partnerships.models import FailureClause
from pipelines.models import Pipeline, Sector, StageDefinition
from projects.choices import MilestoneStatus, ProjectStatus, TransitionKind
from projects.models import Activity, ResearchProject, StageTransition
from projects.services import (
    milestone_claim_guard,
    project_advance,
    project_advance_guard,
    project_hold,
    project_hold_guard,
    project_register,
    project_resume,
    project_resume_guard,
    project_revert,
    project_revert_guard,
    project_skip,
    project_skip_guard,
    project_terminate,
    project_terminate_guard,
)
from tests.factories import (
    DocumentFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    ResearchProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

RATIONALE = "Gate review of 12 May: the pilot met its removal-rate target."


def at_stage(project, stage, status=ProjectStatus.ACTIVE):
    """Place the project at ``stage`` with ``status`` (the arrangement of a
    test, not a decision under test)."""
    project.current_stage = stage
    project.status = status
    project.trl = stage.trl_min
    project.save()
    return project


# Each decision with the arguments it needs on a project at the second stage,
# and the guard that tells an interface whether it is allowed.
DECISIONS = {
    "advance": (
        lambda project, by, stages, **kw: project_advance(project=project, by=by, **kw),
        lambda project, by, stages: project_advance_guard(project, by),
    ),
    "skip": (
        lambda project, by, stages, **kw: project_skip(
            project=project, to_stage=stages[3], by=by, **kw
        ),
        lambda project, by, stages: project_skip_guard(project, by, stages[3]),
    ),
    "hold": (
        lambda project, by, stages, **kw: project_hold(project=project, by=by, **kw),
        lambda project, by, stages: project_hold_guard(project, by),
    ),
    "resume": (
        lambda project, by, stages, **kw: project_resume(project=project, by=by, **kw),
        lambda project, by, stages: project_resume_guard(project, by),
    ),
    "terminate": (
        lambda project, by, stages, **kw: project_terminate(project=project, by=by, **kw),
        lambda project, by, stages: project_terminate_guard(project, by),
    ),
    "revert": (
        lambda project, by, stages, **kw: project_revert(project=project, by=by, **kw),
        lambda project, by, stages: project_revert_guard(project, by),
    ),
}

# The status a project needs for each decision to be allowed.
STATUS_BEFORE = {
    "advance": ProjectStatus.ACTIVE,
    "skip": ProjectStatus.ACTIVE,
    "hold": ProjectStatus.ACTIVE,
    "resume": ProjectStatus.ON_HOLD,
    "terminate": ProjectStatus.ACTIVE,
    "revert": ProjectStatus.ACTIVE,
}


class TestAdvance:
    def test_a_project_advances_to_the_next_stage(self, project, staff_user, env_stages):
        """Advancing moves the project exactly one stage forward."""
        transition = project_advance(project=project, by=staff_user, rationale=RATIONALE)

        project.refresh_from_db()
        assert project.current_stage == env_stages[1]
        assert project.status == ProjectStatus.ACTIVE
        assert (transition.kind, transition.from_stage, transition.to_stage) == (
            TransitionKind.ADVANCE,
            env_stages[0],
            env_stages[1],
        )

    def test_the_readiness_level_follows_the_stage(self, project, staff_user, env_stages):
        """A project entering the pilot stage is at least at the pilot's
        lowest TRL."""
        project_advance(project=project, by=staff_user, rationale=RATIONALE)

        project.refresh_from_db()
        assert env_stages[1].trl_min <= project.trl <= env_stages[1].trl_max

    def test_reaching_the_last_stage_marks_the_project_productized(
        self, project, staff_user, env_stages
    ):
        at_stage(project, env_stages[3])

        transition = project_advance(project=project, by=staff_user, rationale=RATIONALE)

        project.refresh_from_db()
        assert project.current_stage == env_stages[4]
        assert project.status == ProjectStatus.PRODUCTIZED
        assert transition.to_status == ProjectStatus.PRODUCTIZED

    def test_a_productized_project_does_not_advance(self, project, staff_user, env_stages):
        at_stage(project, env_stages[4], ProjectStatus.PRODUCTIZED)

        allowed, reason = project_advance_guard(project, staff_user)

        assert not allowed
        assert reason == "A project that is productized cannot be advanced."

    def test_an_active_project_at_the_last_stage_cannot_advance(
        self, project, staff_user, env_stages
    ):
        at_stage(project, env_stages[4])

        with pytest.raises(TransitionNotAllowed) as error:
            project_advance(project=project, by=staff_user, rationale=RATIONALE)

        assert error.value.code == "last_stage"
        assert error.value.message == "The project is at the last stage of its pipeline."

    def test_two_advances_move_two_stages(self, project, staff_user, env_stages):
        project_advance(project=project, by=staff_user, rationale=RATIONALE)
        project.refresh_from_db()
        project_advance(project=project, by=staff_user, rationale=RATIONALE)

        project.refresh_from_db()
        assert project.current_stage == env_stages[2]
        assert project.transitions.filter(kind=TransitionKind.ADVANCE).count() == 2


class TestDecisionsOnAnOutdatedView:
    """Two reviewers look at the project at the pilot stage and both press
    the same button: the second decision was taken on a project that has
    changed since, and is refused (rather than, say, advancing or reverting
    it a second stage)."""

    @pytest.mark.parametrize("action", list(DECISIONS))
    def test_a_decision_on_a_project_that_changed_meanwhile_is_refused(
        self, project, staff_user, env_stages, action
    ):
        at_stage(project, env_stages[1], STATUS_BEFORE[action])
        first_view = ResearchProject.objects.get(pk=project.pk)
        second_view = ResearchProject.objects.get(pk=project.pk)
        decide, _guard = DECISIONS[action]
        decide(first_view, staff_user, env_stages, rationale=RATIONALE)
        after_first = ResearchProject.objects.get(pk=project.pk)

        with pytest.raises(TransitionNotAllowed) as error:
            decide(second_view, staff_user, env_stages, rationale=RATIONALE)

        assert error.value.code == "stale"
        assert project.transitions.count() == 1
        project.refresh_from_db()
        assert (project.current_stage, project.status) == (
            after_first.current_stage,
            after_first.status,
        )


def stages_numbered(*positions):
    """A pipeline as staff may have edited it, its stages numbered with
    gaps."""
    pipeline = Pipeline.objects.create(
        code="ENV-CUSTOM", sector=Sector.objects.get(code="environmental"), name="Custom"
    )
    return [
        StageDefinition.objects.create(
            pipeline=pipeline,
            position=position,
            code=f"stage_{position}",
            name=f"Stage {position}",
            trl_min=1,
            trl_max=9,
            default_success_probability=Decimal("0.5"),
            typical_years=Decimal("1.0"),
            typical_cost=Decimal(0),
        )
        for position in positions
    ]


class TestSkip:
    def test_a_skip_passes_over_stages_and_records_the_reason(
        self, project, staff_user, env_stages
    ):
        reason = "Field data from the sister project makes a separate pilot pointless."

        transition = project_skip(
            project=project, to_stage=env_stages[2], by=staff_user, rationale=reason
        )

        project.refresh_from_db()
        assert project.current_stage == env_stages[2]
        assert project.status == ProjectStatus.ACTIVE
        assert transition.kind == TransitionKind.SKIP
        assert transition.rationale == reason

    def test_skipping_to_the_last_stage_marks_the_project_productized(
        self, project, staff_user, env_stages
    ):
        project_skip(project=project, to_stage=env_stages[4], by=staff_user, rationale=RATIONALE)

        project.refresh_from_db()
        assert project.status == ProjectStatus.PRODUCTIZED

    @pytest.mark.parametrize(
        ("target", "code"),
        [(0, "not_a_skip"), (1, "not_a_skip")],
        ids=["current stage", "next stage"],
    )
    def test_a_skip_needs_a_stage_beyond_the_next(
        self, project, staff_user, env_stages, target, code
    ):
        """Moving one stage is an advance, not a skip; a skip goes further."""
        allowed, reason = project_skip_guard(project, staff_user, env_stages[target])

        assert not allowed
        assert reason == "A skip passes over at least one stage; to move one stage, advance."
        with pytest.raises(TransitionNotAllowed) as error:
            project_skip(
                project=project, to_stage=env_stages[target], by=staff_user, rationale=RATIONALE
            )
        assert error.value.code == code

    def test_the_skip_button_is_disabled_when_there_is_nothing_to_skip(
        self, project, staff_user, env_stages
    ):
        """Asked without a target, the guard says whether any skip is
        possible: from the fourth of five stages, only an advance is."""
        at_stage(project, env_stages[3])

        allowed, reason = project_skip_guard(project, staff_user)

        assert not allowed
        assert reason == "A skip passes over at least one stage; to move one stage, advance."

    def test_the_skip_button_is_enabled_when_a_stage_can_be_passed_over(
        self, project, staff_user, env_stages
    ):
        at_stage(project, env_stages[2])

        allowed, reason = project_skip_guard(project, staff_user)

        assert (allowed, reason) == (True, "")

    def test_the_next_stage_is_next_whatever_its_number(self, agreement, staff_user):
        """From stage 10 of a pipeline numbered 10, 20, 30, moving to 20 is
        an advance, not a skip."""
        stages = stages_numbered(10, 20, 30)
        project = ProjectUnderAgreementFactory(agreement=agreement, current_stage=stages[0])

        allowed, _reason = project_skip_guard(project, staff_user, stages[1])

        assert not allowed
        assert project_skip_guard(project, staff_user, stages[2]).allowed

    def test_a_skip_cannot_go_backwards(self, project, staff_user, env_stages):
        at_stage(project, env_stages[3])

        with pytest.raises(TransitionNotAllowed) as error:
            project_skip(
                project=project, to_stage=env_stages[1], by=staff_user, rationale=RATIONALE
            )

        assert error.value.code == "not_a_skip"
        project.refresh_from_db()
        assert project.current_stage == env_stages[3]

    def test_a_skip_stays_within_the_pipeline(self, project, staff_user):
        drug_stage = StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", position=4)

        with pytest.raises(TransitionNotAllowed) as error:
            project_skip(project=project, to_stage=drug_stage, by=staff_user, rationale=RATIONALE)

        assert error.value.code == "wrong_pipeline"


class TestHoldAndResume:
    def test_a_held_project_keeps_its_stage(self, project, staff_user, env_stages):
        project_hold(project=project, by=staff_user, rationale="Funding round pending.")

        project.refresh_from_db()
        assert project.status == ProjectStatus.ON_HOLD
        assert project.current_stage == env_stages[0]

    def test_a_held_project_cannot_advance_until_resumed(self, project, staff_user, env_stages):
        project_hold(project=project, by=staff_user, rationale="Funding round pending.")
        project.refresh_from_db()

        allowed, reason = project_advance_guard(project, staff_user)

        assert not allowed
        assert reason == "A project that is on hold cannot be advanced."

    def test_a_resumed_project_is_active_and_advances_again(self, project, staff_user, env_stages):
        project_hold(project=project, by=staff_user, rationale="Funding round pending.")
        project.refresh_from_db()

        project_resume(project=project, by=staff_user, rationale="Series A closed.")
        project.refresh_from_db()
        project_advance(project=project, by=staff_user, rationale=RATIONALE)

        project.refresh_from_db()
        assert project.status == ProjectStatus.ACTIVE
        assert project.current_stage == env_stages[1]

    def test_only_a_held_project_can_be_resumed(self, project, staff_user):
        with pytest.raises(TransitionNotAllowed) as error:
            project_resume(project=project, by=staff_user, rationale="Nothing to resume.")

        assert error.value.code == "not_on_hold"
        assert error.value.message == "Only a project on hold can be resumed."

    def test_a_held_project_cannot_be_held_again(self, project, staff_user):
        project_hold(project=project, by=staff_user, rationale="Funding round pending.")
        project.refresh_from_db()

        with pytest.raises(TransitionNotAllowed) as error:
            project_hold(project=project, by=staff_user, rationale="Still pending.")

        assert error.value.code == "not_on_hold"


class TestTerminate:
    @pytest.mark.parametrize("status", [ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD])
    def test_an_active_or_held_project_can_be_terminated(
        self, project, staff_user, env_stages, status
    ):
        at_stage(project, env_stages[1], status)

        project_terminate(project=project, by=staff_user, rationale="Target not reached.")

        project.refresh_from_db()
        assert project.status == ProjectStatus.TERMINATED
        assert project.current_stage == env_stages[1]

    @pytest.mark.parametrize("action", list(DECISIONS))
    def test_termination_is_final(self, project, staff_user, env_stages, action):
        """After termination every decision is refused, with the reason its
        guard gives the interface."""
        at_stage(project, env_stages[1])
        project_terminate(project=project, by=staff_user, rationale="Target not reached.")
        project.refresh_from_db()
        decide, guard = DECISIONS[action]

        allowed, reason = guard(project, staff_user, env_stages)
        with pytest.raises(TransitionNotAllowed) as error:
            decide(project, staff_user, env_stages, rationale="Try again.")

        assert not allowed
        assert reason == "The project is terminated; that decision is final."
        assert error.value.message == reason
        assert error.value.code == "terminated"
        project.refresh_from_db()
        assert project.status == ProjectStatus.TERMINATED
        assert project.current_stage == env_stages[1]
        assert project.transitions.count() == 1

    def test_termination_records_the_failure_clause_of_the_stage(
        self, project, staff_user, env_stages
    ):
        """The timeline says what the agreement provides for a failure at the
        stage where the project ended: who bears sunk costs, IP, break fee."""
        at_stage(project, env_stages[1])
        FailureClause.objects.create(
            agreement=project.agreement,
            stage=env_stages[0],
            sunk_costs_borne_by="research",
            ip_reverts_to_institution=False,
        )
        FailureClause.objects.create(
            agreement=project.agreement,
            stage=env_stages[1],
            sunk_costs_borne_by="enterprise",
            ip_reverts_to_institution=True,
            break_fee=Decimal("250000.00"),
            break_fee_payer="enterprise",
        )

        transition = project_terminate(
            project=project, by=staff_user, rationale="Pilot failed twice."
        )

        entry = Activity.objects.get(verb="project.terminate", target_id=transition.pk)
        assert entry.changes["failure_clause"] == {
            "sunk_costs_borne_by": "enterprise",
            "ip_reverts_to_institution": True,
            "break_fee": "250000.00",
            "break_fee_payer": "enterprise",
        }

    def test_termination_without_a_failure_clause_records_none(self, project, staff_user):
        transition = project_terminate(project=project, by=staff_user, rationale="Stopped.")

        entry = Activity.objects.get(verb="project.terminate", target_id=transition.pk)
        assert "failure_clause" not in entry.changes


class TestRevert:
    def test_a_revert_goes_back_to_the_previous_stage(self, project, staff_user, env_stages):
        at_stage(project, env_stages[2])

        transition = project_revert(
            project=project, by=staff_user, rationale="The field trial must be repeated."
        )

        project.refresh_from_db()
        assert project.current_stage == env_stages[1]
        assert project.status == ProjectStatus.ACTIVE
        assert transition.kind == TransitionKind.REVERT

    def test_a_revert_goes_back_to_a_chosen_earlier_stage(self, project, staff_user, env_stages):
        at_stage(project, env_stages[3])

        project_revert(
            project=project, to_stage=env_stages[0], by=staff_user, rationale="Back to the lab."
        )

        project.refresh_from_db()
        assert project.current_stage == env_stages[0]

    @pytest.mark.parametrize("target", [2, 3], ids=["current stage", "later stage"])
    def test_a_revert_goes_to_an_earlier_stage_only(self, project, staff_user, env_stages, target):
        at_stage(project, env_stages[2])

        with pytest.raises(TransitionNotAllowed) as error:
            project_revert(
                project=project, to_stage=env_stages[target], by=staff_user, rationale="Back."
            )

        assert error.value.code == "not_earlier"

    def test_a_project_at_its_first_stage_cannot_revert(self, project, staff_user):
        allowed, reason = project_revert_guard(project, staff_user)

        assert not allowed
        assert reason == "The project is at the first stage."

    def test_the_first_stage_is_first_whatever_its_number(self, agreement, staff_user):
        """Staff edit pipelines: a pipeline numbered 10, 20, 30 still has a
        first stage, and a project there has nothing to revert to."""
        stages = stages_numbered(10, 20, 30)
        project = ProjectUnderAgreementFactory(agreement=agreement, current_stage=stages[0])

        allowed, reason = project_revert_guard(project, staff_user)
        with pytest.raises(TransitionNotAllowed) as error:
            project_revert(project=project, by=staff_user, rationale="Back.")

        assert (allowed, reason) == (False, "The project is at the first stage.")
        assert error.value.code == "first_stage"

    def test_a_reverted_productized_project_is_active_again(self, project, staff_user, env_stages):
        at_stage(project, env_stages[4], ProjectStatus.PRODUCTIZED)

        project_revert(project=project, by=staff_user, rationale="Certification withdrawn.")

        project.refresh_from_db()
        assert project.current_stage == env_stages[3]
        assert project.status == ProjectStatus.ACTIVE

    def test_a_held_project_stays_on_hold_when_reverted(self, project, staff_user, env_stages):
        at_stage(project, env_stages[2], ProjectStatus.ON_HOLD)

        project_revert(project=project, by=staff_user, rationale="Repeat the pilot later.")

        project.refresh_from_db()
        assert project.current_stage == env_stages[1]
        assert project.status == ProjectStatus.ON_HOLD


class TestEveryDecisionIsRecorded:
    @pytest.mark.parametrize("action", list(DECISIONS))
    def test_a_decision_is_one_transition_and_one_timeline_entry(
        self, project, staff_user, env_stages, action
    ):
        """Who decided, when, why and on what evidence is kept for every
        decision, and the project's timeline shows it once."""
        at_stage(project, env_stages[1], STATUS_BEFORE[action])
        evidence = [DocumentFactory(project=project), DocumentFactory(project=project)]
        decide, _guard = DECISIONS[action]
        before = timezone.now()

        decide(project, staff_user, env_stages, rationale=RATIONALE, evidence=evidence)

        transition = StageTransition.objects.get(project=project)
        assert transition.kind == action
        assert transition.decided_by == staff_user
        assert transition.decided_at >= before
        assert transition.rationale == RATIONALE
        assert set(transition.evidence.all()) == set(evidence)
        assert transition.from_stage == env_stages[1]
        assert transition.from_status == STATUS_BEFORE[action]
        entries = Activity.objects.filter(project=project, verb__startswith="project.")
        assert [(entry.verb, entry.actor, entry.target_id) for entry in entries] == [
            (f"project.{action}", staff_user, transition.pk)
        ]
        assert RATIONALE in entries[0].summary

    @pytest.mark.parametrize("action", list(DECISIONS))
    @pytest.mark.parametrize("rationale", ["", "   "], ids=["empty", "blank"])
    def test_a_decision_without_rationale_is_refused(
        self, project, staff_user, env_stages, action, rationale
    ):
        at_stage(project, env_stages[1], STATUS_BEFORE[action])
        decide, _guard = DECISIONS[action]

        with pytest.raises(TransitionNotAllowed) as error:
            decide(project, staff_user, env_stages, rationale=rationale)

        assert error.value.code == "rationale_required"
        assert error.value.field == "rationale"
        assert not project.transitions.exists()
        assert not Activity.objects.filter(project=project).exists()

    def test_evidence_must_belong_to_the_project(self, project, staff_user):
        """A document of another project cannot be offered as evidence."""
        foreign_document = DocumentFactory()

        with pytest.raises(TransitionNotAllowed) as error:
            project_advance(
                project=project, by=staff_user, rationale=RATIONALE, evidence=[foreign_document]
            )

        assert error.value.code == "foreign_evidence"
        assert not project.transitions.exists()


class TestWhoDecides:
    @pytest.mark.parametrize("action", list(DECISIONS))
    def test_a_partner_user_cannot_decide(self, project, partner_user, env_stages, action):
        """Even the project's own enterprise partner does not make gate
        decisions; the guard says so."""
        at_stage(project, env_stages[1], STATUS_BEFORE[action])
        decide, guard = DECISIONS[action]

        allowed, reason = guard(project, partner_user, env_stages)
        with pytest.raises(TransitionNotAllowed) as error:
            decide(project, partner_user, env_stages, rationale=RATIONALE)

        assert not allowed
        assert reason == "Only research-centre staff of this project make stage-gate decisions."
        assert (error.value.code, error.value.message) == ("not_reviewer", reason)
        assert not project.transitions.exists()

    @pytest.mark.parametrize("action", list(DECISIONS))
    def test_staff_of_another_institution_cannot_decide(
        self, project, foreign_staff, env_stages, action
    ):
        at_stage(project, env_stages[1], STATUS_BEFORE[action])
        decide, guard = DECISIONS[action]

        allowed, _reason = guard(project, foreign_staff, env_stages)
        with pytest.raises(TransitionNotAllowed) as error:
            decide(project, foreign_staff, env_stages, rationale=RATIONALE)

        assert not allowed
        assert error.value.code == "not_reviewer"
        assert not project.transitions.exists()

    @pytest.mark.parametrize("action", list(DECISIONS))
    def test_the_guard_allows_what_the_decision_does(
        self, project, staff_user, env_stages, action
    ):
        """An interface that enables a button on the guard's word is not
        refused when the button is pressed."""
        at_stage(project, env_stages[1], STATUS_BEFORE[action])
        decide, guard = DECISIONS[action]

        allowed, reason = guard(project, staff_user, env_stages)
        decide(project, staff_user, env_stages, rationale=RATIONALE)

        assert (allowed, reason) == (True, "")

    def test_a_superuser_may_decide(self, project, superuser, env_stages):
        project_advance(project=project, by=superuser, rationale=RATIONALE)

        project.refresh_from_db()
        assert project.current_stage == env_stages[1]


class TestEnteringAStageTriggersMilestones:
    def test_entering_a_stage_makes_its_milestones_claimable(
        self, project, staff_user, env_stages
    ):
        """The milestone of the pilot stage can be claimed once the project
        enters the pilot, and falls due its offset later; the milestone of a
        later stage cannot yet."""
        pilot = MilestoneFactory(project=project, trigger_stage=env_stages[1], due_offset_days=45)
        field = MilestoneFactory(project=project, trigger_stage=env_stages[2])
        today = timezone.localdate()
        assert not milestone_claim_guard(pilot, staff_user)

        project_advance(project=project, by=staff_user, rationale=RATIONALE)

        pilot.refresh_from_db()
        field.refresh_from_db()
        assert pilot.triggered_on == today
        assert pilot.due_date == today + timedelta(days=45)
        assert milestone_claim_guard(pilot, staff_user).allowed
        assert field.triggered_on is None
        assert field.due_date is None
        assert milestone_claim_guard(field, staff_user).code == "not_claimable"

    def test_the_payee_staff_are_told_once(self, project, staff_user, partner_user, env_stages):
        """Entering the stage again (after a revert) neither re-triggers the
        milestone nor tells the payee a second time."""
        milestone = MilestoneFactory(project=project, trigger_stage=env_stages[1])
        colleague = UserFactory(institutions=[project.agreement.partnership.institution])

        project_advance(project=project, by=staff_user, rationale=RATIONALE)
        project.refresh_from_db()
        project_revert(project=project, by=staff_user, rationale="Repeat the lab work.")
        project.refresh_from_db()
        project_advance(project=project, by=staff_user, rationale=RATIONALE)

        claimable = Notification.objects.filter(kind=NotificationKind.MILESTONE_CLAIMABLE)
        assert sorted(n.recipient_id for n in claimable) == sorted([staff_user.pk, colleague.pk])
        assert milestone.name in claimable.first().title
        assert not claimable.filter(recipient=partner_user).exists()
        assert Activity.objects.filter(verb="milestone.triggered").count() == 1

    def test_a_skip_triggers_the_milestones_of_the_stages_passed_over(
        self, project, staff_user, env_stages
    ):
        passed_over = MilestoneFactory(project=project, trigger_stage=env_stages[1])
        reached = MilestoneFactory(project=project, trigger_stage=env_stages[2])
        beyond = MilestoneFactory(project=project, trigger_stage=env_stages[3])

        project_skip(project=project, to_stage=env_stages[2], by=staff_user, rationale=RATIONALE)

        for milestone in (passed_over, reached, beyond):
            milestone.refresh_from_db()
        assert passed_over.triggered_on == timezone.localdate()
        assert reached.triggered_on == timezone.localdate()
        assert beyond.triggered_on is None

    def test_a_cancelled_milestone_is_not_triggered(self, project, staff_user, env_stages):
        milestone = MilestoneFactory(
            project=project,
            trigger_stage=env_stages[1],
            status=MilestoneStatus.CANCELLED,
            closing_reason="Dropped from the plan.",
        )

        project_advance(project=project, by=staff_user, rationale=RATIONALE)

        milestone.refresh_from_db()
        assert milestone.triggered_on is None
        assert not Notification.objects.filter(kind=NotificationKind.MILESTONE_CLAIMABLE).exists()


class TestStageChangeNotifications:
    def test_stakeholders_are_told_of_a_stage_change(
        self, project, staff_user, partner_user, other_partner_user, foreign_staff
    ):
        """Staff of the lead institution and users of the partner enterprise
        hear of the decision; outsiders and inactive users do not."""
        inactive = PartnerUserFactory(enterprise=partner_user.enterprise, is_active=False)

        transition = project_advance(project=project, by=staff_user, rationale=RATIONALE)

        told = Notification.objects.filter(kind=NotificationKind.STAGE_CHANGED)
        assert {n.recipient for n in told} == {staff_user, partner_user}
        assert not told.filter(recipient__in=[other_partner_user, foreign_staff, inactive])
        notice = told.get(recipient=partner_user)
        assert project.code in notice.title
        assert transition.to_stage.name in notice.title
        assert notice.body == RATIONALE
        # Partners follow the link into the portal; staff pages are closed to them.
        assert notice.url == f"/portal/projects/{project.code}/"
        assert told.get(recipient=staff_user).url == project.get_absolute_url()

    def test_staff_of_the_joint_centre_are_told(self, staff_user, env_stages, agreement):
        from tests.factories import JointCentreFactory

        centre = JointCentreFactory()
        centre_staff = UserFactory(joint_centres=[centre])
        project = ProjectUnderAgreementFactory(
            agreement=agreement, joint_centre=centre, current_stage=env_stages[0]
        )

        project_hold(project=project, by=staff_user, rationale="Waiting for the centre board.")

        assert Notification.objects.filter(
            kind=NotificationKind.STAGE_CHANGED, recipient=centre_staff
        ).exists()

    def test_each_decision_is_told_once(self, project, staff_user, partner_user):
        project_hold(project=project, by=staff_user, rationale="Pause.")
        project.refresh_from_db()
        project_resume(project=project, by=staff_user, rationale="Go on.")

        assert (
            Notification.objects.filter(
                kind=NotificationKind.STAGE_CHANGED, recipient=partner_user
            ).count()
            == 2
        )

    def test_staff_of_an_unrelated_institution_are_not_told(self, project, staff_user):
        bystander = UserFactory(institutions=[InstitutionFactory()])

        project_advance(project=project, by=staff_user, rationale=RATIONALE)

        assert not Notification.objects.filter(recipient=bystander).exists()


class TestRegister:
    def test_registering_opens_the_gate_history(self, agreement, staff_user, env_stages):
        """Every project's stage is explained by a recorded decision, from
        the first one on, and the timeline starts with the registration."""
        project = ResearchProject(
            code="ENV-2026-01",
            title="Microbial remediation of tailings",
            current_stage=env_stages[1],
            lead_institution=agreement.partnership.institution,
            partnership=agreement.partnership,
            agreement=agreement,
            trl=4,
            start_date=timezone.localdate(),
        )

        project_register(
            project=project, by=staff_user, partner_enterprises=[agreement.partnership.enterprise]
        )

        start = StageTransition.objects.get(project=project)
        assert (start.kind, start.from_stage, start.to_stage, start.to_status) == (
            TransitionKind.START,
            None,
            env_stages[1],
            ProjectStatus.ACTIVE,
        )
        assert start.decided_by == staff_user
        assert list(project.partner_enterprises.all()) == [agreement.partnership.enterprise]
        entry = Activity.objects.get(project=project)
        assert (entry.verb, entry.actor) == ("project.registered", staff_user)

    def test_an_invalid_project_is_not_registered(self, env_stages, staff_user):
        project = ResearchProjectFactory.build(
            current_stage=env_stages[0], therapeutic_area="oncology"
        )
        project.lead_institution.save()

        with pytest.raises(ValidationError) as error:
            project_register(project=project, by=staff_user)

        assert "therapeutic_area" in error.value.message_dict
        assert not ResearchProject.objects.filter(code=project.code).exists()
