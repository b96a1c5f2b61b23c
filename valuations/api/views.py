"""The valuation API: stateless compute endpoints that save nothing, and
stored valuations of projects, scoped through ``valuations_visible_to``."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import (
    ACTION_ERRORS,
    FORBIDDEN,
    READ_ERRORS,
    THROTTLED,
    UNAUTHORIZED,
    ErrorSerializer,
)
from projects.selectors import projects_visible_to

from ..choices import ValuationMethod, ValuationStatus
from ..engine import EngineInputError
from ..errors import ValuationInputError
from ..inputs import INPUT_SERIALIZERS, SolveInputSerializer
from ..methods import run_method, solve_results
from ..selectors import (
    comparable_deals_visible_to,
    reference_rates_visible_to,
    valuation_defaults_for,
    valuation_list_for,
)
from ..services import market_inputs_resolve, valuation_rerun, valuation_run
from . import serializers as api

VALIDATION_ERROR = OpenApiResponse(
    ErrorSerializer,
    description="Invalid input. `error.fields` names each bad field as a dotted path, "
    'e.g. `{"error": {"code": "min_value", "message": "…", "fields": '
    '{"phases.1.years": ["Ensure this value is greater than or equal to 1."]}}}`.',
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object among those you may see.")
# What any signed-in operation may answer besides its own outcomes.
SIGNED_IN_ERRORS = {401: UNAUTHORIZED, 403: FORBIDDEN, 429: THROTTLED}


def engine_error_detail(error: EngineInputError) -> dict:
    """``phases.1.years`` -> ``{"phases": {"1": {"years": [message]}}}``."""
    *parents, leaf = error.field.split(".")
    detail = {leaf: [error.message]}
    for key in reversed(parents):
        detail = {key: detail}
    return detail


class ComputeView(APIView):
    """Values the body with one method and returns the results; nothing is
    saved."""

    method: ValuationMethod

    def post(self, request):
        serializer = INPUT_SERIALIZERS[self.method](data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if self.method == ValuationMethod.MARKET_APPROACH:
            data = market_inputs_resolve(data, user=request.user)
        try:
            results = run_method(self.method, data)
        except EngineInputError as error:
            raise serializers.ValidationError(engine_error_detail(error)) from error
        return Response(results)


def _compute_view(method, result_serializer, summary, description):
    schema = extend_schema(
        operation_id=f"valuations_compute_{method.value}",
        summary=summary,
        description=description,
        request=INPUT_SERIALIZERS[method],
        responses={200: result_serializer, 400: VALIDATION_ERROR, **SIGNED_IN_ERRORS},
        tags=["valuations: compute"],
    )

    def post(self, request):
        return ComputeView.post(self, request)

    name = f"Compute{method.name.title().replace('_', '')}View"
    return type(name, (ComputeView,), {"method": method, "post": schema(post)})


RnpvComputeView = _compute_view(
    ValuationMethod.RNPV,
    api.RnpvResultSerializer,
    "rNPV, with optional deal split, outcome risk and Monte Carlo simulation",
    "Phases run back to back from year 1; a year's cash flow is discounted by (1+r)^t "
    "(or (1+r)^(t-0.5) with `mid_year` timing) and weighted by the probability of "
    "reaching the point where it occurs. With `deal`: each party's rNPV, the n+1 "
    "outcomes of phase risk and each party's risk. With `simulation`: the distribution "
    "of present values over the trials. With `revelation`: the option to abandon at a gate "
    "(`flexibility`). With `menu`: deal structures of equal value to the licensor and each "
    "party's risk in each. Numbers may be JSON numbers or decimal strings. "
    "See docs/valuation.md.",
)
ReliefFromRoyaltyComputeView = _compute_view(
    ValuationMethod.RELIEF_FROM_ROYALTY,
    api.ReliefFromRoyaltyResultSerializer,
    "Relief from royalty",
    "Value = sum of revenue x royalty rate x (1 - tax), discounted; with the tax "
    "amortisation benefit, times 1 / (1 - tax x annuity factor / amortisation years).",
)
ProfitSplitComputeView = _compute_view(
    ValuationMethod.PROFIT_SPLIT,
    api.IncomeResultSerializer,
    "Profit split",
    "Value = sum of revenue x profit margin x technology share, after tax, discounted.",
)
ExcessEarningsComputeView = _compute_view(
    ValuationMethod.EXCESS_EARNINGS,
    api.IncomeResultSerializer,
    "Multi-period excess earnings",
    "Value = sum of (cash flow after tax - contributory asset charge), discounted. "
    "Charges are after tax unless `charges_after_tax` is false.",
)
CostApproachComputeView = _compute_view(
    ValuationMethod.COST_APPROACH,
    api.CostApproachResultSerializer,
    "Cost approach",
    "Replacement cost of the R&D (each cost restated with cost inflation, plus "
    "developer's profit) less functional, technological and economic obsolescence.",
)
MarketApproachComputeView = _compute_view(
    ValuationMethod.MARKET_APPROACH,
    api.MarketApproachResultSerializer,
    "Market approach",
    "Weighted median of comparable deals' values, each adjusted by its multiplier "
    "and, with `subject_probability_of_success`, for stage. Recorded comparable deals "
    "you may see can be named by id.",
)
ScorecardComputeView = _compute_view(
    ValuationMethod.SCORECARD,
    api.ScorecardResultSerializer,
    "Maturity scorecard",
    "TRL plus six weighted criteria scored 0-5, as a 0-100 score and a grade.",
)


class SolveComputeView(APIView):
    """Solves a deal for one term; nothing is saved."""

    @extend_schema(
        operation_id="valuations_compute_solve",
        summary="Solve a deal for the upfront, a royalty factor or a milestone factor",
        description="The rNPV body with its `deal` and `solve`: the upfront, or the factor by "
        "which every royalty tier's rate or every milestone's amount is multiplied, that "
        "gives the `party` an rNPV of `target`. Answers the value and both parties' rNPV "
        "with the solved deal. A target no value of the term reaches answers 400 "
        "`unreachable_target` with the reachable range in `error.details.reachable`. "
        "See docs/valuation.md.",
        request=SolveInputSerializer,
        responses={200: api.SolveResultSerializer, 400: VALIDATION_ERROR, **SIGNED_IN_ERRORS},
        tags=["valuations: compute"],
    )
    def post(self, request):
        serializer = SolveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            return Response(solve_results(data))
        except EngineInputError as error:
            raise serializers.ValidationError(engine_error_detail(error)) from error


class ValuationPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


PROJECT_PARAMETER = OpenApiParameter(
    "project", OpenApiTypes.INT, description="Only this project's valuations."
)
LOSS_OF_EXCLUSIVITY_PARAMETER = OpenApiParameter(
    "loss_of_exclusivity_year",
    OpenApiTypes.INT,
    description=(
        "The year exclusivity ends, in place of the latest patent expiry among the "
        "project's achievements: it sets the years at peak."
    ),
)


@extend_schema(tags=["valuations"])
@extend_schema_view(
    list=extend_schema(responses={200: api.ValuationListSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.ValuationSerializer, **READ_ERRORS}),
)
class ValuationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Stored valuations of projects. A valuation never changes: re-running
    one makes a new one."""

    pagination_class = ValuationPagination

    def get_queryset(self):
        valuations = valuation_list_for(self.request.user)
        if self.action == "list":
            project_id = self.request.query_params.get("project")
            if project_id is not None:
                valuations = valuations.filter(project=self._visible_project(project_id))
        return valuations

    def get_serializer_class(self):
        return api.ValuationListSerializer if self.action == "list" else api.ValuationSerializer

    def _visible_project(self, project_id):
        if not str(project_id).isdigit():
            raise serializers.ValidationError({"project": ["A project id is a whole number."]})
        return get_object_or_404(projects_visible_to(self.request.user), pk=int(project_id))

    def _created(self, valuation):
        code = (
            status.HTTP_202_ACCEPTED
            if valuation.status in (ValuationStatus.QUEUED, ValuationStatus.RUNNING)
            else status.HTTP_201_CREATED
        )
        return Response(api.ValuationSerializer(valuation).data, status=code)

    @extend_schema(parameters=[PROJECT_PARAMETER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=api.ValuationCreateSerializer,
        responses={
            201: api.ValuationSerializer,
            202: OpenApiResponse(
                api.ValuationSerializer, description="Queued: a large simulation runs."
            ),
            400: VALIDATION_ERROR,
            404: NOT_FOUND,
            **SIGNED_IN_ERRORS,
        },
    )
    def create(self, request):
        """Value a project and store the valuation. Quick methods answer 201
        with the results; simulations above 100,000 trials answer 202 and
        finish in the background (poll the valuation's ``status``)."""
        body = api.ValuationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        project = self._visible_project(body.validated_data["project"])
        try:
            valuation = valuation_run(
                project=project,
                method=body.validated_data["method"],
                inputs=body.validated_data["inputs"],
                scorecard=body.validated_data["scorecard"],
                label=body.validated_data["label"],
                by=request.user,
            )
        except ValuationInputError as error:
            raise error.under("inputs") from error
        return self._created(valuation)

    @extend_schema(
        request=None,
        responses={
            201: api.ValuationSerializer,
            202: api.ValuationSerializer,
            **ACTION_ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def rerun(self, request, pk=None):
        """Run the valuation again on its stored inputs with the current
        engine, as a new valuation."""
        return self._created(valuation_rerun(valuation=self.get_object(), by=request.user))

    @extend_schema(
        parameters=[PROJECT_PARAMETER, LOSS_OF_EXCLUSIVITY_PARAMETER],
        responses={200: api.DefaultsSerializer, 400: VALIDATION_ERROR, **READ_ERRORS},
    )
    @action(detail=False, methods=["get"])
    def defaults(self, request):
        """Starting inputs for a project: its pipeline's stages ahead as
        rNPV phases (reference probabilities for its therapeutic area where
        known), the years at peak up to the loss of exclusivity (the latest
        patent expiry among its achievements, unless given), and its cost
        ledger and IP costs for the cost approach."""
        project_id = request.query_params.get("project")
        if project_id is None:
            raise serializers.ValidationError({"project": ["This parameter is required."]})
        query = api.DefaultsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        project = self._visible_project(project_id)
        return Response(
            valuation_defaults_for(
                request.user,
                project,
                loss_of_exclusivity_year=query.validated_data.get("loss_of_exclusivity_year"),
            )
        )


@extend_schema(tags=["valuations: reference data"])
@extend_schema_view(
    list=extend_schema(
        responses={200: api.ReferenceSuccessRateSerializer(many=True), **READ_ERRORS}
    ),
    retrieve=extend_schema(responses={200: api.ReferenceSuccessRateSerializer, **READ_ERRORS}),
)
class ReferenceSuccessRateViewSet(viewsets.ReadOnlyModelViewSet):
    """Published probabilities of success per clinical phase, with sources."""

    serializer_class = api.ReferenceSuccessRateSerializer

    def get_queryset(self):
        return reference_rates_visible_to(self.request.user)


@extend_schema(tags=["valuations: reference data"])
@extend_schema_view(
    list=extend_schema(responses={200: api.ComparableDealSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.ComparableDealSerializer, **READ_ERRORS}),
)
class ComparableDealViewSet(viewsets.ReadOnlyModelViewSet):
    """Comparable deals for the market approach. Partners see published
    deals only."""

    serializer_class = api.ComparableDealSerializer
    pagination_class = ValuationPagination
    filterset_fields = ["therapeutic_area", "is_public", "currency"]

    def get_queryset(self):
        return comparable_deals_visible_to(self.request.user)
