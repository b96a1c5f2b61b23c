"""Equity held and operating profit of own exploitation: recorded by the
institution's staff, sold never beyond what is held, seen by no one else."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from core.errors import DomainError
from distributions.models import EquityHolding, OperatingProfit
from distributions.services import equity
from tests.factories import (
    AchievementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    PartnerUserFactory,
    ResearcherUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def holding(staff_user, institution):
    return equity.record_holding(
        staff_user,
        institution=institution,
        company=EnterpriseFactory(name="Spin-out Bio"),
        acquired_on=date(2024, 5, 1),
        shares=D(1000),
        value=D("500000"),
        founded_by_institution=True,
    )


class TestServices:
    def test_sales_never_exceed_the_shares_held(self, staff_user, holding):
        equity.record_sale(
            staff_user, holding, realised_on=date(2025, 3, 1), shares=D(600), proceeds=D("900000")
        )

        with pytest.raises(DomainError) as refused:
            equity.record_sale(
                staff_user, holding, realised_on=date(2025, 4, 1), shares=D(401), proceeds=D(1)
            )

        assert (refused.value.code, refused.value.field) == ("more_than_held", "shares")
        assert equity.shares_held(holding) == D(400)

    def test_a_sale_before_the_shares_were_received_is_refused(self, staff_user, holding):
        with pytest.raises(DomainError) as refused:
            equity.record_sale(
                staff_user, holding, realised_on=date(2024, 4, 30), shares=D(1), proceeds=D(1)
            )
        assert refused.value.code == "sold_before_acquired"

    def test_another_institution_cannot_record_for_this_one(self, institution):
        outsider = UserFactory(institutions=[InstitutionFactory()])
        with pytest.raises(DomainError) as refused:
            equity.record_holding(
                outsider,
                institution=institution,
                company=EnterpriseFactory(),
                acquired_on=date(2024, 5, 1),
                shares=D(10),
                value=D(0),
            )
        assert refused.value.code == "not_institution_staff"
        assert not EquityHolding.objects.exists()

    def test_a_years_profit_recorded_again_replaces_it(self, staff_user, institution):
        achievement = AchievementFactory(owner=institution)
        for profit in ("100", "250"):
            equity.record_operating_profit(
                staff_user,
                institution=institution,
                achievement=achievement,
                year=2024,
                profit=D(profit),
            )
        assert list(OperatingProfit.objects.values_list("year", "profit")) == [(2024, D("250.00"))]

    def test_profit_of_an_achievement_the_institution_does_not_own_is_refused(
        self, staff_user, institution
    ):
        with pytest.raises(DomainError) as refused:
            equity.record_operating_profit(
                staff_user,
                institution=institution,
                achievement=AchievementFactory(),
                year=2024,
                profit=D(1),
            )
        assert refused.value.code == "not_owned"


class TestPages:
    def test_staff_see_holdings_with_what_is_still_held(self, client, staff_user, holding):
        equity.record_sale(
            staff_user, holding, realised_on=date(2025, 3, 1), shares=D(250), proceeds=D(1)
        )
        client.force_login(staff_user)

        page = client.get(reverse("equity:list"))

        assert page.status_code == 200
        assert "Spin-out Bio" in page.text
        assert "750" in page.text

    def test_a_sale_beyond_the_holding_is_a_field_error(self, client, staff_user, holding):
        client.force_login(staff_user)

        answer = client.post(
            reverse("equity:sale-create", args=[holding.pk]),
            {"realised_on": "2025-03-01", "shares": "5000", "proceeds": "10"},
        )

        assert answer.status_code == 200
        assert "Only 1000 shares are still held." in answer.text
        assert not holding.realisations.exists()

    def test_recording_a_holding_from_the_form(self, client, staff_user, institution):
        client.force_login(staff_user)
        company = EnterpriseFactory()

        answer = client.post(
            reverse("equity:holding-create"),
            {
                "institution": institution.pk,
                "company": company.pk,
                "acquired_on": "2025-01-10",
                "shares": "300",
                "value": "120000",
                "currency": "CNY",
            },
        )

        assert answer.status_code == 302
        assert EquityHolding.objects.get().shares == 300

    def test_others_do_not_see_the_holdings(self, client, holding):
        for user in (
            UserFactory(institutions=[InstitutionFactory()]),
            PartnerUserFactory(),
            ResearcherUserFactory(),
        ):
            client.force_login(user)
            listing = client.get(reverse("equity:list"))
            assert "Spin-out Bio" not in listing.text or listing.status_code == 404
            assert client.get(reverse("equity:sale-create", args=[holding.pk])).status_code == 404


class TestApi:
    def test_a_sale_beyond_the_holding_is_a_coded_400_and_nothing_is_saved(
        self, staff_user, holding
    ):
        from tests.api.conftest import client_for

        answer = client_for(staff_user).post(
            reverse("api:equity-holding-sales", args=[holding.pk]),
            {"realised_on": "2025-03-01", "shares": "1001", "proceeds": "10.00"},
            format="json",
        )

        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "more_than_held"
        assert not holding.realisations.exists()

    def test_a_sale_answers_with_the_shares_still_held(self, staff_user, holding):
        from tests.api.conftest import client_for

        answer = client_for(staff_user).post(
            reverse("api:equity-holding-sales", args=[holding.pk]),
            {"realised_on": "2025-03-01", "shares": "400", "proceeds": "800000.00"},
            format="json",
        )

        assert answer.status_code == 201
        assert answer.json()["shares_held"] == "600"
