"""Valuation inputs: validate what a user sends, method by method.

The API and the services read inputs through these serializers
(``inputs_validate``), so a stored valuation is re-run from exactly the rules
that accepted it. This is the one module of the valuation domain written
with DRF's serializers; a refusal leaves it as a ``ValuationInputError``.
Numbers may come as JSON numbers or as decimal strings ("1500.50"); the
engine computes in float64 (docs/valuation.md says why).
"""

import math
import re
import secrets
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.money import MAX_AMOUNT as MAX_MONEY
from core.money import Currency, amount_error_messages

from .choices import ValuationMethod
from .engine.deal import RoyaltyBasis
from .engine.flexibility import PROBABILITY_SUM_TOLERANCE
from .engine.menu import MAX_STRUCTURES, MIN_STRUCTURES, SHARE_SUM_TOLERANCE, STANDARD_MENU
from .engine.montecarlo import (
    DEFAULT_BINS,
    MAX_BINS,
    MAX_TRIALS,
    DistributionKind,
)
from .engine.rnpv import MAX_HORIZON_YEARS
from .engine.scorecard import CRITERIA, MAX_SCORE
from .engine.solve import SOLVE_TERMS, Party
from .engine.timing import Timing
from .errors import ValuationInputError

# Amounts beyond money's limit are typing errors, and would lose float
# precision.
MAX_AMOUNT = float(MAX_MONEY)
MAX_PHASES = 30
MAX_YEARS = MAX_HORIZON_YEARS
MAX_SEED = 2**63 - 1

_DECIMAL = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")


NUMBER_SCHEMA = {
    "oneOf": [{"type": "number"}, {"type": "string", "pattern": _DECIMAL.pattern}],
    "description": "A JSON number or a decimal string.",
}
WHOLE_NUMBER_SCHEMA = {
    "oneOf": [{"type": "integer"}, {"type": "string", "pattern": r"^\s*[+-]?\d+\s*$"}],
    "description": "A whole number, as a JSON number or a string.",
}


@extend_schema_field(NUMBER_SCHEMA)
class NumberField(serializers.Field):
    """A finite number sent as a JSON number or a decimal string."""

    default_error_messages = {
        # The words of every amount field (core.money).
        "invalid": amount_error_messages()["invalid"],
        "too_large": amount_error_messages()["max_value"],
        "min_value": _("Ensure this value is greater than or equal to {limit}."),
        "max_value": _("Ensure this value is less than or equal to {limit}."),
        "above": _("Ensure this value is greater than {limit}."),
    }

    def __init__(self, *, min_value=None, max_value=None, above=None, **kwargs):
        self.min_value, self.max_value, self.above = min_value, max_value, above
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int | float | Decimal) or (
            isinstance(data, str) and _DECIMAL.match(data)
        ):
            value = float(data)
        else:
            self.fail("invalid")
        if math.isinf(value) or abs(value) > MAX_AMOUNT:
            self.fail("too_large")
        if not math.isfinite(value):
            self.fail("invalid")
        if self.min_value is not None and value < self.min_value:
            self.fail("min_value", limit=self.min_value)
        if self.max_value is not None and value > self.max_value:
            self.fail("max_value", limit=self.max_value)
        if self.above is not None and value <= self.above:
            self.fail("above", limit=self.above)
        return value

    def to_representation(self, value):
        return value


@extend_schema_field(WHOLE_NUMBER_SCHEMA)
class WholeNumberField(NumberField):
    """A whole number (``2``, ``2.0`` or ``"2"``); ``2.5`` is refused."""

    default_error_messages = {
        "not_whole": _("A whole number is required; fractions are not supported here."),
    }

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value != int(value):
            self.fail("not_whole")
        return int(value)


@extend_schema_field({**NUMBER_SCHEMA, "description": "Between 0 and 1."})
class ProbabilityField(NumberField):
    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=1, **kwargs)


class TimingField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("default", Timing.END_OF_YEAR.value)
        super().__init__(choices=[t.value for t in Timing], **kwargs)


class ErrorCollector:
    """Gathers errors of several nested fields into one ``ValidationError``
    so that a 400 names every bad field at once."""

    def __init__(self):
        self.errors: dict = {}

    def add(self, path: list, message) -> None:
        node = self.errors
        *parents, leaf = path
        for key in parents:
            node = node.setdefault(key, {})
        node.setdefault(leaf, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise serializers.ValidationError(self.errors)


# --- rNPV, deal and simulation ---------------------------------------------


class PhaseInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    years = WholeNumberField(
        min_value=1,
        max_value=MAX_YEARS,
        help_text="Whole years (1 or more): costs are spread evenly over them.",
    )
    cost = NumberField(min_value=0, help_text="Total cost of the phase.")
    success_probability = ProbabilityField()


class CommercialInputSerializer(serializers.Serializer):
    peak_sales = NumberField(min_value=0)
    ramp = serializers.ListField(
        child=NumberField(min_value=0, max_value=10),
        max_length=MAX_YEARS,
        default=list,
        help_text="Shares of peak sales in the first years after launch.",
    )
    plateau_years = WholeNumberField(
        min_value=0, max_value=MAX_YEARS, help_text="Years at peak; exclusivity ends after them."
    )
    erosion = serializers.ListField(
        child=NumberField(min_value=0, max_value=10),
        max_length=MAX_YEARS,
        default=list,
        help_text="Shares of peak sales in the years after exclusivity ends.",
    )
    cogs_rate = ProbabilityField(default=0.0)
    opex_rate = ProbabilityField(default=0.0)
    tax_rate = ProbabilityField(default=0.0)
    launch_delay = WholeNumberField(
        min_value=0,
        max_value=MAX_YEARS,
        default=0,
        help_text="Years between the end of the last phase and launch.",
    )


class MilestoneInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    amount = NumberField(min_value=0)
    on_phase_success = serializers.CharField(
        max_length=100, required=False, allow_null=True, default=None
    )
    on_annual_sales_at_least = NumberField(above=0, required=False, allow_null=True, default=None)

    def validate(self, attrs):
        triggers = [attrs["on_phase_success"], attrs["on_annual_sales_at_least"]]
        if sum(trigger is not None for trigger in triggers) != 1:
            raise serializers.ValidationError(
                {
                    "on_phase_success": [
                        _(
                            "Give exactly one trigger: on_phase_success or "
                            "on_annual_sales_at_least."
                        )
                    ]
                }
            )
        return attrs


class RoyaltyTierInputSerializer(serializers.Serializer):
    up_to = NumberField(
        above=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="Upper bound of the band of yearly sales; null on the last, open band.",
    )
    rate = ProbabilityField()


class DealInputSerializer(serializers.Serializer):
    upfront = NumberField(min_value=0, default=0.0)
    milestones = MilestoneInputSerializer(many=True, required=False, default=list)
    royalty_tiers = RoyaltyTierInputSerializer(many=True, required=False, default=list)
    royalty_basis = serializers.ChoiceField(
        choices=[b.value for b in RoyaltyBasis], default=RoyaltyBasis.MARGINAL.value
    )
    royalty_years = WholeNumberField(
        min_value=0,
        max_value=MAX_YEARS,
        required=False,
        allow_null=True,
        default=None,
        help_text="Years of royalties from launch; by default up to the end of the plateau.",
    )
    licensee_cost_share = ProbabilityField(
        default=1.0, help_text="Share of the development costs the licensee bears (0-1)."
    )

    def validate_royalty_tiers(self, tiers):
        errors = [{} for _tier in tiers]
        previous = 0.0
        for index, tier in enumerate(tiers):
            last = index == len(tiers) - 1
            bound = tier["up_to"]
            if bound is None and not last:
                errors[index] = {"up_to": [_("Only the last tier is open-ended.")]}
            elif bound is not None and last:
                errors[index] = {"up_to": [_("The last tier is open-ended: send up_to null.")]}
            elif bound is not None and bound <= previous:
                errors[index] = {
                    "up_to": [_("Tiers are in increasing order of their upper bound.")]
                }
            if bound is not None:
                previous = max(previous, bound)
        if any(errors):
            raise serializers.ValidationError(errors)
        return tiers


class DistributionInputSerializer(serializers.Serializer):
    distribution = serializers.ChoiceField(choices=[k.value for k in DistributionKind])
    low = NumberField(required=False, allow_null=True, default=None)
    mode = NumberField(required=False, allow_null=True, default=None)
    high = NumberField(required=False, allow_null=True, default=None)
    mean = NumberField(required=False, allow_null=True, default=None)
    sd = NumberField(min_value=0, required=False, allow_null=True, default=None)

    NEEDS = {
        "triangular": ("low", "mode", "high"),
        "uniform": ("low", "high"),
        "normal": ("mean", "sd"),
        "lognormal": ("mean", "sd"),
    }

    def validate(self, attrs):
        kind = attrs["distribution"]
        errors = {
            name: [_("A %(kind)s distribution needs it.") % {"kind": kind}]
            for name in self.NEEDS[kind]
            if attrs.get(name) is None
        }
        if errors:
            raise serializers.ValidationError(errors)
        if kind == "triangular" and not attrs["low"] <= attrs["mode"] <= attrs["high"]:
            raise serializers.ValidationError({"mode": [_("Needs low <= mode <= high.")]})
        if kind == "uniform" and attrs["low"] > attrs["high"]:
            raise serializers.ValidationError({"high": [_("Needs low <= high.")]})
        if kind == "lognormal" and attrs["mean"] <= 0:
            raise serializers.ValidationError({"mean": [_("A lognormal mean is above zero.")]})
        return attrs


class SimulationInputSerializer(serializers.Serializer):
    trials = WholeNumberField(min_value=1, max_value=MAX_TRIALS)
    seed = WholeNumberField(
        min_value=0,
        max_value=MAX_SEED,
        required=False,
        allow_null=True,
        default=None,
        help_text="Fix it to reproduce a run; without one a seed is drawn and returned.",
    )
    bins = WholeNumberField(min_value=1, max_value=MAX_BINS, default=DEFAULT_BINS)
    peak_sales = DistributionInputSerializer(required=False, allow_null=True, default=None)
    phase_costs = serializers.DictField(
        child=DistributionInputSerializer(), required=False, default=dict
    )
    phase_years = serializers.DictField(
        child=DistributionInputSerializer(),
        required=False,
        default=dict,
        help_text="Draws are rounded half up to whole years, at least 1.",
    )
    launch_delay = DistributionInputSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text="Years; draws are rounded half up to whole years, at least 0.",
    )


class ScenarioInputSerializer(serializers.Serializer):
    probability = ProbabilityField()
    peak_sales = NumberField(min_value=0)


class RevelationInputSerializer(serializers.Serializer):
    after_phase = serializers.CharField(
        max_length=100, help_text="The phase whose success reveals which scenario holds."
    )
    scenarios = ScenarioInputSerializer(
        many=True,
        max_length=20,
        help_text="Peak sales in each scenario and its probability; the probabilities add "
        "up to 1.",
    )

    def validate_scenarios(self, scenarios):
        if not scenarios:
            raise serializers.ValidationError(
                _("Give at least one scenario."), code="no_scenarios"
            )
        total = math.fsum(scenario["probability"] for scenario in scenarios)
        if abs(total - 1.0) > PROBABILITY_SUM_TOLERANCE:
            raise serializers.ValidationError(
                _("The scenarios' probabilities add up to %(total)s, not 1.")
                % {"total": f"{total:g}"},
                code="probabilities_not_summing_to_one",
            )
        return scenarios


class StructureInputSerializer(serializers.Serializer):
    key = serializers.SlugField(
        max_length=40, help_text="The structure's name, unique in the menu."
    )
    upfront_share = ProbabilityField()
    milestones_share = ProbabilityField()
    royalties_share = ProbabilityField()

    def validate(self, attrs):
        total = attrs["upfront_share"] + attrs["milestones_share"] + attrs["royalties_share"]
        if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
            raise serializers.ValidationError(
                {"upfront_share": [_("The three shares add up to 1.")]}, code="shares_not_one"
            )
        return attrs


def _standard_structures():
    return [
        {
            "key": mix.key,
            "upfront_share": mix.upfront_share,
            "milestones_share": mix.milestones_share,
            "royalties_share": mix.royalties_share,
        }
        for mix in STANDARD_MENU
    ]


class MenuInputSerializer(serializers.Serializer):
    target = NumberField(
        min_value=0,
        help_text="What the deal is worth to the licensor in every structure: the value it "
        "asks, or the lump sum it would accept today (an upfront is certain and undiscounted, "
        "so the two are the same number).",
    )
    structures = StructureInputSerializer(
        many=True,
        default=_standard_structures,
        help_text="The mixes of upfront, milestones and royalties, as shares of the value of "
        "the licensor's payments; by default six from all upfront to all royalties.",
    )
    trials = WholeNumberField(
        min_value=1,
        max_value=100_000,
        default=10_000,
        help_text="Monte Carlo trials per structure (the body's simulation, when given, sets "
        "the uncertain inputs; these trials and seed apply).",
    )
    seed = WholeNumberField(
        min_value=0, max_value=MAX_SEED, required=False, allow_null=True, default=None
    )

    def validate_structures(self, structures):
        if len(structures) < MIN_STRUCTURES:
            raise serializers.ValidationError(
                _("A menu compares at least %(count)d structures.") % {"count": MIN_STRUCTURES},
                code="too_few_structures",
            )
        if len(structures) > MAX_STRUCTURES:
            raise serializers.ValidationError(
                _("A menu compares at most %(count)d structures.") % {"count": MAX_STRUCTURES},
                code="too_many_structures",
            )
        keys = [structure["key"] for structure in structures]
        if len(set(keys)) != len(keys):
            raise serializers.ValidationError(
                _("Structure names are unique."), code="duplicate_structure"
            )
        return structures


class RnpvInputSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.CNY.value)
    discount_rate = NumberField(min_value=0, max_value=1)
    timing = TimingField()
    phases = PhaseInputSerializer(many=True, max_length=MAX_PHASES)
    commercial = CommercialInputSerializer()
    deal = DealInputSerializer(required=False, allow_null=True, default=None)
    simulation = SimulationInputSerializer(required=False, allow_null=True, default=None)
    revelation = RevelationInputSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text="The option to abandon: after this phase succeeds, the scenario that holds "
        "is known and development goes on only if the rest is worth more than nothing.",
    )
    menu = MenuInputSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text="Deal structures of equal value to the licensor, with each party's risk; "
        "`deal`, when given, sets the milestones' triggers, the royalty bands and the cost "
        "share.",
    )

    def validate(self, attrs):
        errors = ErrorCollector()
        names = [phase["name"] for phase in attrs["phases"]]
        seen = set()
        for index, name in enumerate(names):
            if name in seen:
                errors.add(["phases", index, "name"], _("Phase names are unique."))
            seen.add(name)
        commercial = attrs["commercial"]
        horizon = (
            sum(phase["years"] for phase in attrs["phases"])
            + commercial["launch_delay"]
            + len(commercial["ramp"])
            + commercial["plateau_years"]
            + len(commercial["erosion"])
        )
        if horizon > MAX_HORIZON_YEARS:
            errors.add(
                ["phases"],
                _("A valuation spans at most %(years)d years.") % {"years": MAX_HORIZON_YEARS},
            )
        deal = attrs.get("deal")
        if deal:
            for index, milestone in enumerate(deal["milestones"]):
                name = milestone["on_phase_success"]
                if name is not None and name not in seen:
                    errors.add(
                        ["deal", "milestones", index, "on_phase_success"],
                        _("No phase is named %(name)r.") % {"name": name},
                    )
        revelation = attrs.get("revelation")
        if revelation and revelation["after_phase"] not in seen:
            errors.add(
                ["revelation", "after_phase"],
                serializers.ErrorDetail(
                    _("No phase is named %(name)r.") % {"name": revelation["after_phase"]},
                    code="unknown_phase",
                ),
            )
        simulation = attrs.get("simulation")
        if simulation:
            for key in ("phase_costs", "phase_years"):
                for name in simulation[key]:
                    if name not in seen:
                        errors.add(
                            ["simulation", key, name],
                            _("No phase is named %(name)r.") % {"name": name},
                        )
        errors.raise_if_any()
        if simulation and simulation["seed"] is None:
            # Draw the seed here so that the stored inputs reproduce the run.
            simulation["seed"] = secrets.randbelow(2**32)
        menu = attrs.get("menu")
        if menu and menu["seed"] is None:
            menu["seed"] = secrets.randbelow(2**32)
        return attrs


class SolveTermSerializer(serializers.Serializer):
    # "for" is the API's word and a Python keyword: declared below.
    party = serializers.ChoiceField(choices=[p.value for p in Party])
    target = NumberField(help_text="The party's rNPV to reach.")


SolveTermSerializer._declared_fields["for"] = serializers.ChoiceField(
    choices=SOLVE_TERMS,
    help_text="The term to solve for: the upfront, or a factor on every royalty rate or on "
    "every milestone amount.",
)


class SolveInputSerializer(RnpvInputSerializer):
    deal = DealInputSerializer(help_text="The deal whose term is solved for.")
    solve = SolveTermSerializer()


# --- Income, cost and market approaches, scorecard -------------------------


def _yearly(help_text: str, **kwargs):
    return serializers.ListField(
        child=NumberField(**kwargs),
        min_length=1,
        max_length=MAX_YEARS,
        help_text=help_text,
    )


class ReliefFromRoyaltyInputSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.CNY.value)
    revenues = _yearly("Revenue of each year from year 1.", min_value=0)
    royalty_rate = ProbabilityField()
    discount_rate = NumberField(min_value=0, max_value=1)
    tax_rate = ProbabilityField()
    tax_amortisation_benefit = serializers.BooleanField(default=False)
    amortisation_years = WholeNumberField(
        min_value=1, max_value=MAX_YEARS, required=False, allow_null=True, default=None
    )
    timing = TimingField()

    def validate(self, attrs):
        if attrs["tax_amortisation_benefit"] and attrs["amortisation_years"] is None:
            raise serializers.ValidationError(
                {"amortisation_years": [_("Needed with the tax amortisation benefit.")]}
            )
        return attrs


class ProfitSplitInputSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.CNY.value)
    revenues = _yearly("Revenue of each year from year 1.", min_value=0)
    profit_margin = NumberField(min_value=-10, max_value=1)
    technology_share = ProbabilityField()
    tax_rate = ProbabilityField()
    discount_rate = NumberField(min_value=0, max_value=1)
    timing = TimingField()


class ExcessEarningsInputSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.CNY.value)
    cash_flows = _yearly("Pre-tax cash flow of each year from year 1.")
    contributory_asset_charges = _yearly("Charge of each year, one per cash flow.")
    charges_after_tax = serializers.BooleanField(
        default=True, help_text="Charges are after tax (the default) or before tax."
    )
    tax_rate = ProbabilityField()
    discount_rate = NumberField(min_value=0, max_value=1)
    timing = TimingField()

    def validate(self, attrs):
        if len(attrs["contributory_asset_charges"]) != len(attrs["cash_flows"]):
            raise serializers.ValidationError(
                {"contributory_asset_charges": [_("Give one charge per year of cash flows.")]}
            )
        return attrs


class CostItemInputSerializer(serializers.Serializer):
    amount = NumberField(min_value=0)
    years_ago = NumberField(min_value=0, max_value=100, default=0.0)
    label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CostApproachInputSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.CNY.value)
    costs = CostItemInputSerializer(many=True, required=False, default=list, max_length=5000)
    costs_from_ledger = serializers.BooleanField(
        default=False,
        help_text="For a stored valuation: add the project's cost entries in this currency.",
    )
    inflation_rate = NumberField(min_value=-0.5, max_value=1, default=0.0)
    developer_profit_rate = NumberField(min_value=0, max_value=10, default=0.0)
    functional_obsolescence = ProbabilityField(default=0.0)
    technological_obsolescence = ProbabilityField(default=0.0)
    economic_obsolescence = ProbabilityField(default=0.0)

    def validate(self, attrs):
        if not attrs["costs"] and not attrs["costs_from_ledger"]:
            raise serializers.ValidationError({"costs": [_("Give at least one cost.")]})
        return attrs


class ComparableInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    value = NumberField(min_value=0)
    adjustment = NumberField(min_value=0, max_value=100, default=1.0)
    probability_of_success = NumberField(
        above=0, max_value=1, required=False, allow_null=True, default=None
    )
    weight = NumberField(above=0, max_value=1000, default=1.0)


class MarketApproachInputSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.CNY.value)
    comparables = ComparableInputSerializer(many=True, required=False, default=list)
    comparable_deal_ids = serializers.ListField(
        # Ids are 64-bit: a larger number cannot name a deal (nor be bound).
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        max_length=500,
        help_text="Comparable deals recorded in BioBridge, added to ``comparables``.",
    )
    subject_probability_of_success = NumberField(
        above=0,
        max_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="The subject's probability of reaching market; adjusts for stage.",
    )

    def validate(self, attrs):
        if not attrs["comparables"] and not attrs["comparable_deal_ids"]:
            raise serializers.ValidationError(
                {"comparables": [_("Give comparables or comparable_deal_ids.")]}
            )
        if attrs["subject_probability_of_success"] is not None:
            errors = [
                {}
                if c["probability_of_success"] is not None
                else {"probability_of_success": [_("Needed to adjust for stage.")]}
                for c in attrs["comparables"]
            ]
            if any(errors):
                raise serializers.ValidationError({"comparables": errors})
        return attrs


class ScorecardInputSerializer(serializers.Serializer):
    trl = serializers.IntegerField(min_value=1, max_value=9)
    scores = serializers.DictField(
        child=NumberField(min_value=0, max_value=MAX_SCORE),
        help_text="A score from 0 to 5 for each of: " + ", ".join(CRITERIA) + ".",
    )
    weights = serializers.DictField(
        child=NumberField(min_value=0, max_value=100),
        required=False,
        default=dict,
        help_text="Overrides of the default weights, by criterion.",
    )
    trl_weight = ProbabilityField(required=False, default=0.3)

    def validate(self, attrs):
        errors = {}
        missing = [name for name in CRITERIA if name not in attrs["scores"]]
        unknown = [name for name in attrs["scores"] if name not in CRITERIA]
        if missing or unknown:
            errors["scores"] = {
                **{name: [_("Every criterion is scored.")] for name in missing},
                **{name: [_("Not a criterion of the scorecard.")] for name in unknown},
            }
        unknown_weights = [name for name in attrs["weights"] if name not in CRITERIA]
        if unknown_weights:
            errors["weights"] = {
                name: [_("Not a criterion of the scorecard.")] for name in unknown_weights
            }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


INPUT_SERIALIZERS = {
    ValuationMethod.RNPV: RnpvInputSerializer,
    ValuationMethod.RELIEF_FROM_ROYALTY: ReliefFromRoyaltyInputSerializer,
    ValuationMethod.PROFIT_SPLIT: ProfitSplitInputSerializer,
    ValuationMethod.EXCESS_EARNINGS: ExcessEarningsInputSerializer,
    ValuationMethod.COST_APPROACH: CostApproachInputSerializer,
    ValuationMethod.MARKET_APPROACH: MarketApproachInputSerializer,
    ValuationMethod.SCORECARD: ScorecardInputSerializer,
}


def _plain(value):
    """Validated data as plain JSON types (dicts, lists, numbers, text)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def inputs_validate(method: str, inputs: dict) -> dict:
    """Validated inputs of ``method``, as plain JSON types; a
    ``ValuationInputError`` names every bad field."""
    serializer = INPUT_SERIALIZERS[ValuationMethod(method)](data=inputs)
    if not serializer.is_valid():
        raise ValuationInputError.from_detail(serializer.errors)
    return _plain(serializer.validated_data)
