"""Partners' counts of projects by stage: the summary the partner portal's
projects by stage and its stage filter are read from. Whatever the services
do to projects (register them, move them from stage to stage, change their
partners, import their history) and whatever the admin does, the counts are
those a count of every project gives.

The world of these tests: a joint centre hosted by ``institution`` (for
which ``staff_user`` works) and led by two enterprises, LEAD and CO-LEAD,
which share the centre's projects; LEAD's agreement with the centre; and
``agreement``, between ``institution`` and a third enterprise.
"""

import datetime
import random
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.utils import timezone

from core.errors import TransitionNotAllowed
from pipelines.models import StageDefinition
from projects.admin import ResearchProjectAdmin
from projects.models import PartnerStageCount, ResearchProject, StageTransition
from projects.services import (
    StageEntry,
    project_advance,
    project_history_import,
    project_hold,
    project_register,
    project_resume,
    project_revert,
    project_skip,
    project_terminate,
    project_update,
    rebuild_partner_stage_counts,
)
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    JointCentreFactory,
    JointCentrePartyFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db

RATIONALE = "Gate review: the pilot met its target."


def counts() -> dict[tuple[int, int], int]:
    """The counts that are not zero, by (enterprise id, stage id)."""
    return {
        (enterprise_id, stage_id): count
        for enterprise_id, stage_id, count in PartnerStageCount.objects.filter(
            project_count__gt=0
        ).values_list("enterprise_id", "stage_id", "project_count")
    }


def counted_from_projects() -> dict[tuple[int, int], int]:
    """The counts a rebuild from every project writes (the table is put
    back as it was found afterwards, within the test's transaction)."""
    kept = list(
        PartnerStageCount.objects.values_list("enterprise_id", "stage_id", "project_count")
    )
    rebuild_partner_stage_counts()
    rebuilt = counts()
    PartnerStageCount.objects.all().delete()
    PartnerStageCount.objects.bulk_create(
        PartnerStageCount(enterprise_id=enterprise_id, stage_id=stage_id, project_count=count)
        for enterprise_id, stage_id, count in kept
    )
    return rebuilt


@pytest.fixture
def centre(institution):
    centre = JointCentreFactory()
    JointCentrePartyFactory(centre=centre, institution=institution)
    lead, co_lead = EnterpriseFactory(code="LEAD"), EnterpriseFactory(code="CO-LEAD")
    JointCentrePartyFactory(centre=centre, enterprise=lead, institution=None)
    JointCentrePartyFactory(centre=centre, enterprise=co_lead, institution=None)
    terms = AgreementFactory(
        partnership=PartnershipFactory(institution=None, joint_centre=centre, enterprise=lead)
    )
    return SimpleNamespace(centre=centre, lead=lead, co_lead=co_lead, agreement=terms)


@pytest.fixture
def agreement(institution):
    return AgreementFactory(partnership=PartnershipFactory(institution=institution))


def stages(pipeline: str) -> list[StageDefinition]:
    return list(StageDefinition.objects.filter(pipeline__code=pipeline).order_by("position"))


def register(staff_user, institution, *, terms, partners, stage, code, **fields):
    centre = terms.partnership.joint_centre
    return project_register(
        project=ResearchProject(
            code=code,
            title=f"Project {code}",
            current_stage=stage,
            trl=stage.trl_min,
            start_date=datetime.date(2020, 1, 1),
            lead_institution=institution,
            joint_centre=centre,
            partnership=terms.partnership,
            agreement=terms,
            **fields,
        ),
        by=staff_user,
        partner_enterprises=partners,
    )


def test_a_registered_project_counts_for_each_of_its_partners_at_its_stage(
    centre, institution, staff_user
):
    stage = stages("ENV")[0]

    register(
        staff_user,
        institution,
        terms=centre.agreement,
        partners=[centre.lead, centre.co_lead],
        stage=stage,
        code="PSC-001",
    )

    assert counts() == {(centre.lead.pk, stage.pk): 1, (centre.co_lead.pk, stage.pk): 1}


def test_a_gate_decision_moves_the_count_to_the_new_stage(agreement, institution, staff_user):
    lab, pilot, field = stages("ENV")[:3]
    enterprise = agreement.partnership.enterprise
    project = register(
        staff_user, institution, terms=agreement, partners=[enterprise], stage=lab, code="P-1"
    )

    project_advance(project=project, by=staff_user, rationale=RATIONALE)
    project.refresh_from_db()
    project_hold(project=project, by=staff_user, rationale=RATIONALE)

    assert counts() == {(enterprise.pk, pilot.pk): 1}
    project.refresh_from_db()
    project_resume(project=project, by=staff_user, rationale=RATIONALE)
    project.refresh_from_db()
    project_skip(project=project, by=staff_user, rationale=RATIONALE, to_stage=stages("ENV")[3])
    project.refresh_from_db()
    project_revert(project=project, by=staff_user, rationale=RATIONALE)
    assert counts() == {(enterprise.pk, field.pk): 1}


def test_a_count_that_falls_to_zero_is_not_offered(agreement, institution, staff_user):
    lab = stages("ENV")[0]
    enterprise = agreement.partnership.enterprise
    project = register(
        staff_user, institution, terms=agreement, partners=[enterprise], stage=lab, code="P-1"
    )

    project_advance(project=project, by=staff_user, rationale=RATIONALE)

    assert PartnerStageCount.objects.get(enterprise=enterprise, stage=lab).project_count == 0
    assert (enterprise.pk, lab.pk) not in counts()


def test_a_partner_taken_off_a_project_no_longer_counts_it(centre, institution, staff_user):
    stage = stages("ENV")[0]
    project = register(
        staff_user,
        institution,
        terms=centre.agreement,
        partners=[centre.lead, centre.co_lead],
        stage=stage,
        code="PSC-001",
    )

    project_update(project=project, by=staff_user, partner_enterprises=[centre.lead])

    assert counts() == {(centre.lead.pk, stage.pk): 1}
    project_update(project=project, by=staff_user, partner_enterprises=[centre.co_lead])
    assert counts() == {(centre.co_lead.pk, stage.pk): 1}


def test_an_imported_history_counts_the_project_at_its_last_stage(
    agreement, institution, staff_user
):
    lab, pilot, field = stages("ENV")[:3]
    enterprise = agreement.partnership.enterprise
    project = register(
        staff_user, institution, terms=agreement, partners=[enterprise], stage=lab, code="P-1"
    )

    # The history's days are those of the project's time zone, as the
    # service reads the recorded start.
    started_on = timezone.localdate(project.transitions.get().decided_at)
    project_history_import(
        project=project,
        by=staff_user,
        entries=[
            StageEntry(stage=lab, entered_on=started_on),
            StageEntry(stage=pilot, entered_on=timezone.localdate()),
            StageEntry(stage=field, entered_on=timezone.localdate()),
        ],
    )

    assert counts() == {(enterprise.pk, field.pk): 1}


def test_partners_changed_in_the_admin_are_counted(centre, institution, staff_user, superuser, rf):
    stage = stages("ENV")[0]
    project = register(
        staff_user,
        institution,
        terms=centre.agreement,
        partners=[centre.lead],
        stage=stage,
        code="PSC-001",
    )
    request = rf.post("/")
    request.user = superuser
    form = SimpleNamespace(
        instance=project, save_m2m=lambda: project.partner_enterprises.set([centre.co_lead])
    )

    ResearchProjectAdmin(ResearchProject, admin.site).save_related(
        request, form, formsets=[], change=True
    )

    assert counts() == {(centre.co_lead.pk, stage.pk): 1}
    assert counts() == counted_from_projects()


def random_step(world, rng):
    """One thing the services do to projects, chosen at random: register a
    project, record a gate decision (or have it refused), change a project's
    partners."""
    staff_user, centre, agreement = world.staff, world.centre, world.agreement
    action = rng.choice(["register", "decide", "decide", "decide", "decide", "partners"])
    if action == "register" or not world.projects:
        pipeline = rng.choice(["ENV", "AGRI-GMO"])
        if rng.random() < 0.5:
            terms = centre.agreement
            partners = rng.choice(
                [[centre.lead], [centre.co_lead], [centre.lead, centre.co_lead], []]
            )
        else:
            terms, partners = agreement, [agreement.partnership.enterprise]
        world.projects.append(
            register(
                staff_user,
                world.institution,
                terms=terms,
                partners=partners,
                stage=stages(pipeline)[rng.randrange(3)],
                code=f"RND-{world.seed}-{len(world.projects):03d}",
            )
        )
        return
    project = rng.choice(world.projects)
    project.refresh_from_db()
    if action == "partners":
        if project.joint_centre_id:
            choice = rng.choice(
                [[centre.lead], [centre.co_lead], [centre.lead, centre.co_lead], []]
            )
        else:
            choice = rng.choice([[agreement.partnership.enterprise], []])
        project_update(project=project, by=staff_user, partner_enterprises=choice)
        return
    common = {"project": project, "by": staff_user, "rationale": RATIONALE}
    decision = rng.choice(
        [
            project_advance,
            project_advance,
            project_skip,
            project_hold,
            project_resume,
            project_revert,
            project_terminate,
        ]
    )
    try:
        if decision is project_skip:
            pipeline = list(project.current_stage.pipeline.stages.order_by("position"))
            later = [
                stage for stage in pipeline if stage.position > project.current_stage.position + 1
            ]
            if not later:
                return
            project_skip(**common, to_stage=rng.choice(later))
        elif decision is project_terminate and rng.random() > 0.2:
            return
        else:
            decision(**common)
    except TransitionNotAllowed:
        pass


def test_any_sequence_of_service_calls_leaves_the_counts_a_rebuild_writes(
    centre, agreement, institution, staff_user
):
    """Seeded random sequences of registrations, gate decisions and changes
    of partners, checked against a count of every project every ten
    steps."""
    for seed in (18, 2026):
        rng = random.Random(seed)
        world = SimpleNamespace(
            seed=seed,
            staff=staff_user,
            institution=institution,
            centre=centre,
            agreement=agreement,
            projects=[],
        )
        for step in range(80):
            random_step(world, rng)
            if step % 10 == 9:
                assert counts() == counted_from_projects()

        assert len(counts()) > 3
        assert counts() == counted_from_projects()
    moves = StageTransition.objects.filter(kind__in=["advance", "skip", "revert"])
    assert moves.count() > 20
