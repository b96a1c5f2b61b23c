"""The admin shows valuations read-only and lets staff edit reference data."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pipelines.models import Sector, StageDefinition
from valuations.models import ComparableDeal, ReferenceSuccessRate, Valuation
from valuations.services import valuation_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_valuations_are_listed_and_shown_but_not_editable(
    admin_client, superuser, project, issue_example
):
    issue_example["simulation"]["trials"] = 1000
    valuation = valuation_run(project=project, method="rnpv", inputs=issue_example, by=superuser)

    listing = admin_client.get(reverse("admin:valuations_valuation_changelist"))
    detail = admin_client.get(reverse("admin:valuations_valuation_change", args=[valuation.pk]))
    add = admin_client.get(reverse("admin:valuations_valuation_add"))

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert b"licensor_rnpv" in detail.content
    assert add.status_code == 403


def test_the_rerun_action_makes_new_valuations(admin_client, superuser, project, issue_example):
    del issue_example["simulation"]
    valuation = valuation_run(project=project, method="rnpv", inputs=issue_example, by=superuser)

    admin_client.post(
        reverse("admin:valuations_valuation_changelist"),
        {"action": "rerun", "_selected_action": [valuation.pk]},
    )

    rerun = Valuation.objects.get(rerun_of=valuation)
    assert rerun.results == valuation.results


def test_reference_rates_are_editable(admin_client):
    rate = ReferenceSuccessRate.objects.get(phase="phase_2", therapeutic_area="")

    response = admin_client.get(
        reverse("admin:valuations_referencesuccessrate_change", args=[rate.pk])
    )

    assert response.status_code == 200
    assert b"2011-2020" in response.content


def test_a_comparable_deals_stage_belongs_to_its_sector():
    deal = ComparableDeal(
        name="Mismatch",
        signed_year=2024,
        sector=Sector.objects.get(code="agriculture"),
        stage=StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", code="phase_2"),
        currency="USD",
        total_value=10,
        source="Test",
    )

    with pytest.raises(ValidationError) as error:
        deal.full_clean()

    assert "stage" in error.value.message_dict
