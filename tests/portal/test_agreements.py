"""The partner's agreements: a list of its own, and a page for each with
the terms in plain words and where the enterprise stands in the cost
sharing."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pipelines.models import StageDefinition
from tests.factories import (
    AgreementFactory,
    CostEntryFactory,
    CostShareFactory,
    FailureClauseFactory,
    MilestoneScheduleItemFactory,
    PartnershipFactory,
    RoyaltyTierFactory,
)

pytestmark = pytest.mark.django_db

AGREEMENTS = reverse("portal:agreements")


def detail(agreement):
    return reverse("portal:agreement_detail", kwargs={"reference": agreement.reference})


@pytest.mark.parametrize("page", ["list", "detail"])
def test_anonymous_visitors_are_sent_to_sign_in(client, own, page):
    response = client.get(AGREEMENTS if page == "list" else detail(own.agreement))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("page", ["list", "detail"])
def test_staff_are_sent_to_the_staff_pages(client, staff_user, own, page):
    client.force_login(staff_user)

    response = client.get(AGREEMENTS if page == "list" else detail(own.agreement))

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_the_list_shows_the_partners_agreements_only(client, partner_user, own, foreign):
    client.force_login(partner_user)

    response = client.get(AGREEMENTS)

    assert response.status_code == 200
    assert list(response.context["page"]) == [own.agreement]
    assert response.context["page"][0].project_count == 1
    assert "AGR-OWN" in response.text
    assert "AGR-FOREIGN" not in response.text


def test_the_list_takes_as_many_queries_for_many_rows_as_for_one(client, partner_user, own):
    client.force_login(partner_user)
    with CaptureQueriesContext(connection) as one:
        assert client.get(AGREEMENTS).status_code == 200
    for _ in range(10):
        AgreementFactory(partnership=PartnershipFactory(enterprise=partner_user.enterprise))
    with CaptureQueriesContext(connection) as many:
        assert client.get(AGREEMENTS).status_code == 200

    assert len(many) == len(one)


def test_another_enterprises_agreement_is_not_found_like_a_missing_one(
    client, partner_user, own, foreign
):
    client.force_login(partner_user)

    assert client.get(detail(foreign.agreement)).status_code == 404
    assert client.get(reverse("portal:agreement_detail", args=["AGR-NONE"])).status_code == 404


def test_the_page_words_the_terms(client, partner_user, own):
    agreement = own.agreement
    agreement.upfront_amount = Decimal("500000.00")
    agreement.minimum_annual_royalty = Decimal("80000.00")
    agreement.sublicense_income_share = Decimal("20.00")
    agreement.royalty_term_years = 10
    agreement.equity_share = Decimal("15.00")
    agreement.save()
    first = StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", position=1)
    CostShareFactory(agreement=agreement, first_stage=first, party="research", percent=70)
    CostShareFactory(agreement=agreement, first_stage=first, party="enterprise", percent=30)
    FailureClauseFactory(agreement=agreement, stage=first)
    MilestoneScheduleItemFactory(agreement=agreement, name="IND accepted")
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=5)
    RoyaltyTierFactory(agreement=agreement, lower_bound=10_000_000, rate_percent=7)
    client.force_login(partner_user)

    response = client.get(detail(agreement))

    assert response.status_code == 200
    text = response.text
    assert "500,000.00 CNY" in text
    assert "80,000.00 CNY" in text
    assert "10 years from the first royalty year" in text
    assert "15.00 %" in text and "20.00 %" in text
    assert "IND accepted" in text
    assert "the IP reverts to the institution" in text
    assert "above 10,000,000.00 CNY" in text
    assert [row["enterprise"] for row in response.context["cost_shares"]] == [Decimal("30.00")]
    assert "PRJ-OWN" in text
    assert f'href="{agreement.get_absolute_url()}"' not in text  # A staff page.


def test_the_page_says_how_long_the_agreement_runs_and_how_it_renews(client, partner_user, own):
    agreement = own.agreement
    agreement.expires_on = timezone.localdate() + datetime.timedelta(days=20)
    agreement.renewal = "by_notice"
    agreement.renewal_notice_days = 60
    agreement.renewal_term_months = 36
    agreement.save()
    client.force_login(partner_user)

    text = client.get(detail(agreement)).text

    assert "20 days left" in text
    renewal = text[text.index('data-testid="agreement-renewal"') :]
    assert "Renewed for 36 months if notice is given at least 60 days before expiry" in renewal
    assert "notice was due by" in renewal


def test_the_ledger_shows_the_enterprises_share_paid_and_balance(client, partner_user, own):
    first = StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", position=1)
    CostShareFactory(agreement=own.agreement, first_stage=first, party="research", percent=70)
    CostShareFactory(agreement=own.agreement, first_stage=first, party="enterprise", percent=30)
    CostEntryFactory(project=own.project, paid_by="research", amount=10_000)
    client.force_login(partner_user)

    response = client.get(detail(own.agreement))

    (line,) = response.context["enterprise_lines"]
    assert (line.obligation, line.paid, line.balance) == (
        Decimal("3000.00"),
        Decimal("0.00"),
        Decimal("-3000.00"),
    )
    assert "Your enterprise owes the research party the difference." in response.text


def test_the_page_takes_as_many_queries_for_many_terms_as_for_one(client, partner_user, own):
    stages = list(StageDefinition.objects.filter(pipeline__code="BIOMED-DRUG"))

    def add_terms(stage):
        CostShareFactory(agreement=own.agreement, first_stage=stage, percent=100)
        FailureClauseFactory(agreement=own.agreement, stage=stage)
        MilestoneScheduleItemFactory(agreement=own.agreement)
        RoyaltyTierFactory(agreement=own.agreement, lower_bound=stage.position * 1000)
        CostEntryFactory(project=own.project)

    add_terms(stages[0])
    client.force_login(partner_user)
    with CaptureQueriesContext(connection) as one:
        assert client.get(detail(own.agreement)).status_code == 200
    for stage in stages[1:6]:
        add_terms(stage)
    with CaptureQueriesContext(connection) as many:
        assert client.get(detail(own.agreement)).status_code == 200

    assert len(many) == len(one)


def test_a_post_answers_404_for_a_foreign_agreement_and_405_for_an_own_one(
    client, partner_user, own, foreign
):
    client.force_login(partner_user)

    assert client.post(detail(foreign.agreement)).status_code == 404
    assert client.post(detail(own.agreement)).status_code == 405


def test_an_agreement_with_many_projects_names_the_first_and_links_to_all(
    client, partner_user, own, monkeypatch
):
    from portal.views import agreements
    from tests.factories import ProjectUnderAgreementFactory

    monkeypatch.setattr(agreements, "PROJECTS_SHOWN", 1)
    ProjectUnderAgreementFactory(agreement=own.agreement, code="PRJ-ZZ-LAST")
    client.force_login(partner_user)

    page = client.get(detail(own.agreement)).content.decode()
    all_projects = client.get(f"{reverse('portal:projects')}?agreement={own.agreement.reference}")

    assert own.project.code in page
    assert "PRJ-ZZ-LAST" not in page
    assert f"{reverse('portal:projects')}?agreement={own.agreement.reference}" in page
    assert "All 2 projects" in page
    assert all_projects.context["page"].paginator.count == 2
