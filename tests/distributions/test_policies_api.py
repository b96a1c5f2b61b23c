"""``/api/v1/distribution-policies/``: versions with nested tiers, scoped to
the institutions the staff member works for; the services' refusals in the
API's one error format, nothing saved."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from distributions.choices import PolicyPreset, RunState
from distributions.models import DistributionPolicy, DistributionRun
from distributions.services.policies import policy_from_preset, tiers_of
from tests.factories import InstitutionFactory, PartnerUserFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("api:distribution-policy-list")
D = datetime.date


def detail(policy):
    return reverse("api:distribution-policy-detail", args=[policy.pk])


@pytest.fixture
def api(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


@pytest.fixture
def policy(staff_user, institution):
    return policy_from_preset(
        staff_user, institution, preset_key=PolicyPreset.US_TWO_TIERS, effective_from=D(2024, 1, 1)
    )


@pytest.fixture
def foreign_policy(superuser):
    return policy_from_preset(
        superuser,
        InstitutionFactory(),
        preset_key=PolicyPreset.CHINA_STATUTORY,
        effective_from=D(2024, 1, 1),
    )


def approve(policy, period_end):
    DistributionRun.objects.create(
        institution=policy.institution,
        period_start=D(period_end.year, 1, 1),
        period_end=period_end,
        currency="CNY",
        policy=policy,
        state=RunState.APPROVED,
        prepared_by=UserFactory(institutions=[policy.institution]),
        approved_by=UserFactory(institutions=[policy.institution]),
        approved_at=timezone.now(),
    )


def test_creating_from_a_preset_takes_its_tiers_and_source(api, institution):
    response = api.post(
        LIST,
        {
            "institution": institution.pk,
            "preset": "china_statutory",
            "effective_from": "2025-01-01",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["preset"] == "china_statutory"
    assert body["tiers"] == [
        {
            "position": 1,
            "up_to": None,
            "inventors": "0.5000",
            "department": "0.2000",
            "institution": "0.2000",
            "office": "0.1000",
        }
    ]
    assert "第四十五条" in body["source"]


def test_creating_with_tiers_of_ones_own(api, institution):
    response = api.post(
        LIST,
        {
            "institution": institution.pk,
            "name": "Senate decision 2025/3",
            "effective_from": "2025-01-01",
            "tiers": [
                {"up_to": "500000", "inventors": "0.7", "office": "0.1"},
                {"up_to": None, "inventors": "0.5", "office": "0.1"},
            ],
            "equity_inventor_share": "0.5",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    policy = DistributionPolicy.objects.get(pk=response.json()["id"])
    assert [tier.inventors for tier in tiers_of(policy)] == [Decimal("0.7"), Decimal("0.5")]
    assert policy.created_by is not None


def test_bad_tiers_are_a_coded_400_and_nothing_is_saved(api, institution):
    response = api.post(
        LIST,
        {
            "institution": institution.pk,
            "name": "Too generous",
            "effective_from": "2025-01-01",
            "tiers": [{"up_to": None, "inventors": "0.8", "department": "0.3"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "tier_over_100_percent"
    assert "tiers.0" in response.json()["error"]["fields"]
    assert not DistributionPolicy.objects.exists()


def test_a_date_that_would_change_an_approved_run_is_a_400(api, policy):
    approve(policy, D(2024, 12, 31))

    response = api.post(
        LIST,
        {
            "institution": policy.institution_id,
            "preset": "us_two_tiers",
            "effective_from": "2024-07-01",
        },
        format="json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "policy_change_alters_approved_run"
    assert "effective_from" in error["fields"]
    assert DistributionPolicy.objects.count() == 1


def test_patching_tiers_replaces_them(api, policy):
    response = api.patch(
        detail(policy), {"tiers": [{"up_to": None, "inventors": "0.6"}]}, format="json"
    )

    assert response.status_code == 200, response.content
    assert [tier["inventors"] for tier in response.json()["tiers"]] == ["0.6000"]


def test_a_policy_an_approved_run_used_keeps_its_tiers_and_stays(api, policy):
    approve(policy, D(2024, 12, 31))

    patch = api.patch(
        detail(policy), {"tiers": [{"up_to": None, "inventors": "0.6"}]}, format="json"
    )
    delete = api.delete(detail(policy))
    rename = api.patch(detail(policy), {"name": "Two tiers (senate 2023/9)"}, format="json")

    assert patch.status_code == delete.status_code == 409
    assert patch.json()["error"]["code"] == "policy_used_by_approved_run"
    assert len(tiers_of(policy)) == 2
    assert rename.status_code == 200


def test_deleting_an_unused_policy(api, policy):
    assert api.delete(detail(policy)).status_code == 204
    assert not DistributionPolicy.objects.exists()


def test_another_institutions_policy_answers_like_a_missing_one(api, policy, foreign_policy):
    listed = api.get(LIST).json()["results"]
    missing = reverse("api:distribution-policy-detail", args=[999999])

    assert [row["id"] for row in listed] == [policy.pk]
    for method, body in (("get", None), ("patch", {"name": "Mine now"}), ("delete", None)):
        foreign = getattr(api, method)(detail(foreign_policy), body, format="json")
        absent = getattr(api, method)(missing, body, format="json")
        assert foreign.status_code == absent.status_code == 404
        assert foreign.json() == absent.json()
    assert DistributionPolicy.objects.filter(pk=foreign_policy.pk, name__startswith="Statutory")


def test_staff_cannot_create_a_policy_for_another_institution(api):
    response = api.post(
        LIST,
        {
            "institution": InstitutionFactory().pk,
            "preset": "us_two_tiers",
            "effective_from": "2025-01-01",
        },
        format="json",
    )

    assert response.status_code == 403
    assert not DistributionPolicy.objects.exists()


def test_partners_get_403(policy):
    client = APIClient()
    client.force_authenticate(PartnerUserFactory())

    assert client.get(LIST).status_code == 403
    assert client.get(detail(policy)).status_code == 403


def test_the_list_filters_by_institution(api, staff_user, policy):
    other = InstitutionFactory()
    staff_user.institutions.add(other)
    policy_from_preset(
        staff_user, other, preset_key="china_statutory", effective_from=D(2024, 1, 1)
    )

    response = api.get(LIST, {"institution": policy.institution_id})

    assert [row["id"] for row in response.json()["results"]] == [policy.pk]
