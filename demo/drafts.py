"""Research projects drafted from the demo partnerships and written in
bulk, with their partner links and stage-gate histories.

The demo projects (``demo.seeding``) and the generated ones
(``demo.bulk``) are both drafted here as unsaved rows and written with one
``bulk_create`` per table (one ``COPY`` per table on PostgreSQL).
"""

import datetime
import random
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils import timezone

from demo.copying import copy_instances, copy_rows, copy_supported, reserve_ids
from demo.history import PlannedTransition, StageFacts, project_budget
from demo.specs import DEMO_TIME_ZONE
from partnerships.choices import CooperationMode
from partnerships.models import Agreement, Partnership
from pipelines.models import StageDefinition, stage_rank
from projects.choices import ProjectStatus
from projects.models import ResearchProject, StageTransition

# Projects written per bulk insert.
DEFAULT_BATCH_SIZE = 2000


@dataclass(frozen=True)
class PartnershipFacts:
    """What a project drafted under a partnership takes from it."""

    id: int
    code: str
    mode: str
    status: str
    enterprise_id: int
    enterprise_name: str
    institution_id: int | None
    joint_centre_id: int | None
    centre_name: str
    centre_established_on: datetime.date | None
    host_institution_ids: tuple[int, ...]
    lead_enterprise_ids: tuple[int, ...]
    agreement_id: int | None
    agreement_reference: str
    sector_codes: tuple[str, ...]


@dataclass
class ProjectDraft:
    """An unsaved project with its partner enterprises and history."""

    project: ResearchProject
    partner_ids: tuple[int, ...]
    history: list[PlannedTransition]


def stage_facts() -> dict[str, list[StageFacts]]:
    """Each pipeline's stages in order, by pipeline code."""
    stages: dict[str, list[StageFacts]] = {}
    for stage in StageDefinition.objects.select_related("pipeline__sector").order_by(
        "pipeline__code", "position"
    ):
        stages.setdefault(stage.pipeline.code, []).append(
            StageFacts(
                id=stage.pk,
                position=stage.position,
                code=stage.code,
                name=stage.name,
                typical_years=float(stage.typical_years),
                trl_min=stage.trl_min,
                trl_max=stage.trl_max,
                typical_cost=int(stage.typical_cost),
                currency=stage.typical_cost_currency,
                rank=stage_rank(
                    sector_position=stage.pipeline.sector.position, stage_position=stage.position
                ),
            )
        )
    return stages


def partnership_facts(codes: Sequence[str]) -> dict[str, PartnershipFacts]:
    partnerships = (
        Partnership.objects.filter(code__in=codes)
        .select_related("enterprise", "joint_centre")
        .prefetch_related("enterprise__sectors", "agreements", "joint_centre__parties")
    )
    facts = {}
    for partnership in partnerships:
        # The agreement a project runs under: the first one that got signed.
        agreement = next(
            (
                agreement
                for agreement in sorted(partnership.agreements.all(), key=lambda a: a.reference)
                if agreement.status != Agreement.Status.DRAFT
            ),
            None,
        )
        centre = partnership.joint_centre
        parties = list(centre.parties.all()) if centre else []
        facts[partnership.code] = PartnershipFacts(
            id=partnership.pk,
            code=partnership.code,
            mode=partnership.mode,
            status=partnership.status,
            enterprise_id=partnership.enterprise_id,
            enterprise_name=partnership.enterprise.name,
            institution_id=partnership.institution_id,
            joint_centre_id=partnership.joint_centre_id,
            centre_name=centre.name if centre else "",
            centre_established_on=centre.established_on if centre else None,
            host_institution_ids=tuple(p.institution_id for p in parties if p.institution_id),
            lead_enterprise_ids=tuple(p.enterprise_id for p in parties if p.enterprise_id),
            agreement_id=agreement.pk if agreement else None,
            agreement_reference=agreement.reference if agreement else "",
            sector_codes=tuple(sorted(s.code for s in partnership.enterprise.sectors.all())),
        )
    return facts


def project_description(partnership: PartnershipFacts | None, institution_name: str) -> str:
    """One sentence on how the project is run, from its cooperation mode."""
    if partnership is None:
        return (
            f"In-house project of {institution_name}; the technology transfer office is "
            "looking for an industrial partner."
        )
    enterprise = partnership.enterprise_name
    terms = (
        f"under {partnership.agreement_reference}"
        if partnership.agreement_reference
        else "while the agreement is negotiated"
    )
    return {
        CooperationMode.TRANSFER: (
            f"Result of {institution_name} transferred to {enterprise} {terms}; the "
            "research lead stays with the institution."
        ),
        CooperationMode.CONTRACT_RD: (
            f"Commissioned by {enterprise} {terms}; {institution_name} runs the research."
        ),
        CooperationMode.CO_FOUNDED_COMPANY: (
            f"Developed with {enterprise}, the company {institution_name} co-founded, {terms}."
        ),
        CooperationMode.CO_BUILT_PLATFORM: (
            f"Runs on the platform that {institution_name} and {enterprise} co-built, {terms}."
        ),
        CooperationMode.JOINT_CENTRE: (
            f"Runs in the {partnership.centre_name}, led by {enterprise} from basic research "
            f"onward, {terms}."
        ),
    }[partnership.mode]


def new_project(**facts) -> ResearchProject:
    """A drafted project, unsaved: ``project_values``' values as an instance."""
    return ResearchProject(**project_values(**facts))


def project_values(
    *,
    code: str,
    title: str,
    title_zh: str,
    stages: Sequence[StageFacts],
    reach: int,
    status: str,
    therapeutic_area: str,
    lead_institution_id: int,
    investigator_id: int | None,
    partnership: PartnershipFacts | None,
    history: list[PlannedTransition],
    description: str,
    rng: random.Random,
) -> dict:
    """A drafted project's values by attribute name: those of
    ``new_project``'s instance, for a writer that needs no instance."""
    stage = stages[reach]
    return dict(
        code=code,
        title=title,
        title_zh=title_zh,
        current_stage_id=stage.id,
        stage_rank=stage.rank,
        status=status,
        lead_institution_id=lead_institution_id,
        principal_investigator_id=investigator_id,
        joint_centre_id=partnership.joint_centre_id if partnership else None,
        partnership_id=partnership.id if partnership else None,
        agreement_id=partnership.agreement_id if partnership else None,
        therapeutic_area=therapeutic_area,
        trl=rng.randint(stage.trl_min, stage.trl_max),
        budget=project_budget(stages, reach, rng),
        currency=stage.currency,
        start_date=history[0].decided_at.astimezone(DEMO_TIME_ZONE).date(),
        next_gate_review_on=next_gate_review_on(code, status, reach, stages),
        description=description,
    )


def next_gate_review_on(
    code: str, status: str, reach: int, stages: Sequence[StageFacts]
) -> datetime.date | None:
    """An active project short of the market has its next gate review
    planned one to four months ahead, so the calendars have some. Taken
    from the code, not the project's random stream, which would shift
    every figure drawn after it."""
    if status != ProjectStatus.ACTIVE or reach == len(stages) - 1:
        return None
    return timezone.localdate() + datetime.timedelta(days=7 + zlib.crc32(code.encode()) % 113)


def insert_projects(
    drafts: Sequence[ProjectDraft], *, decided_by_id: int | None, batch_size: int
) -> tuple[int, int, int]:
    """Write drafted projects, their partner links and their histories with
    one bulk insert per table (one ``COPY`` per table on PostgreSQL); return
    how many of each were written."""
    if copy_supported():
        return _copy_projects(drafts, decided_by_id=decided_by_id)
    projects = [draft.project for draft in drafts]
    ResearchProject.objects.bulk_create(projects, batch_size=batch_size)
    if any(project.pk is None for project in projects):
        # Backends that cannot return the ids of bulk-inserted rows.
        ids = dict(
            ResearchProject.objects.filter(code__in=[p.code for p in projects]).values_list(
                "code", "pk"
            )
        )
        for project in projects:
            project.pk = ids[project.code]

    partner_field = ResearchProject._meta.get_field("partner_enterprises")
    link_model = partner_field.remote_field.through
    project_column = f"{partner_field.m2m_field_name()}_id"
    enterprise_column = f"{partner_field.m2m_reverse_field_name()}_id"
    links = [
        link_model(**{project_column: draft.project.pk, enterprise_column: enterprise_id})
        for draft in drafts
        for enterprise_id in draft.partner_ids
    ]
    link_model.objects.bulk_create(links, batch_size=batch_size)

    # bulk_create skips StageTransition.save(), whose only job is to refuse
    # updates; these rows are new.
    transitions = list(_transitions(drafts, decided_by_id))
    StageTransition.objects.bulk_create(transitions, batch_size=batch_size)
    return len(projects), len(links), len(transitions)


# The columns of a stage transition written with COPY, in the order of its
# rows: every concrete field but the key.
COPIED_TRANSITION_FIELDS = (
    "project",
    "kind",
    "from_stage",
    "to_stage",
    "from_status",
    "to_status",
    "decided_by",
    "decided_at",
    "rationale",
    "recorded_at",
)


def _copy_projects(
    drafts: Sequence[ProjectDraft], *, decided_by_id: int | None
) -> tuple[int, int, int]:
    """The rows of ``insert_projects``, loaded with ``COPY``: the projects
    with keys drawn from their sequence beforehand, so that the links and
    transitions can name them."""
    projects = [draft.project for draft in drafts]
    for project, pk in zip(projects, reserve_ids(ResearchProject, len(projects)), strict=True):
        project.pk = pk
    copy_instances(ResearchProject, projects, with_pk=True)
    partner_field = ResearchProject._meta.get_field("partner_enterprises")
    links = copy_rows(
        partner_field.remote_field.through._meta.db_table,
        [partner_field.m2m_column_name(), partner_field.m2m_reverse_name()],
        (
            (draft.project.pk, enterprise_id)
            for draft in drafts
            for enterprise_id in draft.partner_ids
        ),
    )
    # Rows straight from the plans: a model instance per transition would
    # cost more than the rest of the load.
    recorded_at = timezone.now()
    transitions = copy_rows(
        StageTransition._meta.db_table,
        [StageTransition._meta.get_field(name).column for name in COPIED_TRANSITION_FIELDS],
        (
            (
                draft.project.pk,
                planned.kind,
                planned.from_stage.id if planned.from_stage else None,
                planned.to_stage.id,
                planned.from_status,
                planned.to_status,
                decided_by_id,
                planned.decided_at,
                planned.rationale,
                recorded_at,
            )
            for draft in drafts
            for planned in draft.history
        ),
    )
    return len(projects), links, transitions


def _transitions(
    drafts: Sequence[ProjectDraft], decided_by_id: int | None
) -> Iterator[StageTransition]:
    for draft in drafts:
        for planned in draft.history:
            yield StageTransition(
                project_id=draft.project.pk,
                kind=planned.kind,
                from_stage_id=planned.from_stage.id if planned.from_stage else None,
                to_stage_id=planned.to_stage.id,
                from_status=planned.from_status,
                to_status=planned.to_status,
                decided_by_id=decided_by_id,
                decided_at=planned.decided_at,
                rationale=planned.rationale,
            )
