"""REST endpoints for provisions and the system cost of a household."""

from __future__ import annotations

from datetime import date

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from maatpact.accounts import policies
from maatpact.api.mixins import CaseHouseholdField, MoneyField, run_service
from maatpact.audit.services import Action, record, record_many
from maatpact.common import dates
from maatpact.regions.models import Organisation

from . import selectors, services
from .models import Law, Provision


class ProvisionSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)
    law = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Law.objects.all(),
        error_messages={"does_not_exist": "Onbekende wet."},
    )
    financier = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        error_messages={"does_not_exist": "Onbekende financier."},
    )
    provider = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    # Accepted as text so a bad amount reaches the service's Dutch message.
    amount = serializers.CharField(max_length=20)

    class Meta:
        model = Provision
        fields = [
            "id",
            "household",
            "law",
            "financier",
            "provider",
            "description",
            "starts_on",
            "ends_on",
            "cost_kind",
            "amount",
        ]
        read_only_fields = ["id", "household"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["amount"] = f"{instance.amount:.2f}"
        return data


class ProvisionInputSerializer(ProvisionSerializer):
    household = CaseHouseholdField()

    class Meta(ProvisionSerializer.Meta):
        read_only_fields = ["id"]


class FinancierCostSerializer(serializers.Serializer):
    financier = serializers.IntegerField()
    before = MoneyField()
    during = MoneyField()
    during_per_year = MoneyField()


class SystemCostSerializer(serializers.Serializer):
    household = serializers.CharField()
    entry = serializers.DateField()
    during_days = serializers.IntegerField()
    before_total = MoneyField()
    during_total = MoneyField()
    during_per_year_total = MoneyField()
    by_financier = FinancierCostSerializer(many=True)


class ProvisionFilter(django_filters.FilterSet):
    household = django_filters.CharFilter(field_name="household__number")
    law = django_filters.CharFilter(field_name="law__code")

    class Meta:
        model = Provision
        fields = ["household", "law", "financier"]


class ProvisionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Provisions of households the caller may see in full."""

    serializer_class = ProvisionSerializer
    filterset_class = ProvisionFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            selectors.full_access_provisions(self.request.user)
            .select_related("household", "law")
            .order_by("household__number", "starts_on", "pk")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        record_many(
            request.user,
            Action.VIEW,
            "provisions.provision",
            {p.household_id for p in page},
            detail="api voorzieningen",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        provision = self.get_object()
        record(request.user, Action.VIEW, provision, household_id=provision.household_id)
        return Response(self.get_serializer(provision).data)

    @extend_schema(request=ProvisionInputSerializer, responses={201: ProvisionSerializer})
    def create(self, request, *args, **kwargs):
        body = ProvisionInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        provision = run_service(services.add_provision, request.user, data.pop("household"), **data)
        return Response(self.get_serializer(provision).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        provision = self.get_object()
        body = self.get_serializer(provision, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        provision = run_service(
            services.update_provision, request.user, provision, **body.validated_data
        )
        return Response(self.get_serializer(provision).data)


class SystemCostViewSet(viewsets.GenericViewSet):
    """System cost of one household per financier, before and during the programme."""

    serializer_class = SystemCostSerializer
    lookup_field = "number"
    queryset = Provision.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("number", str, OpenApiParameter.PATH, description="Huishoudnummer"),
            OpenApiParameter("on", date, description="Peildatum (standaard vandaag)"),
        ],
        responses={200: SystemCostSerializer},
    )
    def retrieve(self, request, number=None):
        household = policies.get_special_household(request.user, number)
        on = dates.today()
        if request.query_params.get("on"):
            field = serializers.DateField()
            try:
                on = field.to_internal_value(request.query_params["on"])
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"on": exc.detail}) from exc
        record(request.user, Action.VIEW, household, household_id=household.pk, detail="api kosten")
        result = selectors.cost_before_and_during(household, on)
        financiers = sorted(set(result.before) | set(result.during))
        zero = selectors.ZERO
        data = {
            "household": household.number,
            "entry": result.entry,
            "during_days": result.during_days,
            "before_total": result.before_total,
            "during_total": result.during_total,
            "during_per_year_total": result.during_per_year_total,
            "by_financier": [
                {
                    "financier": f,
                    "before": result.before.get(f, zero),
                    "during": result.during.get(f, zero),
                    "during_per_year": result.during_per_year.get(f, zero),
                }
                for f in financiers
            ],
        }
        return Response(SystemCostSerializer(data).data, status=status.HTTP_200_OK)


def register(router) -> None:
    router.register("provisions", ProvisionViewSet, basename="provision")
    router.register("system-cost", SystemCostViewSet, basename="system-cost")
