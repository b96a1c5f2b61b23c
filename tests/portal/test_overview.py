"""The partner's overview: its projects by stage, the money due in the next
90 days, claims and royalty reports waiting for it, and recent activity —
its own, never another enterprise's, never internal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.computations.reporting import last_ended_period
from pipelines.models import StageDefinition
from portal.views import overview
from tests.factories import (
    ActivityFactory,
    CostEntryFactory,
    CostShareFactory,
    FixedPaymentFactory,
    MilestoneFactory,
    ProjectUnderAgreementFactory,
    RoyaltyReportFactory,
    RoyaltyTierFactory,
)
from tests.portal.conftest import make_invoice_and_payment

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("portal:overview")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(OVERVIEW)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_staff_are_sent_to_the_staff_pages(client, staff_user):
    client.force_login(staff_user)

    response = client.get(OVERVIEW)

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_the_dashboard_sends_partners_to_the_overview(client, partner_user):
    client.force_login(partner_user)

    assert client.get(reverse("dashboard")).url == OVERVIEW


def test_the_overview_counts_the_partners_projects_by_stage(client, partner_user, own, foreign):
    ProjectUnderAgreementFactory(agreement=own.agreement, code="PRJ-OWN-2")
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    assert response.status_code == 200
    sectors = response.context["sectors"]
    assert [entry["total"] for entry in sectors] == [2]
    (stage,) = sectors[0]["stages"]
    assert stage.pk == own.project.current_stage_id
    assert stage.project_count == 2


def test_a_project_shared_under_another_enterprises_agreement_counts_for_both_partners(
    client, partner_user, other_partner_user, own, foreign
):
    """Each partner counts its own project and the shared one, which runs
    under the other enterprise's agreement; neither counts the other's
    own project."""
    preclinical = StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", position=3)
    ProjectUnderAgreementFactory(
        agreement=foreign.agreement,
        current_stage=preclinical,
        code="PRJ-SHARED",
        partner_enterprises=[partner_user.enterprise, other_partner_user.enterprise],
    )

    def stage_counts(user):
        client.force_login(user)
        sectors = client.get(OVERVIEW).context["sectors"]
        return {stage.pk: stage.project_count for entry in sectors for stage in entry["stages"]}

    first = own.project.current_stage_id
    assert stage_counts(partner_user) == {first: 1, preclinical.pk: 1}
    assert stage_counts(other_partner_user) == {first: 1, preclinical.pk: 1}
    ProjectUnderAgreementFactory(agreement=foreign.agreement, code="PRJ-FOREIGN-2")
    assert stage_counts(partner_user) == {first: 1, preclinical.pk: 1}
    assert stage_counts(other_partner_user) == {first: 2, preclinical.pk: 1}


def test_claims_awaiting_verification_are_the_partners_own(client, partner_user, own, foreign):
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    assert list(response.context["claims"]) == [own.claimed_milestone]
    assert "OWN first patient" in response.text
    assert "FOREIGN first patient" not in response.text


def test_open_invoices_show_what_is_outstanding_and_overdue(client, partner_user, own, foreign):
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    (invoice,) = response.context["open_invoices"]
    assert invoice == own.invoice
    assert invoice.outstanding == own.invoice.amount - Decimal("1000.00")
    assert invoice.overdue  # Due on 1 May 2025.
    assert response.context["overdue_invoices"] == 1
    assert "INV-OWN-2025-0001" in response.text
    assert "INV-FOREIGN-2025-0001" not in response.text


def test_invoices_paid_in_full_or_due_after_90_days_are_not_listed(client, partner_user, own):
    today = timezone.localdate()
    paid = MilestoneFactory(project=own.project, status="paid", amount=Decimal("1000.00"))
    make_invoice_and_payment(paid, code="PAID")
    later = MilestoneFactory(project=own.project, status="invoiced")
    invoice, _payment = make_invoice_and_payment(later, code="LATER")
    invoice.due_on = today + timedelta(days=120)
    invoice.save()
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    assert list(response.context["open_invoices"]) == [own.invoice]


def test_milestones_that_can_be_claimed_soon_are_expected(client, partner_user, own, foreign):
    today = timezone.localdate()
    soon = MilestoneFactory(project=own.project, name="Lead candidate", due_date=today)
    untriggered = MilestoneFactory(
        project=own.project,
        name="IND filed",
        trigger_stage=StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", position=4),
        due_date=today,
    )
    MilestoneFactory(project=foreign.project, name="Foreign lead", due_date=today)
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    expected = response.context["expected_milestones"]
    assert soon in expected
    assert untriggered not in expected
    assert "Foreign lead" not in response.text


def test_a_cost_sharing_balance_in_the_partners_favour_is_owed_to_it(client, partner_user, own):
    CostShareFactory(agreement=own.agreement, party="research", percent=60)
    CostShareFactory(agreement=own.agreement, party="enterprise", percent=40)
    CostEntryFactory(project=own.project, paid_by="enterprise", amount=10_000, currency="CNY")
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    (entry,) = response.context["owed_to_partner"]
    assert entry["reference"] == "AGR-OWN"
    assert entry["line"].balance == Decimal("6000.00")
    assert "the research party owes you" in response.text


def productized_licence(side):
    RoyaltyTierFactory(agreement=side.agreement)
    side.project.status = "productized"
    side.project.save()


def test_royalty_reports_due_are_those_of_the_last_period(client, partner_user, own, foreign):
    productized_licence(own)
    productized_licence(foreign)
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    (due,) = response.context["royalty_reports_due"]
    start, end = last_ended_period("quarterly", timezone.localdate())
    assert (due["agreement"], due["period_start"], due["period_end"]) == (
        own.agreement,
        start,
        end,
    )
    assert "AGR-FOREIGN" not in response.text


def test_a_reported_period_is_no_longer_due(client, partner_user, own):
    productized_licence(own)
    start, end = last_ended_period("quarterly", timezone.localdate())
    RoyaltyReportFactory(agreement=own.agreement, period_start=start, period_end=end)
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    assert response.context["royalty_reports_due"] == []
    assert "No royalty report is due." in response.text


def test_no_report_is_due_after_the_royalty_term(client, partner_user, own):
    productized_licence(own)
    own.agreement.royalty_term_years = 1
    own.agreement.save()
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    # The first sales report (2025) started a one-year term, over since.
    assert response.context["royalty_reports_due"] == []


def test_recent_activity_leaves_out_internal_and_foreign_entries(
    client, partner_user, own, foreign
):
    ActivityFactory(project=own.project, summary="Stage advanced to lead discovery")
    ActivityFactory(project=own.project, summary="Budget review notes", is_internal=True)
    ActivityFactory(project=foreign.project, summary="Foreign stage advanced")
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    assert "Stage advanced to lead discovery" in response.text
    assert "Budget review notes" not in response.text
    assert "Foreign stage advanced" not in response.text


def test_the_overview_takes_as_many_queries_for_many_rows_as_for_one(
    client, partner_user, own, monkeypatch
):
    # Past the rows it shows too: the lists stop there, the queries do not
    # change.
    monkeypatch.setattr(overview, "OVERVIEW_ROWS", 3)
    today = timezone.localdate()

    def add_rows(n):
        project = ProjectUnderAgreementFactory(agreement=own.agreement, code=f"PRJ-MANY-{n}")
        MilestoneFactory(project=project, status="claimed", due_date=today)
        MilestoneFactory(project=project, due_date=today + timedelta(days=10))
        invoiced = MilestoneFactory(project=project, status="invoiced")
        make_invoice_and_payment(invoiced, code=f"MANY{n}")
        CostEntryFactory(project=project, paid_by="enterprise")
        ActivityFactory(project=project)

    productized_licence(own)
    client.force_login(partner_user)
    add_rows(0)
    with CaptureQueriesContext(connection) as one:
        assert client.get(OVERVIEW).status_code == 200
    for n in range(1, 8):
        add_rows(n)
    with CaptureQueriesContext(connection) as many:
        assert client.get(OVERVIEW).status_code == 200

    assert len(many) == len(one)


def test_long_lists_show_what_to_act_on_first_and_say_there_is_more(
    client, partner_user, own, foreign, monkeypatch
):
    # A partner in thousands of projects has thousands of open invoices,
    # expected milestones and claims: the overview shows the first few of
    # each and sends the partner to the full list for the rest.
    monkeypatch.setattr(overview, "OVERVIEW_ROWS", 2)
    today = timezone.localdate()
    now = timezone.now()
    for n in range(3):
        project = ProjectUnderAgreementFactory(agreement=own.agreement, code=f"PRJ-LONG-{n}")
        MilestoneFactory(project=project, name=f"Expected {n}", due_date=today + timedelta(n))
        MilestoneFactory(
            project=project,
            name=f"Claim {n}",
            status="claimed",
            claimed_at=now - timedelta(days=10 - n),
        )
        make_invoice_and_payment(
            MilestoneFactory(project=project, status="invoiced"), code=f"LONG{n}"
        )
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    context = response.context
    assert [m.name for m in context["expected_milestones"]] == ["Expected 0", "Expected 1"]
    assert [m.name for m in context["claims"]] == ["Claim 0", "Claim 1"]
    assert len(context["open_invoices"]) == 2
    assert context["more_expected_milestones"] and context["more_claims"]
    assert context["more_invoices"] and context["more_overdue_invoices"]
    assert "more than 2 overdue" in response.text
    assert f'href="{reverse("portal:milestones")}?tab=awaiting"' in response.text
    assert f'href="{reverse("portal:invoices")}"' in response.text
    for more in ("invoices", "milestones", "claims"):
        assert f'data-testid="overview-more-{more}"' in response.text


def test_a_list_that_fits_says_nothing_of_more(client, partner_user, own, monkeypatch):
    monkeypatch.setattr(overview, "OVERVIEW_ROWS", 1)
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    assert response.context["open_invoices"] == [own.invoice]
    assert response.context["claims"] == [own.claimed_milestone]
    assert not response.context["more_invoices"] and not response.context["more_claims"]
    assert "overview-more-" not in response.text
    assert "1 overdue" in response.text


def test_the_overdue_count_says_more_only_when_the_next_invoice_is_overdue_too(
    client, partner_user, own, monkeypatch
):
    monkeypatch.setattr(overview, "OVERVIEW_ROWS", 1)
    later, _payment = make_invoice_and_payment(
        MilestoneFactory(project=own.project, status="invoiced"), code="LATER"
    )
    later.due_on = timezone.localdate() + timedelta(days=10)
    later.save()
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    assert response.context["open_invoices"] == [own.invoice]
    assert response.context["more_invoices"]
    assert not response.context["more_overdue_invoices"]
    assert "1 overdue" in response.text and "more than 1 overdue" not in response.text


def test_a_partner_without_projects_sees_a_calm_empty_overview(client, partner_user):
    client.force_login(partner_user)

    response = client.get(OVERVIEW)

    assert response.status_code == 200
    assert "Your enterprise has no projects with us yet." in response.text
    assert "No claims are waiting for you." in response.text
    assert "No invoice is open." in response.text


def test_the_upfront_and_fees_to_be_invoiced_are_the_partners_own(
    client, partner_user, own, foreign
):
    soon = timezone.localdate() + timedelta(days=20)
    FixedPaymentFactory(agreement=own.agreement, kind="option_fee", description="", due_date=soon)
    FixedPaymentFactory(
        agreement=foreign.agreement, kind="option_fee", description="Foreign", due_date=soon
    )
    client.force_login(partner_user)

    page = client.get(OVERVIEW).text

    assert 'data-testid="overview-fixed-payments"' in page
    assert own.agreement.reference in page
    assert foreign.agreement.reference not in page and "Foreign" not in page
