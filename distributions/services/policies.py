"""An institution's distribution policies: which one is in force on a date,
and the writes that create, change and delete them.

A policy is in force from its ``effective_from`` until the next version's
date. Approved distribution runs are immutable, so no write may change what
they were computed with: a policy that an approved run used keeps its
shares, tiers and date (its name and notes may still be corrected), and no
policy may be created, moved or deleted so that an approved run's period end
would fall under another policy than the one it used.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from achievements.choices import IpCostKind
from core.errors import DomainError, InvalidInput, PermissionDenied
from core.i18n import Message
from core.money import MINOR_UNITS, Currency
from core.text import text_input
from projects.activity import activity_record

from ..choices import PolicyPreset, RunState
from ..computations.shares import (
    ONE,
    ZERO,
    Beneficiary,
    Distribution,
    Tier,
    distribute,
    validate_tiers,
)
from ..models import DistributionPolicy, DistributionRun, PolicyTier
from ..presets import DEFAULT_DEDUCTIBLE_COST_KINDS, preset
from ..selectors import acts_for_institution

MAX_OPERATING_PROFIT_YEARS = 10
# What a policy computes with: none of these may change once an approved
# run has used the policy.
COMPUTED_FIELDS = (
    "effective_from",
    "deductible_cost_kinds",
    "equity_inventor_share",
    "operating_profit_share",
    "operating_profit_years",
)
DESCRIPTIVE_FIELDS = ("name", "name_zh", "source", "notes")


class PolicyError(DomainError):
    code = "invalid_policy"


# --- Reads ----------------------------------------------------------------------------


def may_manage_policies(user, institution) -> bool:
    """Staff of the institution, and superusers, write its policies."""
    return acts_for_institution(user, institution)


def tiers_of(policy: DistributionPolicy) -> list[Tier]:
    """The policy's tiers as the calculator takes them."""
    return [
        Tier(
            up_to=tier.up_to,
            inventors=tier.inventors,
            department=tier.department,
            institution=tier.institution,
            office=tier.office,
        )
        for tier in sorted(policy.tiers.all(), key=lambda tier: tier.position)
    ]


def policy_is_used(policy: DistributionPolicy) -> bool:
    """Whether an approved run has been computed with the policy."""
    return policy.runs.filter(state=RunState.APPROVED).exists()


# --- Writes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Version:
    pk: int | None
    effective_from: date


def _refuse_unless_manager(by, institution) -> None:
    if not may_manage_policies(by, institution):
        raise PermissionDenied(
            _("Only the staff of the institution change its distribution policies.")
        )


def _lock_versions(institution) -> list[_Version]:
    # Lock the institution's policies: two staff members changing its
    # versions at once could each pass the approved-run check alone.
    return [
        _Version(pk, effective_from)
        for pk, effective_from in DistributionPolicy.objects.select_for_update()
        .filter(institution=institution)
        .order_by("effective_from")
        .values_list("pk", "effective_from")
    ]


def _in_force(versions: Iterable[_Version], on: date) -> int | None:
    candidates = [version for version in versions if version.effective_from <= on]
    if not candidates:
        return None
    return max(candidates, key=lambda version: version.effective_from).pk


def _check_approved_runs(institution, before: list[_Version], after: list[_Version]) -> None:
    """Refuse a set of versions under which an approved run's period end
    falls under another policy than before."""
    runs = DistributionRun.objects.filter(
        institution=institution, state=RunState.APPROVED
    ).values_list("period_end", flat=True)
    for period_end in runs:
        if _in_force(before, period_end) != _in_force(after, period_end):
            raise PolicyError(
                _(
                    "An approved distribution run for the period ending %(date)s used the "
                    "policy in force then; this date would put it under another policy. "
                    "Choose another date, or correct the run first."
                )
                % {"date": period_end.isoformat()},
                code="policy_change_alters_approved_run",
                field="effective_from",
            )


def _refuse_if_used(policy: DistributionPolicy, message: str) -> None:
    if policy_is_used(policy):
        raise PolicyError(message, code="policy_used_by_approved_run")


def _fraction(value, field: str, errors: dict) -> Decimal:
    try:
        value = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        errors[field] = [_("Enter a share between 0 and 1 (0.5 = 50 %).")]
        return ZERO
    if not value.is_finite() or value < ZERO or value > ONE:
        errors[field] = [_("A share is between 0 and 100 %.")]
        return ZERO
    return value


def _clean_tiers(tiers: Sequence[Tier]) -> list[Tier]:
    tiers = list(tiers)
    validate_tiers(tiers)
    errors = {}
    for index, tier in enumerate(tiers):
        for part in ("inventors", "department", "institution", "office"):
            share = getattr(tier, part)
            if share != share.quantize(Decimal("0.0001")):
                errors[f"tiers.{index}.{part}"] = [
                    _("A share has at most four decimals (0.3333 = 33.33 %).")
                ]
    if errors:
        raise InvalidInput(errors, code="invalid_share")
    return tiers


def _clean_fields(fields: dict, *, creating: bool) -> dict:
    """The policy's fields as they will be stored; every fault at once."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for name in ("name", "name_zh", "source", "notes"):
        if name not in fields:
            continue
        try:
            cleaned[name] = text_input(
                fields[name],
                model=DistributionPolicy,
                field=name,
                required=_("Name the policy.") if name == "name" else None,
                error_class=PolicyError,
            )
        except PolicyError as error:
            errors[name] = [error.message]
    if creating and "name" not in fields:
        errors["name"] = [_("Name the policy.")]
    for name in ("equity_inventor_share", "operating_profit_share"):
        if name in fields:
            cleaned[name] = _fraction(fields[name], name, errors)
    if "operating_profit_years" in fields:
        years = fields["operating_profit_years"]
        if not isinstance(years, int) or not 0 <= years <= MAX_OPERATING_PROFIT_YEARS:
            errors["operating_profit_years"] = [
                _("Between 0 and %(limit)s years.") % {"limit": MAX_OPERATING_PROFIT_YEARS}
            ]
        else:
            cleaned["operating_profit_years"] = years
    if "deductible_cost_kinds" in fields:
        kinds = list(dict.fromkeys(fields["deductible_cost_kinds"] or []))
        unknown = [kind for kind in kinds if kind not in IpCostKind.values]
        if unknown:
            errors["deductible_cost_kinds"] = [
                _("Not a kind of IP cost: %(kinds)s.") % {"kinds": ", ".join(map(str, unknown))}
            ]
        else:
            cleaned["deductible_cost_kinds"] = [str(kind) for kind in kinds]
    if "effective_from" in fields:
        if not isinstance(fields["effective_from"], date):
            errors["effective_from"] = [_("Enter the date the policy takes effect.")]
        else:
            cleaned["effective_from"] = fields["effective_from"]
    if "preset" in fields:
        if fields["preset"] not in PolicyPreset.values:
            errors["preset"] = [_("Not a preset.")]
        else:
            cleaned["preset"] = fields["preset"]
    if errors:
        raise InvalidInput(errors, code="invalid_policy")
    return cleaned


def _check_date_free(institution, effective_from: date, *, exclude=None) -> None:
    taken = DistributionPolicy.objects.filter(
        institution=institution, effective_from=effective_from
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise PolicyError(
            _("The institution has a policy in force from this date already."),
            code="policy_date_taken",
            field="effective_from",
        )


def _write_tiers(policy: DistributionPolicy, tiers: Sequence[Tier]) -> None:
    policy.tiers.all().delete()
    PolicyTier.objects.bulk_create(
        PolicyTier(
            policy=policy,
            position=position,
            up_to=tier.up_to,
            inventors=tier.inventors,
            department=tier.department,
            institution=tier.institution,
            office=tier.office,
        )
        for position, tier in enumerate(tiers, start=1)
    )


def _record(policy: DistributionPolicy, by, verb: str, summary: Message, changes=None):
    activity_record(
        actor=by,
        verb=verb,
        target=policy,
        summary=summary,
        changes=changes,
        is_internal=True,
    )


@transaction.atomic
def create_policy(
    user,
    institution,
    *,
    name: str,
    effective_from: date,
    tiers: Sequence[Tier],
    preset: str = PolicyPreset.CUSTOM,
    name_zh: str = "",
    deductible_cost_kinds: Sequence[str] = DEFAULT_DEDUCTIBLE_COST_KINDS,
    equity_inventor_share: Decimal = ZERO,
    operating_profit_share: Decimal = ZERO,
    operating_profit_years: int = 0,
    source: str = "",
    notes: str = "",
) -> DistributionPolicy:
    """A new version of the institution's policy, in force from
    ``effective_from``, with its ``tiers`` (fractions, 0.5 = 50 %)."""
    _refuse_unless_manager(user, institution)
    fields = _clean_fields(
        {
            "name": name,
            "name_zh": name_zh,
            "effective_from": effective_from,
            "preset": preset,
            "deductible_cost_kinds": deductible_cost_kinds,
            "equity_inventor_share": equity_inventor_share,
            "operating_profit_share": operating_profit_share,
            "operating_profit_years": operating_profit_years,
            "source": source,
            "notes": notes,
        },
        creating=True,
    )
    tiers = _clean_tiers(tiers)
    before = _lock_versions(institution)
    _check_date_free(institution, fields["effective_from"])
    _check_approved_runs(institution, before, [*before, _Version(None, fields["effective_from"])])
    policy = DistributionPolicy.objects.create(institution=institution, created_by=user, **fields)
    _write_tiers(policy, tiers)
    _record(
        policy,
        user,
        "distribution_policy.created",
        Message(
            gettext_lazy("Distribution policy %(name)s in force from %(date)s."),
            name=policy.name,
            date=policy.effective_from,
        ),
    )
    return policy


def policy_from_preset(
    user,
    institution,
    *,
    preset_key: str,
    effective_from: date,
    name: str | None = None,
    name_zh: str | None = None,
    notes: str = "",
) -> DistributionPolicy:
    """A new version of the institution's policy with a preset's tiers,
    shares and source."""
    if preset_key not in PolicyPreset.values or preset_key == PolicyPreset.CUSTOM:
        raise PolicyError(_("Choose one of the presets."), code="unknown_preset", field="preset")
    chosen = preset(preset_key)
    return create_policy(
        user,
        institution,
        name=chosen.name if name is None else name,
        name_zh=chosen.name_zh if name_zh is None else name_zh,
        effective_from=effective_from,
        tiers=chosen.tiers,
        preset=chosen.key,
        deductible_cost_kinds=chosen.deductible_cost_kinds,
        equity_inventor_share=chosen.equity_inventor_share,
        operating_profit_share=chosen.operating_profit_share,
        operating_profit_years=chosen.operating_profit_years,
        source=chosen.source,
        notes=notes,
    )


@transaction.atomic
def update_policy(
    user, policy: DistributionPolicy, *, tiers: Sequence[Tier] | None = None, **fields
) -> DistributionPolicy:
    """Change a policy's fields and, with ``tiers``, replace its tiers. A
    policy an approved run used keeps what it computes with."""
    _refuse_unless_manager(user, policy.institution)
    unknown = set(fields) - {*COMPUTED_FIELDS, *DESCRIPTIVE_FIELDS, "preset"}
    if unknown:
        raise TypeError(f"update_policy() got unexpected fields {sorted(unknown)}")
    cleaned = _clean_fields(fields, creating=False)
    if tiers is not None:
        tiers = _clean_tiers(tiers)
    before = _lock_versions(policy.institution)
    policy = DistributionPolicy.objects.select_for_update().get(pk=policy.pk)
    changed = {name: value for name, value in cleaned.items() if getattr(policy, name) != value}
    tiers_changed = tiers is not None and tiers != tiers_of(policy)
    computed = [name for name in changed if name in COMPUTED_FIELDS]
    if computed or tiers_changed:
        _refuse_if_used(
            policy,
            _(
                "An approved distribution run used this policy, so its tiers, shares and "
                "date stay as they are. Make a new version from a later date instead."
            ),
        )
    if "effective_from" in changed:
        _check_date_free(policy.institution, changed["effective_from"], exclude=policy)
        after = [
            _Version(version.pk, changed["effective_from"]) if version.pk == policy.pk else version
            for version in before
        ]
        _check_approved_runs(policy.institution, before, after)
    for name, value in changed.items():
        setattr(policy, name, value)
    if changed:
        policy.save(update_fields=[*changed, "updated_at"])
    if tiers_changed:
        _write_tiers(policy, tiers)
    if changed or tiers_changed:
        _record(
            policy,
            user,
            "distribution_policy.changed",
            Message(gettext_lazy("Distribution policy %(name)s changed."), name=policy.name),
            changes={name: str(value) for name, value in changed.items() if name != "notes"}
            | ({"tiers": "replaced"} if tiers_changed else {}),
        )
    return policy


@transaction.atomic
def delete_policy(user, policy: DistributionPolicy) -> None:
    """Delete a version nobody has distributed with, unless its going
    would put an approved run's period under another policy."""
    _refuse_unless_manager(user, policy.institution)
    before = _lock_versions(policy.institution)
    _refuse_if_used(
        policy, _("An approved distribution run used this policy, so it stays on record.")
    )
    after = [version for version in before if version.pk != policy.pk]
    _check_approved_runs(policy.institution, before, after)
    _record(
        policy,
        user,
        "distribution_policy.deleted",
        Message(
            gettext_lazy("Distribution policy %(name)s of %(date)s deleted."),
            name=policy.name,
            date=policy.effective_from,
        ),
    )
    policy.delete()


# --- What-ifs -------------------------------------------------------------------------


def what_if(
    *,
    net_income: Decimal,
    previously_distributed_net_income: Decimal,
    tiers: Sequence[Tier],
    inventors: Sequence[Beneficiary],
    currency: str = Currency.CNY,
) -> Distribution:
    """The lines a period's net income would give under ``tiers``, rounded
    to the minor unit of ``currency``; nothing is saved. The API's
    calculator and the policy page's calculator both call this."""
    return distribute(
        net_income,
        previously_distributed_net_income,
        tiers,
        inventors,
        places=MINOR_UNITS[Currency(currency)],
    )
