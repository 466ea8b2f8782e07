"""REST endpoints for the plan, goals, actions and the version history."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from maatpact.accounts import policies
from maatpact.api.mixins import CaseHouseholdField, run_service
from maatpact.audit.services import Action as AuditAction
from maatpact.audit.services import record, record_many
from maatpact.regions.models import Organisation

from . import selectors, services
from .models import Action, Goal, Plan, PlanChange


class PlanChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanChange
        fields = ["version", "subject", "subject_id", "kind", "diff", "changed_by", "changed_at"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "household",
            "future_in_own_words",
            "first_need_in_own_words",
            "agreed_on",
            "updated_at",
        ]
        read_only_fields = ["household", "updated_at"]


class GoalSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(
        source="plan.household", slug_field="number", read_only=True
    )

    class Meta:
        model = Goal
        fields = ["id", "household", "domain_code", "description", "status", "order"]
        read_only_fields = ["id", "household", "order"]


class GoalInputSerializer(serializers.Serializer):
    household = CaseHouseholdField()
    domain_code = serializers.CharField(max_length=40)
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=Goal.Status.choices, default=Goal.Status.OPEN)


class ActionSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(
        source="plan.household", slug_field="number", read_only=True
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "household",
            "goal",
            "who_kind",
            "who",
            "organisation",
            "what",
            "due_on",
            "status",
            "done_on",
        ]
        read_only_fields = ["id", "household", "done_on"]
        extra_kwargs = {"goal": {"queryset": Goal.objects.all()}}


class ActionInputSerializer(serializers.Serializer):
    household = CaseHouseholdField()
    goal = serializers.PrimaryKeyRelatedField(
        queryset=Goal.objects.all(), required=False, allow_null=True
    )
    who_kind = serializers.ChoiceField(choices=Action.Who.choices)
    who = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    what = serializers.CharField()
    due_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Action.Status.choices, default=Action.Status.OPEN)


class ByHousehold(django_filters.FilterSet):
    household = django_filters.CharFilter(field_name="plan__household__number")


class GoalFilter(ByHousehold):
    class Meta:
        model = Goal
        fields = ["household", "status"]


class ActionFilter(ByHousehold):
    class Meta:
        model = Action
        fields = ["household", "status", "goal"]


class _Audited:
    audit_type = ""

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        record_many(
            request.user,
            AuditAction.VIEW,
            self.audit_type,
            {getattr(o, "household_id", None) or o.plan.household_id for o in page},
            detail="api",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PlanViewSet(
    _Audited,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The one plan per household, addressed by household number."""

    serializer_class = PlanSerializer
    lookup_field = "household__number"
    lookup_url_kwarg = "number"
    audit_type = "plans.plan"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return (
            selectors.full_access_plans(self.request.user)
            .select_related("household")
            .order_by("household__number")
        )

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        record(request.user, AuditAction.VIEW, plan, household_id=plan.household_id, detail="api")
        return Response(self.get_serializer(plan).data)

    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        body = self.get_serializer(plan, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        plan = run_service(services.update_plan, request.user, plan, **body.validated_data)
        return Response(self.get_serializer(plan).data)

    @extend_schema(responses={200: PlanChangeSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def history(self, request, number=None):
        plan = self.get_object()
        record(request.user, AuditAction.VIEW, plan, household_id=plan.household_id, detail="api")
        page = self.paginate_queryset(selectors.plan_history(plan))
        return self.get_paginated_response(PlanChangeSerializer(page, many=True).data)


class GoalViewSet(
    _Audited,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = GoalSerializer
    filterset_class = GoalFilter
    audit_type = "plans.goal"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            Goal.objects.filter(
                plan__household__in=policies.full_access_households(self.request.user)
            )
            .select_related("plan__household")
            .order_by("plan__household__number", "order", "pk")
        )

    @extend_schema(request=GoalInputSerializer, responses={201: GoalSerializer})
    def create(self, request, *args, **kwargs):
        body = GoalInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        plan = selectors.plan_for(data.pop("household"))
        goal = run_service(services.add_goal, request.user, plan, **data)
        return Response(self.get_serializer(goal).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        goal = self.get_object()
        body = self.get_serializer(goal, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        goal = run_service(services.update_goal, request.user, goal, **body.validated_data)
        return Response(self.get_serializer(goal).data)


class ActionViewSet(GoalViewSet):
    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    audit_type = "plans.action"

    def get_queryset(self):
        return (
            Action.objects.filter(
                plan__household__in=policies.full_access_households(self.request.user)
            )
            .select_related("plan__household")
            .order_by("plan__household__number", "due_on", "pk")
        )

    @extend_schema(request=ActionInputSerializer, responses={201: ActionSerializer})
    def create(self, request, *args, **kwargs):
        body = ActionInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        plan = selectors.plan_for(data.pop("household"))
        action_obj = run_service(services.add_action, request.user, plan, **data)
        return Response(self.get_serializer(action_obj).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        body = self.get_serializer(obj, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        obj = run_service(services.update_action, request.user, obj, **body.validated_data)
        return Response(self.get_serializer(obj).data)


def register(router) -> None:
    router.register("plans", PlanViewSet, basename="plan")
    router.register("goals", GoalViewSet, basename="goal")
    router.register("actions", ActionViewSet, basename="action")
