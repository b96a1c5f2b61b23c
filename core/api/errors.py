"""One error format for every 4xx answer of the API:

    {"error": {"code": "overpayment", "message": "…", "fields": {"amount": ["…"]}}}

``fields`` appears when particular fields are at fault. Domain errors from
the services become 400 when a field is at fault, 403 when the user may not
act, and 409 when the object's state does not allow the action.
"""

import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError, field_errors, first_code

# How long a client should wait before trying again while the database is
# unreachable: a PostgreSQL restart takes seconds.
RETRY_AFTER_SECONDS = 5

FORBIDDEN_CODES = {
    "permission_denied",
    "not_payee",
    "not_payer",
    "not_reviewer",
    "not_party",
}


def error_body(
    code: str, message: str, fields: dict | None = None, details: dict | None = None
) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    if details:
        body["details"] = details
    return {"error": body}


def api_exception_handler(exc, context):
    # What a request took ahead of its checks (its place in the throttle's
    # window, taken with its token) goes back when it is refused before its
    # view; after the throttle has used it, giving back does nothing.
    for taken in getattr(context.get("request"), "give_back_on_refusal", ()):
        taken.give_back()
    if isinstance(exc, DomainError):
        fields = exc.fields
        if exc.code in FORBIDDEN_CODES:
            status_code = status.HTTP_403_FORBIDDEN
        elif exc.code == "not_found":
            status_code = status.HTTP_404_NOT_FOUND
        elif fields:
            status_code = status.HTTP_400_BAD_REQUEST
        else:
            status_code = status.HTTP_409_CONFLICT
        return Response(
            error_body(exc.code, exc.message, fields, getattr(exc, "details", None)),
            status=status_code,
        )
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            first_code(exc.detail, "invalid"),
            _("The request has errors; see the fields."),
            field_errors(exc.detail),
        )
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        response.data = error_body(code, str(exc.detail))
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    """Django's 400 (a malformed request that never reached a view, such as
    one with too many form fields), in the API's error format under /api/."""
    if _is_api(request):
        return JsonResponse(error_body("bad_request", _("The request is malformed.")), status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    """Django's 404 (no route matches the URL), in the API's error format
    under /api/: the same answer as for an id that matches nothing."""
    if _is_api(request):
        return JsonResponse(
            error_body("not_found", str(exceptions.NotFound.default_detail)), status=404
        )
    return defaults.page_not_found(request, exception)


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_use"
    default_detail = _("A request with this Idempotency-Key is still being processed.")


class IdempotencyMismatch(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _("This Idempotency-Key was used with a different request.")


def server_error(request):
    """Django's 500, but 503 with ``Retry-After`` while the database cannot
    be reached (restarting, failing over): the request changed nothing, and
    the client may simply try again. Under /api/ in the API's error format;
    elsewhere a page that needs no database."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DatabaseOperationalError | DatabaseInterfaceError):
        message = _("BioBridge cannot reach its database for a moment; try again shortly.")
        if _is_api(request):
            response = JsonResponse(error_body("service_unavailable", message), status=503)
        else:
            response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if _is_api(request):
        return JsonResponse(
            error_body("server_error", _("Something went wrong on our side.")), status=500
        )
    return defaults.server_error(request)
