"""The achievements API: achievements with their owners and inventors,
researchers' disclosures, patent families and applications, the docket's
deadlines, counsel and IP costs.

Viewsets are declarations over ``achievements.selectors``; writes and
actions call ``achievements.services``, whose refusals come back in the one
error format (a coded 400 at the field at fault, 403, or 409). Who may do
what:

- staff read and write what their institutions own; the docket, counsel and
  costs are theirs alone (403 for anyone else);
- a partner reads the achievements and patents transferred to it under its
  own agreements, without the office's internals;
- a researcher reads the achievements they are an inventor on and writes
  their own disclosures.

Anything a user may not see answers 404, writes included.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from accounts.api.permissions import IsCentreStaff
from accounts.selectors import has_full_access, is_centre_staff_user, is_researcher_user
from achievements import services
from achievements.filtersets import (
    AchievementFilterSet,
    CounselFilterSet,
    DeadlineFilterSet,
    DisclosureFilterSet,
    IpCostFilterSet,
    PatentApplicationFilterSet,
    PatentFamilyFilterSet,
)
from achievements.selectors import (
    achievement_detail_for,
    achievement_list_for,
    agreement_links_visible_to,
    counsel_visible_to,
    deadlines_visible_to,
    disclosure_detail_for,
    ip_costs_visible_to,
    patent_applications_visible_to,
    patent_families_visible_to,
)
from core.api.pagination import KeysetPagination, LargeCollectionPagination, StandardPagination
from core.api.schema import ACTION_ERRORS, READ_ERRORS
from partnerships.api.views import ServiceWritesViewSet, crud_schema

from . import serializers as api


def _is_staff(user) -> bool:
    return has_full_access(user) or is_centre_staff_user(user)


class ReadInScopeStaffWrites(BasePermission):
    """Everyone signed in reads within their scope; staff write. A write to
    an object the user may not see answers 404 before this refuses it: the
    object check runs after the scoped lookup."""

    message = "Only research-centre staff may change this."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or view.detail or _is_staff(request.user)

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or _is_staff(request.user)


class StaffOrResearcher(BasePermission):
    """Disclosures are between researchers and the office: partners get
    403. Which of them may act on a disclosure is the services' rule."""

    message = "Disclosures are for researchers and the office's staff."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated) and (
            _is_staff(user) or is_researcher_user(user)
        )


class AchievementsViewSet(ServiceWritesViewSet):
    """What the achievements' viewsets share: scoped reads, writes through
    the services, numbered or cursor pages."""

    permission_classes = [ReadInScopeStaffWrites]
    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action in {"create", "partial_update"} and self.write_serializer_class:
            return self.write_serializer_class
        if self.action == "list" or self.detail_serializer_class is None:
            return self.serializer_class
        return self.detail_serializer_class

    def read(self, instance):
        serializer_class = self.detail_serializer_class or self.serializer_class
        instance = self.get_queryset().get(pk=instance.pk)
        return serializer_class(instance, context=self.get_serializer_context()).data

    def respond(self, instance):
        return Response(self.read(instance))

    def act(self, request, serializer_class, service):
        """Validate the body with ``serializer_class`` (None: no body) and
        call ``service`` on the object; answer with the object as it is
        now."""
        instance = self.get_object()
        data = {}
        if serializer_class is not None:
            serializer = serializer_class(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        service(by=request.user, **{self.instance_kwarg: instance}, **data)
        return self.respond(instance)


# --- Achievements -------------------------------------------------------------------

ACHIEVEMENT_ACTION = {"responses": {200: api.AchievementDetailSerializer, **ACTION_ERRORS}}


def _owners(rows):
    return [services.OwnerInput(**row) for row in rows]


def _inventors(rows):
    return [services.InventorInput(**row) for row in rows]


@extend_schema_view(
    **crud_schema(api.AchievementSerializer, api.AchievementWriteSerializer),
)
class AchievementViewSet(AchievementsViewSet):
    """Scientific achievements (科技成果) with their owners and inventors and
    the office's assessment and decision. Owners' shares and inventors'
    contributions each add up to 100 (400 ``shares_not_100`` otherwise).
    The status moves by ``assess`` and ``decide`` only."""

    serializer_class = api.AchievementSerializer
    detail_serializer_class = api.AchievementDetailSerializer
    write_serializer_class = api.AchievementWriteSerializer
    filterset_class = AchievementFilterSet
    pagination_class = LargeCollectionPagination
    ordering_fields = ["disclosed_on", "reference", "updated_at", "id"]
    create_service = staticmethod(services.achievement_create)
    update_service = staticmethod(services.achievement_update)
    instance_kwarg = "achievement"

    def get_queryset(self):
        if self.action == "list":
            return achievement_list_for(self.request.user)
        return achievement_detail_for(self.request.user)

    def service_arguments(self, data):
        if "owners" in data:
            data["owners"] = _owners(data.pop("owners"))
        if "inventors" in data:
            data["inventors"] = _inventors(data.pop("inventors"))
        return data

    @extend_schema(request=api.AchievementAssessSerializer, **ACHIEVEMENT_ACTION)
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        """Open the assessment (disclosed → under assessment), or add to its
        notes."""
        return self.act(request, api.AchievementAssessSerializer, services.achievement_assess)

    @extend_schema(request=api.AchievementDecideSerializer, **ACHIEVEMENT_ACTION)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Protect, publish, release to the inventors or abandon, with the
        rationale."""
        return self.act(request, api.AchievementDecideSerializer, services.achievement_decide)

    @extend_schema(request=api.AgreementLinkWriteSerializer, **ACHIEVEMENT_ACTION)
    @action(detail=True, methods=["post"], url_path="link-agreement")
    def link_agreement(self, request, pk=None):
        """Name an agreement that licenses, assigns or contributes the
        achievement (again: change the mode or income share). The income
        shares of an agreement's achievements add up to at most 100."""
        return self.act(
            request, api.AgreementLinkWriteSerializer, services.achievement_agreement_link
        )

    @extend_schema(request=api.AgreementUnlinkSerializer, **ACHIEVEMENT_ACTION)
    @action(detail=True, methods=["post"], url_path="unlink-agreement")
    def unlink_agreement(self, request, pk=None):
        """The agreement no longer transfers the achievement."""
        achievement = self.get_object()
        serializer = api.AgreementUnlinkSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        link = (
            agreement_links_visible_to(request.user)
            .filter(achievement=achievement, agreement=serializer.validated_data["agreement"])
            .first()
        )
        if link is None:
            raise services.AchievementError(
                _("The agreement does not transfer this achievement."),
                code="not_linked",
                field="agreement",
            )
        services.achievement_agreement_unlink(link=link, by=request.user)
        return self.respond(achievement)


# --- Disclosures --------------------------------------------------------------------

DISCLOSURE_ACTION = {"responses": {200: api.DisclosureSerializer, **ACTION_ERRORS}}


@extend_schema_view(**crud_schema(api.DisclosureSerializer, api.DisclosureWriteSerializer))
class DisclosureViewSet(AchievementsViewSet):
    """Researchers' invention disclosures. A researcher writes one (draft),
    the inventors ``confirm``, the researcher ``submit``s it (contributions
    adding up to 100), and the office ``convert``s it into an achievement
    or ``return``s it for changes. Staff see submitted disclosures of their
    institutions; researchers those they wrote or are named on; partners
    none (403)."""

    permission_classes = [StaffOrResearcher]
    serializer_class = api.DisclosureSerializer
    write_serializer_class = api.DisclosureWriteSerializer
    filterset_class = DisclosureFilterSet
    pagination_class = StandardPagination
    ordering_fields = ["created_at", "submitted_at", "id"]
    ordering = ["-created_at", "-id"]
    create_service = staticmethod(services.disclosure_create)
    update_service = staticmethod(services.disclosure_update)
    instance_kwarg = "disclosure"

    def get_queryset(self):
        return disclosure_detail_for(self.request.user)

    def service_arguments(self, data):
        if "inventors" in data:
            data["inventors"] = _inventors(data.pop("inventors"))
        elif self.action == "create":
            data["inventors"] = []
        return data

    @extend_schema(request=None, **DISCLOSURE_ACTION)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send the disclosure to the office (its writer only)."""
        return self.act(request, None, services.disclosure_submit)

    @extend_schema(request=api.DisclosureConfirmSerializer, **DISCLOSURE_ACTION)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """An inventor confirms their part and share; staff may record the
        confirmation of an inventor without an account (``person``)."""
        return self.act(request, api.DisclosureConfirmSerializer, services.disclosure_confirm)

    @extend_schema(request=None, **DISCLOSURE_ACTION)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self.act(request, None, services.disclosure_withdraw)

    @extend_schema(request=api.DisclosureReturnSerializer, **DISCLOSURE_ACTION)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_changes(self, request, pk=None):
        """Send a submitted disclosure back to the researcher (staff)."""
        return self.act(request, api.DisclosureReturnSerializer, services.disclosure_return)

    @extend_schema(
        request=api.DisclosureConvertSerializer,
        responses={201: api.AchievementDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        """Accept a submitted disclosure, every inventor having confirmed, as
        an achievement of its institution (staff). Answers the achievement."""
        disclosure = self.get_object()
        serializer = api.DisclosureConvertSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        achievement = services.disclosure_convert(
            disclosure=disclosure, by=request.user, **serializer.validated_data
        )
        achievement = achievement_detail_for(request.user).get(pk=achievement.pk)
        return Response(
            api.AchievementDetailSerializer(
                achievement, context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )


# --- Patents ------------------------------------------------------------------------


@extend_schema_view(**crud_schema(api.PatentFamilySerializer, api.PatentFamilyWriteSerializer))
class PatentFamilyViewSet(AchievementsViewSet):
    """Patent families: the applications that share one priority.
    ``expires_on`` is the latest expiry among its living applications."""

    serializer_class = api.PatentFamilySerializer
    write_serializer_class = api.PatentFamilyWriteSerializer
    filterset_class = PatentFamilyFilterSet
    pagination_class = LargeCollectionPagination
    ordering_fields = ["priority_date", "updated_at", "id"]
    create_service = staticmethod(services.family_create)
    update_service = staticmethod(services.family_update)
    instance_kwarg = "family"

    def get_queryset(self):
        return patent_families_visible_to(self.request.user)


@extend_schema_view(
    **crud_schema(api.PatentApplicationSerializer, api.PatentApplicationWriteSerializer)
)
class PatentApplicationViewSet(AchievementsViewSet):
    """Applications (and, once granted, patents) in each office. A filing
    before the family's priority (``filed_before_priority``), a grant before
    the filing (``granted_before_filing``), a national phase without a PCT
    application or priority (``phase_without_pct``) and a number already
    used in the jurisdiction (``duplicate_application_number``) answer 400
    at their field. Every change refreshes the family's docket."""

    serializer_class = api.PatentApplicationSerializer
    write_serializer_class = api.PatentApplicationWriteSerializer
    filterset_class = PatentApplicationFilterSet
    pagination_class = LargeCollectionPagination
    ordering_fields = ["filed_on", "granted_on", "updated_at", "id"]
    create_service = staticmethod(services.application_create)
    update_service = staticmethod(services.application_update)
    instance_kwarg = "application"

    def get_queryset(self):
        return patent_applications_visible_to(self.request.user).select_related("family")


# --- The docket ---------------------------------------------------------------------

DEADLINE_ACTION = {"responses": {200: api.DeadlineSerializer, **ACTION_ERRORS}}


@extend_schema_view(
    list=extend_schema(responses={200: api.DeadlineSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: api.DeadlineSerializer, **READ_ERRORS}),
)
class DeadlineViewSet(viewsets.ReadOnlyModelViewSet):
    """The docket: deadlines computed from the families' facts, soonest
    first (by due date, then id). Cursor pages that cost the same at any
    depth and no total. Staff only; ``complete`` and ``waive`` close one."""

    permission_classes = [IsCentreStaff]
    serializer_class = api.DeadlineSerializer
    filterset_class = DeadlineFilterSet
    pagination_class = KeysetPagination
    keyset_ordering = ("due_on", "id")

    def get_queryset(self):
        return deadlines_visible_to(self.request.user).select_related("application")

    def _close(self, request, serializer_class, service):
        deadline = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        deadline = service(deadline=deadline, by=request.user, **serializer.validated_data)
        return Response(api.DeadlineSerializer(self.get_queryset().get(pk=deadline.pk)).data)

    @extend_schema(request=api.DeadlineCompleteSerializer, **DEADLINE_ACTION)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """The deadline was kept (the fee paid, the response filed)."""
        return self._close(request, api.DeadlineCompleteSerializer, services.deadline_complete)

    @extend_schema(request=api.DeadlineWaiveSerializer, **DEADLINE_ACTION)
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        """The deadline is let pass on purpose, with the reason."""
        return self._close(request, api.DeadlineWaiveSerializer, services.deadline_waive)


# --- Counsel and costs ----------------------------------------------------------------


def _read_and_create(read, write=None):
    operations = crud_schema(read, write)
    return {name: operations[name] for name in ("list", "retrieve", "create")}


@extend_schema_view(**_read_and_create(api.CounselSerializer))
class CounselViewSet(AchievementsViewSet):
    """The patent firms and attorneys the office instructs (staff only)."""

    permission_classes = [IsCentreStaff]
    serializer_class = api.CounselSerializer
    filterset_class = CounselFilterSet
    pagination_class = StandardPagination
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]
    http_method_names = ["get", "post", "head", "options"]
    create_service = staticmethod(services.counsel_create)

    def get_queryset(self):
        return counsel_visible_to(self.request.user)


@extend_schema_view(**_read_and_create(api.IpCostSerializer, api.IpCostWriteSerializer))
class IpCostViewSet(AchievementsViewSet):
    """Money spent on protecting and transferring achievements: official
    fees, counsel's invoices, evaluation, agency, legal (staff only)."""

    permission_classes = [IsCentreStaff]
    serializer_class = api.IpCostSerializer
    write_serializer_class = api.IpCostWriteSerializer
    filterset_class = IpCostFilterSet
    pagination_class = StandardPagination
    ordering_fields = ["incurred_on", "amount", "id"]
    ordering = ["-incurred_on", "-id"]
    http_method_names = ["get", "post", "head", "options"]
    create_service = staticmethod(services.ip_cost_record)

    def get_queryset(self):
        return ip_costs_visible_to(self.request.user)
