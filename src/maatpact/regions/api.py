"""Reference data of regions, municipalities and organisations (read-only for every user)."""

from __future__ import annotations

import django_filters
from rest_framework import serializers, viewsets

from .models import Municipality, Organisation, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class MunicipalitySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Municipality
        fields = ["id", "cbs_code", "name", "region", "population"]


class OrganisationSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(
        slug_field="cbs_code", read_only=True, allow_null=True
    )

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "municipality"]


class MunicipalityFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code")

    class Meta:
        model = Municipality
        fields = ["region", "cbs_code"]


class OrganisationFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__cbs_code")

    class Meta:
        model = Organisation
        fields = ["kind", "municipality"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    queryset = Region.objects.order_by("name")
    filterset_fields = ["code"]


class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MunicipalitySerializer
    queryset = Municipality.objects.select_related("region").order_by("name")
    filterset_class = MunicipalityFilter
    lookup_field = "cbs_code"


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.select_related("municipality").order_by("name")
    filterset_class = OrganisationFilter


def register(router) -> None:
    router.register("regions", RegionViewSet, basename="region")
    router.register("municipalities", MunicipalityViewSet, basename="municipality")
    router.register("organisations", OrganisationViewSet, basename="organisation")
