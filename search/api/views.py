"""``GET /api/v1/search/?q=``: the search across everything the caller may
see, grouped by kind, each hit with its page on the caller's side."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import BAD_REQUEST, FORBIDDEN, THROTTLED, UNAUTHORIZED
from search.selectors import (
    KIND_KEYS,
    MAX_LENGTH,
    MAX_LIMIT,
    clean_query,
    search_everything,
)

API_DEFAULT_LIMIT = 10


@extend_schema_serializer(component_name="SearchHit")
class SearchHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_KEYS)
    id = serializers.IntegerField()
    label = serializers.CharField()
    code = serializers.CharField(help_text="The code or number of the object; may be empty.")
    url = serializers.CharField(
        allow_null=True,
        help_text="The object's page on the caller's side (staff UI, portal or researcher's "
        "pages); null when that side has none.",
    )


@extend_schema_serializer(component_name="SearchGroup")
class SearchGroupSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_KEYS)
    count = serializers.IntegerField(
        help_text="How many hits of this kind there are, the unlisted ones included "
        "(at least this many when capped)."
    )
    capped = serializers.BooleanField(
        help_text="The count stopped at 1000: there are at least that many hits."
    )
    results = SearchHitSerializer(many=True)


@extend_schema_serializer(component_name="SearchResults")
class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="The query as searched (trimmed, spaces collapsed).")
    groups = SearchGroupSerializer(many=True)


class SearchParametersSerializer(serializers.Serializer):
    q = serializers.CharField(trim_whitespace=False, allow_blank=True)
    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_LIMIT, required=False, default=API_DEFAULT_LIMIT
    )


def _body(results) -> dict:
    return {
        "query": results.query,
        "groups": [
            {
                "kind": group.kind,
                "count": group.count,
                "capped": group.capped,
                "results": [
                    {
                        "kind": hit.kind,
                        "id": hit.id,
                        "label": hit.label,
                        "code": hit.code,
                        "url": hit.url or None,
                    }
                    for hit in group.hits
                ],
            }
            for group in results.groups
        ],
    }


class SearchView(APIView):
    # Everyone signed in searches their own scope, researchers included.
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=True,
                description=f"The words to find: at least 2 characters (1 Chinese character), "
                f"at most {MAX_LENGTH}. Every word must match.",
            ),
            OpenApiParameter(
                "limit",
                int,
                description=f"Hits per kind, 1 to {MAX_LIMIT} (default {API_DEFAULT_LIMIT}).",
            ),
        ],
        responses={
            200: SearchResultsSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            429: THROTTLED,
        },
    )
    def get(self, request):
        parameters = SearchParametersSerializer(
            data={"q": request.query_params.get("q", ""), **_limit(request)}
        )
        parameters.is_valid(raise_exception=True)
        query = clean_query(parameters.validated_data["q"])
        results = search_everything(
            request.user, query, limit_per_kind=parameters.validated_data["limit"]
        )
        return Response(SearchResultsSerializer(_body(results)).data)


def _limit(request) -> dict:
    return {"limit": request.query_params["limit"]} if "limit" in request.query_params else {}
