"""The distribution runs API: runs of an institution's income distribution,
their lines, and the preview of a run before it is saved.

Viewsets are declarations over ``distributions.selectors``; every write and
action calls ``distributions.services.runs``. Who may do what:

- staff of an institution (and superusers) list, read, prepare, recompute,
  discard, approve and settle its runs; another institution's runs and
  lines answer 404;
- a researcher reads their own lines of approved runs
  (``/distribution-lines/``) and nothing else of a run (403 on runs);
- partners get 403 on all of it.

Every refusal of the run services (``RunError``) is a coded 400 here: the
issue's contract for a distribution is that bad input or a refused step
answers 400 with a stable ``code``, whether the fault is a field's
(``fields`` names it) or the run's state (``fields.non_field_errors``).
"""

from contextlib import contextmanager

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from accounts.api.permissions import IsCentreStaff
from accounts.selectors import has_full_access, is_centre_staff_user, is_researcher_user
from core.api.idempotency import idempotent
from core.api.pagination import StandardPagination
from core.api.schema import IDEMPOTENCY_KEY, MONEY_ERRORS, READ_ERRORS, WRITE_ERRORS
from core.errors import DomainError
from distributions.selectors import lines_visible_to, run_detail_for, run_list_for
from distributions.services import runs as services

from . import run_serializers as api
from .run_filters import DistributionLineFilterSet, DistributionRunFilterSet

# The field each refusal of the run services is about; the others are the
# run's or the line's state (``non_field_errors``).
FIELD_OF_CODE = {
    "not_institution_staff": "institution",
    "period_unordered": "period_end",
    "period_not_over": "period_end",
    "no_policy_in_force": "period_end",
    "period_already_distributed": "period_start",
    "foreign_run": "corrects",
    "run_not_correctable": "corrects",
    "missing_exchange_rate": "currency",
    "invalid_notice_days": "days",
    "settled_before_approval": "on",
}
NON_FIELD = "non_field_errors"


@contextmanager
def coded_400():
    """Re-raise the services' refusals as errors of a field, which the API's
    exception handler answers 400 with the code kept."""
    try:
        yield
    except DomainError as error:
        if error.fields:
            raise
        raise DomainError(
            error.message, code=error.code, field=FIELD_OF_CODE.get(error.code, NON_FIELD)
        ) from error


def _is_staff(user) -> bool:
    return has_full_access(user) or is_centre_staff_user(user)


class StaffOrResearcherReads(BasePermission):
    """Lines: staff read and settle; a researcher reads their own; partners
    get 403. Settling a line the user sees but may not settle is 403; one
    the user may not see is 404 (the scoped lookup comes first)."""

    message = "Distribution lines are for the office's staff and their inventors."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return _is_staff(user) or is_researcher_user(user)

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or _is_staff(request.user)


RUN_ACTION = {"responses": {200: api.DistributionRunDetailSerializer, **WRITE_ERRORS}}


@extend_schema_view(
    list=extend_schema(
        responses={200: api.DistributionRunSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(responses={200: api.DistributionRunDetailSerializer, **READ_ERRORS}),
    create=extend_schema(
        request=api.RunPrepareSerializer,
        responses={
            201: api.DistributionRunDetailSerializer,
            **{code: r for code, r in WRITE_ERRORS.items() if code != 404},
        },
    ),
    destroy=extend_schema(responses={204: None, **WRITE_ERRORS}),
)
class DistributionRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Distribution runs: the net income of an institution's achievements
    over a period, shared by the policy in force at its end. POST prepares
    a draft (``corrects``: a correction of an approved run, whose lines are
    the differences); a draft is recomputed, discarded (DELETE) or approved
    by another staff member than its preparer; an approved run is
    immutable. Refusals are coded 400s: ``approver_is_preparer``,
    ``period_already_distributed``, ``policy_changed``, ``run_approved``,
    ``period_not_over``, ``period_unordered``, ``no_policy_in_force``,
    ``achievement_without_inventors``, ``run_not_correctable``,
    ``missing_exchange_rate``, ``not_institution_staff``."""

    permission_classes = [IsCentreStaff]
    serializer_class = api.DistributionRunSerializer
    filterset_class = DistributionRunFilterSet
    filter_backends = [*viewsets.GenericViewSet.filter_backends, OrderingFilter]
    ordering_fields = ["period_end", "period_start", "created_at", "id"]
    ordering = ["-period_end", "-id"]
    pagination_class = StandardPagination
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return run_list_for(self.request.user)
        return run_detail_for(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return api.DistributionRunSerializer
        if self.action == "create":
            return api.RunPrepareSerializer
        if self.action == "preview":
            return api.RunPeriodSerializer
        return api.DistributionRunDetailSerializer

    def _body(self, serializer_class):
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _respond(self, run, status_code=status.HTTP_200_OK):
        run = run_detail_for(self.request.user).get(pk=run.pk)
        data = api.DistributionRunDetailSerializer(run, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        """Prepare a draft run."""
        data = self._body(api.RunPrepareSerializer)
        institution = data.pop("institution")
        # A correction takes the corrected run's period and currency.
        data.setdefault("period_start", None)
        data.setdefault("period_end", None)
        with coded_400():
            run = services.prepare_run(request.user, institution, **data)
        return self._respond(run, status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        """Discard a draft."""
        run = self.get_object()
        with coded_400():
            services.discard_run(request.user, run)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, **RUN_ACTION)
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        """Recompute a draft from today's records."""
        run = self.get_object()
        with coded_400():
            run = services.recompute_run(request.user, run)
        return self._respond(run)

    @extend_schema(request=None, **RUN_ACTION)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a draft: a staff member other than its preparer. Its
        inventors are told that their statement is ready."""
        run = self.get_object()
        with coded_400():
            run = services.approve_run(request.user, run)
        return self._respond(run)

    @extend_schema(request=api.PublicNoticeSerializer, **RUN_ACTION)
    @action(detail=True, methods=["post"], url_path="public-notice")
    def public_notice(self, request, pk=None):
        """Record when the cash rewards were put on public notice (公示) and
        for how many days."""
        run = self.get_object()
        data = self._body(api.PublicNoticeSerializer)
        with coded_400():
            run = services.record_public_notice(request.user, run, **data)
        return self._respond(run)

    @extend_schema(
        request=api.RunPeriodSerializer,
        responses={200: api.RunPlanSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """What a run would contain, computed and not saved: the figures of
        each achievement and every line with its tier slices. A correction
        is previewed by preparing its draft (and discarding it)."""
        data = self._body(api.RunPeriodSerializer)
        institution = data.pop("institution")
        with coded_400():
            plan = services.preview_run(request.user, institution, **data)
        return Response(api.RunPlanSerializer(plan).data)


LINE_ACTION = {
    "request": api.SettleSerializer,
    "responses": {200: api.DistributionLineSerializer, **MONEY_ERRORS},
    "parameters": [IDEMPOTENCY_KEY],
}


@extend_schema_view(
    list=extend_schema(
        responses={200: api.DistributionLineSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(responses={200: api.DistributionLineSerializer, **READ_ERRORS}),
)
class DistributionLineViewSet(viewsets.ReadOnlyModelViewSet):
    """Lines of distribution runs: staff see their institutions' lines; a
    researcher sees their own lines of approved runs (their statement).
    ``settle`` marks a line of an approved run paid (cash) or granted
    (equity): ``line_settled``, ``run_not_approved``, ``nothing_to_settle``
    and ``settled_before_approval`` are coded 400s."""

    permission_classes = [StaffOrResearcherReads]
    serializer_class = api.DistributionLineSerializer
    filterset_class = DistributionLineFilterSet
    filter_backends = [*viewsets.GenericViewSet.filter_backends, OrderingFilter]
    ordering_fields = ["amount", "settled_on", "id"]
    ordering = ["-run__period_end", "run_id", "achievement_id", "id"]
    pagination_class = StandardPagination

    def get_queryset(self):
        return lines_visible_to(self.request.user).select_related("achievement")

    @extend_schema(**LINE_ACTION)
    @action(detail=True, methods=["post"])
    @idempotent
    def settle(self, request, pk=None):
        """Mark the line paid or granted, on a day on or after the run's
        approval. Send an Idempotency-Key to retry safely."""
        line = self.get_object()
        serializer = api.SettleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with coded_400():
            line = services.settle_line(request.user, line, **serializer.validated_data)
        line = self.get_queryset().get(pk=line.pk)
        return Response(api.DistributionLineSerializer(line).data)
