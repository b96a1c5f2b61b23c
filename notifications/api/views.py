"""The signed-in user's notifications."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.pagination import LargeCollectionPagination
from core.api.schema import READ_ERRORS, WRITE_ERRORS
from notifications.models import Notification
from notifications.selectors import notifications_visible_to
from notifications.services import notifications_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        help_text="The notifications to mark read; all when omitted.",
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["kind", "unread"]


@extend_schema_view(
    list=extend_schema(responses={200: NotificationSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: NotificationSerializer, **READ_ERRORS}),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    pagination_class = LargeCollectionPagination
    # Everyone's own notices, researchers' included.
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return notifications_visible_to(self.request.user)

    @extend_schema(request=MarkReadSerializer, responses={200: MarkedSerializer, **WRITE_ERRORS})
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = notifications_mark_read(
            user=request.user, ids=serializer.validated_data.get("ids")
        )
        return Response({"marked": marked})
