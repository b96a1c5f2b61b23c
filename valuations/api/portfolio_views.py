"""The portfolio API: start a portfolio run of an institution, joint centre
or enterprise, and follow it (status, progress, results). Runs are scoped
through ``portfolio_runs_visible_to``."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from core.api.schema import READ_ERRORS

from ..choices import ValuationStatus
from ..portfolio_selectors import portfolio_run_list_for
from ..portfolio_services import portfolio_run_start
from . import portfolio_serializers as api
from .views import NOT_FOUND, SIGNED_IN_ERRORS, VALIDATION_ERROR, ValuationPagination


@extend_schema(tags=["valuations: portfolios"])
@extend_schema_view(
    list=extend_schema(responses={200: api.PortfolioRunListSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.PortfolioRunSerializer, **READ_ERRORS}),
)
class PortfolioRunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Portfolio runs: the sum of a party's projects' rNPVs and a Monte Carlo
    of the portfolio. A run never changes once finished."""

    pagination_class = ValuationPagination

    def get_queryset(self):
        runs = portfolio_run_list_for(self.request.user)
        if self.action == "retrieve":
            runs = runs.defer(None)
        return runs

    def get_serializer_class(self):
        if self.action == "list":
            return api.PortfolioRunListSerializer
        return api.PortfolioRunSerializer

    @extend_schema(
        request=api.PortfolioRunCreateSerializer,
        responses={
            201: api.PortfolioRunSerializer,
            202: OpenApiResponse(
                api.PortfolioRunSerializer,
                description="Queued: the chunks run on the workers; poll the run's progress.",
            ),
            400: VALIDATION_ERROR,
            404: NOT_FOUND,
            **SIGNED_IN_ERRORS,
        },
    )
    def create(self, request):
        """Value the portfolio of a party you can see, from each project's
        latest finished rNPV valuation. Small runs answer 201 with the
        results; large ones 202, and finish on the workers chunk by chunk.
        A valuation in a currency without a rate into the portfolio's
        answers 400 ``exchange_rate_missing`` on ``currency``."""
        body = api.PortfolioRunCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        run = portfolio_run_start(
            user=request.user,
            scope=data["scope"],
            party_id=data["id"],
            correlation=data["correlation"],
            trials=data["trials"],
            seed=data["seed"],
            currency=data["currency"],
            target=data["target"],
        )
        code = (
            status.HTTP_202_ACCEPTED
            if run.status in (ValuationStatus.QUEUED, ValuationStatus.RUNNING)
            else status.HTTP_201_CREATED
        )
        return Response(api.PortfolioRunSerializer(run).data, status=code)
