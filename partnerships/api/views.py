"""The partnerships API: the directory (institutions, enterprises, people,
joint centres), partnerships, and agreements with their terms.

Viewsets are declarations over the scoping selectors; writes go through
``partnerships.services``. Everyone signed in reads within their scope; only
research-centre staff write, and partners get 403. Another partner's object
answers 404, in detail and nested routes alike.
"""

from functools import cached_property

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.permissions import ReadOrCentreStaffWrites
from core.api.pagination import StandardPagination
from core.api.schema import ACTION_ERRORS, READ_ERRORS, WRITE_ERRORS
from partnerships import services
from partnerships.computations.royalties import Tier
from partnerships.filtersets import (
    AgreementFilterSet,
    EnterpriseFilterSet,
    FailureClauseFilterSet,
    InstitutionFilterSet,
    JointCentreFilterSet,
    MilestoneScheduleItemFilterSet,
    PartnershipFilterSet,
    PersonFilterSet,
)
from partnerships.models import FailureClause, MilestoneScheduleItem
from partnerships.selectors import (
    agreement_terms_for,
    agreements_visible_to,
    enterprise_list_for,
    failure_clauses_visible_to,
    institutions_visible_to,
    joint_centre_list_for,
    milestone_schedule_visible_to,
    partnerships_visible_to,
    people_visible_to,
)

from . import serializers as api


def crud_schema(read, write=None, *, update_errors=WRITE_ERRORS, parameters=(), destroy=False):
    """The OpenAPI description of a viewset's standard operations. A
    top-level collection has no 404; one nested under an object has."""
    parameters = list(parameters)
    collection_errors = {**READ_ERRORS} if parameters else _without_404(READ_ERRORS)
    operations = {
        "list": extend_schema(
            parameters=parameters, responses={200: read(many=True), **collection_errors}
        ),
        "retrieve": extend_schema(parameters=parameters, responses={200: read, **READ_ERRORS}),
        "create": extend_schema(
            parameters=parameters,
            request=write or read,
            responses={
                201: read,
                **(WRITE_ERRORS if parameters else _without_404(WRITE_ERRORS)),
            },
        ),
        "partial_update": extend_schema(
            parameters=parameters,
            request=write or read,
            responses={200: read, **update_errors},
        ),
    }
    if destroy:
        operations["destroy"] = extend_schema(
            parameters=parameters, responses={204: None, **READ_ERRORS}
        )
    return operations


def _without_404(errors: dict) -> dict:
    return {code: response for code, response in errors.items() if code != 404}


class ServiceWritesViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List, read, create and change; creates and changes are validated by
    ``write_serializer_class`` and made by the services, and the answer is
    the object as ``serializer_class`` reads it."""

    permission_classes = [IsAuthenticated, ReadOrCentreStaffWrites]
    filter_backends = [*viewsets.GenericViewSet.filter_backends, OrderingFilter]
    pagination_class = StandardPagination
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_serializer_class = None
    # Set in subclasses as staticmethod(service); the update service takes
    # the object as the keyword ``instance_kwarg``.
    create_service = None
    update_service = None
    instance_kwarg = ""

    def get_serializer_class(self):
        if self.action in {"create", "partial_update"} and self.write_serializer_class:
            return self.write_serializer_class
        return self.serializer_class

    def service_arguments(self, data: dict) -> dict:
        """The validated data as the service's keyword arguments."""
        return data

    def read(self, instance):
        instance = self.get_queryset().get(pk=instance.pk)
        return self.serializer_class(instance, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_service(
            by=request.user, **self.service_arguments(dict(serializer.validated_data))
        )
        return Response(self.read(instance), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        self.update_service(
            **{self.instance_kwarg: instance},
            by=request.user,
            **self.service_arguments(dict(serializer.validated_data)),
        )
        return Response(self.read(instance))


# --- Directory ----------------------------------------------------------------


@extend_schema_view(**crud_schema(api.InstitutionSerializer))
class InstitutionViewSet(ServiceWritesViewSet):
    """Universities, research institutes, hospitals and public labs."""

    serializer_class = api.InstitutionSerializer
    filterset_class = InstitutionFilterSet
    ordering_fields = ["code", "name", "country", "created_at", "updated_at", "id"]
    ordering = ["name", "id"]
    create_service = staticmethod(services.institution_create)
    update_service = staticmethod(services.institution_update)
    instance_kwarg = "institution"

    def get_queryset(self):
        return institutions_visible_to(self.request.user)


@extend_schema_view(**crud_schema(api.EnterpriseSerializer))
class EnterpriseViewSet(ServiceWritesViewSet):
    """Companies; a partner sees its own. The Unified Social Credit Code may
    be sent with spaces or hyphens and is stored compact."""

    serializer_class = api.EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    ordering_fields = ["code", "name", "size", "country", "created_at", "updated_at", "id"]
    ordering = ["name", "id"]
    create_service = staticmethod(services.enterprise_create)
    update_service = staticmethod(services.enterprise_update)
    instance_kwarg = "enterprise"

    def get_queryset(self):
        return enterprise_list_for(self.request.user)


@extend_schema_view(**crud_schema(api.PersonSerializer))
class PersonViewSet(ServiceWritesViewSet):
    """Contacts at institutions and enterprises (each at exactly one)."""

    serializer_class = api.PersonSerializer
    filterset_class = PersonFilterSet
    ordering_fields = ["full_name", "created_at", "updated_at", "id"]
    ordering = ["full_name", "id"]
    create_service = staticmethod(services.person_create)
    update_service = staticmethod(services.person_update)
    instance_kwarg = "person"

    def get_queryset(self):
        return people_visible_to(self.request.user)


@extend_schema_view(**crud_schema(api.JointCentreSerializer))
class JointCentreViewSet(ServiceWritesViewSet):
    """Enterprise-led one-stop centres with their host institutions, lead
    enterprises and yearly funding commitments. A partner sees the host
    institutions and its own enterprise among the parties."""

    serializer_class = api.JointCentreSerializer
    filterset_class = JointCentreFilterSet
    ordering_fields = ["code", "name", "established_on", "created_at", "updated_at", "id"]
    ordering = ["name", "id"]
    create_service = staticmethod(services.joint_centre_create)
    update_service = staticmethod(services.joint_centre_update)
    instance_kwarg = "centre"

    def get_queryset(self):
        return joint_centre_list_for(self.request.user)

    def service_arguments(self, data):
        if "parties" in data:
            data["parties"] = [services.CentrePartyInput(**party) for party in data.pop("parties")]
        return data


# --- Partnerships and agreements ------------------------------------------------


@extend_schema_view(
    **crud_schema(
        api.PartnershipSerializer, api.PartnershipWriteSerializer, update_errors=ACTION_ERRORS
    )
)
class PartnershipViewSet(ServiceWritesViewSet):
    """Cooperations between an institution (or a joint centre) and an
    enterprise. Staff of the research party write them; the parties are
    fixed once an agreement exists, and the status moves forward only
    (409 otherwise)."""

    serializer_class = api.PartnershipSerializer
    write_serializer_class = api.PartnershipWriteSerializer
    filterset_class = PartnershipFilterSet
    ordering_fields = ["code", "title", "mode", "status", "started_on", "updated_at", "id"]
    ordering = ["-started_on", "code"]
    create_service = staticmethod(services.partnership_create)
    update_service = staticmethod(services.partnership_update)
    instance_kwarg = "partnership"

    def get_queryset(self):
        return partnerships_visible_to(self.request.user)


@extend_schema_view(
    **crud_schema(
        api.AgreementSerializer, api.AgreementWriteSerializer, update_errors=ACTION_ERRORS
    )
)
class AgreementViewSet(ServiceWritesViewSet):
    """Contracts under partnerships, with their scope and payment terms.
    Staff of the research party write them; the status moves forward only
    (draft → signed → terminated, 409 otherwise). The terms are nested:
    ``terms``, ``cost-shares``, ``royalty-tiers``, ``failure-clauses``,
    ``milestone-schedule``; ``ledger`` shows who owes whom."""

    serializer_class = api.AgreementSerializer
    write_serializer_class = api.AgreementWriteSerializer
    filterset_class = AgreementFilterSet
    ordering_fields = ["reference", "status", "signed_on", "effective_on", "expires_on", "id"]
    ordering = ["-signed_on", "reference"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    create_service = staticmethod(services.agreement_create)
    update_service = staticmethod(services.agreement_update)
    instance_kwarg = "agreement"

    def get_queryset(self):
        if self.action in {"terms", "cost_shares", "royalty_tiers"}:
            return agreement_terms_for(self.request.user)
        return agreements_visible_to(self.request.user)

    @extend_schema(responses={200: api.AgreementTermsSerializer, **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def terms(self, request, pk=None):
        """All the agreement's terms in one document: payment terms, cost
        shares, failure clauses, milestone schedule, royalty tiers and their
        basis."""
        return Response(api.AgreementTermsSerializer(self.get_object()).data)

    @extend_schema(methods=["get"], responses={200: api.CostSharesSerializer, **READ_ERRORS})
    @extend_schema(
        methods=["put"],
        request=api.CostSharesWriteSerializer,
        responses={200: api.CostSharesSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "put"], url_path="cost-shares")
    def cost_shares(self, request, pk=None):
        """The cost-sharing schedule; PUT replaces it as a whole. The shares
        of every stage range add up to exactly 100, or nothing changes."""
        agreement = self.get_object()
        if request.method == "PUT":
            serializer = api.CostSharesWriteSerializer(
                data=request.data, context=self.get_serializer_context()
            )
            serializer.is_valid(raise_exception=True)
            shares = serializer.validated_data["cost_shares"]
            services.cost_shares_set(
                agreement=agreement,
                shares=[services.CostShareInput(**share) for share in shares],
                by=request.user,
            )
            agreement = self.get_object()
        return Response(api.CostSharesSerializer(agreement).data)

    @extend_schema(methods=["get"], responses={200: api.RoyaltyTermsSerializer, **READ_ERRORS})
    @extend_schema(
        methods=["put"],
        request=api.RoyaltyTermsWriteSerializer,
        responses={200: api.RoyaltyTermsSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "put"], url_path="royalty-tiers")
    def royalty_tiers(self, request, pk=None):
        """The royalty tiers on annual net sales and their basis (marginal or
        whole); PUT replaces the tiers, and the basis when given."""
        agreement = self.get_object()
        if request.method == "PUT":
            serializer = api.RoyaltyTermsWriteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            services.royalty_tiers_set(
                agreement=agreement,
                tiers=[Tier(**tier) for tier in data["royalty_tiers"]],
                basis=data.get("royalty_basis"),
                by=request.user,
            )
            agreement = self.get_object()
        return Response(api.RoyaltyTermsSerializer(agreement).data)


# --- Terms nested under an agreement ---------------------------------------------

AGREEMENT_PK = OpenApiParameter(
    "agreement_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The agreement's id."
)


class AgreementTermViewSet(mixins.DestroyModelMixin, ServiceWritesViewSet):
    """Rows of an agreement's terms, under ``/agreements/{id}/``. An
    agreement the user may not see answers 404."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    delete_service = None
    selector = None
    model = None

    @cached_property
    def agreement(self):
        return get_object_or_404(
            agreements_visible_to(self.request.user), pk=self.kwargs["agreement_pk"]
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.selector(self.request.user).filter(agreement=self.agreement)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_service(
            agreement=self.agreement, by=request.user, **serializer.validated_data
        )
        return Response(self.read(instance), status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        self.delete_service(**{self.instance_kwarg: instance}, by=self.request.user)


@extend_schema_view(
    **crud_schema(
        api.FailureClauseSerializer,
        api.FailureClauseWriteSerializer,
        parameters=[AGREEMENT_PK],
        destroy=True,
    )
)
class FailureClauseViewSet(AgreementTermViewSet):
    """What happens if a project under the agreement ends at a stage: who
    bears the sunk costs, whether the IP reverts, any break fee. One clause
    per stage."""

    serializer_class = api.FailureClauseSerializer
    write_serializer_class = api.FailureClauseWriteSerializer
    filterset_class = FailureClauseFilterSet
    filter_backends = viewsets.GenericViewSet.filter_backends
    model = FailureClause
    selector = staticmethod(failure_clauses_visible_to)
    create_service = staticmethod(services.failure_clause_create)
    update_service = staticmethod(services.failure_clause_update)
    delete_service = staticmethod(services.failure_clause_delete)
    instance_kwarg = "clause"


@extend_schema_view(
    **crud_schema(
        api.MilestoneScheduleItemSerializer,
        api.MilestoneScheduleItemWriteSerializer,
        parameters=[AGREEMENT_PK],
        destroy=True,
    )
)
class MilestoneScheduleViewSet(AgreementTermViewSet):
    """The milestone payments the agreement promises: amount (in the
    agreement's currency), trigger stage or event, days until due."""

    serializer_class = api.MilestoneScheduleItemSerializer
    write_serializer_class = api.MilestoneScheduleItemWriteSerializer
    filterset_class = MilestoneScheduleItemFilterSet
    ordering_fields = ["position", "amount", "id"]
    ordering = ["position", "id"]
    model = MilestoneScheduleItem
    selector = staticmethod(milestone_schedule_visible_to)
    create_service = staticmethod(services.milestone_schedule_item_create)
    update_service = staticmethod(services.milestone_schedule_item_update)
    delete_service = staticmethod(services.milestone_schedule_item_delete)
    instance_kwarg = "item"
