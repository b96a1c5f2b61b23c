"""The staff pages of distribution policies: the versions of each
institution's policy, a version's page with its tiers and calculator, and
the forms that create a version from a preset or from scratch and edit it.
Another institution's policy answers 404, as one that does not exist."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from distributions.choices import PolicyPreset, RunState
from distributions.computations.shares import Tier
from distributions.models import DistributionPolicy, DistributionRun
from distributions.presets import PRESETS
from distributions.services.policies import create_policy, policy_from_preset, tiers_of
from tests.factories import InstitutionFactory, PartnerUserFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def policy(staff_user, institution):
    return policy_from_preset(
        staff_user,
        institution,
        preset_key=PolicyPreset.US_TWO_TIERS,
        effective_from=D(2024, 1, 1),
    )


def tier_rows(prefix="tiers", rows=(), extra_total=None):
    data = {
        f"{prefix}-TOTAL_FORMS": str(extra_total or len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def policy_body(institution=None, **overrides):
    body = {
        "name": "Board decision 2025/7",
        "name_zh": "",
        "effective_from": "2025-01-01",
        "preset": "custom",
        "equity_inventor_share": "50",
        "operating_profit_share": "5",
        "operating_profit_years": "3",
        "deductible_cost_kinds": ["official_fee", "counsel"],
        "source": "",
        "notes": "",
    }
    if institution is not None:
        body["institution"] = str(institution.pk)
    body.update(overrides)
    return body


def test_the_list_shows_the_versions_and_the_one_in_force_today(
    staff_client, staff_user, institution, policy
):
    future = create_policy(
        staff_user,
        institution,
        name="Next year's",
        effective_from=timezone.localdate() + datetime.timedelta(days=400),
        tiers=[Tier(up_to=None, inventors=Decimal("0.6"))],
    )

    response = staff_client.get(reverse("distributions:policies"))

    assert response.status_code == 200
    group = response.context["groups"][0]
    assert group["institution"] == institution
    assert [(v.policy, v.state) for v in group["versions"]] == [
        (future, "future"),
        (policy, "in_force"),
    ]
    assert group["versions"][1].until == future.effective_from - datetime.timedelta(days=1)
    assert "In force today" in response.text


def test_an_institution_without_a_policy_is_offered_the_presets(staff_client, institution):
    response = staff_client.get(reverse("distributions:policies"))

    assert response.context["groups"][0]["versions"] == []
    for key in PRESETS:
        assert f"preset={key}" in response.text


def test_the_list_shows_no_other_institutions_policies(client, policy):
    outsider = UserFactory(institutions=[InstitutionFactory()])
    client.force_login(outsider)

    response = client.get(reverse("distributions:policies"))
    foreign = client.get(reverse("distributions:policies"), {"institution": policy.institution_id})

    assert policy.get_absolute_url() not in response.text
    assert foreign.status_code == 404


def test_a_versions_page_shows_its_tiers_in_per_cent(staff_client, policy):
    response = staff_client.get(reverse("distributions:policy", args=[policy.pk]))

    assert response.status_code == 200
    rows = response.context["tiers"]
    assert [(row.lower, row.upper, row.inventors, row.institution) for row in rows] == [
        (Decimal(0), Decimal("100000.00"), Decimal("0.5000"), Decimal("0.2500")),
        (Decimal("100000.00"), None, Decimal("0.2500"), Decimal("0.5000")),
    ]
    assert "50.00 %" in response.text


@pytest.mark.parametrize("user", ["outsider", "partner"])
def test_another_institutions_policy_answers_404(client, policy, user):
    client.force_login(
        UserFactory(institutions=[InstitutionFactory()])
        if user == "outsider"
        else (PartnerUserFactory())
    )

    for name in ("distributions:policy", "distributions:policy-edit"):
        assert client.get(reverse(name, args=[policy.pk])).status_code == 404
    for name in ("distributions:policy-what-if", "distributions:policy-delete"):
        assert client.post(reverse(name, args=[policy.pk])).status_code == 404
    assert DistributionPolicy.objects.filter(pk=policy.pk).exists()


def test_the_what_if_calculator_answers_htmx_with_the_lines(staff_client, policy):
    """80,000 before and 50,000 now under 50 % of the first 100,000 and 25 %
    above: inventors get 10,000 + 7,500, split 60:40."""
    response = staff_client.post(
        reverse("distributions:policy-what-if", args=[policy.pk]),
        {
            "net_income": "50000",
            "previously_distributed_net_income": "80000",
            "currency": "CNY",
            "inventors": "A, 60, Biochemistry\nB, 40, Biochemistry",
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    result = response.context["result"]
    amounts = {(line.kind, line.name): line.amount for line in result.lines}
    assert amounts == {
        ("inventor", "A"): Decimal("10500.00"),
        ("inventor", "B"): Decimal("7000.00"),
        ("department", "Biochemistry"): Decimal("12500.00"),
        ("institution", ""): Decimal("20000.00"),
    }
    assert "<html" not in response.text
    assert "50,000.00 CNY" in response.text


def test_a_bad_what_if_line_is_a_form_error(staff_client, policy):
    response = staff_client.post(
        reverse("distributions:policy-what-if", args=[policy.pk]),
        {
            "net_income": "100",
            "previously_distributed_net_income": "0",
            "currency": "CNY",
            "inventors": "A, lots",
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response.context["result"] is None
    assert "inventors" in response.context["what_if_form"].errors


def test_the_create_page_fills_in_a_preset(staff_client, institution):
    response = staff_client.get(
        reverse("distributions:policy-create"),
        {"preset": PolicyPreset.US_TWO_TIERS, "institution": institution.pk},
    )

    assert response.status_code == 200
    formset = response.context["formset"]
    assert [form.initial["inventors"] for form in formset.forms[:2]] == [
        Decimal("50"),
        Decimal("25"),
    ]
    assert response.context["form"].initial["institution"] == institution


def test_creating_a_policy_in_per_cent_stores_fractions(staff_client, institution):
    body = policy_body(institution) | tier_rows(
        rows=[
            {"up_to": "200000", "inventors": "60", "department": "10", "office": "5"},
            {"up_to": "", "inventors": "40", "department": "10"},
        ]
    )

    response = staff_client.post(reverse("distributions:policy-create"), body)

    policy = DistributionPolicy.objects.get()
    assert response.status_code == 302
    assert response.url == policy.get_absolute_url()
    assert tiers_of(policy) == [
        Tier(
            up_to=Decimal(200000),
            inventors=Decimal("0.6"),
            department=Decimal("0.1"),
            office=Decimal("0.05"),
        ),
        Tier(up_to=None, inventors=Decimal("0.4"), department=Decimal("0.1")),
    ]
    assert policy.equity_inventor_share == Decimal("0.5")
    assert policy.deductible_cost_kinds == ["official_fee", "counsel"]


def test_a_tier_over_100_percent_is_shown_on_its_row_and_nothing_is_saved(
    staff_client, institution
):
    body = policy_body(institution) | tier_rows(
        rows=[{"up_to": "", "inventors": "80", "department": "30"}]
    )

    response = staff_client.post(reverse("distributions:policy-create"), body)

    assert response.status_code == 200
    row = response.context["formset"].forms[0]
    assert "more than 100 %" in " ".join(row.non_field_errors())
    assert not DistributionPolicy.objects.exists()


def test_a_limited_last_tier_is_shown_at_its_limit(staff_client, institution):
    body = policy_body(institution) | tier_rows(rows=[{"up_to": "1000", "inventors": "50"}])

    response = staff_client.post(reverse("distributions:policy-create"), body)

    assert response.context["formset"].forms[0].errors["up_to"]
    assert not DistributionPolicy.objects.exists()


def test_staff_cannot_create_a_policy_for_another_institution(staff_client):
    other = InstitutionFactory()
    body = policy_body(other) | tier_rows(rows=[{"up_to": "", "inventors": "50"}])

    response = staff_client.post(reverse("distributions:policy-create"), body)

    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    assert not DistributionPolicy.objects.exists()


def test_editing_replaces_the_tiers(staff_client, policy):
    body = policy_body(name=policy.name, effective_from="2024-01-01") | tier_rows(
        rows=[{"up_to": "", "inventors": "70"}]
    )

    response = staff_client.post(reverse("distributions:policy-edit", args=[policy.pk]), body)

    assert response.status_code == 302
    assert tiers_of(policy) == [Tier(up_to=None, inventors=Decimal("0.7"))]


def test_a_used_policy_cannot_change_its_tiers_nor_be_deleted(
    staff_client, staff_user, institution, policy
):
    DistributionRun.objects.create(
        institution=institution,
        period_start=D(2024, 1, 1),
        period_end=D(2024, 12, 31),
        currency="CNY",
        policy=policy,
        state=RunState.APPROVED,
        prepared_by=UserFactory(institutions=[institution]),
        approved_by=staff_user,
        approved_at=timezone.now(),
    )
    body = policy_body(name=policy.name, effective_from="2024-01-01") | tier_rows(
        rows=[{"up_to": "", "inventors": "70"}]
    )

    edit = staff_client.post(reverse("distributions:policy-edit", args=[policy.pk]), body)
    page = staff_client.get(reverse("distributions:policy", args=[policy.pk]))
    delete = staff_client.post(reverse("distributions:policy-delete", args=[policy.pk]))

    assert edit.status_code == 200
    assert edit.context["form"].non_field_errors()
    assert edit.context["explanation"]
    assert len(tiers_of(policy)) == 2
    assert not page.context["delete_guard"].allowed
    assert delete.status_code == 302
    assert DistributionPolicy.objects.filter(pk=policy.pk).exists()


def test_deleting_a_version(staff_client, policy):
    response = staff_client.post(reverse("distributions:policy-delete", args=[policy.pk]))

    assert response.status_code == 302
    assert not DistributionPolicy.objects.exists()


def test_the_pages_read_in_chinese(staff_client, policy):
    staff_client.cookies["django_language"] = "zh-hans"

    response = staff_client.get(
        reverse("distributions:policy", args=[policy.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 200
    assert "分配" in response.text


def test_the_institutions_page_links_to_its_policies_for_its_staff(
    client, staff_user, institution
):
    url = reverse("partners:institution_detail", args=[institution.code])
    link = f"{reverse('distributions:policies')}?institution={institution.pk}"

    client.force_login(staff_user)
    own = client.get(url)
    client.force_login(UserFactory(institutions=[InstitutionFactory()]))
    foreign = client.get(url)

    assert link in own.text
    assert link not in foreign.text


def test_the_ip_menu_leads_to_the_policies(staff_client):
    response = staff_client.get(reverse("distributions:policies"))

    assert f'href="{reverse("distributions:policies")}"' in response.text


def test_the_what_if_calculator_without_htmx_shows_the_whole_page(staff_client, policy):
    response = staff_client.post(
        reverse("distributions:policy-what-if", args=[policy.pk]),
        {
            "net_income": "1000",
            "previously_distributed_net_income": "0",
            "currency": "JPY",
            "inventors": "A, 1\nB, 1\nC, 1",
        },
    )

    assert response.status_code == 200
    assert "<html" in response.text
    inventors = [line.amount for line in response.context["result"].lines[:3]]
    assert inventors == [Decimal(167), Decimal(167), Decimal(166)]
    assert "1,000 JPY" in response.text
