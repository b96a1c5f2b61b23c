"""Each invoice names the agreement of what it bills: a partner's invoices
are found by it, what they bill is still checked, and the key follows a
milestone or a royalty report the admin moves to another agreement."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection

from projects.admin import MilestoneAdmin, RoyaltyReportAdmin
from projects.models import Invoice, Milestone, RoyaltyReport
from projects.selectors import invoices_visible_to
from projects.services.royalties import royalty_report_accept, royalty_report_invoice
from tests.factories import MilestoneFactory
from tests.projects.test_analytics import invoice_for
from tests.shared_project import build_shared_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(partner_user, other_partner_user):
    world = build_shared_world(partner_user, other_partner_user)
    for side in world.alpha, world.bravo:
        royalty_report_accept(report=side.royalty_report, by=world.staff)
        royalty_report_invoice(report=side.royalty_report, by=world.staff)
    return world


def visible_ids(user) -> set[int]:
    return set(invoices_visible_to(user).values_list("pk", flat=True))


def test_every_invoice_names_the_agreement_of_what_it_bills(world):
    invoices = Invoice.objects.all()

    assert {type(invoice.billed).__name__ for invoice in invoices} == {
        "Milestone",
        "RoyaltyReport",
        "FixedPayment",
    }
    for invoice in invoices:
        assert invoice.agreement_id == invoice.billed.agreement_id


def test_an_invoice_made_directly_takes_the_agreement_of_its_milestone(world):
    milestone = MilestoneFactory(project=world.alpha.project, agreement=world.alpha.agreement)

    invoice = invoice_for(milestone, amount=milestone.amount, due_on=datetime.date(2026, 3, 31))

    assert invoice.agreement == world.alpha.agreement


def test_each_partner_sees_every_invoice_of_its_agreement_and_none_of_the_other(world):
    for side, other in world.sides():
        own = set(Invoice.objects.filter(agreement=side.agreement).values_list("pk", flat=True))

        assert len(own) == 3
        assert visible_ids(side.user) == own
        assert not visible_ids(side.user) & visible_ids(other.user)


def test_an_invoice_whose_key_is_out_of_step_is_shown_to_neither_partner(world):
    alpha, bravo = world.alpha, world.bravo
    Invoice.objects.filter(pk=alpha.invoice.pk).update(agreement=bravo.agreement)

    assert alpha.invoice.pk not in visible_ids(bravo.user)
    assert alpha.invoice.pk not in visible_ids(alpha.user)


def test_a_milestone_invoiced_on_a_project_the_partner_left_is_not_shown(world):
    alpha = world.alpha
    alpha.project.partner_enterprises.remove(alpha.user.enterprise)

    assert alpha.invoice.pk not in visible_ids(alpha.user)


def test_a_milestone_or_report_moved_in_the_admin_takes_its_invoice_along(world, superuser, rf):
    alpha, bravo = world.alpha, world.bravo
    request = rf.post("/")
    request.user = superuser
    milestone, report = alpha.invoiced, alpha.royalty_report

    milestone.agreement = bravo.agreement
    MilestoneAdmin(Milestone, admin.site).save_model(request, milestone, form=None, change=True)
    # A period of its own under the other agreement (one report per period).
    report.agreement = bravo.agreement
    report.period_start = report.period_start.replace(year=report.period_start.year - 5)
    report.period_end = report.period_end.replace(year=report.period_end.year - 5)
    RoyaltyReportAdmin(RoyaltyReport, admin.site).save_model(
        request, report, form=None, change=True
    )

    moved = {alpha.invoice.pk, Invoice.objects.get(royalty_report=report).pk}
    assert set(Invoice.objects.filter(pk__in=moved).values_list("agreement", flat=True)) == {
        bravo.agreement.pk
    }
    assert moved <= visible_ids(bravo.user)
    assert not moved & visible_ids(alpha.user)


def test_the_migration_names_each_invoice_s_agreement_from_what_it_bills(world):
    fill = importlib.import_module("projects.migrations.0029_invoice_agreement").fill
    expected = dict(Invoice.objects.values_list("pk", "agreement"))
    Invoice.objects.update(agreement=world.bravo.agreement)

    fill(apps, SimpleNamespace(connection=connection))

    assert dict(Invoice.objects.values_list("pk", "agreement")) == expected
