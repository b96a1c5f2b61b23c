"""Importing records over the API: ``POST /api/v1/imports/`` with a
multipart ``file``, its ``kind`` and ``dry_run``.

A dry run answers 200 with what the file would create and update and every
error; nothing is written. A commit of a valid file answers 200 and writes
every row; a commit of a file with any invalid row writes nothing and
answers 400 in the house error format, code ``invalid_rows``, with the same
report under ``error.details``. A file that cannot be read at all (too
large, wrong encoding, a macro workbook, too many rows) is a 400 with its
own code on the field ``file``. Research-centre staff only.
"""

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsCentreStaff
from core.api.errors import error_body
from core.api.renderers import OrjsonRenderer, XlsxRenderer
from core.api.schema import READ_ERRORS, WRITE_ERRORS
from core.media_types import XLSX_CONTENT_TYPE as XLSX
from imports.exports import export_workbook
from imports.parsing import check_request_size, check_size
from imports.services import import_file

from .serializers import ImportResultSerializer, ImportUploadSerializer


class ImportView(APIView):
    permission_classes = [IsCentreStaff]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="imports_create",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportResultSerializer,
            **WRITE_ERRORS,
            400: OpenApiResponse(
                description=(
                    "The file cannot be read, or a commit found invalid rows: "
                    "`error.code` is `invalid_rows` and `error.details` holds the report."
                )
            ),
        },
        tags=["imports"],
    )
    def post(self, request):
        check_request_size(request.META.get("CONTENT_LENGTH"))
        upload = request.data.get("file")
        if upload is not None and hasattr(upload, "size"):
            # Refuse a file too large before reading it.
            check_size(upload.size)
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = import_file(
            kind=data["kind"],
            data=data["file"].read(),
            filename=data["file"].name,
            by=request.user,
            dry_run=data["dry_run"],
        )
        body = ImportResultSerializer(result.as_dict()).data
        if result.dry_run or result.valid:
            return Response(body)
        return Response(
            error_body(
                "invalid_rows",
                ngettext(
                    "%(count)s error; nothing was imported.",
                    "%(count)s errors; nothing was imported.",
                    result.error_count,
                )
                % {"count": result.error_count},
                details=body,
            ),
            status=status.HTTP_400_BAD_REQUEST,
        )


class ExportView(APIView):
    """``GET /api/v1/imports/export.xlsx``: every record the caller may
    see, as one workbook in the import templates' columns (headed in the
    request's language, English or Chinese), which imports again as it is.
    Research-centre staff only."""

    permission_classes = [IsCentreStaff]
    renderer_classes = [XlsxRenderer, OrjsonRenderer]

    @extend_schema(
        operation_id="imports_export",
        responses={(200, XLSX): OpenApiTypes.BINARY, **READ_ERRORS},
        tags=["imports"],
    )
    def get(self, request):
        language = "zh-hans" if translation.get_language() == "zh-hans" else "en"
        response = HttpResponse(export_workbook(request.user, language), content_type=XLSX)
        day = timezone.localdate().isoformat()
        response["Content-Disposition"] = content_disposition_header(
            True, f"biobridge-export-{day}.xlsx"
        )
        return response
