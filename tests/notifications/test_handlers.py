"""Who is told of what: the notices a domain event leads to, and where a
partner's notice links to — the portal page of the object in the event."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.events import publish
from notifications.choices import NotificationKind
from notifications.models import Notification
from projects.events import (
    MilestoneClaimed,
    PaymentRecorded,
    ProjectStageChanged,
    RoyaltyReportDue,
    RoyaltyReportInvoiced,
)
from projects.models import Invoice, Payment
from tests.factories import (
    ActivityFactory,
    AgreementFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    RoyaltyReportFactory,
    StageTransitionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(enterprise, institution):
    return AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )


@pytest.fixture
def project(agreement):
    return ProjectUnderAgreementFactory(agreement=agreement)


def invoice_of(*, milestone=None, royalty_report=None, number="INV-T-2026-0001"):
    return Invoice.objects.create(
        number=number,
        milestone=milestone,
        royalty_report=royalty_report,
        payee_name="Institute",
        payer_name="Company",
        amount=Decimal("5000.00"),
        currency="CNY",
        issued_on=datetime.date(2026, 4, 1),
        due_on=datetime.date(2026, 5, 1),
    )


def link_of(user, kind):
    return Notification.objects.get(recipient=user, kind=kind).url


def test_a_payment_notice_leads_the_partner_to_the_milestone_its_invoice_bills(
    project, partner_user, staff_user
):
    milestone = MilestoneFactory(project=project, status="paid")
    invoice = invoice_of(milestone=milestone)
    payment = Payment.objects.create(
        invoice=invoice, amount=invoice.amount, currency="CNY", paid_on=datetime.date(2026, 4, 9)
    )

    publish(
        PaymentRecorded(
            payment=payment,
            invoice=invoice,
            billed=milestone,
            activity=ActivityFactory(project=project),
        )
    )

    assert link_of(partner_user, NotificationKind.PAYMENT_RECORDED) == reverse(
        "portal:milestone_detail", kwargs={"milestone_pk": milestone.pk}
    )
    assert link_of(staff_user, NotificationKind.PAYMENT_RECORDED) == project.get_absolute_url()
    notice = Notification.objects.get(recipient=partner_user)
    assert notice.event_key == f"payment_recorded:{payment.pk}"
    assert notice.title == f"Payment received on invoice {invoice.number}"
    assert notice.body == "5,000.00 CNY on 9 Apr 2026; paid."


def test_a_royalty_invoice_notice_leads_the_partner_to_the_royalty_report(
    project, agreement, partner_user
):
    report = RoyaltyReportFactory(agreement=agreement, project=project, status="invoiced")
    invoice = invoice_of(royalty_report=report)

    publish(
        RoyaltyReportInvoiced(
            report=report, invoice=invoice, activity=ActivityFactory(project=project)
        )
    )

    notice = Notification.objects.get(recipient=partner_user)
    assert notice.kind == NotificationKind.INVOICE_ISSUED
    assert notice.event_key == f"invoice_issued:{invoice.pk}"
    assert notice.url == reverse("portal:royalty_report_detail", kwargs={"report_pk": report.pk})


def test_a_claim_to_verify_leads_the_partner_to_the_milestone(project, partner_user):
    milestone = MilestoneFactory(project=project, claimed_at=timezone.now(), claim_note="Done.")

    publish(MilestoneClaimed(milestone=milestone, activity=ActivityFactory(project=project)))

    notice = Notification.objects.get(recipient=partner_user)
    assert notice.kind == NotificationKind.CLAIM_AWAITING_VERIFICATION
    assert notice.url == reverse("portal:milestone_detail", kwargs={"milestone_pk": milestone.pk})
    assert notice.event_key == (
        f"milestone_claimed:{milestone.pk}:{milestone.claimed_at.timestamp()}"
    )


def test_a_stage_change_leads_the_partner_to_the_projects_portal_page(
    project, partner_user, staff_user
):
    transition = StageTransitionFactory(project=project, rationale="Data are in.")

    publish(
        ProjectStageChanged(
            project=project, transition=transition, activity=ActivityFactory(project=project)
        )
    )

    assert link_of(partner_user, NotificationKind.STAGE_CHANGED) == reverse(
        "portal:project_detail", kwargs={"code": project.code}
    )
    assert link_of(staff_user, NotificationKind.STAGE_CHANGED) == project.get_absolute_url()
    assert Notification.objects.get(recipient=partner_user).event_key == (
        f"stage_changed:{transition.pk}"
    )


def test_a_royalty_report_reminder_leads_the_partner_to_the_report_form(agreement, partner_user):
    publish(
        RoyaltyReportDue(
            agreement=agreement,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 3, 31),
            due_on=datetime.date(2026, 5, 15),
            late=False,
        )
    )

    notice = Notification.objects.get(recipient=partner_user)
    assert notice.url == f"{reverse('portal:royalty_report_new')}?agreement={agreement.reference}"
    assert notice.event_key == f"royalty_due:{agreement.pk}:2026-01-01:due"


def test_a_reminder_told_again_tells_nobody_and_answers_so(agreement, partner_user):
    """The daily round counts the reminders that told somebody from what the
    handler answers."""
    due = RoyaltyReportDue(
        agreement=agreement,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        due_on=datetime.date(2026, 5, 15),
        late=False,
    )

    assert any(publish(due))
    assert not any(publish(due))
    assert Notification.objects.count() == 1
