"""The open milestones' money (``OpenMilestoneMoney``), kept by the services
that change milestones, invoices, payments and projects: after any sequence
of them it is what a rebuild from every open milestone writes, and the
expected receipts read from it are those read from every open milestone
(``tests.projects.receipts_oracle``), for each user over what the user
sees."""

import datetime
import importlib
import random
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from projects import analytics
from projects.admin import MilestoneAdmin
from projects.choices import MILESTONE_OPEN_STATUSES, MilestoneStatus
from projects.models import Milestone, OpenMilestoneMoney, Payment, ReceivedMoney
from projects.services import (
    fixed_payment_invoice,
    fixed_payment_pay,
    milestone_cancel,
    milestone_claim,
    milestone_dispute,
    milestone_invoice,
    milestone_verification_record,
    milestone_verify,
    milestone_waive,
    payment_record,
    rebuild_open_milestone_money,
    rebuild_received_money,
    royalty_report_invoice,
)
from tests.factories import (
    FixedPaymentFactory,
    MilestoneFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    RoyaltyReportFactory,
    UserFactory,
)
from tests.projects.receipts_oracle import (
    expected_receipts_from_milestones,
    receivables_aging_from_invoices,
    received_per_quarter_from_payments,
)
from tests.projects.test_analytics import invoice_for
from tests.projects.test_portfolio_counts import decide, register, relink, world  # noqa: F401

pytestmark = pytest.mark.django_db

KEY_FIELDS = [
    "lead_institution_id",
    "joint_centre_id",
    "partnership_id",
    "currency",
    "stage_id",
    "terminated",
    "trigger_stage_id",
    "certain",
    "due_quarter",
    "due_offset_days",
    "invoice_due_on",
    "invoice_currency",
]


def kept_rows():
    """The summary's rows that hold a milestone, as comparable tuples; rows
    that hold none hold no money either."""
    # Read as money (SQLite adds decimals as floats, within a cent).
    assert all(
        amount == 0
        for amount in OpenMilestoneMoney.objects.filter(milestones=0).values_list(
            "amount", flat=True
        )
    )
    rows = OpenMilestoneMoney.objects.filter(milestones__gt=0).values_list(
        *KEY_FIELDS, "amount", "outstanding", "milestones"
    )
    return sorted(rows, key=lambda row: tuple(str(value) for value in row))


def rebuilt_rows():
    """The rows a rebuild from every open milestone writes (the table is put
    back as it was found afterwards, within the test's transaction)."""
    kept = list(
        OpenMilestoneMoney.objects.values(*KEY_FIELDS, "amount", "outstanding", "milestones")
    )
    rebuild_open_milestone_money()
    rebuilt = kept_rows()
    OpenMilestoneMoney.objects.all().delete()
    OpenMilestoneMoney.objects.bulk_create(OpenMilestoneMoney(**row) for row in kept)
    return rebuilt


RECEIVED_FIELDS = [
    "lead_institution_id",
    "joint_centre_id",
    "partnership_id",
    "agreement_id",
    "currency",
    "quarter",
    "amount",
    "payments",
]


def kept_received():
    """The money received's rows that count a payment, as comparable tuples."""
    rows = ReceivedMoney.objects.filter(payments__gt=0).values_list(*RECEIVED_FIELDS)
    return sorted(rows, key=lambda row: tuple(str(value) for value in row))


def rebuilt_received():
    """The rows a rebuild from every payment writes (the table is put back
    as it was found afterwards, within the test's transaction)."""
    kept = list(ReceivedMoney.objects.values(*RECEIVED_FIELDS))
    rebuild_received_money()
    rebuilt = kept_received()
    ReceivedMoney.objects.all().delete()
    ReceivedMoney.objects.bulk_create(ReceivedMoney(**row) for row in kept)
    return rebuilt


def plan_milestone(project, rng, stages):
    """A milestone of a random shape: triggered by a stage (of the project's
    pipeline) or an event, dated or not."""
    trigger = rng.choice([None, None, None, *stages])
    return MilestoneFactory(
        project=project,
        amount=Decimal(rng.choice([1000, 2500, 40_000, 99_999])) + Decimal("0.55"),
        trigger_stage=trigger,
        due_offset_days=rng.choice([0, 30, 200, 700]),
        due_date=(
            datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(-400, 1200))
            if rng.random() < 0.4
            else None
        ),
    )


def act_on_milestone(milestone, rng, *, staff):
    """The next step of the milestone's lifecycle, mostly, or a random one;
    what the milestone's state or the actor does not allow raises, as the
    service does. The paying enterprise's user verifies and disputes."""
    payer = PartnerUserFactory(enterprise=milestone.agreement.partnership.enterprise)
    next_step = {
        "planned": "claim",
        "claimed": rng.choice(["verify", "record", "dispute"]),
        "disputed": "claim",
        "verified": "invoice",
        "invoiced": "pay",
        "partially_paid": "pay",
    }.get(milestone.status, "claim")
    kind = next_step if rng.random() < 0.8 else rng.choice(["close", "pay", "claim", "invoice"])
    if kind == "claim":
        milestone_claim(milestone=milestone, by=staff, evidence_note="Report attached.")
    elif kind == "verify":
        milestone_verify(milestone=milestone, by=payer)
    elif kind == "record":
        milestone_verification_record(
            milestone=milestone, by=staff, evidence="letter", documents=[], note="Signed letter."
        )
    elif kind == "dispute":
        milestone_dispute(milestone=milestone, by=payer, reason="Not the agreed endpoint.")
    elif kind == "invoice":
        milestone_invoice(milestone=milestone, by=staff)
    elif kind == "pay":
        invoice = milestone.invoice
        payment_record(
            invoice=invoice,
            amount=rng.choice([invoice.amount, (invoice.amount / 3).quantize(Decimal("0.01"))]),
            currency=invoice.currency,
            paid_on=invoice.issued_on,
            by=staff,
            reference="BANK",
        )
    elif rng.random() < 0.5:
        milestone_cancel(milestone=milestone, by=staff, reason="Dropped.")
    else:
        milestone_waive(milestone=milestone, by=staff, reason="Forgone.")


def receipts_match(user, today):
    assert analytics.receivables_aging(user, today=today) == receivables_aging_from_invoices(
        user, today=today
    )
    for quarters in (4, 8):
        assert analytics.expected_receipts(
            user, today=today, quarters=quarters
        ) == expected_receipts_from_milestones(user, today=today, quarters=quarters)
        assert analytics.received_per_quarter(
            user, today=today, quarters=quarters
        ) == received_per_quarter_from_payments(user, today=today, quarters=quarters)


def test_any_sequence_of_services_leaves_the_money_a_rebuild_writes(
    world,  # noqa: F811
    superuser,
    staff_user,
    partner_user,
):
    """Registrations, milestones planned, claimed, verified, disputed,
    invoiced, paid, cancelled and waived, gate decisions and changes of
    links, in a random order; and the expected receipts read from the
    summary are those read from the milestones, for every kind of user."""
    rng = random.Random(22)
    projects = [register(world, rng, superuser) for _ in range(5)]
    projects = [p for p in projects if p.agreement_id]
    milestones = [plan_milestone(p, rng, world.stages) for p in projects for _ in range(3)]

    for step in range(240):
        action = rng.choice(["register", "plan", "decide", "decide", "relink", *["milestone"] * 6])
        try:
            if action == "register":
                project = register(world, rng, superuser)
                if project.agreement_id:
                    projects.append(project)
            elif action == "plan":
                project = rng.choice(projects)
                project.refresh_from_db()
                if project.agreement_id:
                    milestones.append(plan_milestone(project, rng, world.stages))
            elif action == "milestone":
                # Mostly one still open, so that many reach their payment.
                open_ones = Milestone.objects.filter(
                    pk__in=[m.pk for m in milestones], status__in=MILESTONE_OPEN_STATUSES
                )
                if rng.random() < 0.6 and open_ones.exclude(status="planned").exists():
                    open_ones = open_ones.exclude(status="planned")
                chosen = sorted(open_ones.values_list("pk", flat=True)) or [milestones[0].pk]
                milestone = Milestone.objects.get(pk=rng.choice(chosen))
                act_on_milestone(milestone, rng, staff=superuser)
            else:
                project = rng.choice(projects)
                project.refresh_from_db()
                if action == "decide":
                    decide(project, world, rng, superuser)
                else:
                    relink(project, world, rng, superuser)
        except (DomainError, Milestone.invoice.RelatedObjectDoesNotExist):
            pass
        if step % 40 == 39:
            assert kept_rows() == rebuilt_rows()
            assert kept_received() == rebuilt_received()

    assert kept_rows() == rebuilt_rows()
    assert kept_received() == rebuilt_received()
    statuses = set(Milestone.objects.values_list("status", flat=True))
    # The sequence reached the money's every kind of change.
    assert {"claimed", "partially_paid", "paid", "cancelled"} <= statuses, statuses
    assert Payment.objects.exists()
    today = datetime.date(2026, 2, 10)
    for user in (superuser, staff_user, world.centre_staff, world.foreign_staff, partner_user):
        receipts_match(user, today)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_expected_receipts_are_those_of_every_open_milestone(
    seed,
    world,  # noqa: F811
    superuser,
    staff_user,
    partner_user,
):
    """Milestones of every shape, in every state, invoiced and partly paid
    past the services, at every stage and status of their projects, in
    several currencies: after a rebuild the figures are the oracle's, for
    every user, on days before, inside and after their quarters."""
    rng = random.Random(seed)
    stages = world.stages
    for n in range(12):
        agreement = rng.choice(world.agreements[:3])
        project = ProjectUnderAgreementFactory(
            agreement=agreement,
            current_stage=rng.choice(stages),
            status=rng.choice(["active", "active", "on_hold", "productized", "terminated"]),
            joint_centre=world.centre if n % 4 == 0 else None,
        )
        for _ in range(rng.randrange(1, 5)):
            status = rng.choice(
                [
                    "planned",
                    "planned",
                    "claimed",
                    "disputed",
                    "verified",
                    "invoiced",
                    "partially_paid",
                    "paid",
                    "cancelled",
                ]
            )
            milestone = plan_milestone(project, rng, stages)
            milestone.status = status
            milestone.dispute_reason = "Not the endpoint." if status == "disputed" else ""
            milestone.closing_reason = "Dropped." if status == "cancelled" else ""
            milestone.currency = rng.choice(["CNY", "CNY", "USD", "EUR"])
            if rng.random() < 0.3:
                milestone.triggered_on = datetime.date(2025, 6, 1)
            milestone.save()
            if status in ("invoiced", "partially_paid", "paid"):
                due_on = datetime.date(2025, 10, 1) + datetime.timedelta(days=rng.randrange(600))
                paid = []
                if status != "invoiced":
                    paid = [(due_on, (milestone.amount / rng.choice([2, 3, 1])).quantize(1))]
                invoice_for(
                    milestone,
                    amount=milestone.amount,
                    due_on=due_on,
                    currency=milestone.currency,
                    paid=paid,
                )
    # Written past the services.
    rebuild_open_milestone_money()
    rebuild_received_money()

    for today in (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 5, 17),
        datetime.date(2027, 12, 31),
    ):
        for user in (superuser, staff_user, world.centre_staff, world.foreign_staff, partner_user):
            receipts_match(user, today)


def test_staff_of_another_institution_see_none_of_the_money(
    world,  # noqa: F811
    staff_user,
    agreement,
):
    project = ProjectUnderAgreementFactory(agreement=agreement, current_stage=world.stages[0])
    MilestoneFactory(project=project, amount=5000, due_date=datetime.date(2026, 2, 1))
    today = datetime.date(2026, 1, 10)

    assert analytics.expected_receipts(staff_user, today=today).weighted == {
        "CNY": [Decimal("5000.00")] + [Decimal("0.00")] * 7
    }
    assert analytics.expected_receipts(world.foreign_staff, today=today).weighted == {}
    assert analytics.expected_receipts(UserFactory(), today=today).weighted == {}


def test_a_milestone_planned_or_moved_in_the_admin_is_summed_again(
    world,  # noqa: F811
    superuser,
    agreement,
    rf,
):
    first = ProjectUnderAgreementFactory(agreement=agreement, current_stage=world.stages[0])
    second = ProjectUnderAgreementFactory(agreement=agreement, current_stage=world.stages[1])
    milestone = MilestoneFactory(project=first, amount=1000)
    model_admin = MilestoneAdmin(Milestone, admin.site)
    request = rf.post("/")
    request.user = superuser

    milestone.amount = Decimal(2500)
    milestone.project = second
    milestone.due_date = datetime.date(2026, 8, 1)
    model_admin.save_model(request, milestone, form=None, change=True)
    assert kept_rows() == rebuilt_rows()

    added = Milestone(
        project=first, agreement=agreement, name="Added", kind="scientific", amount=700
    )
    model_admin.save_model(request, added, form=None, change=False)
    assert kept_rows() == rebuilt_rows()

    model_admin.delete_queryset(request, Milestone.objects.filter(pk__in=[milestone.pk, added.pk]))
    assert kept_rows() == rebuilt_rows() == []


def test_a_milestone_invoiced_without_its_invoice_is_summed_with_nothing_outstanding(
    world,  # noqa: F811
    agreement,
):
    # As a bulk load or an import may leave it: the status, not the invoice.
    project = ProjectUnderAgreementFactory(agreement=agreement, current_stage=world.stages[0])
    MilestoneFactory(project=project, amount=1200, status=MilestoneStatus.INVOICED)

    rows = kept_rows()
    assert rows == rebuilt_rows()
    [row] = rows
    summed = dict(zip([*KEY_FIELDS, "amount", "outstanding", "milestones"], row, strict=True))
    assert (summed["invoice_currency"], summed["invoice_due_on"]) == ("", None)
    assert (Decimal(summed["amount"]), summed["milestones"]) == (Decimal(1200), 1)
    assert Decimal(summed["outstanding"]) == 0


def test_the_dashboard_reads_the_money_without_reading_the_milestones(
    world,  # noqa: F811
    staff_user,
    agreement,
    client,
):
    """The staff dashboard's expected receipts read the summary, not the
    milestones; its queries do not grow with the milestones."""

    def dashboard_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboard")).status_code == 200
        return queries

    client.force_login(staff_user)
    project = ProjectUnderAgreementFactory(agreement=agreement, current_stage=world.stages[0])
    MilestoneFactory(project=project, trigger_stage=world.stages[1])
    few = len(dashboard_queries())
    for stage in world.stages:
        other = ProjectUnderAgreementFactory(agreement=agreement, current_stage=stage)
        for trigger in world.stages:
            MilestoneFactory(project=other, trigger_stage=trigger)
            MilestoneFactory(project=other, due_date=datetime.date(2026, 3, 1))

    assert len(dashboard_queries()) == few
    with CaptureQueriesContext(connection) as queries:
        analytics.expected_receipts(staff_user, today=datetime.date(2026, 1, 1))
    assert not any('"projects_milestone"' in query["sql"] for query in queries)


def test_payments_on_royalties_and_fixed_payments_are_counted_under_their_agreement(
    world,  # noqa: F811
    superuser,
    staff_user,
    agreement,
):
    """They belong to no project: the staff who see the agreement see them,
    others do not, and the summary is what a rebuild writes."""
    today = timezone.localdate()
    fixed_payment = FixedPaymentFactory(agreement=agreement, amount=Decimal("1000.00"))
    fixed_payment_invoice(fixed_payment=fixed_payment, by=staff_user)
    fixed_payment_pay(
        fixed_payment=fixed_payment,
        by=staff_user,
        amount=Decimal("400"),
        currency=agreement.currency,
        paid_on=today,
    )
    report = RoyaltyReportFactory(agreement=agreement, currency=agreement.currency)
    invoice = royalty_report_invoice(report=report, by=staff_user, issued_on=today)
    payment_record(
        invoice=invoice,
        amount=Decimal("5000"),
        currency=agreement.currency,
        paid_on=today,
        by=staff_user,
    )

    assert kept_received() == rebuilt_received()
    [row] = ReceivedMoney.objects.values("agreement", "lead_institution", "amount", "payments")
    assert row == {
        "agreement": agreement.pk,
        "lead_institution": None,
        "amount": Decimal("5400.00"),
        "payments": 2,
    }
    assert analytics.received_per_quarter(staff_user, today=today).amounts == {
        agreement.currency: [Decimal(0)] * 7 + [Decimal("5400.00")]
    }
    assert analytics.received_per_quarter(world.foreign_staff, today=today).amounts == {}
    for user in (superuser, staff_user, world.centre_staff, world.foreign_staff):
        assert analytics.received_per_quarter(
            user, today=today
        ) == received_per_quarter_from_payments(user, today=today)


def test_the_dashboard_reads_the_money_received_without_reading_the_payments(
    world,  # noqa: F811
    staff_user,
    agreement,
):
    with CaptureQueriesContext(connection) as queries:
        analytics.received_per_quarter(staff_user, today=timezone.localdate())
    assert not any('"projects_payment"' in query["sql"] for query in queries)


def test_the_migration_sums_the_payments_recorded_before_it_as_a_rebuild_does(
    world,  # noqa: F811
    staff_user,
    agreement,
):
    from django.apps import apps

    fill = importlib.import_module("projects.migrations.0027_received_money_filled").fill
    project = ProjectUnderAgreementFactory(agreement=agreement, current_stage=world.stages[0])
    for n, paid_on in enumerate([datetime.date(2025, 2, 1), datetime.date(2026, 11, 30)]):
        milestone = MilestoneFactory(project=project, amount=1000 + n, status="paid")
        invoice_for(milestone, amount=1000 + n, due_on=paid_on, paid=[(paid_on, 1000 + n)])
    report = RoyaltyReportFactory(agreement=agreement, currency=agreement.currency)
    invoice = royalty_report_invoice(report=report, by=staff_user)
    payment_record(
        invoice=invoice,
        amount=Decimal("70"),
        currency=agreement.currency,
        paid_on=invoice.issued_on,
        by=staff_user,
    )
    ReceivedMoney.objects.all().delete()

    fill(apps, SimpleNamespace(connection=connection))

    assert len(kept_received()) == 3
    assert kept_received() == rebuilt_received()
