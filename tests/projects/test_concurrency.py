"""Two users acting on the same object at the same moment: the row locks of
the services let exactly one of them through.

These tests start real threads, each with its own database connection, held
at a barrier until all are ready. They need PostgreSQL's row locks; SQLite
serialises every writer and proves nothing here.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from core.errors import DomainError
from pipelines.models import Pipeline, Sector, StageDefinition
from projects.choices import MilestoneStatus
from projects.models import (
    Activity,
    Invoice,
    OpenMilestoneMoney,
    PartnerStageCount,
    Payment,
    PortfolioCount,
    ResearchProject,
    StageStay,
    StageTransition,
)
from projects.services import (
    fixed_payment_invoice,
    fixed_payment_pay,
    milestone_claim,
    milestone_invoice,
    payment_record,
    project_advance,
    project_hold,
    project_register,
    project_resume,
    project_revert,
    project_skip,
    rebuild_open_milestone_money,
    rebuild_partner_stage_counts,
    rebuild_portfolio_counts,
    rebuild_stage_stays,
)
from tests.factories import (
    FixedPaymentFactory,
    MilestoneFactory,
    ProjectUnderAgreementFactory,
    ResearchProjectFactory,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
    # Emails queued on commit are sent in the thread that committed.
    pytest.mark.usefixtures("tasks_run_in_process"),
]

THREADS = 20


@pytest.fixture
def stages(transactional_db):
    """Three stages of a pipeline of this module's own: the seeded ones are
    gone once the first transactional test has flushed the database, and
    seeding them again for every test would cost more than the test."""
    sector, _created = Sector.objects.get_or_create(
        code="environmental", defaults={"name": "Environmental protection"}
    )
    pipeline = Pipeline.objects.create(code="CONCURRENCY", sector=sector, name="Concurrency")
    return [
        StageDefinition.objects.create(
            pipeline=pipeline,
            position=position,
            code=f"stage_{position}",
            name=f"Stage {position}",
            trl_min=1,
            trl_max=9,
            default_success_probability=Decimal("0.5"),
            typical_years=Decimal(1),
            typical_cost=Decimal(0),
        )
        for position in (1, 2, 3)
    ]


@pytest.fixture
def project(agreement, stages):
    """An active project at the first of the three stages."""
    return ProjectUnderAgreementFactory(agreement=agreement, current_stage=stages[0])


def run_together(actions):
    """Run each action in its own thread, all released at once. Returns,
    per action, its result or the exception it raised."""
    barrier = threading.Barrier(len(actions), timeout=30)
    outcomes = [None] * len(actions)

    def worker(index, action):
        try:
            connection.ensure_connection()
            barrier.wait()
            outcomes[index] = action()
        except Exception as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(index, action))
        for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def refusal_codes(outcomes):
    return sorted(o.code for o in outcomes if isinstance(o, DomainError))


def test_concurrent_payments_of_the_full_amount_record_exactly_one(
    project, staff_user, partner_user
):
    """Twenty finance users record the full amount at once: one payment is
    recorded, the other nineteen are refused as over-payments."""
    milestone = MilestoneFactory(
        project=project, status=MilestoneStatus.VERIFIED, amount=Decimal("100000.00")
    )
    invoice = milestone_invoice(milestone=milestone, by=staff_user)

    outcomes = run_together(
        [
            lambda n=n: payment_record(
                invoice=invoice,
                amount=Decimal("100000.00"),
                currency=invoice.currency,
                paid_on=timezone.localdate(),
                by=staff_user,
                reference=f"BANK-{n}",
            )
            for n in range(THREADS)
        ]
    )

    assert sum(isinstance(o, Payment) for o in outcomes) == 1
    assert refusal_codes(outcomes) == ["overpayment"] * (THREADS - 1)
    assert Payment.objects.filter(invoice=invoice).count() == 1
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PAID


def test_concurrent_payments_of_an_upfront_never_overpay_it(agreement, staff_user):
    """The payment service's lock on the invoice holds for fixed payments:
    twenty payments of the whole upfront at once record exactly one."""
    upfront = FixedPaymentFactory(
        agreement=agreement, kind="upfront", description="", amount=Decimal("5000000.00")
    )
    invoice = fixed_payment_invoice(fixed_payment=upfront, by=staff_user)

    outcomes = run_together(
        [
            lambda n=n: fixed_payment_pay(
                fixed_payment=upfront,
                amount=Decimal("5000000.00"),
                currency=invoice.currency,
                paid_on=timezone.localdate(),
                by=staff_user,
                reference=f"BANK-{n}",
            )
            for n in range(THREADS)
        ]
    )

    assert sum(isinstance(o, Payment) for o in outcomes) == 1
    assert refusal_codes(outcomes) == ["overpayment"] * (THREADS - 1)
    upfront.refresh_from_db()
    assert upfront.status == "paid"


def test_concurrent_claims_make_one_transition(project, staff_user):
    """Twenty claims of one milestone at once: one claim, one timeline
    entry; the others are refused because the milestone is claimed."""
    milestone = MilestoneFactory(project=project)

    outcomes = run_together(
        [
            lambda n=n: milestone_claim(
                milestone=milestone, by=staff_user, evidence_note=f"Report {n}."
            )
            for n in range(THREADS)
        ]
    )

    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert refusal_codes(outcomes) == ["invalid_transition"] * (THREADS - 1)
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.CLAIMED
    assert Activity.objects.filter(verb="milestone.claimed", target_id=milestone.pk).count() == 1


def test_concurrent_invoicing_neither_repeats_nor_skips_a_number(project, staff_user):
    """Twenty verified milestones of one payee invoiced at once, the first
    invoices of the year: numbers 0001 to 0020, each once."""
    milestones = [
        MilestoneFactory(project=project, status=MilestoneStatus.VERIFIED) for _ in range(THREADS)
    ]
    year = timezone.localdate().year
    prefix = f"INV-{project.agreement.partnership.institution.code}-{year}"

    outcomes = run_together(
        [
            lambda milestone=milestone: milestone_invoice(milestone=milestone, by=staff_user)
            for milestone in milestones
        ]
    )

    assert all(isinstance(o, Invoice) for o in outcomes), outcomes
    assert sorted(o.number for o in outcomes) == [
        f"{prefix}-{n:04d}" for n in range(1, THREADS + 1)
    ]
    assert Invoice.objects.filter(number__startswith=prefix).count() == THREADS


def test_concurrent_advances_move_the_project_one_stage(project, staff_user, stages):
    """Twenty reviewers press "advance" on the same view of the project: it
    moves one stage, and the others are told the project changed
    meanwhile."""
    outcomes = run_together(
        [
            lambda: project_advance(project=project, by=staff_user, rationale="Pilot passed.")
            for _ in range(THREADS)
        ]
    )

    assert sum(isinstance(o, StageTransition) for o in outcomes) == 1
    assert refusal_codes(outcomes) == ["stale"] * (THREADS - 1)
    project.refresh_from_db()
    assert project.current_stage == stages[1]


def test_concurrent_decisions_on_a_project_leave_the_stays_a_rebuild_writes(
    project, staff_user, stages
):
    """Reviewers advance, skip, hold and revert the same project at once,
    three rounds over: each round one decision is recorded, and the stays
    written under the project's lock are those a rebuild from the history
    writes."""
    StageTransition.objects.create(
        project=project,
        kind="start",
        to_stage=stages[0],
        to_status="active",
        decided_at=timezone.now() - datetime.timedelta(days=400),
        rationale="Registered.",
    )
    decisions = [
        lambda p: project_advance(project=p, by=staff_user, rationale="Pilot passed."),
        lambda p: project_skip(project=p, to_stage=stages[2], by=staff_user, rationale="Done."),
        lambda p: project_hold(project=p, by=staff_user, rationale="Funding paused."),
        lambda p: project_revert(project=p, by=staff_user, rationale="Repeat the study."),
    ]
    for _round in range(3):
        project.refresh_from_db()
        outcomes = run_together([lambda d=d: d(project) for d in decisions * 3])

        assert sum(isinstance(o, StageTransition) for o in outcomes) == 1, outcomes
        kept = sorted(StageStay.objects.values_list("project", "stage", "entered_at", "duration"))
        rebuild_stage_stays()
        assert kept == sorted(
            StageStay.objects.values_list("project", "stage", "entered_at", "duration")
        )
        if StageTransition.objects.filter(project=project, kind="hold").exists():
            project.refresh_from_db()
            if project.status == "on_hold":
                project_resume(project=project, by=staff_user, rationale="Funding back.")


def test_concurrent_advances_of_many_projects_each_write_their_stay(agreement, stages, staff_user):
    """Twenty projects advanced at once, each by its reviewer: twenty stays,
    one per project, in the same mode and stage."""
    projects = [
        ProjectUnderAgreementFactory(agreement=agreement, current_stage=stages[0])
        for _ in range(THREADS)
    ]
    for project in projects:
        StageTransition.objects.create(
            project=project,
            kind="start",
            to_stage=stages[0],
            to_status="active",
            decided_at=timezone.now() - datetime.timedelta(days=30),
            rationale="Registered.",
        )

    outcomes = run_together(
        [
            lambda project=project: project_advance(
                project=project, by=staff_user, rationale="Pilot passed."
            )
            for project in projects
        ]
    )

    assert all(isinstance(o, StageTransition) for o in outcomes), outcomes
    assert sorted(StageStay.objects.values_list("project", flat=True)) == sorted(
        project.pk for project in projects
    )
    assert set(StageStay.objects.values_list("stage", "position")) == {(stages[0].pk, 1)}


def portfolio_counts_as_rows():
    return sorted(
        PortfolioCount.objects.filter(projects__gt=0).values_list(
            "stage", "status", "lead_institution", "partnership", "projects"
        )
    )


def test_concurrent_moves_in_opposite_directions_keep_the_counts_exact(
    agreement, stages, staff_user
):
    """Ten projects advanced from the first stage and ten sent back to it,
    all at once: each decision takes a project from one count and adds it
    to another, and none waits for another forever."""
    forward = [
        ProjectUnderAgreementFactory(agreement=agreement, current_stage=stages[0])
        for _ in range(THREADS // 2)
    ]
    back = [
        ProjectUnderAgreementFactory(agreement=agreement, current_stage=stages[1])
        for _ in range(THREADS // 2)
    ]

    outcomes = run_together(
        [
            lambda project=project: project_advance(
                project=project, by=staff_user, rationale="Pilot passed."
            )
            for project in forward
        ]
        + [
            lambda project=project: project_revert(
                project=project, by=staff_user, rationale="Repeat the study."
            )
            for project in back
        ]
    )

    assert all(isinstance(o, StageTransition) for o in outcomes), outcomes
    kept = portfolio_counts_as_rows()
    rebuild_portfolio_counts()
    assert kept == portfolio_counts_as_rows()
    assert [row[-1] for row in kept] == [THREADS // 2, THREADS // 2]


def test_concurrent_registrations_add_to_one_count(agreement, stages, staff_user):
    """Twenty projects registered at once where none stood before: one row
    counts them all."""
    drafts = [
        ResearchProjectFactory.build(
            current_stage=stages[0],
            lead_institution=agreement.partnership.institution,
            agreement=agreement,
            partnership=agreement.partnership,
        )
        for _ in range(THREADS)
    ]

    outcomes = run_together(
        [lambda draft=draft: project_register(project=draft, by=staff_user) for draft in drafts]
    )

    assert all(isinstance(o, ResearchProject) for o in outcomes), outcomes
    assert portfolio_counts_as_rows() == [
        (
            stages[0].pk,
            "active",
            agreement.partnership.institution_id,
            agreement.partnership_id,
            20,
        )
    ]


def test_concurrent_advances_of_one_partners_projects_are_all_counted(
    agreement, stages, staff_user
):
    """Twenty projects of one partner advanced at once into a stage where it
    had none: every advance is counted, none lost to another's view of the
    count, and the counts are those of the projects."""
    projects = [
        ProjectUnderAgreementFactory(agreement=agreement, current_stage=stages[0])
        for _ in range(THREADS)
    ]
    enterprise = agreement.partnership.enterprise

    outcomes = run_together(
        [
            lambda project=project: project_advance(
                project=project, by=staff_user, rationale="Pilot passed."
            )
            for project in projects
        ]
    )

    assert all(isinstance(o, StageTransition) for o in outcomes), outcomes
    counts = dict(
        PartnerStageCount.objects.filter(enterprise=enterprise).values_list(
            "stage", "project_count"
        )
    )
    assert counts == {stages[0].pk: 0, stages[1].pk: THREADS}
    rebuild_partner_stage_counts()
    assert dict(
        PartnerStageCount.objects.filter(enterprise=enterprise).values_list(
            "stage", "project_count"
        )
    ) == {stages[1].pk: THREADS}


def open_money_rows():
    return sorted(
        OpenMilestoneMoney.objects.filter(milestones__gt=0).values_list(
            "stage",
            "terminated",
            "trigger_stage",
            "certain",
            "due_quarter",
            "amount",
            "milestones",
        ),
        key=str,
    )


def test_concurrent_payments_and_decisions_keep_the_open_money_whole(
    agreement, staff_user, stages
):
    """Payments on the milestones of two projects, while each project is
    advanced, put on hold and its milestones claimed, all at once: every
    change is summed, none lost to another's view of the rows (the money a
    payment takes off is taken where the advance put it), and the open
    milestones' money is what a rebuild from the milestones gives."""
    projects = [
        ProjectUnderAgreementFactory(agreement=agreement, current_stage=stages[0])
        for _ in range(2)
    ]
    invoices = []
    for project in projects:
        for _ in range(4):
            milestone = MilestoneFactory(
                project=project, status=MilestoneStatus.VERIFIED, amount=Decimal("9000.00")
            )
            invoices.append(milestone_invoice(milestone=milestone, by=staff_user))
    planned = [
        MilestoneFactory(project=project, trigger_stage=stages[2], amount=Decimal("500.00"))
        for project in projects
        for _ in range(2)
    ]
    claimable = [MilestoneFactory(project=project) for project in projects]

    actions = [
        lambda invoice=invoice: payment_record(
            invoice=invoice,
            amount=Decimal("3000.00"),
            currency=invoice.currency,
            paid_on=invoice.issued_on,
            by=staff_user,
            reference="BANK",
        )
        for invoice in invoices
    ]
    actions += [
        lambda project=project: project_advance(project=project, by=staff_user, rationale="Go.")
        for project in projects
    ]
    actions += [
        lambda milestone=milestone: milestone_claim(
            milestone=milestone, by=staff_user, evidence_note="Report."
        )
        for milestone in claimable
    ]
    outcomes = run_together(actions)

    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    kept = open_money_rows()
    rebuild_open_milestone_money()
    assert kept == open_money_rows()
    # Each invoice has 6,000 left; the planned ones wait at the second stage.
    assert sum(row[-2] for row in kept) == 8 * 6000 + 4 * 500 + 2 * 100_000
    assert {row[0] for row in kept if not row[3]} == {stages[1].pk}
    assert len(planned) == 4
