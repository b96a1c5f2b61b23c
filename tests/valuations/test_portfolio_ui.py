"""The portfolio pages of the staff UI, in English and Chinese."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ResearchProjectFactory
from tests.valuations.test_portfolio_services import valued
from valuations import portfolio_services, portfolio_views
from valuations.models import PortfolioRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_browser(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def portfolio(staff_user, institution):
    valued(ResearchProjectFactory(lead_institution=institution), staff_user)
    valued(ResearchProjectFactory(lead_institution=institution), staff_user, peak_sales=600)
    return ResearchProjectFactory(lead_institution=institution)  # not valued


def test_staff_run_a_portfolio_from_the_institution_page(staff_browser, institution, portfolio):
    page = staff_browser.get(institution.get_absolute_url())
    new_url = reverse("valuations:portfolio-new", args=["institution", institution.pk])
    assert new_url in page.content.decode()

    response = staff_browser.post(
        new_url, {"correlation": "0.2", "trials": "3000", "target": "0.9"}
    )

    run = PortfolioRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    detail = staff_browser.get(run.get_absolute_url())
    html = detail.content.decode()
    assert detail.status_code == 200
    assert 'data-testid="cash-table"' in html
    assert "<svg" in html
    assert portfolio.code in html  # listed as not valued


def test_bad_settings_are_form_errors(staff_browser, institution, portfolio):
    url = reverse("valuations:portfolio-new", args=["institution", institution.pk])

    response = staff_browser.post(url, {"correlation": "1.5", "trials": "1000", "target": "0.9"})

    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not PortfolioRun.objects.exists()


def test_a_missing_rate_is_a_form_error_on_the_currency(staff_browser, staff_user, institution):
    valued(ResearchProjectFactory(lead_institution=institution), staff_user, currency="EUR")
    url = reverse("valuations:portfolio-new", args=["institution", institution.pk])

    response = staff_browser.post(
        url, {"correlation": "0", "trials": "1000", "target": "0.9", "currency": "CNY"}
    )

    assert response.status_code == 200
    assert "EUR" in response.content.decode()
    assert not PortfolioRun.objects.exists()


def test_a_running_portfolio_polls_its_progress(
    staff_browser, staff_user, institution, portfolio, monkeypatch
):
    monkeypatch.setattr(portfolio_services, "INLINE_WORK", 0)
    run = portfolio_services.portfolio_run_start(
        user=staff_user, scope="institution", party_id=institution.pk, trials=1000
    )

    page = staff_browser.get(run.get_absolute_url()).content.decode()
    status = staff_browser.get(reverse("valuations:portfolio-status", args=[run.pk]))

    assert reverse("valuations:portfolio-status", args=[run.pk]) in page
    assert 'hx-trigger="every 2s"' in status.content.decode()


def test_the_pages_read_in_chinese(staff_browser, staff_user, institution, portfolio):
    run = portfolio_services.portfolio_run_start(
        user=staff_user, scope="institution", party_id=institution.pk, trials=1000
    )
    staff_browser.cookies["django_language"] = "zh-hans"

    for url in (
        reverse("valuations:portfolios"),
        run.get_absolute_url(),
        reverse("valuations:portfolio-new", args=["institution", institution.pk]),
    ):
        response = staff_browser.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        assert "项目组合" in response.content.decode()


def test_another_partners_party_and_run_are_not_found(
    other_partner_user, staff_user, institution, portfolio, enterprise
):
    run = portfolio_services.portfolio_run_start(
        user=staff_user, scope="institution", party_id=institution.pk, trials=1000
    )
    client = Client()
    client.force_login(other_partner_user)

    assert client.get(run.get_absolute_url()).status_code == 404
    new = reverse("valuations:portfolio-new", args=["enterprise", enterprise.pk])
    assert client.get(new).status_code == 404


def test_the_admin_shows_portfolio_runs_read_only(client, superuser, staff_user, institution):
    valued(ResearchProjectFactory(lead_institution=institution), staff_user)
    run = portfolio_services.portfolio_run_start(
        user=staff_user, scope="institution", party_id=institution.pk, trials=500
    )
    client.force_login(superuser)

    listing = client.get(reverse("admin:valuations_portfoliorun_changelist"))
    detail = client.get(reverse("admin:valuations_portfoliorun_change", args=[run.pk]))
    add = client.get(reverse("admin:valuations_portfoliorun_add"))

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert b"sum_of_rnpv" in detail.content
    assert add.status_code == 403


def test_the_count_table_leaves_out_the_counts_nobody_reaches():
    """Of 0..5 products only 1..3 have a chance of 0.05 % or more."""
    simulated = [0.0, 0.2, 0.5, 0.3]
    independent = [0.0001, 0.25, 0.5, 0.2499, 0.0, 0.0]

    rows = portfolio_views._count_rows(simulated, independent)

    assert [row["count"] for row in rows] == [1, 2, 3]
    assert rows[2] == {"count": 3, "simulated": 0.3, "independent": 0.2499}
