"""The distribution API: the stateless calculator, which saves nothing, and
the institutions' distribution policies.

Both are the office's: research-centre staff and superusers; partners and
researchers get 403 before anything is read. A policy of an institution the
staff member does not work for answers 404. Writes go through
``distributions.services.policies``; a refusal comes back in the one error
format (a coded 400 at the field at fault, 403, or 409 for a policy an
approved run used).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsCentreStaff
from core.api.pagination import StandardPagination
from core.api.schema import ACTION_ERRORS, FORBIDDEN, THROTTLED, UNAUTHORIZED, ErrorSerializer
from core.errors import InvalidInput
from core.money import MINOR_UNITS, Currency
from partnerships.api.views import crud_schema

from ..choices import PolicyPreset
from ..computations.shares import Beneficiary, Distribution, minor_unit
from ..selectors import policies_visible_to
from ..services import policies as services
from . import serializers as api

VALIDATION_ERROR = OpenApiResponse(
    ErrorSerializer,
    description="Invalid input. `error.code` names the first fault (`tier_over_100_percent`, "
    "`tiers_unordered`, `tiers_overlap`, `last_tier_limited`, `no_tiers`, "
    "`invalid_distribution`…); `error.fields` names each bad field as a dotted path, "
    'e.g. `{"tiers.1.up_to": ["…"]}`.',
)
SIGNED_IN_ERRORS = {401: UNAUTHORIZED, 403: FORBIDDEN, 429: THROTTLED}
RATE_PLACES = 8


def _plain(value: Decimal, quantum: Decimal | None = None) -> str:
    if quantum is not None:
        value = value.quantize(quantum)
    return format(value, "f")


def _amount(value: Decimal, quantum: Decimal) -> str:
    """In the minor unit, unless that would drop digits the caller sent (a
    cumulative figure with cents, in yen)."""
    rounded = value.quantize(quantum)
    return format(rounded if rounded == value else value, "f")


def distribution_json(distribution: Distribution, *, currency: str, departments: list[str]):
    """The calculator's answer: amounts as decimal strings in the minor unit
    of ``currency``, rates to eight places; an inventor's line names their
    department (``departments`` by the inventor's index)."""
    quantum = minor_unit(MINOR_UNITS[Currency(currency)])
    rate = Decimal(1).scaleb(-RATE_PLACES)
    lines = []
    for line in distribution.lines:
        row = {
            "kind": line.kind,
            "name": line.name,
            "rate": _plain(line.rate, rate),
            "amount": _plain(line.amount, quantum),
            "slices": [
                {
                    "tier": part.tier,
                    "base": _amount(part.base, quantum),
                    "rate": _plain(part.rate, rate),
                    "amount": _plain(part.amount, quantum),
                }
                for part in line.slices
            ],
        }
        if line.kind == "inventor":
            row["department"] = departments[line.key]
        lines.append(row)
    return {
        "currency": currency,
        "net_income": _plain(distribution.net_income, quantum),
        "previously_distributed_net_income": _amount(
            distribution.previously_distributed_net_income, quantum
        ),
        "total": _plain(distribution.total, quantum),
        "slices": [
            {
                "tier": part.tier,
                "from": _amount(part.lower, quantum),
                "to": None if part.upper is None else _amount(part.upper, quantum),
                "base": _amount(part.base, quantum),
            }
            for part in distribution.slices
        ],
        "lines": lines,
    }


class DistributionComputeView(APIView):
    """Shares a period's net income by the tiers sent; nothing is saved."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        operation_id="distributions_compute",
        summary="Share net income by a policy's tiers (what-if)",
        description=(
            "The tiers cut cumulative net income into slices: this period's net income runs "
            "from `previously_distributed_net_income` to that plus `net_income`, and each "
            "part of it is shared by the tier it falls in among the inventors (split by "
            "their `share`), their departments, the institution (plus whatever a tier's "
            "shares leave) and the transfer office. Amounts are rounded to the currency's "
            "minor unit with the largest remainder, so the lines add up to `total` exactly. "
            "Stored distribution runs use the same computation. See "
            "docs/income-distribution.md."
        ),
        request=api.ComputeSerializer,
        responses={200: api.ComputeResultSerializer, 400: VALIDATION_ERROR, **SIGNED_IN_ERRORS},
        tags=["distributions: compute"],
    )
    def post(self, request):
        body = api.ComputeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        inventors = data["inventors"]
        try:
            distribution = services.what_if(
                net_income=data["net_income"],
                previously_distributed_net_income=data["previously_distributed_net_income"],
                tiers=api.tiers_from(data["policy"]["tiers"]),
                inventors=[
                    Beneficiary(
                        name=row["name"],
                        share=row["share"],
                        department=row["department"],
                        key=index,
                    )
                    for index, row in enumerate(inventors)
                ],
                currency=data["currency"],
            )
        except InvalidInput as error:
            # The tiers' faults are at ``tiers.N…``; in this body they are
            # inside ``policy``.
            raise _under_policy(error) from error
        return Response(
            distribution_json(
                distribution,
                currency=data["currency"],
                departments=[row["department"] for row in inventors],
            )
        )


def _under_policy(error: InvalidInput) -> InvalidInput:
    return InvalidInput(
        {
            (f"policy.{path}" if path.startswith("tiers") else path): messages
            for path, messages in error.fields.items()
        },
        code=error.code,
    )


# --- Policies -------------------------------------------------------------------------


@extend_schema(tags=["distributions: policies"])
@extend_schema_view(
    **crud_schema(
        api.PolicySerializer, api.PolicyWriteSerializer, update_errors=ACTION_ERRORS, destroy=True
    )
)
class DistributionPolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Versions of the institutions' distribution policies, each in force
    from ``effective_from`` until the next version's date, with its tiers
    over cumulative net income. A version an approved distribution run used
    keeps its tiers, shares and date (409 ``policy_used_by_approved_run``);
    a date that would put an approved run's period under another version is
    a 400 ``policy_change_alters_approved_run``."""

    permission_classes = [IsCentreStaff]
    pagination_class = StandardPagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_fields = ["institution", "preset"]

    def get_queryset(self):
        return policies_visible_to(self.request.user).order_by(
            "institution__name", "-effective_from", "id"
        )

    def get_serializer_class(self):
        if self.action in {"create", "partial_update"}:
            return api.PolicyWriteSerializer
        return api.PolicySerializer

    def _read(self, policy, code=status.HTTP_200_OK):
        policy = self.get_queryset().get(pk=policy.pk)
        return Response(api.PolicySerializer(policy).data, status=code)

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        institution = data.pop("institution")
        preset = data.get("preset", PolicyPreset.CUSTOM)
        if "tiers" not in data and preset != PolicyPreset.CUSTOM:
            policy = services.policy_from_preset(
                request.user,
                institution,
                preset_key=preset,
                effective_from=data["effective_from"],
                name=data.get("name"),
                name_zh=data.get("name_zh"),
                notes=data.get("notes", ""),
            )
        else:
            missing = {
                name: [str(_("This field is required."))]
                for name in ("name", "tiers")
                if name not in data
            }
            if missing:
                raise InvalidInput(missing, code="required")
            policy = services.create_policy(
                request.user,
                institution,
                tiers=api.tiers_from(data.pop("tiers")),
                **data,
            )
        return self._read(policy, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        policy = self.get_object()
        body = self.get_serializer(policy, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        tiers = data.pop("tiers", None)
        services.update_policy(
            request.user,
            policy,
            tiers=None if tiers is None else api.tiers_from(tiers),
            **data,
        )
        return self._read(policy)

    def perform_destroy(self, instance):
        services.delete_policy(self.request.user, instance)
