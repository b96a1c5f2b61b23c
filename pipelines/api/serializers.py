"""How the API names a stage wherever one appears."""

from rest_framework import serializers

from pipelines.models import StageDefinition


class StageSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = StageDefinition
        fields = ["id", "code", "name", "name_zh", "position", "trl_min", "trl_max"]
