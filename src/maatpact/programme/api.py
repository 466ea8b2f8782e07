"""REST endpoints of the programme: programmes, phases (with their closing decision),
cohorts and screenings. Programme structure is written by the programme team only;
a screening follows the household's access rules."""

from __future__ import annotations

import base64
import binascii

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from maatpact.accounts import policies
from maatpact.api.mixins import CaseHouseholdField, run_service
from maatpact.audit.services import Action, record_many
from maatpact.households.models import Cohort
from maatpact.regions.models import Municipality, Region

from . import access, intake_import, services
from .models import Phase, Programme, Screening


class ProgrammeSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())

    class Meta:
        model = Programme
        fields = ["id", "region", "name", "starts_on", "planned_households"]
        validators = []  # the service answers "already a programme" in Dutch


class PhaseSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = Phase
        fields = [
            "id",
            "programme",
            "number",
            "name",
            "goal",
            "starts_on",
            "ends_on",
            "planned_households",
            "min_domains",
            "min_laws",
            "closed_on",
            "decided_by",
            "decision",
            "decision_basis",
            "document_name",
            "document_sha256",
            "has_document",
        ]
        read_only_fields = [
            "closed_on",
            "decided_by",
            "decision",
            "decision_basis",
            "document_name",
            "document_sha256",
        ]
        validators = []

    def get_has_document(self, phase: Phase) -> bool:
        return bool(phase.document_sha256)


class ClosePhaseSerializer(serializers.Serializer):
    closed_on = serializers.DateField()
    decided_by = serializers.CharField(max_length=200)
    decision = serializers.CharField()
    decision_basis = serializers.CharField(max_length=200)
    document_name = serializers.CharField(max_length=200, required=False, default="")
    document_type = serializers.ChoiceField(
        choices=sorted(services.DOCUMENT_TYPES), required=False, default=""
    )
    document_base64 = serializers.CharField(
        required=False, default="", help_text="Het besluitdocument, base64-gecodeerd."
    )

    def validate(self, attrs):
        encoded = attrs.pop("document_base64")
        attrs["document"] = None
        if encoded:
            try:
                attrs["document"] = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise serializers.ValidationError(
                    {"document_base64": "Geen geldige base64-tekst."}
                ) from exc
            if not attrs["document_type"]:
                raise serializers.ValidationError(
                    {"document_type": "Geef het soort document (PDF of .docx)."}
                )
        return attrs


class _ManagedViewSet(viewsets.ModelViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _require_manager(self) -> None:
        if not access.can_manage_programme(self.request.user):
            raise PermissionDenied("Alleen het programmateam beheert het programma.")


class ProgrammeViewSet(_ManagedViewSet):
    """The programme of the region, with its planned reach."""

    serializer_class = ProgrammeSerializer

    def get_queryset(self):
        if not access.can_view_programme(self.request.user):
            return Programme.objects.none()
        return Programme.objects.select_related("region").order_by("name")

    def perform_create(self, serializer):
        self._require_manager()
        serializer.instance = run_service(
            services.create_programme, self.request.user, **serializer.validated_data
        )

    def partial_update(self, request, *args, **kwargs):
        self.get_object()
        self._require_manager()
        return Response(
            {"detail": "Een programma wordt niet gewijzigd; leg fasen vast."},
            status=status.HTTP_405_METHOD_NOT_ALLOWED,
        )


class PhaseViewSet(_ManagedViewSet):
    """Phases with goal, dates, planned reach, selection criteria and closing decision."""

    serializer_class = PhaseSerializer
    filterset_fields = ["programme", "number"]

    def get_queryset(self):
        if not access.can_view_programme(self.request.user):
            return Phase.objects.none()
        return Phase.objects.defer("document").order_by("programme", "number")

    def perform_create(self, serializer):
        self._require_manager()
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        serializer.instance = run_service(services.save_phase, self.request.user, programme, **data)

    def perform_update(self, serializer):
        self._require_manager()
        data = dict(serializer.validated_data)
        data.pop("programme", None)
        phase = serializer.instance
        data.setdefault("number", phase.number)
        serializer.instance = run_service(
            services.save_phase,
            self.request.user,
            phase.programme,
            phase=Phase.objects.get(pk=phase.pk),
            **data,
        )

    @extend_schema(request=ClosePhaseSerializer, responses={200: PhaseSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        phase = self.get_object()
        self._require_manager()
        body = ClosePhaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        phase = run_service(services.close_phase, request.user, phase, **body.validated_data)
        return Response(PhaseSerializer(phase).data)


class CohortSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    municipalities = serializers.SlugRelatedField(
        slug_field="cbs_code",
        queryset=Municipality.objects.all(),
        many=True,
        required=False,
        help_text="CBS-codes; leeg: alle gemeenten van de regio.",
    )

    class Meta:
        model = Cohort
        fields = ["id", "name", "region", "phase", "capacity", "starts_on", "municipalities"]
        validators = []


class CohortViewSet(_ManagedViewSet):
    """Cohorts: programme reference data (no household data), managed by the programme team."""

    serializer_class = CohortSerializer
    queryset = (
        Cohort.objects.select_related("region")
        .prefetch_related("municipalities")
        .order_by("starts_on", "name")
    )
    filterset_fields = ["phase"]

    def perform_create(self, serializer):
        self._require_manager()
        serializer.instance = run_service(
            services.save_cohort, self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        self._require_manager()
        data = dict(serializer.validated_data)
        data.pop("region", None)  # a cohort does not move to another region
        serializer.instance = run_service(
            services.save_cohort,
            self.request.user,
            cohort=Cohort.objects.get(pk=serializer.instance.pk),
            **data,
        )


class ScreeningSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = Screening
        fields = [
            "id",
            "household",
            "phase",
            "screened_on",
            "min_domains",
            "min_laws",
            "domains_found",
            "laws_found",
            "assessment_on",
            "result",
            "override_reason",
        ]
        read_only_fields = fields


class ScreeningInSerializer(serializers.Serializer):
    household = CaseHouseholdField()
    cohort = serializers.PrimaryKeyRelatedField(
        queryset=Cohort.objects.all(), required=False, allow_null=True
    )


class ScreeningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Screenings of the households whose case the caller sees in full."""

    serializer_class = ScreeningSerializer
    filterset_fields = ["result", "phase"]

    def get_queryset(self):
        return (
            Screening.objects.filter(
                household__in=policies.full_access_households(self.request.user)
            )
            .select_related("household")
            .order_by("-created_at", "-pk")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        record_many(
            request.user,
            Action.VIEW,
            "programme.screening",
            {s.household_id for s in page},
            detail="api screenings",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        screening = self.get_object()
        record_many(
            request.user,
            Action.VIEW,
            "programme.screening",
            [screening.household_id],
            detail="api screening",
        )
        return Response(self.get_serializer(screening).data)

    @extend_schema(request=ScreeningInSerializer, responses={201: ScreeningSerializer})
    def create(self, request, *args, **kwargs):
        body = ScreeningInSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        screening = run_service(
            services.screen,
            request.user,
            body.validated_data["household"],
            cohort=body.validated_data.get("cohort"),
        )
        return Response(self.get_serializer(screening).data, status=status.HTTP_201_CREATED)


class IntakeImportInSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Excel-werkmap (.xlsx) volgens het sjabloon.")
    dry_run = serializers.BooleanField(default=True)


class ImportErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField()
    ref = serializers.CharField()
    message = serializers.CharField()


class ImportedHouseholdSerializer(serializers.Serializer):
    ref = serializers.CharField()
    number = serializers.CharField()
    status = serializers.CharField()


class IntakeImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    ok = serializers.BooleanField()
    imported = serializers.IntegerField()
    households = ImportedHouseholdSerializer(many=True)
    errors = ImportErrorSerializer(many=True)


class IntakeImportViewSet(viewsets.GenericViewSet):
    """Back-dated intake from an Excel file: a dry run by default; all or nothing."""

    serializer_class = IntakeImportReportSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": IntakeImportInSerializer},
        responses={200: IntakeImportReportSerializer},
        description="200 with the report when every row is right (a dry run stores "
        "nothing); 400 with the same report (``ok`` false, ``errors`` per row) when any "
        "row is wrong, or with field errors when the file itself is unreadable.",
    )
    def create(self, request, *args, **kwargs):
        if not policies.can_register_household(request.user):
            raise PermissionDenied("Alleen regisseurs en teamleiders melden huishoudens aan.")
        body = IntakeImportInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = run_service(
            intake_import.run_import,
            request.user,
            body.validated_data["file"].read(),
            dry_run=body.validated_data["dry_run"],
        )
        return Response(
            IntakeImportReportSerializer(report).data,
            status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST,
        )


def register(router) -> None:
    router.register("intake-imports", IntakeImportViewSet, basename="intake-import")
    router.register("programmes", ProgrammeViewSet, basename="programme")
    router.register("phases", PhaseViewSet, basename="phase")
    router.register("cohorts", CohortViewSet, basename="cohort")
    router.register("screenings", ScreeningViewSet, basename="screening")
