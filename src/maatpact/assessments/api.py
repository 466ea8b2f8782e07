"""REST endpoints for assessments: the same policies and service as the pages."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from maatpact.api.mixins import CaseHouseholdField, run_service
from maatpact.audit.services import Action, record, record_many
from maatpact.households.models import Member

from . import selectors, services
from .models import Assessment, Score


class ScoreSerializer(serializers.ModelSerializer):
    domain = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Score
        fields = ["domain", "score", "note"]


class AssessmentSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)
    instrument = serializers.SlugRelatedField(slug_field="code", read_only=True)
    instrument_version = serializers.CharField(source="instrument.version", read_only=True)
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "household",
            "member",
            "instrument",
            "instrument_version",
            "assessed_on",
            "assessed_by",
            "own_rating",
            "own_words",
            "scores",
        ]
        read_only_fields = fields


class ScoreInputSerializer(serializers.Serializer):
    domain = serializers.CharField(max_length=40)
    score = serializers.IntegerField(
        error_messages={"invalid": "Een score is een heel getal van 1 tot en met 5."}
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssessmentInputSerializer(serializers.Serializer):
    household = CaseHouseholdField()
    member = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "Dit gezinslid hoort niet bij dit huishouden."},
    )
    assessed_on = serializers.DateField()
    own_rating = serializers.IntegerField(required=False, allow_null=True)
    own_words = serializers.CharField(required=False, allow_blank=True, default="")
    scores = ScoreInputSerializer(many=True, allow_empty=False)


class AssessmentFilter(django_filters.FilterSet):
    household = django_filters.CharFilter(field_name="household__number")

    class Meta:
        model = Assessment
        fields = ["household", "member"]


class AssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Assessments of households the caller may see in full."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter

    def get_queryset(self):
        return (
            selectors.household_assessments_qs(self.request.user)
            .select_related("household", "instrument")
            .prefetch_related("scores__domain")
            .order_by("household__number", "-assessed_on", "pk")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        record_many(
            request.user,
            Action.VIEW,
            "assessments.assessment",
            {a.household_id for a in page},
            detail="api metingen",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        assessment = self.get_object()
        record(request.user, Action.VIEW, assessment, household_id=assessment.household_id)
        return Response(self.get_serializer(assessment).data)

    @extend_schema(request=AssessmentInputSerializer, responses={201: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        body = AssessmentInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        scores: dict = {}
        for item in data["scores"]:
            if item["domain"] in scores:
                raise serializers.ValidationError(
                    {"scores": [f"Leefgebied '{item['domain']}' staat twee keer in de meting."]}
                )
            scores[item["domain"]] = (item["score"], item["note"])
        assessment = run_service(
            services.record_assessment,
            request.user,
            data["household"],
            member=data.get("member"),
            assessed_on=data["assessed_on"],
            scores=scores,
            own_rating=data.get("own_rating"),
            own_words=data["own_words"],
        )
        assessment = self.get_queryset().get(pk=assessment.pk)
        return Response(self.get_serializer(assessment).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("assessments", AssessmentViewSet, basename="assessment")
