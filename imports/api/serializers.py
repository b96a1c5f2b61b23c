from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from imports.kinds import KINDS

KIND_CHOICES = [*KINDS, "workbook"]


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    dry_run = serializers.BooleanField(default=True)


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    value = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
    sheet = serializers.CharField(required=False)


class ImportRowResultSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["create", "update"])
    key = serializers.CharField()
    sheet = serializers.CharField()


@extend_schema_serializer(component_name="ImportResult")
class ImportResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    dry_run = serializers.BooleanField()
    valid = serializers.BooleanField()
    committed = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)
    results = ImportRowResultSerializer(many=True)
