"""Term sheets through the API: the PDF of a deal structure of a stored
valuation (GET with the terms as query parameters, or POST with them as
JSON), and "turn into an agreement" (a draft licence with the terms).
Missing terms take the defaults of ``termsheet.term_sheet_defaults_for``."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.schema import ACTION_ERRORS, READ_ERRORS, ErrorSerializer
from core.money import MAX_AMOUNT
from partnerships.choices import SunkCostBearer
from partnerships.selectors import partnerships_visible_to
from pipelines.selectors import stages_visible_to

from ..selectors import valuations_visible_to
from ..termsheet import (
    LANGUAGES,
    MAX_ROYALTY_YEARS,
    agreement_reference_default,
    agreement_title_default,
    deal_structure_of,
    term_sheet_build,
)
from ..termsheet_pdf import term_sheet_filename, term_sheet_pdf
from ..termsheet_services import agreement_from_term_sheet


class TextField(serializers.CharField):
    """Text a PDF can set: a lone UTF-16 surrogate (which JSON can carry
    as an escape) has no glyph and cannot be encoded."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if any("\ud800" <= character <= "\udfff" for character in text):
            raise serializers.ValidationError(_("The text holds an invalid character."))
        return text


class StageTermsSerializer(serializers.Serializer):
    stage = ScopedPrimaryKeyRelatedField(stages_visible_to)
    licensee_cost_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        help_text="The licensee's share of the stage's costs, in percent.",
    )
    sunk_costs_borne_by = serializers.ChoiceField(
        choices=SunkCostBearer.choices, default=SunkCostBearer.BY_COST_SHARES.value
    )
    ip_reverts_to_institution = serializers.BooleanField(default=True)
    failure_clause = TextField(
        max_length=2000,
        allow_blank=True,
        default="",
        help_text="What happens if the project ends in this stage; blank: no clause.",
    )


class TermsSerializer(serializers.Serializer):
    """The terms of a term sheet. ``structure`` is ``deal`` or the index
    of a menu structure."""

    structure = TextField(max_length=10, default="deal")
    language = serializers.ChoiceField(choices=LANGUAGES, default="en")
    # Only a partnership the requesting user may see can be named.
    partnership = ScopedPrimaryKeyRelatedField(
        partnerships_visible_to,
        required=False,
        allow_null=True,
        default=None,
        help_text="Default: the project's partnership. Its parties are the licensor and licensee.",
    )
    licensor = TextField(max_length=200, required=False)
    licensee = TextField(max_length=200, required=False)
    field_of_use = TextField(max_length=2000, required=False, allow_blank=True)
    territory = TextField(max_length=200, required=False, allow_blank=True)
    royalty_term_years = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ROYALTY_YEARS,
        required=False,
        allow_null=True,
        help_text="Default: the deal's royalty years; null: until the agreement expires.",
    )
    minimum_annual_royalty = serializers.DecimalField(
        max_digits=18, decimal_places=2, min_value=0, max_value=MAX_AMOUNT, default=0
    )
    equity_share = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        default=0,
        help_text="The licensor's equity share in the licensee, in percent.",
    )
    stages = StageTermsSerializer(
        many=True,
        required=False,
        help_text="Cost shares and failure clauses per stage ahead; default: every stage "
        "ahead at the deal's licensee cost share.",
    )


class AgreementFromTermsSerializer(TermsSerializer):
    """The terms, and what the draft agreement is called."""

    reference = TextField(
        max_length=40,
        required=False,
        help_text="Default: the project code, -TS and the valuation id.",
    )
    title = TextField(max_length=200, required=False)


PDF = OpenApiResponse(OpenApiTypes.BINARY, description="The term sheet (application/pdf).")
BAD_TERMS = OpenApiResponse(
    ErrorSerializer,
    description="An unknown or infeasible structure, or bad terms: `error.fields` names "
    'the field, e.g. `{"structure": ["No structure 7: …"]}` (code `unknown_structure`, '
    "`infeasible_structure`, `no_deal`) or `stages.0.licensee_cost_percent`.",
)
QUERY_TERMS = [
    OpenApiParameter("structure", str, description="`deal` or the index of a menu structure."),
    OpenApiParameter("lang", str, enum=["en", "zh-hans"], description="Language of the PDF."),
    OpenApiParameter("partnership", int, description="Default: the project's partnership."),
    OpenApiParameter("licensor", str),
    OpenApiParameter("licensee", str),
    OpenApiParameter("field_of_use", str),
    OpenApiParameter("territory", str),
    OpenApiParameter("royalty_term_years", int, description="Default: the deal's royalty years."),
    OpenApiParameter("minimum_annual_royalty", str),
    OpenApiParameter("equity_share", str, description="The licensor's equity share, percent."),
]
QUERY_FIELDS = [parameter.name for parameter in QUERY_TERMS]


class AgreementCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField(help_text="The agreement in the staff UI.")
    api_url = serializers.CharField()


class TermSheetMixin:
    def valuation(self):
        return get_object_or_404(
            valuations_visible_to(self.request.user).select_related(
                "project__current_stage", "project__partnership", "project__agreement__partnership"
            ),
            pk=self.kwargs["pk"],
        )

    def sheet(self, valuation, data: dict, serializer_class=TermsSerializer):
        terms = serializer_class(data=data, context={"request": self.request})
        terms.is_valid(raise_exception=True)
        values = dict(terms.validated_data)
        structure = deal_structure_of(valuation, values.pop("structure"))
        return term_sheet_build(self.request.user, valuation, structure, values), values


def pdf_response(sheet) -> HttpResponse:
    response = HttpResponse(term_sheet_pdf(sheet), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{term_sheet_filename(sheet)}"'
    return response


class TermSheetPdfView(TermSheetMixin, APIView):
    @extend_schema(
        operation_id="valuations_term_sheet_pdf",
        parameters=QUERY_TERMS,
        responses={(200, "application/pdf"): PDF, 400: BAD_TERMS, **READ_ERRORS},
        tags=["valuations"],
    )
    def get(self, request, pk):
        """The term sheet of a deal structure of the valuation as a PDF, with
        the terms given as query parameters (the others take their defaults;
        cost shares and failure clauses by stage: POST to ``term-sheet/``)."""
        data = {
            name: request.query_params[name]
            for name in QUERY_FIELDS
            if name in request.query_params
        }
        if "lang" in data:
            data["language"] = data.pop("lang")
        sheet, _values = self.sheet(self.valuation(), data)
        return pdf_response(sheet)


class TermSheetView(TermSheetMixin, APIView):
    @extend_schema(
        operation_id="valuations_term_sheet",
        request=TermsSerializer,
        responses={(200, "application/pdf"): PDF, 400: BAD_TERMS, **READ_ERRORS},
        tags=["valuations"],
    )
    def post(self, request, pk):
        """The term sheet of a deal structure of the valuation as a PDF, with
        every term in the body. Nothing is saved."""
        sheet, _values = self.sheet(self.valuation(), request.data)
        return pdf_response(sheet)


class TermSheetAgreementView(TermSheetMixin, APIView):
    @extend_schema(
        operation_id="valuations_agreement_from_term_sheet",
        request=AgreementFromTermsSerializer,
        responses={201: AgreementCreatedSerializer, **ACTION_ERRORS, 400: BAD_TERMS},
        tags=["valuations"],
    )
    def post(self, request, pk):
        """Turn a deal structure into a draft licence under the partnership
        (default: the project's) with the terms: upfront, milestone schedule
        with triggers, royalty tiers and basis, royalty term, minimum annual
        royalty, equity, cost shares and failure clauses by stage. Only the
        staff who act for the partnership's research party may."""
        valuation = self.valuation()
        sheet, values = self.sheet(valuation, request.data, AgreementFromTermsSerializer)
        agreement = agreement_from_term_sheet(
            valuation=valuation,
            sheet=sheet,
            partnership=sheet.partnership,
            reference=values.get("reference")
            or agreement_reference_default(valuation, sheet.structure_key),
            title=values.get("title") or agreement_title_default(sheet),
            by=request.user,
        )
        return Response(
            {
                "id": agreement.pk,
                "reference": agreement.reference,
                "status": agreement.status,
                "url": agreement.get_absolute_url(),
                "api_url": reverse("api:agreement-detail", args=[agreement.pk]),
            },
            status=status.HTTP_201_CREATED,
        )
