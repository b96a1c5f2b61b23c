"""Serializers of the portfolio API: the request that starts a run, and the
run with its progress and results."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.money import Currency

from ..choices import PortfolioScope
from ..engine.montecarlo import MAX_TRIALS
from ..models import PortfolioRun
from ..portfolio_services import DEFAULT_TRIALS


class PortfolioRunCreateSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=PortfolioScope.choices)
    id = serializers.IntegerField(
        min_value=1, help_text="Id of the institution, joint centre or enterprise."
    )
    correlation = serializers.FloatField(
        default=0.0,
        help_text="Correlation of the projects of one sector, in [0, 1): 0 is independent.",
    )
    trials = serializers.IntegerField(min_value=1, max_value=MAX_TRIALS, default=DEFAULT_TRIALS)
    seed = serializers.IntegerField(
        min_value=0,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        default=None,
        help_text="Random if absent.",
    )
    currency = serializers.ChoiceField(
        choices=Currency.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="By default the one currency the valuations share, else the reporting one.",
    )
    target = serializers.FloatField(
        default=0.9, help_text="Probability that at least one project reaches market."
    )

    def validate_correlation(self, value):
        if not 0 <= value < 1:
            raise serializers.ValidationError("A correlation lies in [0, 1).", code="out_of_range")
        return value

    def validate_target(self, value):
        if not 0 < value < 1:
            raise serializers.ValidationError(
                "A target probability lies in (0, 1).", code="out_of_range"
            )
        return value


@extend_schema_serializer(component_name="PortfolioRunSummary")
class PortfolioRunListSerializer(serializers.ModelSerializer):
    party = serializers.SerializerMethodField()
    progress = serializers.FloatField(read_only=True, help_text="Share of chunks done, 0 to 1.")
    created_by = serializers.CharField(
        source="created_by.email", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = PortfolioRun
        fields = [
            "id",
            "scope",
            "institution",
            "joint_centre",
            "enterprise",
            "party",
            "currency",
            "correlation",
            "target",
            "trials",
            "seed",
            "status",
            "chunks_total",
            "chunks_done",
            "progress",
            "engine_version",
            "created_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_party(self, run) -> str:
        return str(run.party)


@extend_schema_serializer(component_name="PortfolioRun")
class PortfolioRunSerializer(PortfolioRunListSerializer):
    class Meta(PortfolioRunListSerializer.Meta):
        fields = [
            *PortfolioRunListSerializer.Meta.fields,
            "started_at",
            "error",
            "inputs",
            "results",
        ]
        read_only_fields = fields
