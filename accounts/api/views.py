"""API tokens of the signed-in user: list, create (the key is shown once)
and revoke."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke
from core.api.pagination import StandardPagination
from core.api.schema import ACTION_ERRORS, READ_ERRORS, WRITE_ERRORS


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class IssuedApiTokenSerializer(ApiTokenSerializer):
    key = serializers.CharField(help_text="The token itself. It is shown only this once.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(responses={200: ApiTokenSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: ApiTokenSerializer, **READ_ERRORS}),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ApiTokenSerializer
    pagination_class = StandardPagination
    # Every signed-in user, researchers included, keeps tokens of their own.
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        # Everyone manages their own tokens only.
        if not self.request.user.is_authenticated:
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user)

    @extend_schema(
        request=ApiTokenCreateSerializer, responses={201: IssuedApiTokenSerializer, **WRITE_ERRORS}
    )
    def create(self, request):
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = api_token_create(user=request.user, **serializer.validated_data)
        data = ApiTokenSerializer(issued.token).data
        return Response({**data, "key": issued.key}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ApiTokenSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = api_token_revoke(token=self.get_object(), by=request.user)
        return Response(ApiTokenSerializer(token).data)
