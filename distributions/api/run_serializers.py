"""Serializers of the distribution runs API: what a run, its achievements'
figures and its lines read as, and the bodies of its actions. They validate
shapes and scope ids to what the user may see; whether an action is allowed
is for ``distributions.services.runs``."""

from rest_framework import serializers

from core.api.fields import AmountField, ScopedPrimaryKeyRelatedField
from core.money import Currency
from distributions.models import DistributionLine, DistributionRun, RunAchievement
from distributions.selectors import runs_visible_to
from partnerships.selectors import institutions_visible_to

SHARES = {"max_digits": 20, "decimal_places": 0}
RATE = {"max_digits": 9, "decimal_places": 8}


class TierSliceSerializer(serializers.Serializer):
    """The part of a line that comes from one tier of the policy: the net
    income in the tier's slice (``base``), the recipient's share of it and
    the amount. Decimal strings, as stored."""

    tier = serializers.IntegerField(read_only=True)
    base = serializers.CharField(read_only=True)
    rate = serializers.CharField(read_only=True)
    amount = serializers.CharField(read_only=True)


LINE_FIELDS = [
    "id",
    "run",
    "achievement",
    "achievement_reference",
    "kind",
    "person",
    "co_owner_institution",
    "co_owner_enterprise",
    "recipient_name",
    "department",
    "form",
    "base",
    "rate",
    "tier_slices",
    "amount",
    "currency",
    "equity_shares",
    "main_contributor",
    "tax_treatment",
    "state",
    "settled_on",
    "settlement_reference",
]


class DistributionLineSerializer(serializers.ModelSerializer):
    """One recipient's part of one achievement's net income in a run:
    ``amount`` in cash, or ``equity_shares`` granted (``amount`` is then
    their value when received). A correction's lines may be negative."""

    achievement_reference = serializers.CharField(source="achievement.reference", read_only=True)
    tier_slices = TierSliceSerializer(many=True, read_only=True)

    class Meta:
        model = DistributionLine
        fields = LINE_FIELDS
        read_only_fields = fields


class RunAchievementSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="achievement.reference", read_only=True)
    title = serializers.CharField(source="achievement.title", read_only=True)

    class Meta:
        model = RunAchievement
        fields = [
            "achievement",
            "reference",
            "title",
            "receipts",
            "deductible_costs",
            "cumulative_net_income",
            "previously_distributed_net_income",
            "net_income",
            "own_share_percent",
            "equity_shares_received",
        ]
        read_only_fields = fields


RUN_FIELDS = [
    "id",
    "institution",
    "period_start",
    "period_end",
    "currency",
    "policy",
    "state",
    "corrects",
    "net_income",
    "prepared_by",
    "approved_by",
    "approved_at",
    "notice_published_on",
    "notice_days",
    "notes",
    "created_at",
    "updated_at",
]


class DistributionRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = DistributionRun
        fields = RUN_FIELDS
        read_only_fields = fields


class DistributionRunDetailSerializer(serializers.ModelSerializer):
    """A run with the figures of each achievement and every line, with
    their tier slices."""

    achievements = RunAchievementSerializer(many=True, read_only=True)
    lines = DistributionLineSerializer(many=True, read_only=True)

    class Meta:
        model = DistributionRun
        fields = [*RUN_FIELDS, "achievements", "lines"]
        read_only_fields = fields


# --- Bodies -----------------------------------------------------------------------


class RunPeriodSerializer(serializers.Serializer):
    """The institution, period and currency a run distributes."""

    institution = ScopedPrimaryKeyRelatedField(institutions_visible_to)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.CNY)


class RunPrepareSerializer(RunPeriodSerializer):
    """A draft of a period; with ``corrects``, a correction of that approved
    run, over its period and in its currency (the period may then be left
    out)."""

    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    corrects = ScopedPrimaryKeyRelatedField(
        runs_visible_to, required=False, allow_null=True, default=None
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    def validate(self, attrs):
        if attrs.get("corrects") is None:
            missing = {
                name: [serializers.Field.default_error_messages["required"]]
                for name in ("period_start", "period_end")
                if name not in attrs
            }
            if missing:
                raise serializers.ValidationError(missing, code="required")
        return attrs


class PublicNoticeSerializer(serializers.Serializer):
    published_on = serializers.DateField(help_text="The first day of the public notice (公示).")
    days = serializers.IntegerField(default=15, max_value=32767, min_value=-32768)


class SettleSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="The day the line was paid or the shares granted.")
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


# --- The preview ------------------------------------------------------------------


class PlannedAchievementSerializer(serializers.Serializer):
    achievement = serializers.IntegerField(source="achievement.pk", read_only=True)
    reference = serializers.CharField(source="achievement.reference", read_only=True)
    title = serializers.CharField(source="achievement.title", read_only=True)
    receipts = AmountField(read_only=True)
    deductible_costs = AmountField(read_only=True)
    cumulative_net_income = AmountField(read_only=True)
    previously_distributed_net_income = AmountField(read_only=True)
    net_income = AmountField(read_only=True)
    own_share_percent = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    equity_shares_received = serializers.DecimalField(**SHARES, read_only=True)


class PlannedLineSerializer(serializers.Serializer):
    achievement = serializers.IntegerField(source="achievement_id", read_only=True)
    kind = serializers.CharField(read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True, allow_null=True)
    co_owner_institution = serializers.IntegerField(
        source="co_owner_institution_id", read_only=True, allow_null=True
    )
    co_owner_enterprise = serializers.IntegerField(
        source="co_owner_enterprise_id", read_only=True, allow_null=True
    )
    recipient_name = serializers.CharField(read_only=True)
    department = serializers.CharField(read_only=True)
    form = serializers.CharField(read_only=True)
    base = AmountField(read_only=True)
    rate = serializers.DecimalField(**RATE, read_only=True)
    tier_slices = TierSliceSerializer(many=True, read_only=True)
    amount = AmountField(read_only=True)
    equity_shares = serializers.DecimalField(**SHARES, read_only=True, allow_null=True)
    main_contributor = serializers.BooleanField(read_only=True)
    tax_treatment = serializers.CharField(read_only=True)


class RunPlanSerializer(serializers.Serializer):
    """What a run would contain, computed and not saved."""

    institution = serializers.IntegerField(source="institution.pk", read_only=True)
    period_start = serializers.DateField(read_only=True)
    period_end = serializers.DateField(read_only=True)
    currency = serializers.CharField(read_only=True)
    policy = serializers.IntegerField(source="policy.pk", read_only=True)
    corrects = serializers.IntegerField(source="corrects.pk", read_only=True, allow_null=True)
    net_income = AmountField(read_only=True)
    cash_total = AmountField(read_only=True)
    achievements = PlannedAchievementSerializer(many=True, read_only=True)
    lines = PlannedLineSerializer(many=True, read_only=True)
