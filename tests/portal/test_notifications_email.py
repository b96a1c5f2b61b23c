"""Emails to the enterprise's partner users: claims to verify, invoices,
payments, reminders and queried royalty reports reach them, with links into
the partner portal (the staff pages answer them 404); staff keep their links
into the staff UI."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from notifications.choices import NotificationKind
from notifications.models import Notification
from notifications.services import notify
from pipelines.models import StageDefinition
from projects import services
from projects.choices import ProjectStatus
from projects.services.reminders import reminders_send
from tests.factories import (
    MilestoneFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    RoyaltyTierFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_in_process")]
SITE = settings.SITE_URL.rstrip("/")
MAY_10 = datetime.date(2026, 5, 10)


@pytest.fixture
def payee_staff(own):
    return UserFactory(email="officer@example.com", institutions=[own.partnership.institution])


@pytest.fixture
def colleague(partner_user):
    """A second partner user of the same enterprise."""
    return PartnerUserFactory(enterprise=partner_user.enterprise, email="cfo@example.com")


def mails_to(mailoutbox, user):
    return [email for email in mailoutbox if email.to == [user.email]]


def milestone_page(milestone):
    return reverse("portal:milestone_detail", kwargs={"milestone_pk": milestone.pk})


def test_a_claim_to_verify_reaches_every_partner_user_with_a_portal_link(
    own,
    foreign,
    partner_user,
    colleague,
    payee_staff,
    other_partner_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    milestone = MilestoneFactory(project=own.project, name="First patient dosed")

    with django_capture_on_commit_callbacks(execute=True):
        services.milestone_claim(milestone=milestone, by=payee_staff, evidence_note="Site report.")

    link = f"{SITE}{milestone_page(milestone)}"
    for user in (partner_user, colleague):
        (email,) = mails_to(mailoutbox, user)
        assert "First patient dosed" in email.subject
        assert link in email.body
        assert "/projects/" not in email.body
    assert mails_to(mailoutbox, other_partner_user) == []
    notice = Notification.objects.get(recipient=partner_user)
    assert notice.kind == NotificationKind.CLAIM_AWAITING_VERIFICATION
    assert notice.url == milestone_page(milestone)


def test_the_payee_hears_of_the_verification_with_its_staff_link(
    own, partner_user, payee_staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.milestone_verify(milestone=own.claimed_milestone, by=partner_user, comment="")

    (email,) = mails_to(mailoutbox, payee_staff)
    assert f"{SITE}{own.project.get_absolute_url()}" in email.body


def test_an_invoice_issued_reaches_the_partner_with_the_milestone_in_the_portal(
    own, partner_user, payee_staff, mailoutbox, django_capture_on_commit_callbacks
):
    milestone = MilestoneFactory(project=own.project, status="verified")

    with django_capture_on_commit_callbacks(execute=True):
        invoice = services.milestone_invoice(milestone=milestone, by=payee_staff)

    (email,) = mails_to(mailoutbox, partner_user)
    assert invoice.number in email.subject
    assert f"{SITE}{milestone_page(milestone)}" in email.body


def test_a_payment_is_told_to_both_sides_each_with_its_own_link(
    own, partner_user, payee_staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_record(
            invoice=own.invoice,
            amount=Decimal("500.00"),
            currency=own.invoice.currency,
            paid_on=datetime.date(2025, 4, 25),
            by=payee_staff,
            reference="BANK-2",
        )

    (partner_mail,) = mails_to(mailoutbox, partner_user)
    (staff_mail,) = mails_to(mailoutbox, payee_staff)
    assert f"{SITE}{milestone_page(own.invoiced_milestone)}" in partner_mail.body
    assert f"{SITE}{own.project.get_absolute_url()}" in staff_mail.body


def test_reminders_of_a_milestone_falling_due_link_partners_to_the_portal(
    own, partner_user, payee_staff, mailoutbox, django_capture_on_commit_callbacks
):
    milestone = MilestoneFactory(
        project=own.project, status="invoiced", due_date=MAY_10 + timedelta(days=5)
    )

    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=MAY_10)

    partner_mails = [m for m in mails_to(mailoutbox, partner_user) if milestone.name in m.subject]
    staff_mails = [m for m in mails_to(mailoutbox, payee_staff) if milestone.name in m.subject]
    assert len(partner_mails) == 1 and len(staff_mails) == 1
    assert f"{SITE}{milestone_page(milestone)}" in partner_mails[0].body
    assert f"{SITE}{own.project.get_absolute_url()}" in staff_mails[0].body


def test_a_royalty_report_due_links_to_the_report_form_of_the_agreement(
    own, partner_user, mailoutbox, django_capture_on_commit_callbacks
):
    RoyaltyTierFactory(agreement=own.agreement)
    last_stage = StageDefinition.objects.filter(pipeline__code="BIOMED-DRUG").last()
    ProjectUnderAgreementFactory(
        agreement=own.agreement, current_stage=last_stage, status=ProjectStatus.PRODUCTIZED
    )

    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=MAY_10)

    due = [m for m in mails_to(mailoutbox, partner_user) if "royalty report" in m.subject]
    assert len(due) == 1
    form = reverse("portal:royalty_report_new")
    assert f"{SITE}{form}?agreement={own.agreement.reference}" in due[0].body


def test_a_queried_royalty_report_links_to_the_report_in_the_portal(
    own, partner_user, payee_staff, mailoutbox, django_capture_on_commit_callbacks
):
    report = own.royalty_report
    report.status = "submitted"
    report.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.royalty_report_query(report=report, by=payee_staff, reason="Q1 seems low.")

    (email,) = mails_to(mailoutbox, partner_user)
    page = reverse("portal:royalty_report_detail", kwargs={"report_pk": report.pk})
    assert f"{SITE}{page}" in email.body
    assert "Q1 seems low." in email.body


def test_a_notice_about_a_project_leads_partners_to_its_portal_page(
    own, partner_user, payee_staff
):
    notify(
        recipients=[partner_user, payee_staff],
        kind=NotificationKind.STAGE_CHANGED,
        event_key="stage_changed:999",
        title="Advanced",
        url=own.project.get_absolute_url(),
    )

    assert Notification.objects.get(recipient=partner_user).url == reverse(
        "portal:project_detail", kwargs={"code": own.project.code}
    )
    assert Notification.objects.get(recipient=payee_staff).url == own.project.get_absolute_url()
