import logging

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


logger = logging.getLogger(__name__)


class UntrustedProxyWarningMiddleware:
    """Warns once per process when a request carries ``X-Forwarded-For``
    while ``TRUSTED_PROXY_COUNT`` is 0.

    That header usually means a proxy is in front, and then every sign-in
    seems to come from the proxy's address: a few failures by one client lock
    an account out for everyone. Once is enough to be seen in the log without
    filling it; the header alone proves nothing, so the request goes on."""

    warned = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not UntrustedProxyWarningMiddleware.warned
            and not settings.TRUSTED_PROXY_COUNT
            and "HTTP_X_FORWARDED_FOR" in request.META
        ):
            UntrustedProxyWarningMiddleware.warned = True
            logger.warning(
                "A request arrived with X-Forwarded-For while TRUSTED_PROXY_COUNT is 0: "
                "if BioBridge runs behind a proxy, set TRUSTED_PROXY_COUNT to the number "
                "of proxies, or the sign-in lockout counts the proxy's address for every "
                "client (see docs/deployment.md)."
            )
        return self.get_response(request)
