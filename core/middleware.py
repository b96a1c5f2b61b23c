from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from core.api.errors import error_body


class RequestBodyLimitMiddleware:
    """Refuses API requests whose declared body is too large before anything
    reads it: JSON bodies up to API_MAX_JSON_BYTES, file uploads up to the
    document limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            is_upload = request.content_type.startswith("multipart/")
            limit = (
                settings.DOCUMENT_MAX_BYTES + 1024 * 1024
                if is_upload
                else settings.API_MAX_JSON_BYTES
            )
            if length > limit:
                return JsonResponse(
                    error_body(
                        "request_too_large",
                        _("The request body exceeds %(limit)d bytes.") % {"limit": limit},
                    ),
                    status=413,
                )
        return self.get_response(request)
