"""Webhook endpoints and their delivery log, for research-centre staff."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.permissions import IsCentreStaff
from core.api.pagination import LargeCollectionPagination, StandardPagination
from core.api.schema import ACTION_ERRORS, READ_ERRORS, WRITE_ERRORS
from webhooks.choices import EventType
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.selectors import webhook_deliveries_visible_to, webhook_endpoints_visible_to
from webhooks.services import (
    webhook_delivery_redeliver,
    webhook_endpoint_create,
    webhook_endpoint_disable,
    webhook_endpoint_enable,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=serializers.ChoiceField(EventType.choices))

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "secret",
            "is_active",
            "disabled_reason",
            "disabled_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "secret",
            "is_active",
            "disabled_reason",
            "disabled_at",
            "created_at",
            "updated_at",
        ]


class DisableSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_type = serializers.CharField(source="event.event_type")
    occurred_at = serializers.DateTimeField(source="event.occurred_at")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event",
            "event_type",
            "occurred_at",
            "status",
            "attempts",
            "first_attempt_at",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
        ]


ENDPOINT_ACTION = {"responses": {200: WebhookEndpointSerializer, **ACTION_ERRORS}}


@extend_schema_view(
    list=extend_schema(responses={200: WebhookEndpointSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: WebhookEndpointSerializer, **READ_ERRORS}),
    create=extend_schema(responses={201: WebhookEndpointSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(responses={200: WebhookEndpointSerializer, **WRITE_ERRORS}),
)
class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Where BioBridge sends signed event notifications (staff only)."""

    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsCentreStaff]
    pagination_class = StandardPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return webhook_endpoints_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = webhook_endpoint_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = webhook_endpoint_update(
            endpoint=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, **ENDPOINT_ACTION)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new signing secret; the old one keeps signing for a grace period."""
        endpoint = webhook_endpoint_rotate_secret(endpoint=self.get_object(), by=request.user)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(request=DisableSerializer, **ENDPOINT_ACTION)
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        serializer = DisableSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_disable(
            endpoint=self.get_object(), by=request.user, **serializer.validated_data
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(request=None, **ENDPOINT_ACTION)
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        endpoint = webhook_endpoint_enable(endpoint=self.get_object(), by=request.user)
        return Response(WebhookEndpointSerializer(endpoint).data)


@extend_schema_view(
    list=extend_schema(responses={200: WebhookDeliverySerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: WebhookDeliverySerializer, **READ_ERRORS}),
)
class WebhookDeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """The delivery log: each event sent to each endpoint, with its attempts."""

    serializer_class = WebhookDeliverySerializer
    permission_classes = [IsCentreStaff]
    pagination_class = LargeCollectionPagination
    filterset_fields = ["endpoint", "status"]

    def get_queryset(self):
        return webhook_deliveries_visible_to(self.request.user).select_related("event")

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        """Send the event to the endpoint again, with the same delivery id."""
        delivery = webhook_delivery_redeliver(delivery=self.get_object(), by=request.user)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
