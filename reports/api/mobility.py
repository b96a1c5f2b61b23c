"""Staff mobility (兼职从事成果转化, 离岗创业; item 4c of China's annual
report) and the R&D and transfer entities an institution built (自建, 共建;
item 4a), over the API: staff of the institution only. Refusals are coded
400s at the field (``period_unordered``, ``person_not_of_institution``,
``period_overlaps``, ``date_out_of_range``, ``not_institution_staff``)."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers

from accounts.api.permissions import IsCentreStaff
from core.api.fields import ScopedPrimaryKeyRelatedField
from partnerships.api.views import ServiceWritesViewSet, crud_schema
from partnerships.selectors import enterprises_visible_to, people_visible_to

from ..models import StaffMobility, TransferEntity
from ..selectors import (
    report_institutions_visible_to,
    staff_mobility_visible_to,
    transfer_entities_visible_to,
)
from ..services import mobility as services

AUDIT_FIELDS = ["created_at", "updated_at"]


class StaffMobilitySerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = StaffMobility
        fields = [
            "id",
            "institution",
            "person",
            "person_name",
            "kind",
            "enterprise",
            "starts_on",
            "ends_on",
            "notes",
            *AUDIT_FIELDS,
        ]
        read_only_fields = fields


class StaffMobilityWriteSerializer(serializers.ModelSerializer):
    institution = ScopedPrimaryKeyRelatedField(report_institutions_visible_to)
    person = ScopedPrimaryKeyRelatedField(people_visible_to)
    enterprise = ScopedPrimaryKeyRelatedField(
        enterprises_visible_to, required=False, allow_null=True, default=None
    )

    class Meta:
        model = StaffMobility
        fields = ["institution", "person", "kind", "enterprise", "starts_on", "ends_on", "notes"]


class TransferEntitySerializer(serializers.ModelSerializer):
    class Meta:
        model = TransferEntity
        fields = [
            "id",
            "institution",
            "name",
            "kind",
            "built",
            "established_on",
            "closed_on",
            "technology_managers",
            *AUDIT_FIELDS,
        ]
        read_only_fields = fields


class TransferEntityWriteSerializer(serializers.ModelSerializer):
    institution = ScopedPrimaryKeyRelatedField(report_institutions_visible_to)

    class Meta:
        model = TransferEntity
        fields = [
            "institution",
            "name",
            "kind",
            "built",
            "established_on",
            "closed_on",
            "technology_managers",
        ]


class StaffMobilityFilterSet(filters.FilterSet):
    institution = filters.NumberFilter(field_name="institution")
    person = filters.NumberFilter(field_name="person")
    kind = filters.CharFilter(field_name="kind")


class TransferEntityFilterSet(filters.FilterSet):
    institution = filters.NumberFilter(field_name="institution")
    kind = filters.CharFilter(field_name="kind")
    built = filters.CharFilter(field_name="built")


# The viewsets' services take the user as ``by`` and the object by name.


def _create_mobility(*, by, **data):
    return services.create_mobility(by, **data)


def _update_mobility(*, record, by, **data):
    return services.update_mobility(by, record, **data)


def _create_entity(*, by, **data):
    return services.create_entity(by, **data)


def _update_entity(*, record, by, **data):
    return services.update_entity(by, record, **data)


class _RecordViewSet(mixins.DestroyModelMixin, ServiceWritesViewSet):
    permission_classes = [IsCentreStaff]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    instance_kwarg = "record"
    delete_service = None

    def perform_destroy(self, instance):
        self.delete_service(self.request.user, instance)


@extend_schema_view(
    **crud_schema(StaffMobilitySerializer, StaffMobilityWriteSerializer, destroy=True)
)
class StaffMobilityViewSet(_RecordViewSet):
    """Periods in which a member of the institution's staff works part-time
    on commercialisation or is on leave to start a business. Periods of the
    same kind of the same person may not overlap; the institution of a
    period does not change."""

    serializer_class = StaffMobilitySerializer
    write_serializer_class = StaffMobilityWriteSerializer
    filterset_class = StaffMobilityFilterSet
    ordering_fields = ["starts_on", "ends_on", "id"]
    ordering = ["-starts_on", "id"]
    create_service = staticmethod(_create_mobility)
    update_service = staticmethod(_update_mobility)
    delete_service = staticmethod(services.delete_mobility)

    def get_queryset(self):
        return staff_mobility_visible_to(self.request.user).select_related("person")


@extend_schema_view(
    **crud_schema(TransferEntitySerializer, TransferEntityWriteSerializer, destroy=True)
)
class TransferEntityViewSet(_RecordViewSet):
    """R&D institutions, technology transfer offices and transformation
    service platforms the institution built alone or jointly; the
    institution of an entity does not change."""

    serializer_class = TransferEntitySerializer
    write_serializer_class = TransferEntityWriteSerializer
    filterset_class = TransferEntityFilterSet
    ordering_fields = ["established_on", "name", "id"]
    ordering = ["kind", "name", "id"]
    create_service = staticmethod(_create_entity)
    update_service = staticmethod(_update_entity)
    delete_service = staticmethod(services.delete_entity)

    def get_queryset(self):
        return transfer_entities_visible_to(self.request.user)
