"""REST endpoints for events, outcomes, verification, SIB contracts, statements,
projections and savings: the same policies, services and selectors as the pages."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
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
from maatpact.households.models import Cohort
from maatpact.regions.models import Organisation

from . import authoring, projection, selectors, services
from .models import (
    AchievedOutcome,
    Contract,
    EventType,
    HouseholdEvent,
    OutcomeDefinition,
    RateCardLine,
)

# --- Events -----------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)
    event_type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = HouseholdEvent
        fields = ["id", "household", "event_type", "occurred_on", "note", "recorded_at"]
        read_only_fields = fields


class EventCreateSerializer(serializers.Serializer):
    household = serializers.CharField(max_length=16, help_text="Huishoudnummer")
    event_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=EventType.objects.all(),
        error_messages={"does_not_exist": "Onbekende gebeurtenis."},
    )
    occurred_on = serializers.DateField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EventViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Household events of households the caller has full access to."""

    serializer_class = EventSerializer

    def get_queryset(self):
        qs = HouseholdEvent.objects.filter(
            household__in=policies.full_access_households(self.request.user)
        ).select_related("household", "event_type")
        number = self.request.query_params.get("household")
        if number:
            qs = qs.filter(household__number=number)
        return qs.order_by("-occurred_on", "-pk")

    @extend_schema(parameters=[OpenApiParameter("household", str, description="Huishoudnummer")])
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        record_many(
            request.user,
            Action.VIEW,
            "outcomes.householdevent",
            [e.household_id for e in page],
            detail="api gebeurtenissen",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=EventCreateSerializer, responses={201: EventSerializer})
    def create(self, request, *args, **kwargs):
        body = EventCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        household = policies.get_full_household(request.user, data.pop("household"))
        if not policies.can_record_events(request.user, household):
            refuse("U mag voor dit huishouden geen gebeurtenis vastleggen.")
        event = run_service(services.record_event, request.user, household, **data)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)


# --- Outcome definitions and achieved outcomes ---------------------------------------


class DefinitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutcomeDefinition
        fields = ["id", "code", "name", "description", "rule", "holding_months", "active"]
        read_only_fields = ["id", "holding_months"]
        extra_kwargs = {"code": {"validators": []}}


class DefinitionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Outcome definitions (reference data). Creating one: the regional team only."""

    serializer_class = DefinitionSerializer
    queryset = OutcomeDefinition.objects.order_by("code")

    def create(self, request, *args, **kwargs):
        if not policies.can_manage_contracts(request.user):
            raise Http404
        body = DefinitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        definition = run_service(services.save_definition, request.user, **body.validated_data)
        return Response(DefinitionSerializer(definition).data, status=status.HTTP_201_CREATED)


class AchievedSerializer(PseudonymisedSerializer):
    """Facts of an achieved outcome; the verifier's note only with full access."""

    household = serializers.SlugRelatedField(slug_field="number", read_only=True)
    definition = serializers.SlugRelatedField(slug_field="code", read_only=True)
    verified_by = serializers.StringRelatedField()
    # Plain string (te_verifieren, geverifieerd, afgewezen): keeps the schema's enum names
    # free of collisions with the households' status.
    status = serializers.CharField(read_only=True)

    class Meta:
        model = AchievedOutcome
        fields = [
            "id",
            "household",
            "definition",
            "achieved_on",
            "evidence",
            "status",
            "verified_by",
            "verified_at",
            "verification_note",
        ]
        read_only_fields = fields


class VerifySerializer(serializers.Serializer):
    approve = serializers.BooleanField(default=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AchievedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Achieved outcomes with their evidence (pseudonymised: numbers and facts only)."""

    serializer_class = AchievedSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.outcome_list(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["full_ids"] = getattr(self, "_full_ids", set())
        return context

    def _mark_full(self, outcomes) -> None:
        self._full_ids = policies.full_access_ids(
            self.request.user, [o.household_id for o in outcomes]
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._mark_full(page)
        record_many(
            request.user,
            Action.VIEW,
            "outcomes.achievedoutcome",
            [o.household_id for o in page],
            detail="api resultaten",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        outcome = self.get_object()
        self._mark_full([outcome])
        record(request.user, Action.VIEW, outcome, household_id=outcome.household_id)
        return Response(self.get_serializer(outcome).data)

    @extend_schema(request=VerifySerializer, responses={200: AchievedSerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        outcome = self.get_object()
        if not policies.can_verify_outcomes(request.user):
            refuse("Alleen het programmateam verifieert resultaten.")
        body = VerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = run_service(
            services.verify_outcome,
            request.user,
            outcome,
            approve=body.validated_data["approve"],
            note=body.validated_data["note"],
        )
        self._mark_full([outcome])
        return Response(self.get_serializer(outcome).data)


# --- SIB contracts ----------------------------------------------------------------


class ContractSerializer(serializers.ModelSerializer):
    cap_per_household = MoneyField(read_only=True, allow_null=True)
    cap_total = MoneyField(read_only=True, allow_null=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "name",
            "starts_on",
            "ends_on",
            "cap_per_household",
            "cap_total",
            "max_return_rate",
            "deadweight_paid",
            "deadweight_of",
            "trigger_percent",
        ]
        read_only_fields = fields


class StatementLineSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    count = serializers.IntegerField()
    demand = MoneyField()
    deadweight = MoneyField()
    paid = MoneyField()
    rule = serializers.CharField(help_text="De tariefregel die het bedrag opleverde")
    version = serializers.CharField(help_text="Contractversie van de periode")
    trigger = serializers.CharField(help_text="Stand van de drempel voor dit resultaat")
    deadweight_rule = serializers.CharField(help_text="Deadweight die gold: 'p van elke q'")


class DeadweightSerializer(serializers.Serializer):
    outcomes = serializers.IntegerField(help_text="Resultaten waarvan een deel is ingehouden")
    withheld = MoneyField(help_text="Ingehouden bedrag voor deadweight")
    paid = serializers.IntegerField(help_text="Betaald voor p ...")
    of = serializers.IntegerField(help_text="... van elke q resultaten")
    reason = serializers.CharField()


class StatementPeriodSerializer(serializers.Serializer):
    period = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    lines = StatementLineSerializer(many=True)
    deadweight = DeadweightSerializer()
    paid = MoneyField()
    paid_at = serializers.DateTimeField(
        allow_null=True, help_text="Betaald (definitief, verandert niet meer) op"
    )
    version = serializers.CharField(help_text="Contractversie die voor deze periode gold")
    waiting_trigger = serializers.IntegerField(help_text="Resultaten die op de drempel wachten")
    waiting_follow_up = serializers.IntegerField(
        help_text="Resultaten die wachten tot de nameting voorbij is"
    )


class PayerStatementSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    total = MoneyField()
    periods = StatementPeriodSerializer(many=True)


class CashFlowSerializer(serializers.Serializer):
    on = serializers.DateField()
    amount = MoneyField()
    label = serializers.CharField()


class InvestorStatementSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    committed = MoneyField()
    drawn = MoneyField()
    received = MoneyField()
    net = MoneyField()
    irr_percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    flows = CashFlowSerializer(many=True)


class StatementSerializer(serializers.Serializer):
    contract = serializers.CharField()
    households = serializers.IntegerField()
    payers = PayerStatementSerializer(many=True)
    investors = InvestorStatementSerializer(many=True)


class BandSerializer(serializers.Serializer):
    p10 = serializers.FloatField()
    p50 = serializers.FloatField()
    p90 = serializers.FloatField()


class ProjectionOutcomeSerializer(serializers.Serializer):
    code = serializers.CharField()
    achieved = serializers.IntegerField()
    eligible = serializers.IntegerField()
    count = BandSerializer()


class ProjectionSerializer(serializers.Serializer):
    runs = serializers.IntegerField()
    seed = serializers.IntegerField()
    households = serializers.IntegerField()
    outcomes = ProjectionOutcomeSerializer(many=True)
    payments = BandSerializer()
    investor_multiple = BandSerializer(allow_null=True)
    investor_irr = BandSerializer(allow_null=True)
    loss_probability = serializers.FloatField(allow_null=True)


class ProjectionQuerySerializer(serializers.Serializer):
    households = serializers.IntegerField(min_value=0, max_value=200_000, required=False)
    runs = serializers.IntegerField(min_value=100, max_value=10_000, default=10_000)
    seed = serializers.IntegerField(min_value=0, default=2019)


class PeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=60)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    paid_at = serializers.DateTimeField(read_only=True, allow_null=True)


class RateLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    definition = serializers.SlugRelatedField(
        slug_field="code", queryset=OutcomeDefinition.objects.all()
    )
    payer = serializers.IntegerField(help_text="Id van de organisatie die betaalt")
    method = serializers.ChoiceField(choices=RateCardLine.Method.choices, default="vast")
    price = MoneyField(default=Decimal("0.00"))
    benchmark_months = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True
    )
    monthly_cost = MoneyField(required=False, allow_null=True)
    savings_share_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, default="100.00"
    )
    comparison_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, required=False, allow_null=True
    )


class PayerCapSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    cap = MoneyField(allow_null=True)


class CapsSerializer(serializers.Serializer):
    cap_per_household = MoneyField(allow_null=True)
    cap_total = MoneyField(allow_null=True)
    max_return_rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    payers = PayerCapSerializer(many=True, required=False, default=list)


# --- Contract authoring ------------------------------------------------------------


class OrganisationField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Organisation.objects.all())
        kwargs.setdefault("help_text", "Id van de organisatie")
        super().__init__(**kwargs)


class PayerInSerializer(serializers.Serializer):
    organisation = OrganisationField()
    share_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Aandeel (%) in de gedeelde tariefregels; samen 100 %",
    )
    attachment_fee = MoneyField(default=Decimal("0.00"), help_text="Per ingestroomd huishouden")
    cap = MoneyField(required=False, allow_null=True, default=None)


class FeeShareSerializer(serializers.Serializer):
    contract_year = serializers.IntegerField(min_value=1)
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=2)


class RateInSerializer(serializers.Serializer):
    definition = serializers.SlugRelatedField(
        slug_field="code", queryset=OutcomeDefinition.objects.all()
    )
    payer = OrganisationField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Leeg: gedeeld over de betalers naar hun aandeel",
    )
    method = serializers.ChoiceField(choices=RateCardLine.Method.choices, default="vast")
    price = MoneyField(default=Decimal("0.00"))
    benchmark_months = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, default=None
    )
    monthly_cost = MoneyField(required=False, allow_null=True, default=None)
    savings_share_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("100.00")
    )
    benchmark_days = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, default=None
    )
    daily_cost = MoneyField(required=False, allow_null=True, default=None)
    attachment_year = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Alleen voor huishoudens die in dit contractjaar instroomden",
    )


class DrawdownInSerializer(serializers.Serializer):
    drawn_on = serializers.DateField()
    amount = MoneyField()


class DrawdownAddSerializer(DrawdownInSerializer):
    investor = OrganisationField()


class InvestorInSerializer(serializers.Serializer):
    organisation = OrganisationField()
    committed = MoneyField()
    drawdowns = DrawdownInSerializer(many=True, default=list)


class TriggerSerializer(serializers.Serializer):
    definition = serializers.SlugRelatedField(
        slug_field="code", queryset=OutcomeDefinition.objects.all()
    )
    comparison_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, help_text="Resultaatpercentage vergelijkingsgroep (0-1)"
    )


class PeriodInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class ContractWriteSerializer(serializers.Serializer):
    """A whole contract; a change (PATCH) names only what changes."""

    name = serializers.CharField(max_length=160)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    currency = serializers.CharField(max_length=3, default="EUR")
    cohorts = serializers.PrimaryKeyRelatedField(
        queryset=Cohort.objects.all(), many=True, default=list
    )
    follow_up_months = serializers.IntegerField(min_value=0, max_value=120, default=0)
    payers = PayerInSerializer(many=True)
    fee_shares = FeeShareSerializer(many=True, default=list)
    rate_card = RateInSerializer(many=True, default=list)
    cap_per_household = MoneyField(required=False, allow_null=True, default=None)
    cap_total = MoneyField(required=False, allow_null=True, default=None)
    max_return_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, required=False, allow_null=True, default=None
    )
    investors = InvestorInSerializer(many=True, default=list)
    deadweight_paid = serializers.IntegerField(default=1, help_text="Betaal voor p ...")
    deadweight_of = serializers.IntegerField(default=1, help_text="... van elke q")
    deadweight_on_fees = serializers.BooleanField(default=False)
    trigger_percent = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, default=None
    )
    trigger_per_cohort = serializers.BooleanField(
        default=False, help_text="De drempel geldt per cohort (het cohort van het huishouden)"
    )
    final_trigger_percent = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Eindtoets in de laatste periode over alle cohorten samen (%)",
    )
    triggers = TriggerSerializer(many=True, default=list)
    periods = PeriodInSerializer(many=True, default=list)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    valid_from = serializers.DateField()


class ContractDetailSerializer(ContractWriteSerializer):
    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=Contract.Status.choices, read_only=True)
    signed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    versions = VersionSerializer(many=True, read_only=True)


def _contract_detail(user, contract: Contract) -> dict:
    """The contract as authored; of the investors only those the user may see."""
    data = authoring.contract_input(contract)
    visible = policies.statement_organisations(
        user,
        {p["organisation"].pk for p in data["payers"]}
        | {i["organisation"].pk for i in data["investors"]},
    )
    data["investors"] = [i for i in data["investors"] if i["organisation"].pk in visible]
    data.update(
        id=contract.pk,
        status=contract.status,
        signed_at=contract.signed_at,
        versions=list(contract.versions.values("number", "valid_from")),
    )
    return ContractDetailSerializer(data).data


def _statement_data(st: selectors.Statement) -> dict:
    return {
        "contract": st.contract.name,
        "households": st.households,
        "payers": [
            {
                "organisation": str(row["organisation"]),
                "total": row["total"],
                "periods": [
                    {
                        "period": p["period"].name,
                        "starts_on": p["period"].starts_on,
                        "ends_on": p["period"].ends_on,
                        "paid": p["paid"],
                        "paid_at": p["paid_at"],
                        "version": p["version"],
                        "waiting_trigger": p["waiting_trigger"],
                        "waiting_follow_up": p["waiting_follow_up"],
                        "deadweight": {
                            "outcomes": p["deadweight"]["outcomes"],
                            "withheld": p["deadweight"]["withheld"],
                            "paid": p["deadweight"]["paid_of"][0],
                            "of": p["deadweight"]["paid_of"][1],
                            "reason": p["deadweight"]["reason"],
                        },
                        "lines": [
                            {"outcome": code, **values} for code, values in p["lines"].items()
                        ],
                    }
                    for p in row["periods"]
                ],
            }
            for row in st.payer_rows
        ],
        "investors": [
            {
                "organisation": str(inv["organisation"]),
                "committed": inv["committed"],
                "drawn": inv["drawn"],
                "received": inv["received"],
                "net": inv["net"],
                "irr_percent": inv["irr"],
                "flows": [{"on": f.on, "amount": f.amount, "label": f.label} for f in inv["flows"]],
            }
            for inv in st.investor_rows
        ],
    }


class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """SIB contracts: the regional team sees all and sets them up; a financier reads
    those of its organisation (of the investors only itself)."""

    serializer_class = ContractSerializer

    def get_queryset(self):
        return policies.visible_contracts(self.request.user).order_by("starts_on", "pk")

    @extend_schema(responses={200: ContractDetailSerializer})
    def retrieve(self, request, pk=None):
        return Response(_contract_detail(request.user, self.get_object()))

    @extend_schema(request=ContractWriteSerializer, responses={201: ContractDetailSerializer})
    def create(self, request):
        """A new contract, as a draft (concept) until a second person signs it."""
        if not policies.can_manage_contracts(request.user):
            refuse("Alleen het programmateam stelt een contract op.")
        body = ContractWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contract = run_service(authoring.save_contract, request.user, body.validated_data)
        return Response(_contract_detail(request.user, contract), status=status.HTTP_201_CREATED)

    def _change(self, request, partial: bool):
        contract = self._managed()
        body = ContractWriteSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        contract = run_service(authoring.save_contract, request.user, body.validated_data, contract)
        return Response(_contract_detail(request.user, contract))

    @extend_schema(request=ContractWriteSerializer, responses={200: ContractDetailSerializer})
    def update(self, request, pk=None):
        """Replace a draft; of a signed contract only the terms change (a new version)."""
        return self._change(request, partial=False)

    @extend_schema(request=ContractWriteSerializer, responses={200: ContractDetailSerializer})
    def partial_update(self, request, pk=None):
        """Change part of a contract; the rest stays as it is."""
        return self._change(request, partial=True)

    @extend_schema(request=DrawdownAddSerializer, responses={201: ContractDetailSerializer})
    @action(detail=True, methods=["post"])
    def drawdowns(self, request, pk=None):
        """Record capital an investor paid in (also on a signed contract: it is a fact)."""
        contract = self._managed()
        body = DrawdownAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run_service(authoring.add_drawdown, request.user, contract, **body.validated_data)
        return Response(_contract_detail(request.user, contract), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ContractDetailSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Sign a draft: someone else of the programme team than who last changed it."""
        contract = run_service(authoring.sign_contract, request.user, self._managed())
        return Response(_contract_detail(request.user, contract))

    def _managed(self) -> Contract:
        contract = self.get_object()
        if not policies.can_manage_contracts(self.request.user):
            refuse("Alleen het programmateam wijzigt een contract.")
        return contract

    @extend_schema(responses={200: StatementSerializer})
    @action(detail=True, methods=["get"])
    def statement(self, request, pk=None):
        st = selectors.statement(request.user, self.get_object())
        return Response(StatementSerializer(_statement_data(st)).data)

    @extend_schema(parameters=[ProjectionQuerySerializer], responses={200: ProjectionSerializer})
    @action(detail=True, methods=["get"])
    def projection(self, request, pk=None):
        query = ProjectionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        data = selectors.projection_input(self.get_object(), q.get("households"))
        result = projection.project(data, runs=q["runs"], seed=q["seed"])
        body = {
            "runs": result.runs,
            "seed": result.seed,
            "households": data.households,
            "outcomes": [
                {
                    "code": o.code,
                    "achieved": o.achieved,
                    "eligible": o.eligible,
                    "count": vars(result.outcome_counts[o.code]),
                }
                for o in data.outcomes
            ],
            "payments": vars(result.payments),
            "investor_multiple": vars(result.investor_multiple)
            if result.investor_multiple
            else None,
            "investor_irr": vars(result.investor_irr) if result.investor_irr else None,
            "loss_probability": result.loss_probability,
        }
        return Response(ProjectionSerializer(body).data)

    @extend_schema(request=PeriodSerializer, responses={201: PeriodSerializer})
    @action(detail=True, methods=["post"])
    def periods(self, request, pk=None):
        contract = self._managed()
        body = PeriodSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        period = run_service(services.add_period, request.user, contract, **body.validated_data)
        return Response(PeriodSerializer(period).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: PeriodSerializer})
    @action(detail=True, methods=["post"], url_path=r"periods/(?P<period_id>\d+)/pay")
    def pay_period(self, request, pk=None, period_id=None):
        """Fix a period as paid: from then on its statement never changes."""
        contract = self._managed()
        period = contract.periods.filter(pk=period_id).first()
        if period is None:
            raise Http404
        period = run_service(services.pay_period, request.user, period)
        return Response(PeriodSerializer(period).data)

    @extend_schema(request=RateLineSerializer, responses={201: RateLineSerializer})
    @action(detail=True, methods=["post"], url_path="rate-card")
    def rate_card(self, request, pk=None):
        contract = self._managed()
        body = RateLineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        payer = contract.payers.filter(organisation_id=data.pop("payer")).first()
        if payer is None:
            raise serializers.ValidationError(
                {"payer": ["Deze betaler hoort niet bij dit contract."]}
            )
        line = run_service(services.add_rate_line, request.user, contract, payer=payer, **data)
        out = {**body.validated_data, "id": line.pk}
        return Response(RateLineSerializer(out).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CapsSerializer, responses={200: ContractSerializer})
    @action(detail=True, methods=["post"])
    def caps(self, request, pk=None):
        contract = self._managed()
        body = CapsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        by_org = dict(contract.payers.values_list("organisation_id", "pk"))
        unknown = [p["organisation"] for p in data["payers"] if p["organisation"] not in by_org]
        if unknown:
            raise serializers.ValidationError({"payers": ["Onbekende betaler voor dit contract."]})
        contract = run_service(
            services.set_caps,
            request.user,
            contract,
            cap_per_household=data["cap_per_household"],
            cap_total=data["cap_total"],
            max_return_rate=data["max_return_rate"],
            payer_caps={by_org[p["organisation"]]: p["cap"] for p in data["payers"]},
        )
        return Response(ContractSerializer(contract).data)


# --- Savings ------------------------------------------------------------------------


class DidSerializer(serializers.Serializer):
    financier = serializers.CharField()
    n_treated = serializers.IntegerField()
    n_comparison = serializers.IntegerField()
    effect = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    reason = serializers.CharField(allow_null=True)


class AccountingSerializer(serializers.Serializer):
    financier = serializers.CharField()
    muddling_on = serializers.FloatField()
    actual = serializers.FloatField()
    saved = serializers.FloatField()


class SavingsSerializer(serializers.Serializer):
    discount_rate = serializers.FloatField()
    participants = serializers.IntegerField()
    comparison = serializers.IntegerField()
    accounting_method = serializers.CharField()
    accounting = AccountingSerializer(many=True)
    accounting_per_household = serializers.FloatField(allow_null=True)
    did_method = serializers.CharField()
    did_total = DidSerializer()
    did_by_financier = DidSerializer(many=True)


ACCOUNTING_METHOD = (
    "Kosten van de voorzieningen bij de start, doorgetrokken over de tijd in het programma, "
    "min de werkelijke kosten (voorzieningen en vrij besteedbaar budget)."
)
DID_METHOD = (
    "Verschil-in-verschillen: verandering 12 maanden voor/na de start bij deelnemers min die "
    "bij gescreende maar niet toegelaten huishoudens; bootstrap-interval 95 % (1.000 trekkingen)."
)


class SavingsViewSet(viewsets.ViewSet):
    """System cost and savings: two estimates, each with its method."""

    schema = ObjectResponseSchema()

    @extend_schema(responses={200: SavingsSerializer})
    def list(self, request):
        if not policies.can_view_savings(request.user):
            raise Http404
        r = selectors.savings_report()

        def did_row(name, d):
            return {
                "financier": name,
                "n_treated": d.n_treated,
                "n_comparison": d.n_comparison,
                "effect": d.effect,
                "ci_low": d.ci_low,
                "ci_high": d.ci_high,
                "reason": d.reason,
            }

        body = {
            "discount_rate": r.rate,
            "participants": r.participants,
            "comparison": r.comparison,
            "accounting_method": ACCOUNTING_METHOD,
            "accounting": [
                {
                    "financier": a.name,
                    "muddling_on": a.muddling_on,
                    "actual": a.actual,
                    "saved": a.saved,
                }
                for a in r.accounting
            ],
            "accounting_per_household": r.accounting_per_household,
            "did_method": DID_METHOD,
            "did_total": did_row("alle financiers", r.did_total),
            "did_by_financier": [did_row(x.name, x.did) for x in r.did_rows],
        }
        return Response(SavingsSerializer(body).data)


def register(router) -> None:
    router.register("household-events", EventViewSet, basename="household-event")
    router.register("outcome-definitions", DefinitionViewSet, basename="outcome-definition")
    router.register("achieved-outcomes", AchievedViewSet, basename="achieved-outcome")
    router.register("sib-contracts", ContractViewSet, basename="sib-contract")
    router.register("savings", SavingsViewSet, basename="savings")
