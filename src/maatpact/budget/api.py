"""REST endpoints for the budget: the same policies and services as the pages.

Bad input answers 400 with field errors, a household or spend outside the caller's
scope 404, a forbidden act (approving one's own request) 403; the ledger is unchanged.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from maatpact.accounts import policies
from maatpact.api.mixins import MoneyField, PseudonymisedSerializer, run_service
from maatpact.audit.services import Action, record, record_many
from maatpact.provisions.models import Law
from maatpact.regions.models import Municipality, Region

from . import selectors, services, sources
from .allocation import compute_allocation
from .models import Allocation, Fund, FundContribution, ScenarioLine, Spend, Transfer


class ScenarioLineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ScenarioLine.Kind.choices)
    description = serializers.CharField(max_length=200)
    annual_cost = MoneyField(min_value=0)
    avoided = serializers.BooleanField(default=False)
    financier = serializers.IntegerField(required=False, allow_null=True)
    provision = serializers.IntegerField(required=False, allow_null=True)


class SpendSerializer(PseudonymisedSerializer):
    """Numbers and amounts for everyone in scope; case content only with full access
    (free text per ``budget/classification.py``, and the links into the plan)."""

    also_withheld = ("goal", "obstacle")

    household = serializers.CharField(source="household.number", read_only=True)
    municipality = serializers.CharField(source="allocation.municipality.cbs_code", read_only=True)
    amount = MoneyField(read_only=True)
    reversed_amount = MoneyField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="aangevraagd, goedgekeurd, ...")
    category = serializers.CharField(read_only=True)
    scenario_lines = serializers.SerializerMethodField()

    class Meta:
        model = Spend
        fields = [
            "id",
            "household",
            "municipality",
            "amount",
            "reversed_amount",
            "category",
            "status",
            "needs_approval",
            "requested_at",
            "decided_at",
            "paid_at",
            "rejection_reason",
            "law",
            "financier",
            "purpose",
            "justification",
            "goal",
            "obstacle",
            "scenario_lines",
        ]
        read_only_fields = fields

    def get_scenario_lines(self, obj: Spend) -> list[dict]:
        return [
            {
                "kind": line.kind,
                "description": line.description,
                "annual_cost": str(line.annual_cost),
                "avoided": line.avoided,
                "financier": line.financier_id,
            }
            for line in obj.scenario_lines.all()
        ]


class SpendCreateSerializer(serializers.Serializer):
    household = serializers.CharField(help_text="Huishoudnummer, bijv. MP-0001")
    idempotency_key = serializers.CharField(max_length=64)
    amount = serializers.CharField(max_length=20, help_text="Euro's als tekst, bijv. '450.00'")
    category = serializers.ChoiceField(choices=Spend.Category.choices)
    purpose = serializers.CharField()
    goal = serializers.IntegerField()
    obstacle = serializers.IntegerField(required=False, allow_null=True)
    law = serializers.IntegerField(required=False, allow_null=True)
    financier = serializers.IntegerField(required=False, allow_null=True)
    justification = serializers.CharField()
    value_legitimate = serializers.BooleanField()
    value_involved = serializers.BooleanField()
    value_return = serializers.BooleanField()
    lines = ScenarioLineSerializer(many=True, required=False)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ReverseSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=20)
    reason = serializers.CharField(max_length=300)


class SpendViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SpendSerializer
    filterset_fields = ["status", "category"]

    def get_queryset(self):
        return (
            selectors.spends_for(self.request.user)
            .prefetch_related("scenario_lines")
            .order_by("-requested_at", "-pk")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["full_ids"] = getattr(self, "_full_ids", set())
        return context

    def _mark_full(self, spends) -> None:
        ids = {s.household_id for s in spends}
        self._full_ids = set(
            policies.full_access_households(self.request.user)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._mark_full(page)
        record_many(request.user, Action.VIEW, "budget.spend", self._full_ids, detail="api lijst")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        spend = self.get_object()
        self._mark_full([spend])
        record(request.user, Action.VIEW, spend, household_id=spend.household_id, detail="api")
        return Response(self.get_serializer(spend).data)

    @extend_schema(
        request=SpendCreateSerializer,
        responses={201: SpendSerializer, 200: SpendSerializer},
        description="Vraagt een uitgave aan. Dezelfde idempotency_key opnieuw geeft de "
        "oorspronkelijke uitgave terug (200) en boekt niets.",
    )
    def create(self, request, *args, **kwargs):
        body = SpendCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        household = policies.get_full_household(request.user, data["household"])
        spend, created = run_service(
            services.request_spend,
            request.user,
            household,
            services.SpendRequest(
                amount=data["amount"],
                category=data["category"],
                purpose=data["purpose"],
                goal_id=data["goal"],
                obstacle_id=data.get("obstacle"),
                law_id=data.get("law"),
                financier_id=data.get("financier"),
                justification=data["justification"],
                value_legitimate=data["value_legitimate"],
                value_involved=data["value_involved"],
                value_return=data["value_return"],
                idempotency_key=data["idempotency_key"],
                lines=[
                    services.ScenarioLineData(
                        kind=line["kind"],
                        description=line["description"],
                        annual_cost=line["annual_cost"],
                        avoided=line["avoided"],
                        financier_id=line.get("financier"),
                        provision_id=line.get("provision"),
                    )
                    for line in data.get("lines", [])
                ],
            ),
        )
        self._mark_full([spend])
        return Response(
            self.get_serializer(spend).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _act(self, func, *args):
        spend = self.get_object()
        spend = run_service(func, self.request.user, spend, *args)
        self._mark_full([spend])
        return Response(self.get_serializer(spend).data)

    @extend_schema(request=None, responses={200: SpendSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(services.approve_spend)

    @extend_schema(request=RejectSerializer, responses={200: SpendSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._act(services.reject_spend, body.validated_data["reason"])

    @extend_schema(request=None, responses={200: SpendSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        return self._act(services.mark_paid)

    @extend_schema(request=ReverseSerializer, responses={200: SpendSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        body = ReverseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._act(
            services.reverse_spend, body.validated_data["amount"], body.validated_data["reason"]
        )


class AllocationSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.cbs_code", read_only=True)
    allocated = MoneyField(read_only=True)
    pending = MoneyField(read_only=True)
    approved = MoneyField(read_only=True)
    paid = MoneyField(read_only=True)
    available = MoneyField(read_only=True)
    committed = MoneyField(read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "fund",
            "municipality",
            "allocated",
            "pending",
            "approved",
            "paid",
            "available",
            "committed",
        ]
        read_only_fields = fields


class AllocationViewSet(viewsets.ReadOnlyModelViewSet):
    """Balances per municipality: aggregated figures, no household data."""

    serializer_class = AllocationSerializer

    def get_queryset(self):
        scope = policies.budget_overview_scope(self.request.user)
        if scope is None:
            return Allocation.objects.none()
        return (
            Allocation.objects.filter(municipality__in=scope)
            .select_related("municipality")
            .order_by("fund_id", "municipality__name")
        )


class AllocateSerializer(serializers.Serializer):
    formula = serializers.ChoiceField(choices=Fund.Formula.choices)
    manual = serializers.DictField(
        child=MoneyField(min_value=0), required=False, help_text="CBS-code -> bedrag"
    )
    preview = serializers.BooleanField(default=False)


class ContributionSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="cbs_code", read_only=True)
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)
    amount = MoneyField(read_only=True)

    class Meta:
        model = FundContribution
        fields = ["municipality", "source", "budget_line", "amount", "contributed_on", "is_top_up"]
        read_only_fields = fields


class FundSerializer(serializers.ModelSerializer):
    amount = MoneyField(read_only=True)
    contributions = ContributionSerializer(many=True, read_only=True)

    class Meta:
        model = Fund
        fields = [
            "id",
            "name",
            "region",
            "amount",
            "formula",
            "allocated_at",
            "status",
            "proposed_by",
            "confirmed_by",
            "contributions",
        ]
        read_only_fields = fields


class ContributionInSerializer(serializers.Serializer):
    municipality = serializers.SlugRelatedField(
        slug_field="cbs_code",
        queryset=Municipality.objects.all(),
        error_messages={"does_not_exist": "Onbekende gemeente (CBS-code)."},
    )
    source = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Law.objects.all(),
        error_messages={"does_not_exist": "Onbekend bronbudget (wet-code)."},
    )
    budget_line = serializers.CharField(max_length=200, required=False, allow_blank=True)
    amount = serializers.CharField(max_length=20, help_text='Euro\'s, bijv. "125000.00".')


class FundInSerializer(serializers.Serializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    name = serializers.CharField(max_length=120)
    amount = serializers.CharField(
        max_length=20, required=False, help_text="Ter controle: de som van de bijdragen."
    )
    contributions = ContributionInSerializer(many=True)


class TopUpSerializer(serializers.Serializer):
    contributions = ContributionInSerializer(many=True)


def _contribution_data(rows) -> list:
    return [
        sources.ContributionData(
            municipality=r["municipality"],
            source=r["source"],
            amount=r["amount"],
            budget_line=r.get("budget_line", ""),
        )
        for r in rows
    ]


class AllocationPreviewSerializer(serializers.Serializer):
    municipality = serializers.CharField()
    amount = MoneyField()


class FundViewSet(viewsets.ReadOnlyModelViewSet):
    """Funds with their sources; proposed by one member of the programme team, confirmed
    by another (four eyes), topped up with new contributions."""

    serializer_class = FundSerializer

    def get_queryset(self):
        if policies.budget_overview_scope(self.request.user) is None:
            return Fund.objects.none()
        return Fund.objects.prefetch_related("contributions__municipality", "contributions__source")

    def _require_manager(self) -> None:
        if not policies.can_manage_budget(self.request.user):
            raise PermissionDenied("Alleen het programmateam beheert het fonds.")

    @extend_schema(request=FundInSerializer, responses={201: FundSerializer})
    def create(self, request, *args, **kwargs):
        self._require_manager()
        body = FundInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        fund = run_service(
            sources.propose_fund,
            request.user,
            region=data["region"],
            name=data["name"],
            amount=data.get("amount"),
            contributions=_contribution_data(data["contributions"]),
        )
        return Response(
            FundSerializer(self.get_queryset().get(pk=fund.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={200: FundSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        fund = self.get_object()
        self._require_manager()
        run_service(sources.confirm_fund, request.user, fund)
        return Response(FundSerializer(self.get_queryset().get(pk=fund.pk)).data)

    @extend_schema(request=TopUpSerializer, responses={200: FundSerializer})
    @action(detail=True, methods=["post"], url_path="top-up")
    def top_up(self, request, pk=None):
        fund = self.get_object()
        self._require_manager()
        body = TopUpSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run_service(
            sources.top_up,
            request.user,
            fund,
            _contribution_data(body.validated_data["contributions"]),
        )
        return Response(FundSerializer(self.get_queryset().get(pk=fund.pk)).data)

    @extend_schema(
        request=AllocateSerializer,
        responses={200: AllocationPreviewSerializer(many=True)},
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        fund = self.get_object()
        if not policies.can_manage_budget(request.user):
            raise Http404
        body = AllocateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        municipalities = list(Municipality.objects.filter(region_id=fund.region_id))
        by_code = {m.cbs_code: m.pk for m in municipalities}
        manual = {
            by_code[c]: v for c, v in body.validated_data.get("manual", {}).items() if c in by_code
        }
        formula = body.validated_data["formula"]
        if body.validated_data["preview"]:
            targets = run_service(compute_allocation, fund.amount, formula, municipalities, manual)
        else:
            rows = run_service(services.apply_allocation, request.user, fund, formula, manual)
            targets = {a.municipality_id: a.allocated for a in rows}
        codes = {m.pk: m.cbs_code for m in municipalities}
        return Response(
            [{"municipality": codes[k], "amount": str(v)} for k, v in sorted(targets.items())]
        )


class TransferSerializer(serializers.ModelSerializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Allocation.objects.all())
    target = serializers.PrimaryKeyRelatedField(queryset=Allocation.objects.all())
    amount = serializers.CharField(max_length=20)

    class Meta:
        model = Transfer
        fields = ["id", "source", "target", "amount", "reason", "created_at"]
        read_only_fields = ["id", "created_at"]


class TransferViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = TransferSerializer

    def get_queryset(self):
        if not policies.can_manage_budget(self.request.user):
            return Transfer.objects.none()
        return Transfer.objects.order_by("-created_at")

    def create(self, request, *args, **kwargs):
        if not policies.can_manage_budget(request.user):
            raise Http404
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        moved = run_service(
            services.transfer,
            request.user,
            data["source"],
            data["target"],
            data["amount"],
            data["reason"],
        )
        return Response(self.get_serializer(moved).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("budget/spends", SpendViewSet, basename="budget-spend")
    router.register("budget/allocations", AllocationViewSet, basename="budget-allocation")
    router.register("budget/funds", FundViewSet, basename="budget-fund")
    router.register("budget/transfers", TransferViewSet, basename="budget-transfer")
