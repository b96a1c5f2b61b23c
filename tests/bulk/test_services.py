"""The services behind the bulk actions, called directly: what each
records and what each refuses, with its code."""

import datetime

import pytest
from django.utils import timezone

from core.errors import DomainError
from notifications.choices import NotificationKind
from notifications.models import Notification
from projects import services
from projects.choices import MilestoneStatus
from projects.models import Activity, Invoice
from tests.factories import MilestoneFactory, PartnerUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def refusal_code(call) -> str:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.code


# --- project_owner_assign ----------------------------------------------------------------


def test_an_owner_is_one_of_the_lead_institutions_staff(staff_user, institution, world):
    colleague = UserFactory(institutions=[institution])
    project = world.projects[0]

    services.project_owner_assign(project=project, owner=colleague, by=staff_user)

    project.refresh_from_db()
    assert project.owner == colleague
    entry = Activity.objects.get(verb="project.owner_assigned")
    assert entry.changes == {"owner": [None, colleague.pk]}


def test_assigning_the_same_owner_twice_is_refused(staff_user, institution, world):
    colleague = UserFactory(institutions=[institution])
    project = world.projects[0]
    services.project_owner_assign(project=project, owner=colleague, by=staff_user)

    assert (
        refusal_code(
            lambda: services.project_owner_assign(project=project, owner=colleague, by=staff_user)
        )
        == "unchanged"
    )


def test_a_partner_user_is_never_a_projects_owner(staff_user, enterprise, world):
    partner = PartnerUserFactory(enterprise=enterprise)

    assert (
        refusal_code(
            lambda: services.project_owner_assign(
                project=world.projects[0], owner=partner, by=staff_user
            )
        )
        == "not_lead_staff"
    )


def test_staff_of_another_institution_cannot_assign_an_owner(institution, world):
    stranger = UserFactory()
    colleague = UserFactory(institutions=[institution])

    assert (
        refusal_code(
            lambda: services.project_owner_assign(
                project=world.projects[0], owner=colleague, by=stranger
            )
        )
        == "not_staff"
    )


# --- milestone_reminder_send -------------------------------------------------------------


def test_an_overdue_milestone_is_reminded_as_overdue(staff_user, payer_user, world):
    milestone = MilestoneFactory(
        project=world.projects[0],
        name="Late one",
        due_date=timezone.localdate() - datetime.timedelta(days=5),
    )

    services.milestone_reminder_send(milestone=milestone, by=staff_user)

    notice = Notification.objects.get(recipient=payer_user)
    assert notice.kind == NotificationKind.MILESTONE_OVERDUE


def test_a_partner_cannot_send_a_reminder(partner_user, world):
    milestone = MilestoneFactory(
        project=world.projects[0], due_date=timezone.localdate() + datetime.timedelta(days=5)
    )

    def send():
        services.milestone_reminder_send(milestone=milestone, by=partner_user)

    assert refusal_code(send) == "not_payee"


# --- invoice_mark_sent ----------------------------------------------------------------------


def test_an_invoice_is_marked_sent_once(staff_user, world):
    milestone = MilestoneFactory(project=world.projects[0], status=MilestoneStatus.INVOICED)
    today = timezone.localdate()
    invoice = Invoice.objects.create(
        number="INV-ONCE",
        milestone=milestone,
        payee_name="Payee",
        payer_name="Payer",
        amount=milestone.amount,
        currency=milestone.currency,
        issued_on=today,
        due_on=today,
    )

    services.invoice_mark_sent(invoice=invoice, by=staff_user)

    assert (
        refusal_code(lambda: services.invoice_mark_sent(invoice=invoice, by=staff_user))
        == "already_sent"
    )
    assert Activity.objects.filter(verb="invoice.sent", target_id=invoice.pk).count() == 1
