"""What the distribution API reads and writes. Shares are fractions, as the
valuation API's rates (0.5 = 50 %); amounts are decimal strings in the
currency's minor unit."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from achievements.choices import IpCostKind
from core.api.fields import AmountField, ScopedPrimaryKeyRelatedField
from core.money import Currency
from core.text import NOTE_MAX_LENGTH, max_length_of
from partnerships.selectors import institutions_visible_to

from ..choices import PolicyPreset, RecipientKind
from ..computations.shares import Tier
from ..models import DistributionPolicy, PolicyTier

MAX_TIERS = 20
MAX_INVENTORS = 100


class ShareField(serializers.DecimalField):
    """A share of a slice, 0 to 1 (0.5 = 50 %), at most four decimals."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(1))
        super().__init__(**kwargs)


class TierSerializer(serializers.Serializer):
    """The shares of the slice of cumulative net income up to ``up_to``
    (null: no limit, the last tier). What the four shares leave of a slice
    goes to the institution."""

    up_to = AmountField(allow_null=True, required=False, default=None, min_value=Decimal(0))
    inventors = ShareField()
    department = ShareField(required=False, default=Decimal(0))
    institution = ShareField(required=False, default=Decimal(0))
    office = ShareField(required=False, default=Decimal(0))


def tiers_from(rows) -> list[Tier]:
    return [Tier(**row) for row in rows]


# --- The stateless calculator -----------------------------------------------------------


class ComputePolicySerializer(serializers.Serializer):
    tiers = TierSerializer(many=True, max_length=MAX_TIERS)


class ComputeInventorSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    share = serializers.DecimalField(
        max_digits=12,
        decimal_places=6,
        help_text=_("The inventor's contribution: any positive weights, e.g. 60 and 40."),
    )
    department = serializers.CharField(
        max_length=150, required=False, default="", allow_blank=True
    )


class ComputeSerializer(serializers.Serializer):
    net_income = AmountField(help_text=_("Net income of this period."))
    previously_distributed_net_income = AmountField(
        required=False,
        default=Decimal(0),
        help_text=_("Cumulative net income distributed before this period."),
    )
    currency = serializers.ChoiceField(
        choices=Currency.choices,
        required=False,
        default=Currency.CNY,
        help_text=_("Amounts are rounded to its minor unit (JPY: whole yen)."),
    )
    policy = ComputePolicySerializer()
    inventors = ComputeInventorSerializer(many=True, max_length=MAX_INVENTORS)


# "from" is a Python keyword, so the class is built from a dict of fields.
SliceResultSerializer = type(
    "SliceResultSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "The part of this period's net income in one tier: cumulative net "
        "income from ``from`` to ``to`` (null: no limit), of which ``base`` falls in "
        "this period.",
        "tier": serializers.IntegerField(
            help_text=_("Index of the tier in policy.tiers, from 0.")
        ),
        "from": serializers.CharField(),
        "to": serializers.CharField(allow_null=True),
        "base": serializers.CharField(),
    },
)


class LineSliceSerializer(serializers.Serializer):
    tier = serializers.IntegerField()
    base = serializers.CharField()
    rate = serializers.CharField()
    amount = serializers.CharField()


class LineResultSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RecipientKind.choices)
    name = serializers.CharField()
    department = serializers.CharField(required=False)
    rate = serializers.CharField(help_text=_("The line's share of the total."))
    amount = serializers.CharField()
    slices = LineSliceSerializer(many=True)


class ComputeResultSerializer(serializers.Serializer):
    currency = serializers.CharField()
    net_income = serializers.CharField()
    previously_distributed_net_income = serializers.CharField()
    total = serializers.CharField()
    slices = SliceResultSerializer(many=True)
    lines = LineResultSerializer(many=True)


# --- Policies -------------------------------------------------------------------------


class PolicyTierSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyTier
        fields = ["position", "up_to", "inventors", "department", "institution", "office"]


class PolicySerializer(serializers.ModelSerializer):
    tiers = PolicyTierSerializer(many=True, read_only=True)
    deductible_cost_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=IpCostKind.choices)
    )

    class Meta:
        model = DistributionPolicy
        fields = [
            "id",
            "institution",
            "name",
            "name_zh",
            "preset",
            "effective_from",
            "deductible_cost_kinds",
            "equity_inventor_share",
            "operating_profit_share",
            "operating_profit_years",
            "source",
            "notes",
            "tiers",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PolicyWriteSerializer(serializers.Serializer):
    """A policy version. On create, a ``preset`` other than ``custom``
    without ``tiers`` takes the preset's tiers, shares, name and source;
    otherwise ``name`` and ``tiers`` are required. On update, ``tiers``
    replaces every tier."""

    institution = ScopedPrimaryKeyRelatedField(institutions_visible_to)
    name = serializers.CharField(
        max_length=max_length_of(DistributionPolicy, "name"), required=False
    )
    name_zh = serializers.CharField(
        max_length=max_length_of(DistributionPolicy, "name_zh"),
        required=False,
        allow_blank=True,
    )
    preset = serializers.ChoiceField(choices=PolicyPreset.choices, required=False)
    effective_from = serializers.DateField()
    tiers = TierSerializer(many=True, max_length=MAX_TIERS, required=False)
    deductible_cost_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=IpCostKind.choices), required=False
    )
    equity_inventor_share = ShareField(required=False)
    operating_profit_share = ShareField(required=False)
    operating_profit_years = serializers.IntegerField(min_value=0, max_value=10, required=False)
    source = serializers.CharField(
        max_length=max_length_of(DistributionPolicy, "source"), required=False, allow_blank=True
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # A version stays with its institution.
            del fields["institution"]
        return fields
