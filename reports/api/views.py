"""The annual reports over the API: the figures as JSON, each with its
definition key, or ``?format=xlsx`` the workbook. Staff report on their
institutions (another institution answers 404); partners and researchers
get 403."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsCentreStaff
from core.api.renderers import OrjsonRenderer, XlsxRenderer
from core.api.schema import READ_ERRORS
from core.media_types import XLSX_CONTENT_TYPE
from reports.documents import report_filename, report_workbook
from reports.params import report_params
from reports.services import autm_report, china_annual_report

from .serializers import report_payload

INSTITUTION = OpenApiParameter("institution", int, required=True, description="Institution id")
FORMAT = OpenApiParameter("format", str, enum=["json", "xlsx"], description="xlsx: the workbook")
BAD_REQUEST = {400: OpenApiTypes.OBJECT}


class ReportView(APIView):
    permission_classes = [IsCentreStaff]
    renderer_classes = [OrjsonRenderer, XlsxRenderer]
    year_field = "year"

    def compute(self, institution, year, currency):
        raise NotImplementedError

    def respond(self, request):
        institution, year, currency = report_params(
            request.user, request.query_params, year_field=self.year_field
        )
        report = self.compute(institution, year, currency)
        if request.accepted_renderer.format == "xlsx":
            response = HttpResponse(report_workbook(report), content_type=XLSX_CONTENT_TYPE)
            response["Content-Disposition"] = content_disposition_header(
                True, report_filename(report, "xlsx")
            )
            return response
        return Response(report_payload(report))


class ChinaAnnualReportView(ReportView):
    """China's annual report on the transformation of achievements, for a
    calendar year."""

    def compute(self, institution, year, currency):
        return china_annual_report(institution, year)

    @extend_schema(
        operation_id="reports_china_annual",
        parameters=[INSTITUTION, OpenApiParameter("year", int, required=True), FORMAT],
        responses={200: OpenApiTypes.OBJECT, **BAD_REQUEST, **READ_ERRORS},
        tags=["reports"],
    )
    def get(self, request):
        return self.respond(request)


class AutmReportView(ReportView):
    """The AUTM Licensing Activity Survey, for a fiscal year (named by the
    year it ends in)."""

    year_field = "fiscal_year"

    def compute(self, institution, year, currency):
        return autm_report(institution, year, currency=currency)

    @extend_schema(
        operation_id="reports_autm",
        parameters=[
            INSTITUTION,
            OpenApiParameter("fiscal_year", int, required=True),
            OpenApiParameter("currency", str, description="Default: USD in the US, else CNY"),
            FORMAT,
        ],
        responses={200: OpenApiTypes.OBJECT, **BAD_REQUEST, **READ_ERRORS},
        tags=["reports"],
    )
    def get(self, request):
        return self.respond(request)
