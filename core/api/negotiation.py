"""Content negotiation that refuses a body no parser of the view reads.

DRF raises 415 for such a body only when the view reads ``request.data``,
and not at all for a form: ``NulByteInBodyMiddleware`` has parsed it
already, so a JSON-only view would see an empty body and answer 400 about
missing fields. A client sending the wrong content type is told so.
"""

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        selected = super().select_renderer(request, renderers, format_suffix)
        if _has_body(request) and self.select_parser(request, request.parsers) is None:
            raise exceptions.UnsupportedMediaType(request.content_type)
        return selected


def _has_body(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > 0
    except ValueError:
        return False
