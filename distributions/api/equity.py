"""Equity held and operating profit of own exploitation, over the API
(staff of the institution only)."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.api.permissions import IsCentreStaff
from achievements.selectors import achievements_visible_to
from core.api.fields import AmountField, ScopedPrimaryKeyRelatedField
from core.api.schema import WRITE_ERRORS
from partnerships.api.views import ServiceWritesViewSet, crud_schema
from partnerships.selectors import agreements_visible_to, enterprises_visible_to

from ..models import EquityHolding, EquityRealisation, OperatingProfit
from ..selectors import (
    distributing_institutions_for,
    equity_holdings_visible_to,
    operating_profits_visible_to,
)
from ..services import equity


class EquityRealisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = EquityRealisation
        fields = ["id", "realised_on", "shares", "proceeds", "currency"]
        read_only_fields = fields


class EquityHoldingSerializer(serializers.ModelSerializer):
    realisations = EquityRealisationSerializer(many=True, read_only=True)
    shares_held = serializers.SerializerMethodField()

    class Meta:
        model = EquityHolding
        fields = [
            "id",
            "institution",
            "company",
            "agreement",
            "acquired_on",
            "shares",
            "value",
            "currency",
            "founded_by_institution",
            "shares_held",
            "realisations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_shares_held(self, holding) -> str:
        sold = sum((sale.shares for sale in holding.realisations.all()), 0)
        return str(holding.shares - sold)


class EquityHoldingWriteSerializer(serializers.ModelSerializer):
    institution = ScopedPrimaryKeyRelatedField(distributing_institutions_for)
    company = ScopedPrimaryKeyRelatedField(enterprises_visible_to)
    agreement = ScopedPrimaryKeyRelatedField(
        agreements_visible_to, required=False, allow_null=True, default=None
    )
    shares = serializers.DecimalField(max_digits=20, decimal_places=0, min_value=1)
    value = AmountField(min_value=0)

    class Meta:
        model = EquityHolding
        fields = [
            "institution",
            "company",
            "agreement",
            "acquired_on",
            "shares",
            "value",
            "currency",
            "founded_by_institution",
        ]


class SaleSerializer(serializers.Serializer):
    realised_on = serializers.DateField()
    shares = serializers.DecimalField(max_digits=20, decimal_places=0, min_value=1)
    proceeds = AmountField(min_value=0)


class OperatingProfitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OperatingProfit
        fields = ["id", "institution", "achievement", "year", "profit", "currency"]
        read_only_fields = fields


class OperatingProfitWriteSerializer(serializers.ModelSerializer):
    institution = ScopedPrimaryKeyRelatedField(distributing_institutions_for)
    achievement = ScopedPrimaryKeyRelatedField(achievements_visible_to)
    year = serializers.IntegerField(min_value=1980, max_value=2200)
    profit = AmountField()

    class Meta:
        model = OperatingProfit
        fields = ["institution", "achievement", "year", "profit", "currency"]


class InstitutionFilterSet(filters.FilterSet):
    institution = filters.NumberFilter(field_name="institution")


def _record_holding(*, by, **data):
    return equity.record_holding(by, **data)


def _record_operating_profit(*, by, **data):
    return equity.record_operating_profit(by, **data)


@extend_schema_view(**crud_schema(EquityHoldingSerializer, EquityHoldingWriteSerializer))
class EquityHoldingViewSet(ServiceWritesViewSet):
    """Shares the institution holds in companies, received for contributing
    achievements (作价投资) or otherwise, with their sales."""

    permission_classes = [IsCentreStaff]
    serializer_class = EquityHoldingSerializer
    write_serializer_class = EquityHoldingWriteSerializer
    filterset_class = InstitutionFilterSet
    ordering_fields = ["acquired_on", "id"]
    ordering = ["-acquired_on", "-id"]
    http_method_names = ["get", "post", "head", "options"]
    create_service = staticmethod(_record_holding)

    def get_queryset(self):
        return equity_holdings_visible_to(self.request.user).prefetch_related("realisations")

    @extend_schema(
        request=SaleSerializer, responses={201: EquityHoldingSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def sales(self, request, pk=None):
        """Record a sale of shares: never more than are still held (400
        ``more_than_held``), never before they were received."""
        holding = self.get_object()
        serializer = SaleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        equity.record_sale(request.user, holding, **serializer.validated_data)
        return Response(self.read(holding), status=status.HTTP_201_CREATED)


@extend_schema_view(**crud_schema(OperatingProfitSerializer, OperatingProfitWriteSerializer))
class OperatingProfitViewSet(ServiceWritesViewSet):
    """A year's operating profit of an achievement the institution exploits
    itself; its inventors share it for the years the policy says."""

    permission_classes = [IsCentreStaff]
    serializer_class = OperatingProfitSerializer
    write_serializer_class = OperatingProfitWriteSerializer
    filterset_class = InstitutionFilterSet
    ordering_fields = ["year", "id"]
    ordering = ["-year", "id"]
    http_method_names = ["get", "post", "head", "options"]
    create_service = staticmethod(_record_operating_profit)

    def get_queryset(self):
        return operating_profits_visible_to(self.request.user)


router = SimpleRouter()
router.register("equity-holdings", EquityHoldingViewSet, "equity-holding")
router.register("operating-profits", OperatingProfitViewSet, "operating-profit")
urlpatterns = router.urls
