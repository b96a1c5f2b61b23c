import logging
import re
import time
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.functional import empty
from django.utils.translation import gettext as _

from core.api.errors import error_body
from core.request_id import HEADER, accepted_request_id, request_id_begin_request
from core.views import healthz, readyz


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


NUL = "\x00"


class NulByteMiddleware:
    """Answers a request that carries a NUL byte, which no name, code, date
    or text of the business contains, before any view looks it up: 404 when
    it is in the path, 400 when it is in the query string, a header or a
    cookie. PostgreSQL refuses NUL in text, so a lookup with it would fail as
    a server error; one check here covers every route. It runs before the
    session middleware, which would otherwise look up a session key spelt
    with a NUL (a quoted cookie may write it as an octal escape) on the way
    out. NUL in a body is ``NulByteInBodyMiddleware``'s."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path:
            raise Http404()
        if (
            _has_nul(request.GET.lists())
            or _has_nul((name, [value]) for name, value in request.COOKIES.items())
            # Headers a view stores or looks up (an Idempotency-Key, a
            # token); a front server may pass a NUL in them.
            or any(NUL in str(v) for k, v in request.META.items() if k.startswith("HTTP_"))
        ):
            raise BadRequest("NUL byte in the request")
        return self.get_response(request)


class NulByteInBodyMiddleware:
    """Answers 400 to a form field or a JSON body with a NUL byte, as
    ``NulByteMiddleware`` does for the rest of the request. It runs after
    ``RequestBodyLimitMiddleware``, so that nothing reads a body too large
    to accept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and _body_carries_nul(request):
            raise BadRequest("NUL byte in the request body")
        return self.get_response(request)


def _has_nul(pairs) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in pairs)


def _body_carries_nul(request) -> bool:
    if request.content_type == "application/json":
        # JSON writes NUL only as an escape.
        return b"\\u0000" in request.body
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            return _has_nul(request.POST.lists())
        except MultiPartParserError:
            # Malformed: the view's parser answers it as before.
            return False
    return False


PROBE_PATHS = {"/healthz", "/readyz", "/health/"}

access_logger = logging.getLogger("biobridge.request")


class RequestIdMiddleware:
    """Gives each request an id and writes one access record for it.

    The id is the incoming ``X-Request-ID`` when it is a safe one (a proxy
    or a client that set it can then find its request in BioBridge's logs),
    or a new one. It is current while the request is served, so every log
    record and every task queued carries it, and it goes back in the
    ``X-Request-ID`` header of every response, error pages included: this
    middleware is first, outside everything that may answer.

    The access record (logger ``biobridge.request``) names the route, not
    the path: a path holds ids, and some hold secrets (a password-reset
    link's token). No query string, header or cookie is recorded. The
    user is recorded by id, and only when something during the request
    looked the user up: asking here would cost a session and a user query
    on requests that never needed them. Probes that answer 200 are not
    recorded, or they would fill the log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accepted_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        # Current until Django sends request_finished (core.apps).
        request_id_begin_request(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        if response.status_code != 200 or request.path_info not in PROBE_PATHS:
            _access_record(request, response, time.perf_counter() - started)
        return response


def _access_record(request, response, seconds: float) -> None:
    match = getattr(request, "resolver_match", None)
    route = _readable_route(match.route) if match is not None else None
    method = request.method[:16]
    duration_ms = round(seconds * 1000, 1)
    access_logger.info(
        "%s %s %s in %s ms",
        method,
        route or "-",
        response.status_code,
        duration_ms,
        extra={
            "method": method,
            "route": route,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": _user_id_if_known(request),
        },
    )


_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


@lru_cache(maxsize=1024)
def _readable_route(route: str) -> str:
    """The API router's regular expressions written as paths are:
    ``api/v1/projects/(?P<pk>[^/.]+)/$`` as ``api/v1/projects/<pk>/``."""
    return _NAMED_GROUP.sub(r"<\1>", route).replace("^", "").replace("$", "")


def _user_id_if_known(request) -> int | None:
    user = getattr(request, "user", None)
    # The session's user is looked up on first use; unused, it stays unknown.
    if getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class HealthProbeMiddleware:
    """Answers ``/healthz``, ``/readyz`` and ``/health/`` before the rest of
    the chain. Orchestrators probe a node by its own address, without the
    site's host name or the proxy's ``X-Forwarded-Proto``: the host check
    would refuse them and ``SECURE_SSL_REDIRECT`` would redirect them. Nor
    do they need a session, a language or a signed-in user. The answers name
    no host, so skipping the host check lets nothing through."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.probes = {"/healthz": healthz, "/readyz": readyz, "/health/": readyz}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
