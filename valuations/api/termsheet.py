"""Term sheets through the API: the PDF of a deal structure of a stored
valuation (GET with the terms as query parameters, or POST with them as
JSON), and "turn into an agreement" (a draft licence with the terms)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import ACTION_ERRORS, READ_ERRORS, ErrorSerializer

from ..selectors import valuations_visible_to
from ..services_termsheet import agreement_from_term_sheet
from ..termsheet import deal_structure_of, term_sheet_build
from ..termsheet_inputs import (
    AgreementFromTermsSerializer,
    TermsSerializer,
    agreement_reference_default,
    agreement_title_default,
)
from ..termsheet_pdf import term_sheet_filename, term_sheet_pdf

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
        terms = serializer_class(data=data, user=self.request.user)
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
        responses={200: PDF, 400: BAD_TERMS, **READ_ERRORS},
        tags=["valuations"],
    )
    def get(self, request, pk):
        """The term sheet of a deal structure of the valuation as a PDF, with
        the terms given as query parameters (the others take their defaults;
        cost shares and failure clauses by stage: POST to ``term-sheet/``)."""
        data = {name: request.query_params[name] for name in QUERY_FIELDS if name in request.query_params}
        if "lang" in data:
            data["language"] = data.pop("lang")
        sheet, _values = self.sheet(self.valuation(), data)
        return pdf_response(sheet)


class TermSheetView(TermSheetMixin, APIView):
    @extend_schema(
        operation_id="valuations_term_sheet",
        request=TermsSerializer,
        responses={200: PDF, 400: BAD_TERMS, **READ_ERRORS},
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
