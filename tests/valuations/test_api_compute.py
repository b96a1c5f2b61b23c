"""The stateless compute endpoints: the contract of the issue, decimal
strings, and 400s that name every bad field."""

import pytest
from django.urls import reverse

from valuations.engine.deal import deal_split
from valuations.inputs import RnpvInputSerializer
from valuations.methods import build_asset, build_deal

pytestmark = pytest.mark.django_db

RNPV_URL = "/api/v1/valuations/compute/rnpv/"


def as_strings(value):
    """The same body with every number sent as a decimal string."""
    if isinstance(value, dict):
        return {key: as_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_strings(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return str(value)
    return value


def bad_fields(response) -> dict:
    """The fields a 400 names, as dotted paths (the API's one error format)."""
    assert response.status_code == 400
    return response.json()["error"]["fields"]


def test_the_rnpv_contract_answers_every_documented_field(staff_client, issue_example):
    response = staff_client.post(RNPV_URL, issue_example, format="json")

    assert response.status_code == 200
    body = response.json()
    assert {
        "npv",
        "rnpv",
        "cumulative_probability",
        "years",
        "deal",
        "outcomes",
        "risk",
        "simulation",
    } <= set(body)
    assert set(body["years"][0]) == {
        "year",
        "probability",
        "development_cost",
        "sales",
        "cash_flow",
        "discount_factor",
        "present_value",
        "risk_adjusted_present_value",
    }
    assert body["cumulative_probability"] == pytest.approx(0.52 * 0.289)
    assert {
        "licensor_rnpv",
        "licensee_rnpv",
        "licensor_share",
        "royalty_rnpv",
        "lump_sum_equivalent",
        "milestones",
    } <= set(body["deal"])
    assert set(body["deal"]["milestones"][0]) >= {"year", "probability", "present_value"}
    assert set(body["outcomes"][0]) >= {
        "outcome",
        "probability",
        "project_pv",
        "licensor_pv",
        "licensee_pv",
        "licensee_pv_lump_sum",
    }
    assert set(body["risk"]["licensor"]) == {"mean", "sd", "probability_of_loss"}
    assert "licensor_below_lump_sum_probability" in body["risk"]
    assert set(body["simulation"]) >= {
        "trials",
        "seed",
        "mean",
        "sd",
        "p5",
        "p50",
        "p95",
        "probability_of_loss",
        "histogram",
    }
    assert set(body["simulation"]["histogram"]) == {"edges", "counts"}
    assert body["simulation"]["seed"] == 7


def test_the_api_answers_what_the_engine_computes(staff_client, issue_example):
    serializer = RnpvInputSerializer(data=issue_example)
    serializer.is_valid(raise_exception=True)
    asset = build_asset(serializer.validated_data)
    analysis = deal_split(asset, build_deal(serializer.validated_data["deal"]))

    body = staff_client.post(RNPV_URL, issue_example, format="json").json()

    assert body["deal"]["licensor_rnpv"] == pytest.approx(analysis.deal.licensor_rnpv)
    assert body["deal"]["milestones"][0]["year"] == 2
    assert body["deal"]["milestones"][1]["year"] == 9
    assert body["deal"]["licensor_rnpv"] + body["deal"]["licensee_rnpv"] == pytest.approx(
        body["rnpv"]
    )


def test_numbers_may_be_sent_as_decimal_strings(staff_client, issue_example):
    as_numbers = staff_client.post(RNPV_URL, issue_example, format="json").json()

    as_text = staff_client.post(RNPV_URL, as_strings(issue_example), format="json")

    assert as_text.status_code == 200
    assert as_text.json() == as_numbers


def test_deal_and_simulation_are_optional(staff_client, issue_example):
    del issue_example["deal"], issue_example["simulation"]

    body = staff_client.post(RNPV_URL, issue_example, format="json").json()

    assert "deal" not in body and "simulation" not in body
    assert body["rnpv"] == pytest.approx(250.7316017762574)


def test_a_simulation_without_a_seed_returns_the_seed_it_drew(staff_client, issue_example):
    del issue_example["simulation"]["seed"]
    issue_example["simulation"]["trials"] = 1000

    first = staff_client.post(RNPV_URL, issue_example, format="json").json()["simulation"]
    issue_example["simulation"]["seed"] = first["seed"]
    second = staff_client.post(RNPV_URL, issue_example, format="json").json()["simulation"]

    assert second == first


def test_invalid_input_is_refused_naming_each_bad_field(staff_client, issue_example):
    issue_example["phases"][0]["success_probability"] = 1.2
    issue_example["phases"][1]["years"] = -1
    issue_example["deal"]["milestones"][0]["on_phase_success"] = "Phase IX"
    issue_example["deal"]["royalty_tiers"][1]["up_to"] = 400
    issue_example["simulation"]["trials"] = 10_000_000

    response = staff_client.post(RNPV_URL, issue_example, format="json")

    assert {
        "phases.0.success_probability",
        "phases.1.years",
        "deal.royalty_tiers.1.up_to",
        "simulation.trials",
    } <= set(bad_fields(response))


def test_an_unknown_phase_in_a_milestone_is_named(staff_client, issue_example):
    issue_example["deal"]["milestones"][0]["on_phase_success"] = "Phase IX"

    response = staff_client.post(RNPV_URL, issue_example, format="json")

    assert "deal.milestones.0.on_phase_success" in bad_fields(response)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda b: b["phases"][0].update(years=2.5), "phases.0.years"),
        (lambda b: b["phases"][0].update(years="two"), "phases.0.years"),
        (lambda b: b["phases"][0].update(cost=True), "phases.0.cost"),
        (lambda b: b["phases"][0].update(cost="NaN"), "phases.0.cost"),
        (lambda b: b.update(timing="whenever"), "timing"),
        (lambda b: b.update(discount_rate=-0.1), "discount_rate"),
        (lambda b: b["commercial"].update(tax_rate=2), "commercial.tax_rate"),
        (lambda b: b["deal"]["royalty_tiers"][2].update(up_to=5000), "deal.royalty_tiers.2.up_to"),
        (
            lambda b: b["deal"]["milestones"][0].update(on_annual_sales_at_least=5),
            "deal.milestones.0.on_phase_success",
        ),
        (
            lambda b: b["simulation"]["peak_sales"].update(mode=5000),
            "simulation.peak_sales.mode",
        ),
        (
            lambda b: b["simulation"].update(
                phase_costs={"Nope": {"distribution": "uniform", "low": 1, "high": 2}}
            ),
            "simulation.phase_costs.Nope",
        ),
    ],
)
def test_each_kind_of_bad_input_is_a_400_on_its_field(staff_client, issue_example, change, path):
    change(issue_example)

    response = staff_client.post(RNPV_URL, issue_example, format="json")

    assert path in bad_fields(response)


def test_relief_from_royalty_endpoint(staff_client):
    body = {
        "revenues": ["100", 200],
        "royalty_rate": 0.1,
        "discount_rate": 0.1,
        "tax_rate": 0.25,
        "tax_amortisation_benefit": True,
        "amortisation_years": 2,
    }

    response = staff_client.post(
        "/api/v1/valuations/compute/relief-from-royalty/", body, format="json"
    )

    assert response.status_code == 200
    result = response.json()
    assert result["present_value_before_benefit"] == pytest.approx(7.5 / 1.1 + 15 / 1.21)
    assert result["benefit_factor"] == pytest.approx(1 / (1 - 0.25 * (1 / 1.1 + 1 / 1.21) / 2))
    assert result["value"] == pytest.approx(
        result["present_value_before_benefit"] * result["benefit_factor"]
    )


def test_relief_from_royalty_needs_amortisation_years_with_the_benefit(staff_client):
    body = {
        "revenues": [100],
        "royalty_rate": 0.1,
        "discount_rate": 0.1,
        "tax_rate": 0.25,
        "tax_amortisation_benefit": True,
    }

    response = staff_client.post(
        "/api/v1/valuations/compute/relief-from-royalty/", body, format="json"
    )

    assert "amortisation_years" in bad_fields(response)


def test_profit_split_and_excess_earnings_endpoints(staff_client):
    split = staff_client.post(
        "/api/v1/valuations/compute/profit-split/",
        {
            "revenues": [100, 100],
            "profit_margin": "0.3",
            "technology_share": 0.25,
            "tax_rate": 0.2,
            "discount_rate": 0.1,
        },
        format="json",
    )
    excess = staff_client.post(
        "/api/v1/valuations/compute/excess-earnings/",
        {
            "cash_flows": [50, 60],
            "contributory_asset_charges": [10, 10],
            "tax_rate": 0.2,
            "discount_rate": 0.1,
        },
        format="json",
    )

    assert split.json()["value"] == pytest.approx(6 / 1.1 + 6 / 1.21)
    assert excess.json()["value"] == pytest.approx(30 / 1.1 + 38 / 1.21)


def test_excess_earnings_needs_one_charge_per_year(staff_client):
    response = staff_client.post(
        "/api/v1/valuations/compute/excess-earnings/",
        {
            "cash_flows": [50, 60],
            "contributory_asset_charges": [10],
            "tax_rate": 0.2,
            "discount_rate": 0.1,
        },
        format="json",
    )

    assert "contributory_asset_charges" in bad_fields(response)


def test_cost_market_and_scorecard_endpoints(staff_client):
    cost = staff_client.post(
        "/api/v1/valuations/compute/cost-approach/",
        {
            "costs": [{"amount": 100, "years_ago": 2}, {"amount": "50"}],
            "inflation_rate": 0.05,
            "functional_obsolescence": 0.1,
        },
        format="json",
    )
    market = staff_client.post(
        "/api/v1/valuations/compute/market-approach/",
        {"comparables": [{"name": "a", "value": 10}, {"name": "b", "value": 30}]},
        format="json",
    )
    scorecard = staff_client.post(
        "/api/v1/valuations/compute/scorecard/",
        {
            "trl": 3,
            "scores": {
                "scientific_value": 5,
                "innovation": 4,
                "market_application_value": 3,
                "maturity": 1,
                "time_to_market": 1,
                "ip_strength": 4,
            },
        },
        format="json",
    )

    assert cost.json()["value"] == pytest.approx(160.25 * 0.9)
    assert market.json()["value"] == 20
    assert scorecard.status_code == 200
    assert scorecard.json()["trl_score"] == pytest.approx(25)


def test_a_scorecard_must_score_every_criterion(staff_client):
    response = staff_client.post(
        "/api/v1/valuations/compute/scorecard/",
        {"trl": 3, "scores": {"scientific_value": 5, "charm": 5}},
        format="json",
    )

    assert {"scores.innovation", "scores.charm"} <= set(bad_fields(response))


def test_signed_out_users_cannot_compute(client, issue_example):
    response = client.post(RNPV_URL, issue_example, content_type="application/json")

    assert response.status_code in (401, 403)


def test_partners_may_compute_too(partner_client, issue_example):
    issue_example["simulation"]["trials"] = 1000

    assert partner_client.post(RNPV_URL, issue_example, format="json").status_code == 200


def test_the_schema_documents_the_valuation_api(staff_client):
    schema = staff_client.get(reverse("api-schema"), {"format": "json"})
    docs = staff_client.get(reverse("api-docs"))

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for name in (
        "rnpv",
        "relief-from-royalty",
        "profit-split",
        "excess-earnings",
        "cost-approach",
        "market-approach",
        "scorecard",
    ):
        assert f"/api/v1/valuations/compute/{name}/" in paths
    assert "/api/v1/valuations/" in paths
    assert docs.status_code == 200


@pytest.mark.parametrize(
    ("peak_sales", "message"),
    [
        ("1e308", "Enter an amount of at most 999,999,999,999,999.99."),
        (1e300, "Enter an amount of at most 999,999,999,999,999.99."),
        ("1,500,000", "Enter a plain number, e.g. 1250000.50."),
    ],
)
def test_an_amount_too_large_or_not_plain_says_what_to_enter(
    staff_client, issue_example, peak_sales, message
):
    """The words of every amount field in BioBridge, not "a number is
    required" for a number that is only far too large."""
    issue_example["commercial"]["peak_sales"] = peak_sales

    response = staff_client.post(RNPV_URL, issue_example, format="json")

    assert response.status_code == 400
    assert message in str(response.json())
