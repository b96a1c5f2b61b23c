"""Serializers of the valuation API.

Request bodies are the input serializers of ``valuations.inputs``. The
result serializers below describe the responses in the OpenAPI schema; the
views return the engine's results as they are, so that a response costs no
field-by-field serialization.
"""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from projects.choices import TherapeuticArea

from ..choices import ValuationMethod
from ..engine.menu import INFEASIBLE_REASONS
from ..inputs import DealInputSerializer
from ..models import ComparableDeal, ReferenceSuccessRate, Valuation

# --- Results -----------------------------------------------------------------


class YearResultSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    probability = serializers.FloatField(help_text="Probability that the year's flows occur.")
    development_cost = serializers.FloatField()
    sales = serializers.FloatField()
    cash_flow = serializers.FloatField(help_text="Unweighted, undiscounted cash flow.")
    discount_factor = serializers.FloatField()
    present_value = serializers.FloatField()
    risk_adjusted_present_value = serializers.FloatField()


class MilestoneResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.FloatField()
    year = serializers.IntegerField(allow_null=True, help_text="Null when never reached.")
    probability = serializers.FloatField()
    present_value = serializers.FloatField(help_text="Risk-adjusted present value.")


class DealResultSerializer(serializers.Serializer):
    licensor_rnpv = serializers.FloatField()
    licensee_rnpv = serializers.FloatField()
    licensor_share = serializers.FloatField(
        allow_null=True, help_text="Licensor's rNPV / project rNPV; null unless rNPV > 0."
    )
    royalty_rnpv = serializers.FloatField()
    milestones_rnpv = serializers.FloatField()
    upfront = serializers.FloatField()
    licensor_cost_rnpv = serializers.FloatField(
        help_text="Risk-adjusted PV of the licensor's share of development costs."
    )
    lump_sum_equivalent = serializers.FloatField(
        help_text="The one-shot price in year 0 worth the licensor's rNPV."
    )
    milestones = MilestoneResultSerializer(many=True)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["fails_in_phase", "reaches_market"])
    phase = serializers.CharField(allow_null=True)
    probability = serializers.FloatField()
    project_pv = serializers.FloatField()
    licensor_pv = serializers.FloatField()
    licensee_pv = serializers.FloatField()
    licensee_pv_lump_sum = serializers.FloatField()


class PartyRiskSerializer(serializers.Serializer):
    mean = serializers.FloatField()
    sd = serializers.FloatField()
    probability_of_loss = serializers.FloatField()


class RiskSerializer(serializers.Serializer):
    licensor = PartyRiskSerializer()
    licensee = PartyRiskSerializer()
    licensee_lump_sum = PartyRiskSerializer()
    project = PartyRiskSerializer()
    licensor_below_lump_sum_probability = serializers.FloatField()


class HistogramSerializer(serializers.Serializer):
    edges = serializers.ListField(child=serializers.FloatField())
    counts = serializers.ListField(child=serializers.IntegerField())


class SummarySerializer(serializers.Serializer):
    mean = serializers.FloatField()
    sd = serializers.FloatField()
    p5 = serializers.FloatField()
    p50 = serializers.FloatField()
    p95 = serializers.FloatField()
    probability_of_loss = serializers.FloatField()
    histogram = HistogramSerializer()


class SimulationResultSerializer(SummarySerializer):
    trials = serializers.IntegerField()
    seed = serializers.IntegerField()
    licensor = SummarySerializer(allow_null=True)
    licensee = SummarySerializer(allow_null=True)


class ScenarioResultSerializer(serializers.Serializer):
    probability = serializers.FloatField()
    peak_sales = serializers.FloatField()
    continuation_value = serializers.FloatField(
        help_text="Value of everything after the gate, risk-adjusted by the later phases and "
        "discounted to today, given the gate was passed."
    )
    # "continue" is a Python keyword: declared below.


ScenarioResultSerializer._declared_fields["continue"] = serializers.BooleanField(
    help_text="Whether development goes on in this scenario (its continuation value is above "
    "zero)."
)


class FlexibilityResultSerializer(serializers.Serializer):
    after_phase = serializers.CharField()
    gate_year = serializers.IntegerField(help_text="The last year of the gate's phase.")
    gate_probability = serializers.FloatField(help_text="Probability of passing the gate.")
    value_before_gate = serializers.FloatField(
        help_text="Risk-adjusted PV of the costs up to and including the gate's phase."
    )
    expected_peak_sales = serializers.FloatField()
    static_value = serializers.FloatField(
        help_text="rNPV with the scenarios' expected peak sales and no option to stop."
    )
    flexible_value = serializers.FloatField()
    option_value = serializers.FloatField(help_text="flexible_value - static_value.")
    scenarios = ScenarioResultSerializer(many=True)


class PartyFiguresSerializer(serializers.Serializer):
    mean = serializers.FloatField()
    sd = serializers.FloatField()
    p5 = serializers.FloatField()
    p95 = serializers.FloatField()
    probability_of_loss = serializers.FloatField()


class PartyMenuFiguresSerializer(serializers.Serializer):
    exact = PartyFiguresSerializer(allow_null=True, help_text="From the exact outcome table.")
    simulated = PartyFiguresSerializer(allow_null=True, help_text="From the Monte Carlo trials.")


class CashBeforeLaunchSerializer(serializers.Serializer):
    if_all_succeed = serializers.FloatField()
    expected = serializers.FloatField()


class MenuStructureResultSerializer(serializers.Serializer):
    key = serializers.CharField()
    upfront_share = serializers.FloatField()
    milestones_share = serializers.FloatField()
    royalties_share = serializers.FloatField()
    feasible = serializers.BooleanField()
    reason = serializers.ChoiceField(
        choices=["", *INFEASIBLE_REASONS],
        help_text="Why an infeasible structure is: no milestone is ever paid, no royalty is "
        "ever earned, or the royalties would exceed sales.",
    )
    deal = DealInputSerializer(allow_null=True, help_text="The structure as deal inputs.")
    licensor = PartyMenuFiguresSerializer()
    licensee = PartyMenuFiguresSerializer()
    licensee_cash_before_launch = CashBeforeLaunchSerializer(allow_null=True)


class MenuResultSerializer(serializers.Serializer):
    target = serializers.FloatField()
    project_rnpv = serializers.FloatField()
    payments_value = serializers.FloatField(
        help_text="rNPV of the licensor's payments: the target plus its own share of costs."
    )
    trials = serializers.IntegerField()
    seed = serializers.IntegerField()
    structures = MenuStructureResultSerializer(many=True)


class ReachableSerializer(serializers.Serializer):
    min = serializers.FloatField(allow_null=True, help_text="Null: no lower bound.")
    max = serializers.FloatField(allow_null=True, help_text="Null: no upper bound.")


class SolveResultSerializer(serializers.Serializer):
    currency = serializers.CharField()
    party = serializers.CharField()
    target = serializers.FloatField()
    value = serializers.FloatField(
        help_text="The upfront, or the factor on every royalty rate or milestone amount."
    )
    licensor_rnpv = serializers.FloatField()
    licensee_rnpv = serializers.FloatField()
    project_rnpv = serializers.FloatField()
    reachable = ReachableSerializer(help_text="The party's values the term can reach.")
    deal = DealInputSerializer(help_text="The solved deal as inputs.")
    split = DealResultSerializer()


SolveResultSerializer._declared_fields["for"] = serializers.CharField()


class RnpvResultSerializer(serializers.Serializer):
    currency = serializers.CharField()
    npv = serializers.FloatField(help_text="NPV as if every phase succeeds.")
    rnpv = serializers.FloatField()
    cumulative_probability = serializers.FloatField(help_text="Probability of reaching market.")
    launch_year = serializers.IntegerField()
    years = YearResultSerializer(many=True)
    deal = DealResultSerializer(required=False)
    outcomes = OutcomeSerializer(many=True, required=False)
    risk = RiskSerializer(required=False)
    simulation = SimulationResultSerializer(required=False)
    flexibility = FlexibilityResultSerializer(required=False)
    menu = MenuResultSerializer(required=False)


class IncomeYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    amount = serializers.FloatField()
    after_tax = serializers.FloatField()
    discount_factor = serializers.FloatField()
    present_value = serializers.FloatField()


class ReliefFromRoyaltyResultSerializer(serializers.Serializer):
    currency = serializers.CharField()
    value = serializers.FloatField()
    present_value_before_benefit = serializers.FloatField()
    benefit_factor = serializers.FloatField()
    annuity_factor = serializers.FloatField(allow_null=True)
    years = IncomeYearSerializer(many=True)


class IncomeResultSerializer(serializers.Serializer):
    currency = serializers.CharField()
    value = serializers.FloatField()
    years = IncomeYearSerializer(many=True)


class CostApproachResultSerializer(serializers.Serializer):
    currency = serializers.CharField()
    historical_cost = serializers.FloatField()
    reproduction_cost = serializers.FloatField()
    replacement_cost = serializers.FloatField()
    remaining_fraction = serializers.FloatField()
    value = serializers.FloatField()


class AdjustedComparableSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.FloatField()
    adjusted_value = serializers.FloatField()
    weight = serializers.FloatField()


class MarketApproachResultSerializer(serializers.Serializer):
    currency = serializers.CharField()
    value = serializers.FloatField(help_text="Weighted median of the adjusted values.")
    count = serializers.IntegerField()
    mean = serializers.FloatField()
    weighted_mean = serializers.FloatField()
    p25 = serializers.FloatField()
    p75 = serializers.FloatField()
    low = serializers.FloatField()
    high = serializers.FloatField()
    comparables = AdjustedComparableSerializer(many=True)


class CriterionScoreSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    score = serializers.FloatField()
    weight = serializers.FloatField()
    weighted_points = serializers.FloatField()


class ScorecardResultSerializer(serializers.Serializer):
    trl = serializers.IntegerField()
    trl_score = serializers.FloatField()
    criteria_score = serializers.FloatField()
    overall_score = serializers.FloatField()
    grade = serializers.CharField()
    criteria = CriterionScoreSerializer(many=True)


# --- Stored valuations and reference data ------------------------------------


# Not "ValuationList": a page of them would be "PaginatedValuationListList".
@extend_schema_serializer(component_name="ValuationSummary")
class ValuationListSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    created_by = serializers.CharField(
        source="created_by.email", read_only=True, default=None, allow_null=True
    )
    headline_value = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Valuation
        fields = [
            "id",
            "project",
            "project_code",
            "method",
            "label",
            "status",
            "currency",
            "headline_value",
            "engine_version",
            "rerun_of",
            "created_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


@extend_schema_serializer(component_name="Valuation")
class ValuationSerializer(ValuationListSerializer):
    class Meta(ValuationListSerializer.Meta):
        fields = [
            *ValuationListSerializer.Meta.fields,
            "started_at",
            "error",
            "inputs",
            "results",
            "scorecard_inputs",
            "scorecard",
        ]
        read_only_fields = fields


class ValuationCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, help_text="Id of a project you can see.")
    method = serializers.ChoiceField(choices=ValuationMethod.choices)
    inputs = serializers.DictField(help_text="The request body of the method's compute endpoint.")
    scorecard = serializers.DictField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A maturity scorecard to store with the valuation.",
    )
    label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# Read-only model fields lose ``allow_blank``; say so, or the schema would
# not admit "" (all areas, or none given).
def therapeutic_area_field():
    return serializers.ChoiceField(
        choices=TherapeuticArea.choices, allow_blank=True, read_only=True
    )


class ReferenceSuccessRateSerializer(serializers.ModelSerializer):
    therapeutic_area = therapeutic_area_field()

    class Meta:
        model = ReferenceSuccessRate
        fields = [
            "id",
            "phase",
            "therapeutic_area",
            "success_probability",
            "typical_years",
            "typical_cost",
            "typical_cost_currency",
            "source",
        ]
        read_only_fields = fields


class ComparableDealSerializer(serializers.ModelSerializer):
    sector = serializers.CharField(source="sector.code", read_only=True)
    stage = serializers.CharField(
        source="stage.name", read_only=True, default=None, allow_null=True
    )
    therapeutic_area = therapeutic_area_field()

    class Meta:
        model = ComparableDeal
        fields = [
            "id",
            "name",
            "licensor",
            "licensee",
            "signed_year",
            "sector",
            "stage",
            "therapeutic_area",
            "currency",
            "upfront",
            "milestones_total",
            "royalty_rate",
            "total_value",
            "is_public",
            "source",
        ]
        read_only_fields = fields


class DefaultsQuerySerializer(serializers.Serializer):
    loss_of_exclusivity_year = serializers.IntegerField(
        required=False, min_value=1900, max_value=2200
    )


class ExclusivitySourceSerializer(serializers.Serializer):
    family = serializers.IntegerField()
    family_title = serializers.CharField()
    achievement = serializers.IntegerField()
    achievement_reference = serializers.CharField()
    expires_on = serializers.DateField()


class ExclusivitySerializer(serializers.Serializer):
    loss_of_exclusivity_year = serializers.IntegerField()
    given = serializers.BooleanField(
        help_text="True when the year was given rather than taken from a patent's expiry."
    )
    plateau_years = serializers.IntegerField(help_text="The years at peak the year leaves.")
    latest_patent_expiry = ExclusivitySourceSerializer(
        allow_null=True,
        help_text="The patent family of the project's achievements that expires last.",
    )
    text = serializers.CharField()


class DefaultsSerializer(serializers.Serializer):
    rnpv = serializers.DictField(help_text="Inputs for compute/rnpv/ from the pipeline.")
    cost_approach = serializers.DictField(
        help_text="Inputs for compute/cost-approach/: cost entries and IP costs."
    )
    exclusivity = ExclusivitySerializer(
        allow_null=True,
        help_text=(
            "Where the years at peak come from: the latest patent expiry among the "
            "project's achievements, or the year given; null without either."
        ),
    )
    sources = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(child=serializers.CharField())
    conversions = serializers.ListField(
        child=serializers.CharField(),
        help_text="The exchange rates the pipeline's reference costs were converted at.",
    )
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="Reference costs left unconverted (null cost) for want of an exchange rate.",
    )
