"""Stage-gate decisions: advance, skip, hold, resume, terminate, revert.

Every decision is recorded as a StageTransition with its reviewer, time,
rationale and evidence, and written to the activity timeline. Each action has
a guard returning whether it is allowed and why not, so an interface can
explain a disabled button; the action itself checks the guard again on the
locked project row, so two reviewers cannot move a project twice.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ALLOWED, Guard, TransitionNotAllowed, denied
from core.events import publish
from core.i18n import Localized, Message, localized_name
from core.text import text_input
from pipelines.models import StageDefinition
from projects.activity import activity_record
from projects.choices import MilestoneStatus, ProjectStatus, TransitionKind
from projects.events import MilestoneClaimable, ProjectStageChanged
from projects.models import Document, Milestone, ResearchProject, StageTransition
from projects.selectors import staff_work_on_project

from .costs import failure_clause_for
from .open_money import keeps_open_money, project_of
from .partner_counts import partner_stage_counts_move
from .portfolio_counts import portfolio_counts_move, portfolio_key
from .stage_ranks import project_stage_rank_set
from .stays import STAGE_MOVES, stage_stays_refresh

# --- Guards -------------------------------------------------------------------


def _reviewer_guard(project: ResearchProject, user) -> Guard:
    if staff_work_on_project(user, project):
        return ALLOWED
    return denied(
        _("Only research-centre staff of this project make stage-gate decisions."),
        "not_reviewer",
    )


def _next_stage(project: ResearchProject) -> StageDefinition | None:
    return (
        StageDefinition.objects.filter(
            pipeline_id=project.current_stage.pipeline_id,
            position__gt=project.current_stage.position,
        )
        .order_by("position")
        .first()
    )


def _terminated() -> Guard:
    return denied(_("The project is terminated; that decision is final."), "terminated")


def _previous_stage(project: ResearchProject) -> StageDefinition | None:
    # By order, not by number: staff edit pipelines, so the first stage need
    # not be numbered 1.
    return (
        StageDefinition.objects.filter(
            pipeline_id=project.current_stage.pipeline_id,
            position__lt=project.current_stage.position,
        )
        .order_by("-position")
        .first()
    )


def _status_guard(project: ResearchProject, allowed_statuses, action: str) -> Guard:
    if project.status in allowed_statuses:
        return ALLOWED
    if project.status == ProjectStatus.TERMINATED:
        return _terminated()
    return denied(
        _("A project that is %(status)s cannot be %(action)s.")
        % {"status": project.get_status_display().lower(), "action": action},
        f"not_{project.status}",
    )


def project_advance_guard(project: ResearchProject, user) -> Guard:
    guard = _reviewer_guard(project, user)
    if not guard:
        return guard
    guard = _status_guard(project, {ProjectStatus.ACTIVE}, _("advanced"))
    if not guard:
        return guard
    if _next_stage(project) is None:
        return denied(_("The project is at the last stage of its pipeline."), "last_stage")
    return ALLOWED


def project_skip_guard(project: ResearchProject, user, to_stage: StageDefinition | None = None):
    guard = _reviewer_guard(project, user)
    if not guard:
        return guard
    guard = _status_guard(project, {ProjectStatus.ACTIVE}, _("advanced"))
    if not guard:
        return guard
    not_a_skip = denied(
        _("A skip passes over at least one stage; to move one stage, advance."), "not_a_skip"
    )
    if to_stage is None:
        # Asked for the button: is there any stage beyond the next one?
        later = StageDefinition.objects.filter(
            pipeline_id=project.current_stage.pipeline_id,
            position__gt=project.current_stage.position,
        )
        return ALLOWED if later.count() >= 2 else not_a_skip
    if to_stage.pipeline_id != project.current_stage.pipeline_id:
        return denied(_("That stage belongs to another pipeline."), "wrong_pipeline")
    next_stage = _next_stage(project)
    # By order, not by number: stage positions need not be consecutive.
    if next_stage is None or to_stage.position <= next_stage.position:
        return not_a_skip
    return ALLOWED


def project_hold_guard(project: ResearchProject, user) -> Guard:
    return _reviewer_guard(project, user) and _status_guard(
        project, {ProjectStatus.ACTIVE}, _("put on hold")
    )


def project_resume_guard(project: ResearchProject, user) -> Guard:
    guard = _reviewer_guard(project, user)
    if not guard:
        return guard
    if project.status == ProjectStatus.TERMINATED:
        # Termination is final: say so, as every other decision does.
        return _terminated()
    if project.status != ProjectStatus.ON_HOLD:
        return denied(_("Only a project on hold can be resumed."), "not_on_hold")
    return ALLOWED


def project_terminate_guard(project: ResearchProject, user) -> Guard:
    return _reviewer_guard(project, user) and _status_guard(
        project, {ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD}, _("terminated")
    )


def project_revert_guard(
    project: ResearchProject, user, to_stage: StageDefinition | None = None
) -> Guard:
    guard = _reviewer_guard(project, user)
    if not guard:
        return guard
    guard = _status_guard(
        project,
        {ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD, ProjectStatus.PRODUCTIZED},
        _("reverted"),
    )
    if not guard:
        return guard
    if _previous_stage(project) is None:
        return denied(_("The project is at the first stage."), "first_stage")
    if to_stage is not None and (
        to_stage.pipeline_id != project.current_stage.pipeline_id
        or to_stage.position >= project.current_stage.position
    ):
        return denied(_("A revert goes back to an earlier stage of the pipeline."), "not_earlier")
    return ALLOWED


# --- Decisions ----------------------------------------------------------------


def _locked(project: ResearchProject) -> ResearchProject:
    """The project, locked, as it is now. A decision is taken on the stage
    and status the reviewer saw (``project`` as the caller loaded it): if
    another decision changed them meanwhile, this one is refused, so two
    reviewers pressing "advance" at once move the project one stage."""
    # Lock the project row alone, without joins: the stage and pipeline rows
    # are shared by every project of the pipeline, and PostgreSQL re-checks
    # a row that changed while it waited against the rows it was joined
    # with, so a project whose stage moved meanwhile would not be found.
    locked = ResearchProject.objects.select_for_update().get(pk=project.pk)
    if (locked.current_stage_id, locked.status) != (project.current_stage_id, project.status):
        raise TransitionNotAllowed(
            _(
                "Another decision was recorded meanwhile: the project is now %(status)s at "
                "%(stage)s. Review it again."
            )
            % {
                "status": locked.get_status_display().lower(),
                "stage": localized_name(locked.current_stage),
            },
            code="stale",
        )
    return locked


def _require_rationale(rationale: str) -> str:
    return text_input(
        rationale,
        model=StageTransition,
        field="rationale",
        required=_("Every stage-gate decision states its rationale."),
        error_class=TransitionNotAllowed,
    )


def _record(
    *,
    project: ResearchProject,
    kind: TransitionKind,
    to_stage: StageDefinition,
    to_status: ProjectStatus,
    by,
    rationale: str,
    evidence: Iterable[Document],
) -> StageTransition:
    from_stage, from_status = project.current_stage, project.status
    evidence = list(evidence)
    foreign = [doc for doc in evidence if doc.project_id != project.pk]
    if foreign:
        raise TransitionNotAllowed(
            _("Evidence must be documents of this project."),
            code="foreign_evidence",
            field="evidence",
        )
    transition = StageTransition.objects.create(
        project=project,
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        from_status=from_status,
        to_status=to_status,
        decided_by=by,
        rationale=rationale,
    )
    if evidence:
        transition.evidence.set(evidence)

    counted_at = portfolio_key(project)
    project.current_stage = to_stage
    project.status = to_status
    if to_stage.pk != from_stage.pk:
        project_stage_rank_set(project=project)
    # The decision is the review that was planned: the next one is planned
    # afresh.
    project.next_gate_review_on = None
    if to_stage.trl_min > project.trl or project.trl > to_stage.trl_max:
        # Keep the readiness level inside the stage's range.
        project.trl = min(max(project.trl, to_stage.trl_min), to_stage.trl_max)
    project.save(
        update_fields=[
            "current_stage",
            "stage_rank",
            "status",
            "trl",
            "next_gate_review_on",
            "updated_at",
        ]
    )
    portfolio_counts_move(before=counted_at, project=project)
    if kind in STAGE_MOVES:
        # Holds, resumes and terminations leave the stays as they are.
        stage_stays_refresh(project=project)
    partner_stage_counts_move(project=project, from_stage_id=from_stage.pk)

    changes = {"stage": [from_stage.name, to_stage.name], "status": [from_status, to_status]}
    if kind == TransitionKind.TERMINATE:
        clause = failure_clause_for(project=project, stage=from_stage)
        if clause is not None:
            changes["failure_clause"] = {
                "sunk_costs_borne_by": clause.sunk_costs_borne_by,
                "ip_reverts_to_institution": clause.ip_reverts_to_institution,
                "break_fee": clause.break_fee,
                "break_fee_payer": clause.break_fee_payer,
            }
    activity = activity_record(
        actor=by,
        verb=f"project.{kind}",
        target=transition,
        project=project,
        agreement=project.agreement,
        summary=Message(
            gettext_lazy("%(kind)s: %(from)s → %(to)s. %(rationale)s"),
            kind=TransitionKind(transition.kind).label,
            rationale=rationale,
            **{"from": Localized(from_stage), "to": Localized(to_stage)},
        ),
        changes=changes,
    )
    publish(ProjectStageChanged(project=project, transition=transition, activity=activity))
    return transition


def _enter_stages(project: ResearchProject, stages: Iterable[StageDefinition], by) -> None:
    """Milestones triggered by the stages entered become claimable, fall due
    after their offset, and their payee is told."""
    today = timezone.localdate()
    triggered = list(
        Milestone.objects.select_for_update(of=("self",))
        .filter(
            project=project,
            trigger_stage__in=list(stages),
            triggered_on__isnull=True,
            status=MilestoneStatus.PLANNED,
        )
        .select_related("agreement__partnership")
    )
    for milestone in triggered:
        milestone.triggered_on = today
        if milestone.due_date is None:
            milestone.due_date = today + timedelta(days=milestone.due_offset_days)
        milestone.save(update_fields=["triggered_on", "due_date", "updated_at"])
        activity_record(
            actor=by,
            verb="milestone.triggered",
            target=milestone,
            project=project,
            agreement=milestone.agreement,
            summary=Message(
                gettext_lazy("%(name)s can now be claimed (due %(due)s)."),
                name=milestone.name,
                due=milestone.due_date,
            ),
            changes={"triggered_on": today, "due_date": milestone.due_date},
        )
        publish(MilestoneClaimable(milestone=milestone, on_stage_entry=True))


@transaction.atomic
@keeps_open_money(project_of)
def project_advance(
    *, project: ResearchProject, by, rationale: str, evidence: Iterable[Document] = ()
) -> StageTransition:
    """Move the project to the next stage; at the last stage it is
    productized."""
    rationale = _require_rationale(rationale)
    project = _locked(project)
    project_advance_guard(project, by).raise_if_denied()
    to_stage = _next_stage(project)
    is_last = _next_stage_after(to_stage) is None
    transition = _record(
        project=project,
        kind=TransitionKind.ADVANCE,
        to_stage=to_stage,
        to_status=ProjectStatus.PRODUCTIZED if is_last else ProjectStatus.ACTIVE,
        by=by,
        rationale=rationale,
        evidence=evidence,
    )
    _enter_stages(project, [to_stage], by)
    return transition


def _next_stage_after(stage: StageDefinition) -> StageDefinition | None:
    return (
        StageDefinition.objects.filter(pipeline_id=stage.pipeline_id, position__gt=stage.position)
        .order_by("position")
        .first()
    )


@transaction.atomic
@keeps_open_money(project_of)
def project_skip(
    *,
    project: ResearchProject,
    to_stage: StageDefinition,
    by,
    rationale: str,
    evidence: Iterable[Document] = (),
) -> StageTransition:
    """Move the project forward past one or more stages, with the reason
    recorded. The stages passed over count as entered: their milestones
    become claimable."""
    rationale = _require_rationale(rationale)
    project = _locked(project)
    project_skip_guard(project, by, to_stage).raise_if_denied()
    entered = list(
        StageDefinition.objects.filter(
            pipeline_id=to_stage.pipeline_id,
            position__gt=project.current_stage.position,
            position__lte=to_stage.position,
        )
    )
    is_last = _next_stage_after(to_stage) is None
    transition = _record(
        project=project,
        kind=TransitionKind.SKIP,
        to_stage=to_stage,
        to_status=ProjectStatus.PRODUCTIZED if is_last else ProjectStatus.ACTIVE,
        by=by,
        rationale=rationale,
        evidence=evidence,
    )
    _enter_stages(project, entered, by)
    return transition


def _status_decision(project, *, by, rationale, evidence, guard, kind, to_status):
    """A decision that changes the status and keeps the stage."""
    rationale = _require_rationale(rationale)
    project = _locked(project)
    guard(project, by).raise_if_denied()
    return _record(
        project=project,
        kind=kind,
        to_stage=project.current_stage,
        to_status=to_status,
        by=by,
        rationale=rationale,
        evidence=evidence,
    )


@transaction.atomic
@keeps_open_money(project_of)
def project_hold(
    *, project: ResearchProject, by, rationale: str, evidence: Iterable[Document] = ()
) -> StageTransition:
    return _status_decision(
        project,
        by=by,
        rationale=rationale,
        evidence=evidence,
        guard=project_hold_guard,
        kind=TransitionKind.HOLD,
        to_status=ProjectStatus.ON_HOLD,
    )


@transaction.atomic
@keeps_open_money(project_of)
def project_resume(
    *, project: ResearchProject, by, rationale: str, evidence: Iterable[Document] = ()
) -> StageTransition:
    return _status_decision(
        project,
        by=by,
        rationale=rationale,
        evidence=evidence,
        guard=project_resume_guard,
        kind=TransitionKind.RESUME,
        to_status=ProjectStatus.ACTIVE,
    )


@transaction.atomic
@keeps_open_money(project_of)
def project_terminate(
    *, project: ResearchProject, by, rationale: str, evidence: Iterable[Document] = ()
) -> StageTransition:
    """End the project for good. The failure clause of the stage it ends in
    (who bears sunk costs, IP reversion, break fee) is recorded with the
    decision."""
    return _status_decision(
        project,
        by=by,
        rationale=rationale,
        evidence=evidence,
        guard=project_terminate_guard,
        kind=TransitionKind.TERMINATE,
        to_status=ProjectStatus.TERMINATED,
    )


@transaction.atomic
@keeps_open_money(project_of)
def project_revert(
    *,
    project: ResearchProject,
    by,
    rationale: str,
    to_stage: StageDefinition | None = None,
    evidence: Iterable[Document] = (),
) -> StageTransition:
    """Move the project back to an earlier stage (by default the previous
    one), e.g. when a study must be repeated. A productized project that goes
    back is active again; a project on hold stays on hold."""
    rationale = _require_rationale(rationale)
    project = _locked(project)
    project_revert_guard(project, by, to_stage).raise_if_denied()
    if to_stage is None:
        to_stage = _previous_stage(project)
    to_status = (
        ProjectStatus.ON_HOLD if project.status == ProjectStatus.ON_HOLD else ProjectStatus.ACTIVE
    )
    transition = _record(
        project=project,
        kind=TransitionKind.REVERT,
        to_stage=to_stage,
        to_status=to_status,
        by=by,
        rationale=rationale,
        evidence=evidence,
    )
    _enter_stages(project, [to_stage], by)
    return transition
