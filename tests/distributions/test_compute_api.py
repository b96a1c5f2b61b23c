"""The stateless calculator, ``POST /api/v1/distributions/compute/``: the
lines of a period's net income under a policy's tiers, in the currency's
minor unit, adding up to the total exactly; bad tiers are coded 400s and
nothing is saved."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from distributions.models import DistributionPolicy
from projects.models import Activity
from tests.factories import PartnerUserFactory, ResearcherUserFactory

pytestmark = pytest.mark.django_db

URL = reverse("api:distribution-compute")

TWO_TIERS = [
    {"up_to": "100000", "inventors": "0.5", "department": "0.25", "institution": "0.25"},
    {"up_to": None, "inventors": "0.25", "department": "0.25", "institution": "0.5"},
]


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def compute(user, **body):
    return client_for(user).post(URL, body, format="json")


def lines_by_name(body) -> dict:
    return {(line["kind"], line["name"]): line for line in body["lines"]}


def test_two_tiers_worked_by_hand(staff_user):
    """80,000 distributed before, 50,000 now: 20,000 falls in the first tier
    (up to 100,000) and 30,000 in the second. Inventors 2:1, in two
    departments.

    Tier 1, 20,000: inventors 50 % = 10,000 (A 6,666.67, B 3,333.33),
    departments 25 % = 5,000 (Biochemistry 3,333.33, Genetics 1,666.67),
    institution 25 % = 5,000. Tier 2, 30,000: inventors 25 % = 7,500
    (A 5,000, B 2,500), departments 25 % = 7,500 (Biochemistry 5,000,
    Genetics 2,500), institution 50 % = 15,000. The two cents left by
    rounding down go to the largest remainders (A's and Genetics' 0.0067).
    """
    response = compute(
        staff_user,
        net_income="50000",
        previously_distributed_net_income="80000",
        policy={"tiers": TWO_TIERS},
        inventors=[
            {"name": "A", "share": 2, "department": "Biochemistry"},
            {"name": "B", "share": 1, "department": "Genetics"},
        ],
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["currency"] == "CNY"
    assert body["total"] == "50000.00"
    assert body["slices"] == [
        {"tier": 0, "from": "0.00", "to": "100000.00", "base": "20000.00"},
        {"tier": 1, "from": "100000.00", "to": None, "base": "30000.00"},
    ]
    lines = lines_by_name(body)
    assert {key: line["amount"] for key, line in lines.items()} == {
        ("inventor", "A"): "11666.67",
        ("inventor", "B"): "5833.33",
        ("department", "Biochemistry"): "8333.33",
        ("department", "Genetics"): "4166.67",
        ("institution", ""): "20000.00",
    }
    a = lines[("inventor", "A")]
    assert a["department"] == "Biochemistry"
    assert a["slices"] == [
        {"tier": 0, "base": "20000.00", "rate": "0.33333333", "amount": "6666.67"},
        {"tier": 1, "base": "30000.00", "rate": "0.16666667", "amount": "5000.00"},
    ]
    assert a["rate"] == "0.23333340"
    assert sum(Decimal(line["amount"]) for line in body["lines"]) == Decimal("50000.00")


def test_the_largest_remainder_makes_the_lines_add_up_to_the_total(staff_user):
    """100.00 shared by three equal inventors: 33.34, 33.33, 33.33; the
    first of equal remainders gets the cent."""
    response = compute(
        staff_user,
        net_income="100",
        policy={"tiers": [{"up_to": None, "inventors": "1"}]},
        inventors=[{"name": name, "share": 1} for name in ("A", "B", "C")],
    )

    body = response.json()
    assert [line["amount"] for line in body["lines"]] == ["33.34", "33.33", "33.33"]
    assert body["total"] == "100.00"


def test_yen_are_shared_in_whole_yen(staff_user):
    """1,000 JPY, half to three equal inventors: 500 does not split in
    three, so 167, 167 and 166; the institution keeps 500."""
    response = compute(
        staff_user,
        net_income="1000",
        currency="JPY",
        policy={"tiers": [{"up_to": None, "inventors": "0.5"}]},
        inventors=[{"name": name, "share": 1} for name in ("A", "B", "C")],
    )

    body = response.json()
    assert body["total"] == "1000"
    assert [(line["kind"], line["amount"]) for line in body["lines"]] == [
        ("inventor", "167"),
        ("inventor", "167"),
        ("inventor", "166"),
        ("institution", "500"),
    ]


BAD_TIERS = [
    pytest.param(
        [{"up_to": None, "inventors": "0.6", "office": "0.5"}],
        "tier_over_100_percent",
        "policy.tiers.0",
        id="over-100",
    ),
    pytest.param(
        [
            {"up_to": "100000", "inventors": "0.5"},
            {"up_to": "50000", "inventors": "0.4"},
            {"up_to": None, "inventors": "0.3"},
        ],
        "tiers_unordered",
        "policy.tiers.1.up_to",
        id="unordered",
    ),
    pytest.param(
        [{"up_to": None, "inventors": "0.5"}, {"up_to": None, "inventors": "0.3"}],
        "tiers_overlap",
        "policy.tiers.0.up_to",
        id="overlap",
    ),
    pytest.param(
        [{"up_to": "100000", "inventors": "0.5"}],
        "last_tier_limited",
        "policy.tiers.0.up_to",
        id="last-limited",
    ),
    pytest.param([], "no_tiers", "policy.tiers", id="no-tiers"),
]


@pytest.mark.parametrize(("tiers", "code", "field"), BAD_TIERS)
def test_bad_tiers_are_a_coded_400_and_nothing_is_saved(staff_user, tiers, code, field):
    policies, activity = DistributionPolicy.objects.count(), Activity.objects.count()

    response = compute(
        staff_user,
        net_income="1000",
        policy={"tiers": tiers},
        inventors=[{"name": "A", "share": 1}],
    )

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert field in error["fields"], error
    assert DistributionPolicy.objects.count() == policies
    assert Activity.objects.count() == activity


def test_a_negative_income_or_no_inventor_is_a_400_naming_the_fields(staff_user):
    response = compute(
        staff_user,
        net_income="-5",
        policy={"tiers": [{"up_to": None, "inventors": "0.5"}]},
        inventors=[],
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_distribution"
    assert {"net_income", "inventors"} <= set(error["fields"])


def test_a_share_above_one_is_refused_by_its_field(staff_user):
    response = compute(
        staff_user,
        net_income="100",
        policy={"tiers": [{"up_to": None, "inventors": "50"}]},
        inventors=[{"name": "A", "share": 1}],
    )

    assert response.status_code == 400
    assert "policy.tiers.0.inventors" in response.json()["error"]["fields"]


def test_the_calculator_is_the_offices(db, superuser):
    """Staff and superusers compute; partners and researchers get 403,
    anonymous callers 401."""
    body = {
        "net_income": "100",
        "policy": {"tiers": [{"up_to": None, "inventors": "0.5"}]},
        "inventors": [{"name": "A", "share": 1}],
    }

    assert client_for(superuser).post(URL, body, format="json").status_code == 200
    assert client_for(PartnerUserFactory()).post(URL, body, format="json").status_code == 403
    assert client_for(ResearcherUserFactory()).post(URL, body, format="json").status_code == 403
    assert client_for().post(URL, body, format="json").status_code == 401
