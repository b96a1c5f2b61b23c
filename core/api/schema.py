"""OpenAPI descriptions shared by the API's views."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()), required=False
                ),
                "details": serializers.DictField(
                    required=False,
                    help_text="Figures that explain the refusal, e.g. the reachable range of "
                    "a solved deal term.",
                ),
            },
        )
    },
)


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


BAD_REQUEST = error("Invalid input; `fields` names each bad field.")
UNAUTHORIZED = error("Not signed in, or the token is invalid, expired or revoked.")
FORBIDDEN = error("Signed in, but not allowed to do this.")
NOT_FOUND = error("No such object among those you may see.")
CONFLICT = error("The object's state does not allow this now; `code` says why.")
UNPROCESSABLE = error("The Idempotency-Key was used with a different request.")
THROTTLED = error("Too many requests; retry after the `Retry-After` seconds.")

READ_ERRORS = {401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND, 429: THROTTLED}
WRITE_ERRORS = {400: BAD_REQUEST, **READ_ERRORS}
ACTION_ERRORS = {**WRITE_ERRORS, 409: CONFLICT}
MONEY_ERRORS = {**ACTION_ERRORS, 422: UNPROCESSABLE}


# Declared, so that generated clients offer it as an argument of the
# money-moving POSTs rather than leaving it to a hand-set header.
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description=(
        "Up to 255 characters, per user, kept 24 hours: a retry with the same key and "
        "body replays the first answer instead of acting again."
    ),
)


LIST_BAD_REQUEST = error("A filter's value is invalid; `fields` names the filter.")
LIST_NOT_FOUND = error("No such page: the page number is out of range, or the cursor invalid.")


class AutoSchema(SpectacularAutoSchema):
    """Every list answers 400 for an invalid filter value and 404 for a page
    that does not exist; the views need not say so one by one."""

    # ``@extend_schema(responses=…)`` replaces get_response_serializers(), so
    # the list errors are added where the responses are built.
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "GET" and getattr(self.view, "action", None) == "list":
            for code, response in (("400", LIST_BAD_REQUEST), ("404", LIST_NOT_FOUND)):
                if code not in responses:
                    responses[code] = self._get_response_for_code(
                        response, code, direction=direction
                    )
            responses = dict(sorted(responses.items()))
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; create keys with `manage.py create_api_token`.",
        }
