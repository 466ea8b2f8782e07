"""Report and export endpoints: same policies and selectors as the pages."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from maatpact.accounts import policies
from maatpact.api.mixins import ObjectResponseSchema
from maatpact.audit.services import Action, record
from maatpact.regions.models import Municipality

from .context import build_context
from .exports import run_export
from .registry import export_datasets
from .selectors import build_report


class ReportParamsSerializer(serializers.Serializer):
    van = serializers.DateField()
    tot = serializers.DateField()
    gemeente = serializers.SlugRelatedField(
        slug_field="cbs_code",
        queryset=Municipality.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "Onbekende gemeente."},
    )

    def validate(self, attrs):
        if attrs["van"] > attrs["tot"]:
            raise serializers.ValidationError({"tot": "De einddatum ligt vóór de begindatum."})
        return attrs


class ProvenanceSerializer(serializers.Serializer):
    selector = serializers.CharField()
    query = serializers.CharField()
    households = serializers.IntegerField(allow_null=True, help_text="null: minder dan 5")


class CellSerializer(serializers.Serializer):
    display = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    suppressed = serializers.BooleanField()


class FigureSerializer(CellSerializer):
    key = serializers.CharField()
    label = serializers.CharField()
    provenance = ProvenanceSerializer()


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    caption = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=CellSerializer()))
    provenance = ProvenanceSerializer()


class ChartRefSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    alt = serializers.CharField()


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    figures = FigureSerializer(many=True)
    tables = TableSerializer(many=True)
    charts = ChartRefSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class ReportPeriodSerializer(serializers.Serializer):
    # "from" is a Python keyword: declared through the fields dict below.
    to = serializers.DateField()


ReportPeriodSerializer._declared_fields["from"] = serializers.DateField()


class ReportSerializer(serializers.Serializer):
    period = ReportPeriodSerializer()
    scope = serializers.CharField()
    audience = serializers.CharField()
    exact = serializers.BooleanField()
    sections = SectionSerializer(many=True)


class InterimReportViewSet(viewsets.ViewSet):
    """The interim report as JSON: the figures as shown to the caller (small cells
    suppressed outside the regional team), each with its provenance."""

    schema = ObjectResponseSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter("van", OpenApiTypes.DATE, required=True),
            OpenApiParameter("tot", OpenApiTypes.DATE, required=True),
            OpenApiParameter("gemeente", OpenApiTypes.STR, description="CBS-code; leeg = regio"),
        ],
        responses={200: ReportSerializer},
    )
    def list(self, request):
        if policies.report_audience(request.user) is None:
            raise NotFound
        params = ReportParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        try:
            ctx = build_context(request.user, data["van"], data["tot"], data.get("gemeente"))
        except PermissionError as exc:
            raise NotFound from exc
        report = build_report(ctx)
        record(
            request.user,
            Action.VIEW,
            ("reports.interim", ctx.municipality.cbs_code if ctx.municipality else "regio"),
            detail=f"api rapportage {ctx.date_from.isoformat()}..{ctx.date_to.isoformat()}",
        )
        return Response(report.to_dict())


class DatasetSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())


class ExportRequestSerializer(serializers.Serializer):
    soort = serializers.ChoiceField(choices=["csv", "xlsx"])
    gegevens = serializers.ListField(child=serializers.CharField(), allow_empty=False)

    def validate_gegevens(self, value):
        known = {d.key for d in export_datasets()}
        unknown = sorted(set(value) - known)
        if unknown:
            raise serializers.ValidationError(f"Onbekende gegevensset: {', '.join(unknown)}.")
        return value


class ExportViewSet(viewsets.ViewSet):
    """Pseudonymised exports (analysts and the regional team); every export is audited."""

    def _check(self, request):
        if not policies.can_export(request.user):
            raise NotFound

    @extend_schema(responses={200: DatasetSerializer(many=True)})
    def list(self, request):
        self._check(request)
        return Response(
            [{"key": d.key, "title": d.title, "columns": d.columns} for d in export_datasets()]
        )

    @extend_schema(
        request=ExportRequestSerializer,
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    def create(self, request):
        self._check(request)
        body = ExportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = run_export(
            request.user, body.validated_data["gegevens"], body.validated_data["soort"]
        )
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        response["X-Export-Households"] = str(result.households)
        response["Date"] = timezone.now().strftime("%a, %d %b %Y %H:%M:%S GMT")
        return response


def register(router) -> None:
    router.register("reports/interim", InterimReportViewSet, basename="report-interim")
    router.register("exports", ExportViewSet, basename="export")
