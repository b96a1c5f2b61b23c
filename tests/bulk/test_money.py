"""Bulk actions on the money lists and the agreements: remind of
milestones, mark invoices as sent (all or nothing), export."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone

from core.errors import DomainError
from notifications.models import Notification
from projects import services
from projects.choices import MilestoneStatus
from projects.models import Activity, Invoice
from tests.factories import AgreementFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def invoice_for(milestone, number: str) -> Invoice:
    today = timezone.localdate()
    milestone.status = MilestoneStatus.INVOICED
    milestone.save()
    return Invoice.objects.create(
        number=number,
        milestone=milestone,
        payee_name="Payee",
        payer_name="Payer",
        amount=milestone.amount,
        currency=milestone.currency,
        issued_on=today - datetime.timedelta(days=3),
        due_on=today + datetime.timedelta(days=27),
    )


# --- Reminders --------------------------------------------------------------------------


@pytest.fixture
def milestones(world):
    due = timezone.localdate() + datetime.timedelta(days=10)
    return {
        "open": MilestoneFactory(project=world.projects[0], name="Open one", due_date=due),
        "paid": MilestoneFactory(
            project=world.projects[1], name="Paid one", due_date=due, status="paid"
        ),
        "undated": MilestoneFactory(project=world.projects[2], name="Undated one"),
        "foreign": MilestoneFactory(
            project=world.foreign_project, name="Foreign one", due_date=due
        ),
    }


def remind(client, *milestones):
    return client.post(
        "/milestones/bulk/",
        {"action": "remind", "confirm": "1", "selected": [m.pk for m in milestones]},
    )


def test_a_reminder_tells_both_parties_and_is_recorded(staff, staff_user, payer_user, milestones):
    response = remind(staff, milestones["open"])

    assert "Done: 1" in response.text
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert {staff_user.pk, payer_user.pk} <= told
    entry = Activity.objects.get(verb="milestone.reminder_sent")
    assert entry.target_id == milestones["open"].pk and entry.actor == staff_user


def test_reminders_refused_say_why_and_do_not_hold_back_the_others(staff, milestones):
    remind(staff, milestones["open"])

    response = remind(staff, milestones["open"], milestones["paid"], milestones["undated"])

    assert "Done: 0" in response.text and "Refused: 3" in response.text
    assert "already sent today" in response.text
    assert "The milestone is paid; there is nothing to remind of." in response.text
    assert "The milestone has no due date yet." in response.text


def test_a_reminder_of_another_institutions_milestone_is_never_sent(staff, milestones):
    response = remind(staff, milestones["open"], milestones["foreign"])

    assert "Done: 1" in response.text
    assert "Foreign one" not in response.text
    assert not Activity.objects.filter(
        verb="milestone.reminder_sent", target_id=milestones["foreign"].pk
    ).exists()


def test_the_milestones_of_the_selection_export(staff, milestones):
    response = staff.post(
        "/milestones/bulk/",
        {"action": "export_csv", "selected": [milestones["open"].pk, milestones["foreign"].pk]},
    )

    rows = csv_rows(response)
    assert [row[2] for row in rows[1:]] == ["Open one"]


# --- Invoices marked as sent ------------------------------------------------------------


@pytest.fixture
def invoices(world):
    return [
        invoice_for(MilestoneFactory(project=project), f"INV-BULK-{n}")
        for n, project in enumerate(world.projects)
    ]


def mark_sent(client, *invoices, sent_on=None):
    return client.post(
        "/milestones/invoices/bulk/",
        {
            "action": "mark_sent",
            "confirm": "1",
            "bulk-sent_on": (sent_on or timezone.localdate()).isoformat(),
            "selected": [invoice.pk for invoice in invoices],
        },
    )


def test_invoices_are_marked_sent_with_who_and_when(staff, staff_user, invoices):
    response = mark_sent(staff, *invoices[:2])

    assert "Done: 2" in response.text
    sent = Invoice.objects.get(pk=invoices[0].pk)
    assert sent.sent_on == timezone.localdate() and sent.sent_by == staff_user
    assert Activity.objects.filter(verb="invoice.sent").count() == 2
    assert "sent " in staff.get("/milestones/invoices/").text


def test_the_payer_sees_over_the_api_when_its_invoice_was_sent(staff, partner_user, invoices):
    mark_sent(staff, invoices[0])
    payer = Client()
    payer.force_login(partner_user)

    sent, unsent = (
        payer.get(f"/api/v1/invoices/{invoice.pk}/").json() for invoice in invoices[:2]
    )

    assert sent["sent_on"] == timezone.localdate().isoformat()
    assert unsent["sent_on"] is None


def test_marking_is_all_or_nothing_one_refusal_leaves_every_invoice_unmarked(staff, invoices):
    mark_sent(staff, invoices[0])

    response = mark_sent(staff, *invoices)

    assert "Done: 0" in response.text and "Refused: 1" in response.text
    assert "already marked as sent" in response.text
    assert "because rows were refused, none was changed" in response.text
    assert invoices[1].number in response.text  # Listed as not changed.
    assert not Invoice.objects.filter(
        pk__in=[invoices[1].pk, invoices[2].pk], sent_on__isnull=False
    )


def test_an_invoice_is_not_sent_before_it_is_issued(staff_user, invoices):
    with pytest.raises(DomainError, match="before it is issued"):
        services.invoice_mark_sent(
            invoice=invoices[0],
            by=staff_user,
            sent_on=invoices[0].issued_on - datetime.timedelta(days=1),
        )


def test_a_settled_invoice_is_not_marked_sent(staff_user, invoices):
    milestone = invoices[0].milestone
    milestone.status = MilestoneStatus.PAID
    milestone.save()

    allowed, reason = services.invoice_mark_sent_guard(invoices[0], staff_user)

    assert not allowed and reason == "The invoice is settled."


def test_a_partner_cannot_mark_its_invoices_sent(partner_user, invoices):
    allowed, reason = services.invoice_mark_sent_guard(invoices[0], partner_user)

    assert not allowed and "payee's staff" in reason


# --- Agreements ---------------------------------------------------------------------------


def test_the_agreements_of_the_selection_export_and_foreign_ones_are_dropped(staff, world):
    foreign = AgreementFactory(reference="AGR-FOREIGN")

    response = staff.post(
        "/agreements/bulk/",
        {"action": "export_csv", "selected": [world.agreement.pk, foreign.pk]},
    )

    rows = csv_rows(response)
    assert [row[0] for row in rows[1:]] == [world.agreement.reference]


def test_the_agreements_list_offers_export_of_the_selection(staff, world):
    response = staff.get("/agreements/")

    assert '<option value="export_xlsx">Export to Excel</option>' in response.text
    assert f'value="{world.agreement.pk}" form="bulk-form"' in response.text
