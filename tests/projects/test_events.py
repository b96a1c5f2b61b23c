"""What the project services announce: typed events carrying the objects
they changed and, where integrations are told of it, the timeline entry."""

from decimal import Decimal

import pytest
from django.utils import timezone

from core.events import recorded_events
from projects.events import (
    MilestoneClaimed,
    MilestonePaid,
    PaymentRecorded,
    ProjectStageChanged,
    RoyaltyReportInvoiced,
)
from projects.models import Activity
from projects.services import (
    milestone_claim,
    milestone_dispute,
    milestone_invoice,
    milestone_verify,
    payment_record,
    project_advance,
    royalty_report_invoice,
)
from tests.factories import MilestoneFactory, RoyaltyReportFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # read per test: a run may cross midnight


def of_type(events, event_type):
    return [event for event in events if isinstance(event, event_type)]


@pytest.fixture
def invoice(project, staff_user, partner_user):
    """The invoice of a verified 100,000.00 CNY milestone."""
    milestone = MilestoneFactory(project=project, amount=Decimal("100000.00"))
    milestone_claim(milestone=milestone, by=staff_user, evidence_note="Study report BB-17.")
    milestone_verify(milestone=milestone, by=partner_user)
    return milestone_invoice(milestone=milestone, by=staff_user)


def pay(invoice, amount, *, by):
    return payment_record(
        invoice=invoice, amount=amount, currency=invoice.currency, paid_on=TODAY(), by=by
    )


def test_the_payment_that_settles_a_milestones_invoice_announces_the_milestone_paid(
    invoice, staff_user
):
    """Recording the payment that settles a milestone's invoice announces
    MilestonePaid with that milestone, invoice and payment, after the
    payment itself."""
    pay(invoice, Decimal("40000.00"), by=staff_user)

    with recorded_events() as events:
        payment = pay(invoice, Decimal("60000.00"), by=staff_user)

    recorded, paid = events
    assert isinstance(recorded, PaymentRecorded)
    assert isinstance(paid, MilestonePaid)
    assert (paid.milestone.pk, paid.invoice.pk, paid.payment) == (
        invoice.milestone_id,
        invoice.pk,
        payment,
    )
    assert paid.milestone.status == "paid"
    assert paid.activity == Activity.objects.get(verb="payment.recorded", target_id=payment.pk)


def test_a_partial_payment_announces_the_payment_only(invoice, staff_user):
    with recorded_events() as events:
        payment = pay(invoice, Decimal("40000.00"), by=staff_user)

    [recorded] = events
    assert isinstance(recorded, PaymentRecorded)
    assert (recorded.payment, recorded.invoice.pk) == (payment, invoice.pk)
    assert recorded.billed.status == "partially_paid"


def test_a_payment_that_settles_a_royalty_reports_invoice_announces_no_paid_milestone(
    project, agreement, staff_user
):
    report = RoyaltyReportFactory(agreement=agreement, project=project, status="accepted")
    with recorded_events() as events:
        invoice = royalty_report_invoice(report=report, by=staff_user)
    [invoiced] = events
    assert isinstance(invoiced, RoyaltyReportInvoiced)
    assert (invoiced.report.pk, invoiced.invoice) == (report.pk, invoice)

    with recorded_events() as events:
        pay(invoice, invoice.amount, by=staff_user)

    assert [type(event) for event in events] == [PaymentRecorded]
    assert events[0].billed.status == "paid"


def test_a_stage_decision_announces_the_transition_and_its_timeline_entry(project, staff_user):
    with recorded_events() as events:
        transition = project_advance(project=project, by=staff_user, rationale="Data are in.")

    [changed] = of_type(events, ProjectStageChanged)
    assert (changed.project.pk, changed.transition) == (project.pk, transition)
    assert changed.activity.verb == "project.advance"
    assert changed.activity.target_id == transition.pk


def test_a_claim_resubmitted_after_a_dispute_is_announced_as_claimed(
    project, staff_user, partner_user
):
    milestone = MilestoneFactory(project=project)
    milestone_claim(milestone=milestone, by=staff_user, evidence_note="Study report.")
    milestone_dispute(milestone=milestone, by=partner_user, reason="Unsigned.")

    with recorded_events() as events:
        milestone_claim(milestone=milestone, by=staff_user, evidence_note="Signed report.")

    [claimed] = events
    assert isinstance(claimed, MilestoneClaimed)
    assert claimed.milestone.pk == milestone.pk
    assert claimed.activity.verb == "milestone.resubmitted"
