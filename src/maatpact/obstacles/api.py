"""REST endpoints for obstacles, the ladder, proposals and the analysis: the same
policies and services as the pages."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from maatpact.accounts import policies
from maatpact.api.mixins import (
    MoneyField,
    ObjectResponseSchema,
    PseudonymisedSerializer,
    run_service,
)
from maatpact.audit.services import Action, record, record_many
from maatpact.common.refusals import refuse
from maatpact.provisions.models import Law
from maatpact.regions.models import Municipality, Organisation

from . import selectors, services
from .models import (
    Breakthrough,
    EscalationLevel,
    EscalationStep,
    Obstacle,
    ProposalAdoption,
    StructuralProposal,
)


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = EscalationLevel
        fields = [
            "order",
            "code",
            "name",
            "handled_by",
            "deadline_working_days",
            "region_full_access",
            "external",
        ]


class StepSerializer(serializers.ModelSerializer):
    level = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    from_level = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = EscalationStep
        fields = [
            "level",
            "from_level",
            "at",
            "automatic",
            "deadline",
            "reference",
            "answered_on",
        ]


class BreakthroughSerializer(serializers.ModelSerializer):
    level = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    cost = MoneyField()
    days_to_breakthrough = serializers.SerializerMethodField()

    class Meta:
        model = Breakthrough
        fields = ["what", "broken_by", "level", "on", "cost", "days_to_breakthrough"]

    def get_days_to_breakthrough(self, obj: Breakthrough) -> int:
        return obj.days_to_breakthrough


class ObstacleSerializer(PseudonymisedSerializer):
    """Case content (description, the breakthrough) only with full access: the fields
    classified free text in ``obstacles/classification.py`` (and the breakthrough as a
    whole) are left out otherwise."""

    household = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    municipality = serializers.SlugRelatedField(
        slug_field="cbs_code", read_only=True, allow_null=True
    )
    # A link or empty: plain text in the schema ("" is not a URI).
    rule_url = serializers.CharField(read_only=True)
    law = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    current_level = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    harm_euros = MoneyField()
    status = serializers.SerializerMethodField()
    age_days = serializers.SerializerMethodField()
    full_access = serializers.SerializerMethodField()
    breakthrough = BreakthroughSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Obstacle
        fields = [
            "id",
            "household",
            "municipality",
            "type",
            "description",
            "rule_text",
            "rule_url",
            "law",
            "organisation",
            "delay_days",
            "harm_euros",
            "raised_at",
            "current_level",
            "deadline",
            "age_days",
            "status",
            "full_access",
            "breakthrough",
        ]
        read_only_fields = fields

    def get_status(self, obj: Obstacle) -> str:
        return "doorbroken" if hasattr(obj, "breakthrough") else "open"

    def get_age_days(self, obj: Obstacle) -> int:
        return selectors.age_days(obj)

    def full_access_to(self, instance: Obstacle) -> bool:
        return bool(getattr(instance, "full", False))

    def get_full_access(self, obj: Obstacle) -> bool:
        return self.full_access_to(obj)


class ObstacleDetailSerializer(ObstacleSerializer):
    steps = serializers.SerializerMethodField()

    class Meta(ObstacleSerializer.Meta):
        fields = [*ObstacleSerializer.Meta.fields, "steps"]
        read_only_fields = fields

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, obj: Obstacle) -> list[dict]:
        return StepSerializer(selectors.steps(obj), many=True).data


class RaiseSerializer(serializers.Serializer):
    # A number, resolved by policies.get_full_household: unknown and hidden households
    # answer the same 404, so the answer reveals nothing about existence.
    household = serializers.CharField(
        max_length=16, required=False, allow_null=True, allow_blank=True, help_text="Huishoudnummer"
    )
    municipality = serializers.SlugRelatedField(
        slug_field="cbs_code",
        queryset=Municipality.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "Onbekende gemeente."},
    )
    type = serializers.ChoiceField(choices=Obstacle.Type.choices)
    description = serializers.CharField(max_length=4000)
    rule_text = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    rule_url = serializers.URLField(required=False, allow_blank=True, default="")
    law = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Law.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        error_messages={"does_not_exist": "Onbekende wet."},
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    delay_days = serializers.IntegerField(min_value=0, default=0)
    harm_euros = MoneyField(min_value=0, default=Decimal("0.00"))


class EscalateSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class BreakthroughInSerializer(serializers.Serializer):
    what = serializers.CharField()
    broken_by = serializers.CharField(max_length=200)
    on = serializers.DateField()
    cost = MoneyField(min_value=0, default=Decimal("0.00"))
    level = serializers.SlugRelatedField(
        slug_field="code",
        queryset=EscalationLevel.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )


class DecisionInSerializer(serializers.Serializer):
    desired_effect = serializers.CharField()
    law_purpose = serializers.CharField()
    effect_person_short = serializers.CharField()
    effect_person_long = serializers.CharField()
    effect_family_short = serializers.CharField()
    effect_family_long = serializers.CharField()
    effect_money_short = serializers.CharField()
    effect_money_long = serializers.CharField()
    legal_test = serializers.CharField()
    decision = serializers.CharField()
    decided_on = serializers.DateField()


class ObstacleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Obstacles the caller may see; case content only with full access to the household."""

    serializer_class = ObstacleSerializer
    queryset = Obstacle.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Obstacle.objects.none()
        if not policies.can_see_obstacle_lists(self.request.user):
            return Obstacle.objects.none()
        params = self.request.query_params
        filters = {
            "type": params.get("type", ""),
            "status": params.get("status", ""),
            "level": params.get("level", ""),
            "law": params.get("law", ""),
            "q": params.get("q", ""),
        }
        return selectors.obstacle_list(self.request.user, filters=filters)

    def get_serializer_class(self):
        return ObstacleDetailSerializer if self.action == "retrieve" else ObstacleSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("type", str, enum=Obstacle.Type.values),
            OpenApiParameter("status", str, description="open of doorbroken"),
            OpenApiParameter("level", str, description="code van het escalatieniveau"),
            OpenApiParameter("law", str, description="code van de wet"),
            OpenApiParameter("q", str, description="regel bevat"),
        ]
    )
    def list(self, request, *args, **kwargs):
        page = selectors.mark_full(request.user, self.paginate_queryset(self.get_queryset()))
        record_many(
            request.user,
            Action.VIEW,
            "obstacles.obstacle",
            {o.household_id for o in page if o.household_id and o.full},
            detail="api knelpuntenlijst",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        obstacle = self._obstacle()
        if obstacle.household_id and obstacle.full:
            record(
                request.user,
                Action.VIEW,
                obstacle,
                household_id=obstacle.household_id,
                detail="api knelpunt",
            )
        return Response(ObstacleDetailSerializer(obstacle).data)

    def _obstacle(self) -> Obstacle:
        return selectors.get_obstacle(self.request.user, int(self.kwargs["pk"]))

    @extend_schema(request=RaiseSerializer, responses={201: ObstacleSerializer})
    def create(self, request, *args, **kwargs):
        body = RaiseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        number = data.pop("household", None)
        municipality = data.pop("municipality", None)
        household = policies.get_full_household(request.user, number) if number else None
        obstacle = run_service(
            services.raise_obstacle,
            request.user,
            services.ObstacleData(**data),
            household=household,
            municipality=municipality,
        )
        obstacle = selectors.get_obstacle(request.user, obstacle.pk)
        return Response(ObstacleSerializer(obstacle).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EscalateSerializer, responses={200: ObstacleDetailSerializer})
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        obstacle = self._obstacle()
        body = EscalateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run_service(services.escalate, request.user, obstacle, **body.validated_data)
        return Response(ObstacleDetailSerializer(self._obstacle()).data)

    @extend_schema(request=BreakthroughInSerializer, responses={201: ObstacleDetailSerializer})
    @action(detail=True, methods=["post"])
    def breakthrough(self, request, pk=None):
        obstacle = self._obstacle()
        if not obstacle.full:
            refuse("U mag voor dit knelpunt geen doorbraak vastleggen.")
        body = BreakthroughInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run_service(services.record_breakthrough, request.user, obstacle, **body.validated_data)
        return Response(
            ObstacleDetailSerializer(self._obstacle()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=DecisionInSerializer, responses={201: ObstacleDetailSerializer})
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        obstacle = self._obstacle()
        if not obstacle.full:
            refuse("U mag voor dit knelpunt geen maatwerkbesluit vastleggen.")
        body = DecisionInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run_service(services.record_decision, request.user, obstacle, **body.validated_data)
        return Response(
            ObstacleDetailSerializer(self._obstacle()).data, status=status.HTTP_201_CREATED
        )


class LevelViewSet(viewsets.ReadOnlyModelViewSet):
    """The escalation ladder as configured."""

    serializer_class = LevelSerializer
    queryset = EscalationLevel.objects.order_by("order")
    lookup_field = "code"
    pagination_class = None


class EvidenceSerializer(serializers.Serializer):
    obstacles = serializers.IntegerField()
    households = serializers.IntegerField()
    delay_days = serializers.IntegerField()
    harm = MoneyField()
    breakthrough_cost = MoneyField()
    municipalities = serializers.ListField(child=serializers.CharField())


class AdoptionSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="cbs_code", read_only=True)

    class Meta:
        model = ProposalAdoption
        fields = [
            "municipality",
            "ordinance",
            "status",
            "submitted_on",
            "decided_on",
            "article",
            "reason",
        ]
        read_only_fields = fields


class MunicipalityEvidenceSerializer(serializers.Serializer):
    municipality = serializers.CharField()
    obstacles = serializers.IntegerField()
    households = serializers.IntegerField()
    delay_days = serializers.IntegerField()
    harm = MoneyField()
    adoption = AdoptionSerializer(allow_null=True)


class SubmitSerializer(serializers.Serializer):
    municipality = serializers.SlugRelatedField(
        slug_field="cbs_code",
        queryset=Municipality.objects.all(),
        error_messages={"does_not_exist": "Onbekende gemeente (CBS-code)."},
    )
    ordinance = serializers.CharField(max_length=200)


class AdoptionDecisionSerializer(serializers.Serializer):
    municipality = serializers.SlugRelatedField(
        slug_field="cbs_code",
        queryset=Municipality.objects.all(),
        error_messages={"does_not_exist": "Onbekende gemeente (CBS-code)."},
    )
    status = serializers.ChoiceField(choices=["aangenomen", "afgewezen"])
    decided_on = serializers.DateField()
    article = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ProposalSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(
        slug_field="cbs_code", read_only=True, allow_null=True
    )
    obstacles = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    evidence = serializers.SerializerMethodField()
    by_municipality = serializers.SerializerMethodField()

    class Meta:
        model = StructuralProposal
        fields = [
            "id",
            "title",
            "kind",
            "municipality",
            "organisation",
            "ordinance",
            "proposal",
            "rationale",
            "status",
            "obstacles",
            "evidence",
            "created_at",
            "submitted_on",
            "decided_on",
            "decision_note",
            "by_municipality",
        ]
        read_only_fields = fields

    @extend_schema_field(EvidenceSerializer)
    def get_evidence(self, obj: StructuralProposal) -> dict:
        return EvidenceSerializer(selectors.proposal_evidence(obj)).data

    @extend_schema_field(MunicipalityEvidenceSerializer(many=True))
    def get_by_municipality(self, obj: StructuralProposal) -> list[dict]:
        return MunicipalityEvidenceSerializer(
            selectors.evidence_by_municipality(obj), many=True
        ).data


class ProposalInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=StructuralProposal.Kind.choices)
    municipality = serializers.SlugRelatedField(
        slug_field="cbs_code",
        queryset=Municipality.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    ordinance = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    proposal = serializers.CharField()
    rationale = serializers.CharField()
    obstacles = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=True)


class ProposalStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=StructuralProposal.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProposalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Structural proposals with their derived evidence."""

    serializer_class = ProposalSerializer

    def get_queryset(self):
        return (
            selectors.visible_proposals(self.request.user)
            .prefetch_related("obstacles")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(request=ProposalInSerializer, responses={201: ProposalSerializer})
    def create(self, request, *args, **kwargs):
        if not policies.can_manage_proposals(request.user):
            raise Http404
        body = ProposalInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        proposal = run_service(
            services.create_proposal, request.user, obstacle_ids=data.pop("obstacles"), **data
        )
        return Response(
            ProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ProposalStatusSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        proposal = self.get_object()
        if not policies.can_manage_proposals(request.user):
            refuse("Alleen het programmateam wijzigt de status van een voorstel.")
        body = ProposalStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run_service(
            services.change_proposal_status,
            request.user,
            proposal,
            body.validated_data["status"],
            note=body.validated_data["note"],
        )
        return Response(ProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data)

    @extend_schema(request=SubmitSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Put the proposal before one municipality's council (its ordinance)."""
        proposal = self.get_object()
        if not policies.can_manage_proposals(request.user):
            raise PermissionDenied("Alleen het programmateam dient voorstellen in.")
        body = SubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run_service(
            services.submit_to_municipality,
            request.user,
            proposal,
            body.validated_data["municipality"],
            ordinance=body.validated_data["ordinance"],
        )
        return Response(ProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data)

    @extend_schema(request=AdoptionDecisionSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Record one municipality's decision: adopted with its article, or rejected."""
        proposal = self.get_object()
        if not policies.can_manage_proposals(request.user):
            raise PermissionDenied("Alleen het programmateam legt besluiten vast.")
        body = AdoptionDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        adoption = proposal.adoptions.filter(municipality=data["municipality"]).first()
        if adoption is None:
            raise serializers.ValidationError(
                {"municipality": ["Dit voorstel is niet bij deze gemeente ingediend."]}
            )
        run_service(
            services.decide_adoption,
            request.user,
            adoption,
            data["status"],
            on=data["decided_on"],
            article=data["article"],
            reason=data["reason"],
        )
        return Response(ProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data)


class CountSerializer(serializers.Serializer):
    label = serializers.CharField()
    n = serializers.IntegerField()


class AnalysisSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    broken = serializers.IntegerField()
    delay_days = serializers.IntegerField()
    harm = MoneyField()
    median_days_to_breakthrough = serializers.FloatField(allow_null=True)
    by_type = CountSerializer(many=True)
    by_law = CountSerializer(many=True)
    by_organisation = CountSerializer(many=True)
    by_municipality = CountSerializer(many=True)
    by_month = CountSerializer(many=True)
    time_to_breakthrough = CountSerializer(many=True)
    top_rules = CountSerializer(many=True)


class AnalysisViewSet(viewsets.ViewSet):
    """Aggregates only; the same scope as the analysis page."""

    schema = ObjectResponseSchema()

    serializer_class = AnalysisSerializer

    @extend_schema(responses={200: AnalysisSerializer})
    def list(self, request):
        if not policies.can_view_obstacle_analysis(request.user):
            raise Http404
        a = selectors.analysis(request.user)
        data = {
            "total": a["totals"]["n"],
            "open": a["totals"]["open"],
            "broken": a["totals"]["broken"],
            "delay_days": a["totals"]["delay"],
            "harm": a["totals"]["harm"],
            "median_days_to_breakthrough": a["totals"]["median_days"],
            "by_type": [{"label": lbl, "n": n} for lbl, n in a["by_type"]],
            "by_law": [{"label": lbl, "n": n} for lbl, n in a["by_law"]],
            "by_organisation": [
                {"label": r["organisation__name"] or "Geen organisatie genoemd", "n": r["n"]}
                for r in a["by_organisation"]
            ],
            "by_municipality": [
                {"label": r["municipality__name"], "n": r["n"]} for r in a["by_municipality"]
            ],
            "by_month": [{"label": m.strftime("%Y-%m"), "n": n} for m, n, _ in a["by_month"]],
            "time_to_breakthrough": [
                {"label": lbl, "n": n} for lbl, n in a["time_to_breakthrough"]
            ],
            "top_rules": [{"label": r["rule"], "n": r["n"]} for r in a["top_rules"]],
        }
        return Response(AnalysisSerializer(data).data)


def register(router) -> None:
    router.register("obstacles", ObstacleViewSet, basename="obstacle")
    router.register("escalation-levels", LevelViewSet, basename="escalation-level")
    router.register("proposals", ProposalViewSet, basename="proposal")
    router.register("obstacle-analysis", AnalysisViewSet, basename="obstacle-analysis")
