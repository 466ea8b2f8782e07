"""The signed-in user (``/api/v1/users/me/``): role and scope, for clients of the API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from maatpact.api.mixins import ObjectResponseSchema

from .models import User


class MeSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(
        slug_field="cbs_code", read_only=True, allow_null=True
    )
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "role",
            "municipality",
            "organisation",
            "region",
        ]
        read_only_fields = fields


class MeViewSet(viewsets.GenericViewSet):
    serializer_class = MeSerializer
    pagination_class = None
    schema = ObjectResponseSchema()

    def get_queryset(self):
        return User.objects.filter(pk=self.request.user.pk)

    @extend_schema(responses=MeSerializer)
    def list(self, request):
        return Response(MeSerializer(request.user).data)


def register(router) -> None:
    router.register("users/me", MeViewSet, basename="users-me")
