"""The projects API: declarations over the scoping selectors, with the
stage-gate decisions and money transitions as actions that call the
services. Refusals come back in the one error format (400/403/409)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.api.permissions import IsCentreStaff, ReadOrCentreStaffWrites
from core.api.filters import names_a_filter
from core.api.idempotency import idempotent
from core.api.lists import page_rows
from core.api.pagination import LargeCollectionPagination, StandardPagination
from core.api.schema import (
    ACTION_ERRORS,
    IDEMPOTENCY_KEY,
    MONEY_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
)
from core.db.compiled import sql_compiled_once
from core.errors import TransitionNotAllowed
from partnerships.api.serializers import LedgerLineSerializer
from partnerships.selectors import agreements_visible_to
from projects import services
from projects.downloads import document_file_response
from projects.filtersets import (
    ActivityFilterSet,
    CostEntryFilterSet,
    DocumentFilterSet,
    FixedPaymentFilterSet,
    InvoiceFilterSet,
    MilestoneFilterSet,
    PaymentFilterSet,
    ResearchProjectFilterSet,
    RoyaltyReportFilterSet,
    StageTransitionFilterSet,
)
from projects.models import ResearchProject
from projects.selectors import _list_scope as list_scope
from projects.selectors import (
    activities_visible_to,
    agreement_cost_ledger,
    billed_with_amount_paid,
    cost_entries_visible_to,
    documents_visible_to,
    fixed_payments_visible_to,
    invoice_amount_paid,
    invoices_visible_to,
    invoices_with_amount_paid,
    milestones_visible_to,
    payments_visible_to,
    project_cost_ledger,
    project_detail_for,
    project_list_rows_for,
    projects_visible_to,
    royalty_reports_visible_to,
    stage_transitions_visible_to,
)
from projects.services.fixed_payments import FIXED_PAYMENT_ACTIONS
from projects.services.milestone_actions import milestone_act
from projects.services.royalties import SalesLine, royalty_preview

from . import serializers as api

# The lists' querysets, built once per scope: for a superuser (one scope)
# and for a partner (one per enterprise), each list's rows depend on nothing
# of the user but that, and building the scope's subqueries, the columns and
# the joins cost more than running the query for a small page. A queryset
# holds the query, not rows, and is cloned per request, so nothing in it
# goes stale; a staff member's scope is read from their institutions and
# centres and built each time. Emptied when it holds more than this many.
LIST_SCOPES_KEPT = 1000
_lists_built: dict[tuple, object] = {}


def _list_built_once(view, build):
    """``build()`` (the list's queryset for the request's user), built once
    per list and scope (``projects.selectors._list_scope``) and cloned."""
    scope = list_scope(view.request.user)
    if scope is None:
        return build()
    key = (type(view), scope)
    built = _lists_built.get(key)
    if built is None:
        if len(_lists_built) >= LIST_SCOPES_KEPT:
            _lists_built.clear()
        built = _lists_built[key] = build()
    return _pages_compiled_once(view, built, scope)


def _pages_compiled_once(view, rows, scope):
    """``rows`` of a list built once for ``scope``, whose pages' SQL is
    compiled once per list, scope and query string
    (``core.db.compiled``) when the request names no filter: the order and
    the page are then all that changes the SQL, and they are in the query
    string. A filter may read the database to validate its
    value; such a request is compiled as usual, and so is a page after a
    cursor, which names its own place in the list (a client paging through
    asks for each once)."""
    query_params = view.request.query_params
    filterset_class = getattr(view, "filterset_class", None)
    cursor = getattr(view.paginator, "cursor_query_param", None)
    if (filterset_class is not None and names_a_filter(query_params, filterset_class)) or (
        cursor in query_params
    ):
        return rows.all()
    query_string = tuple(sorted((name, tuple(values)) for name, values in query_params.lists()))
    return sql_compiled_once(rows, (type(view), scope, query_string))


def _decision_response(view, project):
    project = project_detail_for(view.request.user).get(pk=project.pk)
    return Response(api.ProjectDetailSerializer(project, context={"request": view.request}).data)


DECISION_DOC = {"responses": {200: api.ProjectDetailSerializer, **ACTION_ERRORS}}


@extend_schema_view(
    list=extend_schema(responses={200: api.ProjectListSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.ProjectDetailSerializer, **READ_ERRORS}),
    create=extend_schema(
        request=api.ProjectWriteSerializer,
        responses={201: api.ProjectDetailSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        request=api.ProjectWriteSerializer,
        responses={200: api.ProjectDetailSerializer, **WRITE_ERRORS},
    ),
)
class ResearchProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Research projects the user may see. Stage-gate decisions are actions;
    the stage and status never change through an update."""

    permission_classes = [ReadOrCentreStaffWrites]
    filterset_class = ResearchProjectFilterSet
    filter_backends = [*viewsets.GenericViewSet.filter_backends, OrderingFilter]
    ordering_fields = ["code", "start_date", "updated_at", "id"]
    pagination_class = LargeCollectionPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            rows = project_list_rows_for(self.request.user)
            scope = list_scope(self.request.user)
            return rows if scope is None else _pages_compiled_once(self, rows, scope)
        return project_detail_for(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return api.ProjectListSerializer
        if self.action in {"create", "partial_update"}:
            return api.ProjectWriteSerializer
        return api.ProjectDetailSerializer

    def create(self, request):
        serializer = api.ProjectWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        partners = data.pop("partner_enterprises", [])

        project = services.project_register(
            project=ResearchProject(**data), by=request.user, partner_enterprises=partners
        )
        detail = project_detail_for(request.user).get(pk=project.pk)
        return Response(
            api.ProjectDetailSerializer(detail, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    def partial_update(self, request, pk=None):
        project = self.get_object()
        serializer = api.ProjectWriteSerializer(
            project, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        partners = data.pop("partner_enterprises", None)
        services.project_update(
            project=project, by=request.user, partner_enterprises=partners, **data
        )
        return _decision_response(self, project)

    def _decide(self, request, service, serializer_class=api.DecisionSerializer):
        project = self.get_object()
        serializer = serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        service(project=project, by=request.user, **serializer.validated_data)
        return _decision_response(self, project)

    @extend_schema(request=api.DecisionSerializer, **DECISION_DOC)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Move the project to the next stage (the last stage marks it
        productized)."""
        return self._decide(request, services.project_advance)

    @extend_schema(request=api.StageDecisionSerializer, **DECISION_DOC)
    @action(detail=True, methods=["post"])
    def skip(self, request, pk=None):
        """Move past one or more stages; the rationale is the reason."""
        return self._decide(request, services.project_skip, api.StageDecisionSerializer)

    @extend_schema(request=api.DecisionSerializer, **DECISION_DOC)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._decide(request, services.project_hold)

    @extend_schema(request=api.DecisionSerializer, **DECISION_DOC)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._decide(request, services.project_resume)

    @extend_schema(request=api.DecisionSerializer, **DECISION_DOC)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        """End the project for good."""
        return self._decide(request, services.project_terminate)

    @extend_schema(request=api.OptionalStageDecisionSerializer, **DECISION_DOC)
    @action(detail=True, methods=["post"])
    def revert(self, request, pk=None):
        """Go back to an earlier stage (by default the previous one)."""
        return self._decide(request, services.project_revert, api.OptionalStageDecisionSerializer)

    @extend_schema(
        request=None,
        responses={201: api.MilestoneSerializer(many=True), **ACTION_ERRORS},
    )
    # A plain list, not a page; the project list's filters do not apply.
    @action(
        detail=True,
        methods=["post"],
        url_path="milestones-from-schedule",
        permission_classes=[IsCentreStaff],
        pagination_class=None,
        filter_backends=[],
    )
    def milestones_from_schedule(self, request, pk=None):
        """Create the project's milestones from its agreement's schedule
        (items already created are skipped)."""
        project = self.get_object()
        created = services.milestones_create_from_schedule(project=project, by=request.user)
        return Response(api.MilestoneSerializer(created, many=True).data, status=201)

    @extend_schema(responses={200: LedgerLineSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def ledger(self, request, pk=None):
        """The cost-sharing ledger: per currency and party, the obligation
        under the cost shares, what it paid and the balance."""
        return Response(
            LedgerLineSerializer(
                project_cost_ledger(request.user, self.get_object()), many=True
            ).data
        )


@extend_schema_view(
    list=extend_schema(responses={200: api.StageTransitionSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.StageTransitionSerializer, **READ_ERRORS}),
)
class StageTransitionViewSet(viewsets.ReadOnlyModelViewSet):
    """The append-only record of stage-gate decisions."""

    serializer_class = api.StageTransitionSerializer
    filterset_class = StageTransitionFilterSet
    pagination_class = LargeCollectionPagination

    def get_queryset(self):
        return stage_transitions_visible_to(self.request.user)


def _milestone_response(request, milestone):
    milestone = milestones_visible_to(request.user).get(pk=milestone.pk)
    return Response(api.MilestoneSerializer(milestone).data)


MILESTONE_DOC = {"responses": {200: api.MilestoneSerializer, **ACTION_ERRORS}}


@extend_schema_view(
    list=extend_schema(responses={200: api.MilestoneSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.MilestoneSerializer, **READ_ERRORS}),
)
class MilestoneViewSet(viewsets.ReadOnlyModelViewSet):
    """Milestone payments and their lifecycle: claim (payee staff), verify or
    dispute (the paying enterprise), invoice, pay, cancel or waive."""

    serializer_class = api.MilestoneSerializer
    filterset_class = MilestoneFilterSet
    filter_backends = [*viewsets.GenericViewSet.filter_backends, OrderingFilter]
    ordering_fields = ["due_date", "amount", "updated_at", "id"]
    pagination_class = LargeCollectionPagination

    def get_queryset(self):
        if self.action == "list":
            # A page shows only the ids of its rows' relations, read from
            # plain rows: the selector's related objects (eight per
            # milestone) cost more to build than the rest of the page.
            # Likewise below.
            return _list_built_once(
                self,
                lambda: page_rows(
                    milestones_visible_to(self.request.user).select_related(None),
                    api.MilestoneSerializer,
                    *self.ordering_fields,
                ),
            )
        return milestones_visible_to(self.request.user).select_related("invoice")

    def _act(self, request, action, serializer_class=None):
        milestone = self.get_object()
        data = {}
        if serializer_class is not None:
            serializer = serializer_class(data=request.data, context={"request": request})
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        milestone_act(action=action, milestone=milestone, by=request.user, **data)
        return _milestone_response(request, milestone)

    @extend_schema(request=api.ClaimSerializer, **MILESTONE_DOC)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Claim that the milestone is reached, with evidence (payee staff)."""
        return self._act(request, "claim", api.ClaimSerializer)

    @extend_schema(request=api.CommentSerializer, **MILESTONE_DOC)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Confirm the claim (the paying enterprise)."""
        return self._act(request, "verify", api.CommentSerializer)

    @extend_schema(request=api.VerificationRecordSerializer, **MILESTONE_DOC)
    @action(detail=True, methods=["post"], url_path="record-verification")
    def record_verification(self, request, pk=None):
        """Record that the paying enterprise verified the claim in writing,
        outside BioBridge, with its letter or email attached (payee staff).
        The milestone is then verified; ``verification_evidence`` says how."""
        return self._act(request, "record_verification", api.VerificationRecordSerializer)

    @extend_schema(request=api.ReasonSerializer, **MILESTONE_DOC)
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        """Contest the claim, with a reason (the paying enterprise)."""
        return self._act(request, "dispute", api.ReasonSerializer)

    @extend_schema(request=api.ReasonSerializer, **MILESTONE_DOC)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(request, "cancel", api.ReasonSerializer)

    @extend_schema(request=api.ReasonSerializer, **MILESTONE_DOC)
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        return self._act(request, "waive", api.ReasonSerializer)

    @extend_schema(
        request=api.InvoiceRequestSerializer,
        responses={201: api.InvoiceSerializer, **MONEY_ERRORS},
        parameters=[IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def invoice(self, request, pk=None):
        """Issue the invoice of a verified milestone. Send an
        Idempotency-Key to retry safely."""
        milestone = self.get_object()
        serializer = api.InvoiceRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = milestone_act(
            action="invoice", milestone=milestone, by=request.user, **serializer.validated_data
        )
        return Response(_invoice_data(invoice), status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["post"],
        request=api.PaymentRequestSerializer,
        responses={201: api.PaymentSerializer, **MONEY_ERRORS},
        parameters=[IDEMPOTENCY_KEY],
    )
    @extend_schema(
        methods=["get"], responses={200: api.PaymentSerializer(many=True), **READ_ERRORS}
    )
    # A plain list, not a page; the milestone list's filters do not apply.
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def payments(self, request, pk=None):
        """The payments on the milestone's invoice; POST records one (payee
        staff or finance integration). Send an Idempotency-Key to retry
        safely."""
        milestone = self.get_object()
        if request.method == "GET":
            payments = payments_visible_to(request.user).filter(invoice__milestone=milestone)
            return Response(api.PaymentSerializer(payments, many=True).data)
        return self._record_payment(request, milestone)

    @idempotent
    def _record_payment(self, request, milestone):
        invoice = getattr(milestone, "invoice", None)
        if invoice is None:
            raise TransitionNotAllowed("The milestone has no invoice yet.", code="not_invoiced")
        return _record_payment(request, invoice)


def _invoice_data(invoice):
    invoice.amount_paid = invoice_amount_paid(invoice)
    return api.InvoiceSerializer(invoice).data


def _record_payment(request, invoice):
    serializer = api.PaymentRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    payment = services.payment_record(
        invoice=invoice, by=request.user, **serializer.validated_data
    )
    return Response(api.PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


FIXED_PAYMENT_DOC = {"responses": {200: api.FixedPaymentSerializer, **ACTION_ERRORS}}


@extend_schema_view(
    list=extend_schema(responses={200: api.FixedPaymentSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.FixedPaymentSerializer, **READ_ERRORS}),
    create=extend_schema(
        request=api.FixedPaymentCreateSerializer,
        responses={201: api.FixedPaymentSerializer, **WRITE_ERRORS},
    ),
)
class FixedPaymentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The fixed amounts of agreements: upfronts and annual fees (from the
    terms, once signed) and the amounts the staff add (patent costs,
    sublicence shares, option fees). Invoice, cancel or waive them here;
    record payments against the invoice (``invoices/{id}/payments/``)."""

    serializer_class = api.FixedPaymentSerializer
    filterset_class = FixedPaymentFilterSet
    filter_backends = [*viewsets.GenericViewSet.filter_backends, OrderingFilter]
    ordering_fields = ["due_date", "amount", "updated_at", "id"]
    pagination_class = StandardPagination
    permission_classes = [ReadOrCentreStaffWrites]

    def get_queryset(self):
        return billed_with_amount_paid(
            fixed_payments_visible_to(self.request.user).select_related("invoice")
        ).order_by("due_date", "id")

    def _response(self, fixed_payment, status_code=status.HTTP_200_OK):
        fixed_payment = self.get_queryset().get(pk=fixed_payment.pk)
        return Response(api.FixedPaymentSerializer(fixed_payment).data, status=status_code)

    def create(self, request):
        serializer = api.FixedPaymentCreateSerializer(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        fixed_payment = services.fixed_payment_add(by=request.user, **serializer.validated_data)
        return self._response(fixed_payment, status.HTTP_201_CREATED)

    def _close(self, request, action):
        serializer = api.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fixed_payment = FIXED_PAYMENT_ACTIONS[action].service(
            fixed_payment=self.get_object(), by=request.user, **serializer.validated_data
        )
        return self._response(fixed_payment)

    @extend_schema(request=api.ReasonSerializer, **FIXED_PAYMENT_DOC)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw an amount recorded in error or no longer owed."""
        return self._close(request, "cancel")

    @extend_schema(request=api.ReasonSerializer, **FIXED_PAYMENT_DOC)
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        """Forgo an amount the enterprise owes."""
        return self._close(request, "waive")

    @extend_schema(
        request=api.InvoiceRequestSerializer,
        responses={201: api.InvoiceSerializer, **MONEY_ERRORS},
        parameters=[IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def invoice(self, request, pk=None):
        """Issue the invoice of a fixed payment that is due. Send an
        Idempotency-Key to retry safely."""
        serializer = api.InvoiceRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = services.fixed_payment_invoice(
            fixed_payment=self.get_object(), by=request.user, **serializer.validated_data
        )
        return Response(_invoice_data(invoice), status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses={200: api.InvoiceSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.InvoiceSerializer, **READ_ERRORS}),
)
class InvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = api.InvoiceSerializer
    filterset_class = InvoiceFilterSet
    pagination_class = StandardPagination

    def get_queryset(self):
        if self.action == "list":
            return _list_built_once(
                self,
                lambda: page_rows(
                    self._invoices(invoices_visible_to(self.request.user)),
                    api.InvoiceSerializer,
                ),
            )
        return self._invoices(invoices_visible_to(self.request.user))

    def _invoices(self, invoices):
        # An aggregate drops the model's default ordering; pages need one.
        return invoices_with_amount_paid(invoices).order_by("-issued_on", "-number")

    @extend_schema(
        request=api.PaymentRequestSerializer,
        responses={201: api.PaymentSerializer, **MONEY_ERRORS},
        parameters=[IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def payments(self, request, pk=None):
        """Record a payment against the invoice (payee staff or finance
        integration). Send an Idempotency-Key to retry safely."""
        return _record_payment(request, self.get_object())

    @extend_schema(
        request=api.VatInvoiceRequestSerializer,
        responses={200: api.VatInvoiceSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["put"], url_path="vat-invoice")
    def vat_invoice(self, request, pk=None):
        """Record the VAT invoice (发票) issued for the invoice, or correct
        the one recorded (the payee's staff). The number's format follows
        the type: 20 digits and no code for a fully digitalised e-invoice,
        a 10- or 12-digit code and an 8-digit number otherwise. The date is
        not before the invoice's; for an invoice in CNY the amount with tax
        is the invoice's amount; the tax follows from the rate."""
        invoice = self.get_object()
        # Refused before the body is read: a partner learns nothing of it.
        services.vat_invoice_record_guard(invoice, request.user).raise_if_denied(
            services.VatInvoiceError
        )
        serializer = api.VatInvoiceRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.vat_invoice_record(
            invoice=invoice, by=request.user, **serializer.validated_data
        )
        return Response(api.VatInvoiceSerializer(record).data)


@extend_schema_view(
    list=extend_schema(responses={200: api.PaymentSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.PaymentSerializer, **READ_ERRORS}),
)
class PaymentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = api.PaymentSerializer
    filterset_class = PaymentFilterSet
    pagination_class = LargeCollectionPagination

    def get_queryset(self):
        if self.action == "list":
            # Plain rows: a model instance per row cost more than writing it.
            return _list_built_once(
                self,
                lambda: page_rows(
                    payments_visible_to(self.request.user), api.PaymentSerializer, "id"
                ),
            )
        return payments_visible_to(self.request.user)


def _sales_lines(data):
    return [SalesLine(**line) for line in data.pop("lines", [])]


REPORT_DOC = {"responses": {200: api.RoyaltyReportSerializer, **ACTION_ERRORS}}


@extend_schema_view(
    list=extend_schema(responses={200: api.RoyaltyReportSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.RoyaltyReportSerializer, **READ_ERRORS}),
)
class RoyaltyReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Royalty reports: the licensee submits net sales; the royalty due is
    computed from the agreement's tiers."""

    serializer_class = api.RoyaltyReportSerializer
    filterset_class = RoyaltyReportFilterSet
    pagination_class = StandardPagination

    def get_queryset(self):
        if self.action == "list":
            return _list_built_once(
                self,
                lambda: page_rows(
                    royalty_reports_visible_to(self.request.user),
                    api.RoyaltyReportSerializer,
                    "id",
                ),
            )
        reports = royalty_reports_visible_to(self.request.user)
        return reports.select_related("invoice").prefetch_related("lines")

    def _report_response(self, report, status_code=200):
        report = self.get_queryset().select_related("invoice").get(pk=report.pk)
        return Response(api.RoyaltyReportSerializer(report).data, status=status_code)

    def _project(self, request, data):
        project_id = data.pop("project", None)
        if project_id is None:
            return None
        return get_object_or_404(projects_visible_to(request.user), pk=project_id)

    @extend_schema(
        request=api.RoyaltyReportSubmitSerializer,
        responses={201: api.RoyaltyReportSerializer, **MONEY_ERRORS},
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent
    def create(self, request):
        """Submit a period's net sales. Send an Idempotency-Key to retry
        safely."""
        serializer = api.RoyaltyReportSubmitSerializer(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = self._project(request, data)
        report = services.royalty_report_submit(
            by=request.user, project=project, lines=_sales_lines(data), **data
        )
        return self._report_response(report, status.HTTP_201_CREATED)

    @extend_schema(
        request=api.RoyaltyReportSubmitSerializer,
        responses={200: api.RoyaltyPreviewSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """The royalty a report would owe, computed without saving it."""
        serializer = api.RoyaltyReportSubmitSerializer(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lines = data.get("lines") or []
        net_sales = data.get("net_sales")
        if net_sales is None:
            net_sales = sum((line["net_sales"] for line in lines), 0)
        agreement = data["agreement"]
        royalty = royalty_preview(
            agreement=agreement,
            period_start=data["period_start"],
            net_sales=net_sales,
            sublicense_income=data.get("sublicense_income") or 0,
        )
        return Response({"royalty_due": royalty, "currency": agreement.currency})

    @extend_schema(request=None, **REPORT_DOC)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = services.royalty_report_accept(report=self.get_object(), by=request.user)
        return self._report_response(report)

    @extend_schema(request=api.ReasonSerializer, **REPORT_DOC)
    @action(detail=True, methods=["post"])
    def query(self, request, pk=None):
        """Question the report; the licensee corrects and resubmits it."""
        serializer = api.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.royalty_report_query(
            report=self.get_object(), by=request.user, **serializer.validated_data
        )
        return self._report_response(report)

    @extend_schema(request=api.SalesFiguresSerializer, **REPORT_DOC)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        serializer = api.SalesFiguresSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        report = services.royalty_report_resubmit(
            report=self.get_object(), by=request.user, lines=_sales_lines(data), **data
        )
        return self._report_response(report)

    @extend_schema(
        request=api.InvoiceRequestSerializer,
        responses={201: api.InvoiceSerializer, **MONEY_ERRORS},
        parameters=[IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def invoice(self, request, pk=None):
        """Issue the invoice of an accepted report. Send an Idempotency-Key
        to retry safely."""
        serializer = api.InvoiceRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = services.royalty_report_invoice(
            report=self.get_object(), by=request.user, **serializer.validated_data
        )
        return Response(_invoice_data(invoice), status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses={200: api.CostEntrySerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.CostEntrySerializer, **READ_ERRORS}),
    create=extend_schema(responses={201: api.CostEntrySerializer, **WRITE_ERRORS}),
)
class CostEntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = api.CostEntrySerializer
    filterset_class = CostEntryFilterSet
    pagination_class = StandardPagination
    permission_classes = [ReadOrCentreStaffWrites]

    def get_queryset(self):
        return cost_entries_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.cost_entry_record(
            by=self.request.user, **serializer.validated_data
        )


@extend_schema_view(
    list=extend_schema(responses={200: api.DocumentSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.DocumentSerializer, **READ_ERRORS}),
)
class DocumentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Files attached to projects, milestones and agreements. Upload with
    multipart/form-data; download through ``download``."""

    serializer_class = api.DocumentSerializer
    filterset_class = DocumentFilterSet
    pagination_class = StandardPagination
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        return documents_visible_to(self.request.user)

    @extend_schema(
        request={"multipart/form-data": api.DocumentUploadSerializer},
        responses={201: api.DocumentSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        serializer = api.DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        owners = {}
        if data.get("milestone"):
            owners["milestone"] = get_object_or_404(
                milestones_visible_to(user), pk=data["milestone"]
            )
        if data.get("project"):
            owners["project"] = get_object_or_404(projects_visible_to(user), pk=data["project"])
        if data.get("agreement"):
            owners["agreement"] = get_object_or_404(
                agreements_visible_to(user), pk=data["agreement"]
            )
        document = services.document_upload(
            uploaded_file=data["file"],
            by=user,
            description=data.get("description", ""),
            is_internal=data.get("is_internal", False),
            **owners,
        )
        return Response(api.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The file."),
            **READ_ERRORS,
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.get_object()
        return document_file_response(document)


class AgreementLedgerViewSet(viewsets.GenericViewSet):
    """The cost ledger of an agreement, at ``agreements/{id}/ledger/``
    beside the agreement's terms. It sums the costs of the agreement's
    projects, so it is served here rather than by partnerships' API."""

    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return agreements_visible_to(self.request.user)

    @extend_schema(responses={200: LedgerLineSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def ledger(self, request, pk=None):
        """The cost-sharing ledger over all projects under the agreement:
        per currency and party, the obligation under the cost shares, what
        it paid and the balance."""
        ledger = agreement_cost_ledger(request.user, self.get_object())
        return Response(LedgerLineSerializer(ledger, many=True).data)


@extend_schema_view(
    list=extend_schema(responses={200: api.ActivitySerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.ActivitySerializer, **READ_ERRORS}),
)
class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    """Every change, newest first; filter by project or agreement for a
    timeline."""

    serializer_class = api.ActivitySerializer
    filterset_class = ActivityFilterSet
    pagination_class = LargeCollectionPagination

    def get_queryset(self):
        if self.action == "list":
            return _list_built_once(
                self,
                lambda: page_rows(
                    activities_visible_to(self.request.user), api.ActivitySerializer, "id"
                ),
            )
        return activities_visible_to(self.request.user)
