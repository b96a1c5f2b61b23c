"""The policy services: versions by effective date, the presets, and the
rules that keep approved distribution runs as they were computed.

Approved runs are made here directly, with a preparer and another approver,
so these rules are checked without the run services."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import DomainError, InvalidInput, PermissionDenied
from distributions.choices import PolicyPreset, RunState
from distributions.computations.shares import Tier
from distributions.models import DistributionPolicy, DistributionRun, PolicyTier
from distributions.presets import DEFAULT_DEDUCTIBLE_COST_KINDS, PRESETS
from distributions.selectors import policies_visible_to, policy_in_force
from distributions.services.policies import (
    create_policy,
    delete_policy,
    policy_from_preset,
    tiers_of,
    update_policy,
)
from tests.factories import InstitutionFactory, PartnerUserFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
HALF = [Tier(up_to=None, inventors=Decimal("0.5"), department=Decimal("0.1"))]


def make(user, institution, effective_from, tiers=HALF, **fields):
    fields.setdefault("name", f"Policy of {effective_from}")
    return create_policy(user, institution, effective_from=effective_from, tiers=tiers, **fields)


def approved_run(institution, policy, period_end, *, state=RunState.APPROVED):
    preparer, approver = (
        UserFactory(institutions=[institution]),
        UserFactory(institutions=[institution]),
    )
    return DistributionRun.objects.create(
        institution=institution,
        period_start=D(period_end.year, 1, 1),
        period_end=period_end,
        currency="CNY",
        policy=policy,
        state=state,
        prepared_by=preparer,
        approved_by=approver if state == RunState.APPROVED else None,
        approved_at=timezone.now() if state == RunState.APPROVED else None,
    )


def assert_refused(error_class, code, call, *args, **kwargs):
    with pytest.raises(error_class) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


# --- Creating and reading ------------------------------------------------------------------


def test_a_policy_is_stored_with_its_tiers_in_order(staff_user, institution):
    tiers = PRESETS[PolicyPreset.US_TWO_TIERS].tiers

    policy = make(staff_user, institution, D(2025, 1, 1), tiers=tiers)

    assert list(policy.tiers.values_list("position", "up_to", "inventors", "institution")) == [
        (1, Decimal("100000.00"), Decimal("0.5000"), Decimal("0.2500")),
        (2, None, Decimal("0.2500"), Decimal("0.5000")),
    ]
    assert tiers_of(policy) == list(tiers)
    assert policy.deductible_cost_kinds == list(DEFAULT_DEDUCTIBLE_COST_KINDS)
    assert policy.created_by == staff_user


def test_the_statutory_preset_gives_half_to_the_inventors(staff_user, institution):
    policy = policy_from_preset(
        staff_user,
        institution,
        preset_key=PolicyPreset.CHINA_STATUTORY,
        effective_from=D(2024, 1, 1),
    )

    assert policy.preset == PolicyPreset.CHINA_STATUTORY
    assert tiers_of(policy)[0].inventors == Decimal("0.5")
    assert policy.equity_inventor_share == Decimal("0.5")
    assert policy.operating_profit_share == Decimal("0.05")
    assert "第四十五条" in policy.source


def test_every_preset_makes_a_valid_policy(staff_user, institution):
    for index, key in enumerate(PRESETS):
        policy = policy_from_preset(
            staff_user, institution, preset_key=key, effective_from=D(2020 + index, 1, 1)
        )
        assert policy.tiers.count() == len(PRESETS[key].tiers)


def test_the_policy_in_force_is_the_latest_from_on_or_before_the_date(staff_user, institution):
    first = make(staff_user, institution, D(2024, 1, 1))
    second = make(staff_user, institution, D(2025, 1, 1))
    make(staff_user, another_institution_of(staff_user), D(2024, 6, 1))

    assert policy_in_force(institution, D(2023, 12, 31)) is None
    assert policy_in_force(institution, D(2024, 12, 31)) == first
    assert policy_in_force(institution, D(2025, 1, 1)) == second


def another_institution_of(user):
    other = InstitutionFactory()
    user.institutions.add(other)
    return other


# --- Bad tiers and fields -------------------------------------------------------------------

BAD_TIERS = [
    pytest.param(
        [Tier(up_to=None, inventors=Decimal("0.6"), office=Decimal("0.5"))],
        "tier_over_100_percent",
        id="over-100",
    ),
    pytest.param(
        [
            Tier(up_to=Decimal(100000), inventors=Decimal("0.5")),
            Tier(up_to=Decimal(50000), inventors=Decimal("0.4")),
            Tier(up_to=None, inventors=Decimal("0.3")),
        ],
        "tiers_unordered",
        id="unordered",
    ),
    pytest.param(
        [Tier(up_to=None, inventors=Decimal("0.5")), Tier(up_to=None, inventors=Decimal("0.3"))],
        "tiers_overlap",
        id="overlap",
    ),
    pytest.param(
        [Tier(up_to=Decimal(100000), inventors=Decimal("0.5"))],
        "last_tier_limited",
        id="last-limited",
    ),
    pytest.param([], "no_tiers", id="no-tiers"),
]


@pytest.mark.parametrize(("tiers", "code"), BAD_TIERS)
def test_bad_tiers_are_refused_with_their_code_and_nothing_is_saved(
    staff_user, institution, tiers, code
):
    assert_refused(InvalidInput, code, make, staff_user, institution, D(2025, 1, 1), tiers=tiers)

    assert not DistributionPolicy.objects.exists()
    assert not PolicyTier.objects.exists()


@pytest.mark.parametrize(("tiers", "code"), BAD_TIERS)
def test_replacing_tiers_with_bad_ones_keeps_the_old_ones(staff_user, institution, tiers, code):
    policy = make(staff_user, institution, D(2025, 1, 1))

    assert_refused(InvalidInput, code, update_policy, staff_user, policy, tiers=tiers)

    assert tiers_of(policy) == HALF


def test_two_versions_on_one_date_are_refused(staff_user, institution):
    make(staff_user, institution, D(2025, 1, 1))

    error = assert_refused(
        DomainError, "policy_date_taken", make, staff_user, institution, D(2025, 1, 1)
    )

    assert error.field == "effective_from"
    assert DistributionPolicy.objects.count() == 1


def test_bad_fields_are_refused_all_at_once(staff_user, institution):
    error = assert_refused(
        InvalidInput,
        "invalid_policy",
        make,
        staff_user,
        institution,
        D(2025, 1, 1),
        name=" ",
        equity_inventor_share=Decimal("1.5"),
        deductible_cost_kinds=["official_fee", "lunch"],
    )

    assert {"name", "equity_inventor_share", "deductible_cost_kinds"} <= set(error.fields)


# --- Approved runs stay as they were computed ----------------------------------------------


@pytest.fixture
def history(staff_user, institution):
    """Versions from 2024 and 2026; an approved run of 2024 used the first,
    a draft of 2026 the second."""
    first = make(staff_user, institution, D(2024, 1, 1))
    second = make(staff_user, institution, D(2026, 1, 1))
    approved_run(institution, first, D(2024, 12, 31))
    approved_run(institution, second, D(2026, 6, 30), state=RunState.DRAFT)
    return first, second


def test_a_new_version_inside_an_approved_runs_period_is_refused(staff_user, institution, history):
    error = assert_refused(
        DomainError,
        "policy_change_alters_approved_run",
        make,
        staff_user,
        institution,
        D(2024, 7, 1),
    )

    assert error.field == "effective_from"
    assert DistributionPolicy.objects.count() == 2


def test_a_new_version_after_the_approved_runs_is_accepted(staff_user, institution, history):
    policy = make(staff_user, institution, D(2025, 1, 1))

    assert policy_in_force(institution, D(2025, 6, 30)) == policy


def test_moving_a_version_under_an_approved_run_is_refused(staff_user, institution, history):
    _first, second = history

    assert_refused(
        DomainError,
        "policy_change_alters_approved_run",
        update_policy,
        staff_user,
        second,
        effective_from=D(2024, 12, 1),
    )

    second.refresh_from_db()
    assert second.effective_from == D(2026, 1, 1)


def test_moving_a_version_among_drafts_only_is_accepted(staff_user, institution, history):
    _first, second = history

    update_policy(staff_user, second, effective_from=D(2025, 7, 1))

    second.refresh_from_db()
    assert second.effective_from == D(2025, 7, 1)


def test_a_version_an_approved_run_used_keeps_its_tiers_shares_and_date(
    staff_user, institution, history
):
    first, _second = history

    for change in (
        {"tiers": [Tier(up_to=None, inventors=Decimal("0.7"))]},
        {"equity_inventor_share": Decimal("0.6")},
        {"effective_from": D(2023, 1, 1)},
        {"deductible_cost_kinds": ["official_fee"]},
    ):
        assert_refused(
            DomainError, "policy_used_by_approved_run", update_policy, staff_user, first, **change
        )

    first.refresh_from_db()
    assert tiers_of(first) == HALF
    assert first.effective_from == D(2024, 1, 1)


def test_a_used_versions_name_and_notes_may_be_corrected(staff_user, institution, history):
    first, _second = history

    update_policy(staff_user, first, name="Policy of 2024 (board decision 12)", notes="Typo fixed")

    first.refresh_from_db()
    assert first.name == "Policy of 2024 (board decision 12)"


def test_a_version_an_approved_run_used_cannot_be_deleted(staff_user, institution, history):
    first, _second = history

    assert_refused(DomainError, "policy_used_by_approved_run", delete_policy, staff_user, first)

    assert DistributionPolicy.objects.filter(pk=first.pk).exists()


def test_a_version_no_approved_run_used_can_be_deleted(staff_user, institution, history):
    unused = make(staff_user, institution, D(2027, 1, 1))

    delete_policy(staff_user, unused)

    assert not DistributionPolicy.objects.filter(pk=unused.pk).exists()


def test_changing_policies_needs_no_second_staff_member(institution, history):
    """Four eyes approve runs, not policies: the member who prepared the
    approved run changes the policies alone."""
    run = DistributionRun.objects.get(state=RunState.APPROVED)
    _first, second = history

    update_policy(run.prepared_by, second, tiers=[Tier(up_to=None, inventors=Decimal("0.6"))])

    assert tiers_of(second)[0].inventors == Decimal("0.6")


# --- Who may -------------------------------------------------------------------------------


def test_only_the_institutions_staff_write_its_policies(staff_user, institution, superuser):
    outsider = UserFactory(institutions=[InstitutionFactory()])
    policy = make(staff_user, institution, D(2025, 1, 1))

    for user in (outsider, PartnerUserFactory()):
        assert_refused(
            PermissionDenied, "permission_denied", make, user, institution, D(2026, 1, 1)
        )
        assert_refused(
            PermissionDenied, "permission_denied", update_policy, user, policy, name="x"
        )
        assert_refused(PermissionDenied, "permission_denied", delete_policy, user, policy)
    assert make(superuser, institution, D(2026, 1, 1)).institution == institution


def test_staff_see_only_their_institutions_policies(staff_user, institution, superuser):
    own = make(staff_user, institution, D(2025, 1, 1))
    other = InstitutionFactory()
    foreign = make(superuser, other, D(2025, 1, 1))

    assert list(policies_visible_to(staff_user)) == [own]
    assert set(policies_visible_to(superuser)) == {own, foreign}
    assert not policies_visible_to(PartnerUserFactory()).exists()
