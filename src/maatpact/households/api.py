"""REST endpoints for households: same policies and services as the pages."""

from __future__ import annotations

import django_filters
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.api.mixins import PseudonymisedSerializer, run_service
from maatpact.audit.services import Action, record, record_many
from maatpact.common.validators import validate_birth_date
from maatpact.regions.models import Municipality

from . import services
from .models import Cohort, Household, Member


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["id", "first_name", "last_name", "date_of_birth", "bsn", "role"]
        read_only_fields = ["id"]


class HouseholdSerializer(PseudonymisedSerializer):
    """Full representation; without full access only the fields classified pseudonymous
    (``households/classification.py``) are shown. Only used for output."""

    household_id_attr = "pk"

    municipality = serializers.SlugRelatedField(slug_field="cbs_code", read_only=True)
    members = MemberSerializer(many=True, read_only=True)
    full_access = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "number",
            "municipality",
            "status",
            "cohort",
            "registered_on",
            "selected_on",
            "started_on",
            "closed_on",
            "closure_reason",
            "full_access",
            "street",
            "house_number",
            "postcode",
            "city",
            "members",
        ]
        read_only_fields = fields

    def get_full_access(self, obj: Household) -> bool:
        return self.full_access_to(obj)


class IntakeMemberSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=80)
    last_name = serializers.CharField(max_length=120)
    date_of_birth = serializers.DateField(validators=[validate_birth_date])
    role = serializers.ChoiceField(choices=Member.Role.choices)
    bsn = serializers.CharField(max_length=9, required=False, allow_blank=True, default="")


class IntakeSerializer(serializers.Serializer):
    municipality = serializers.SlugRelatedField(
        slug_field="cbs_code",
        queryset=Municipality.objects.all(),
        error_messages={"does_not_exist": "Onbekende gemeente."},
    )
    street = serializers.CharField(max_length=120)
    house_number = serializers.CharField(max_length=12)
    postcode = serializers.CharField(max_length=7)
    city = serializers.CharField(max_length=80)
    coordinator = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    members = IntakeMemberSerializer(many=True, allow_empty=False)
    registered_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Voor een huishouden dat al eerder werd geholpen; leeg is vandaag.",
    )


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Household.Status.choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    cohort = serializers.PrimaryKeyRelatedField(
        queryset=Cohort.objects.all(), required=False, allow_null=True
    )
    on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Datum van de stap (terugwerkend, nooit in de toekomst); leeg is vandaag.",
    )
    override_reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Alleen een teamleider: waarom selecteren buiten de selectiecriteria.",
    )


class HandoverSerializer(serializers.Serializer):
    coordinator = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    reason = serializers.CharField(max_length=200)


class HouseholdFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__cbs_code")

    class Meta:
        model = Household
        fields = ["status", "municipality", "cohort"]


class HouseholdViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Households the caller may see; personal fields only with full access."""

    serializer_class = HouseholdSerializer
    lookup_field = "number"
    filterset_class = HouseholdFilter

    def get_queryset(self):
        return (
            policies.visible_households(self.request.user)
            .select_related("municipality")
            .prefetch_related("members")
            .order_by("number")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["full_ids"] = getattr(self, "_full_ids", set())
        return context

    def _mark_full(self, households) -> None:
        ids = [h.pk for h in households]
        self._full_ids = set(
            policies.full_access_households(self.request.user)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self._mark_full(page)
        record_many(
            request.user, Action.VIEW, "households.household", self._full_ids, detail="api lijst"
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        household = self.get_object()
        self._mark_full([household])
        record(
            request.user,
            Action.VIEW,
            household,
            household_id=household.pk,
            detail="api volledig" if self._full_ids else "api gepseudonimiseerd",
        )
        return Response(self.get_serializer(household).data)

    @extend_schema(request=IntakeSerializer, responses={201: HouseholdSerializer})
    def create(self, request, *args, **kwargs):
        if not policies.can_register_household(request.user):
            raise Http404
        intake = IntakeSerializer(data=request.data)
        intake.is_valid(raise_exception=True)
        data = dict(intake.validated_data)
        members = [services.MemberData(**m) for m in data.pop("members")]
        household = run_service(services.register_household, request.user, members=members, **data)
        self._mark_full([household])
        return Response(self.get_serializer(household).data, status=status.HTTP_201_CREATED)

    def _full_household(self) -> Household:
        return policies.get_full_household(self.request.user, self.kwargs["number"])

    @extend_schema(request=StatusSerializer, responses={200: HouseholdSerializer})
    @action(detail=True, methods=["post"])
    def status(self, request, number=None):
        household = self._full_household()
        body = StatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        household = run_service(
            services.change_status,
            request.user,
            household,
            body.validated_data["status"],
            reason=body.validated_data["reason"],
            cohort=body.validated_data.get("cohort"),
            override_reason=body.validated_data.get("override_reason", ""),
            on=body.validated_data.get("on"),
        )
        self._mark_full([household])
        return Response(self.get_serializer(household).data)

    @extend_schema(request=HandoverSerializer, responses={200: HouseholdSerializer})
    @action(detail=True, methods=["post"])
    def handover(self, request, number=None):
        household = self._full_household()
        body = HandoverSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run_service(
            services.hand_over,
            request.user,
            household,
            body.validated_data["coordinator"],
            reason=body.validated_data["reason"],
        )
        self._mark_full([household])
        return Response(self.get_serializer(household).data)


def register(router) -> None:
    router.register("households", HouseholdViewSet, basename="household")
    # Cohorts are registered by the programme app, which manages them.
