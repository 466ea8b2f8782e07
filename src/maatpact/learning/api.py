"""REST endpoints for learning: reflections (author-only edits), sessions, lessons."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from maatpact.accounts import policies
from maatpact.api.mixins import run_service
from maatpact.audit.services import Action, record_many
from maatpact.common.refusals import refuse

from . import selectors, services
from .models import Lesson, Reflection, ReflectionSession


class ReflectionSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    author = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Reflection
        fields = [
            "id",
            "household",
            "author",
            "what_happened",
            "what_worked",
            "next_time",
            "written_at",
            "updated_at",
        ]
        read_only_fields = ["id", "household", "author", "written_at", "updated_at"]


class ReflectionInSerializer(serializers.Serializer):
    # Resolved by policies.get_full_household: unknown and hidden answer the same 404.
    household = serializers.CharField(max_length=16, help_text="Huishoudnummer")
    what_happened = serializers.CharField()
    what_worked = serializers.CharField()
    next_time = serializers.CharField(required=False, allow_blank=True, default="")


class ReflectionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Reflections the caller may read; only the author may change one."""

    serializer_class = ReflectionSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return (
            policies.visible_reflections(self.request.user)
            .select_related("household")
            .order_by("-written_at", "-pk")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        record_many(
            request.user,
            Action.VIEW,
            "learning.reflection",
            {r.household_id for r in page},
            detail="api reflecties",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=ReflectionInSerializer, responses={201: ReflectionSerializer})
    def create(self, request, *args, **kwargs):
        body = ReflectionInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        household = policies.get_full_household(request.user, data.pop("household"))
        reflection = run_service(services.write_reflection, request.user, household, **data)
        return Response(ReflectionSerializer(reflection).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        reflection = self.get_object()
        if not policies.can_edit_reflection(request.user, reflection):
            refuse("Alleen de schrijver wijzigt een reflectie.")
        body = ReflectionSerializer(reflection, data=request.data, partial=kwargs.get("partial"))
        body.is_valid(raise_exception=True)
        fields = {
            "what_happened": reflection.what_happened,
            "what_worked": reflection.what_worked,
            "next_time": reflection.next_time,
            **body.validated_data,
        }
        try:
            reflection = run_service(services.edit_reflection, request.user, reflection, **fields)
        except PermissionDenied as exc:
            raise Http404 from exc
        return Response(ReflectionSerializer(reflection).data)


class LessonSerializer(serializers.ModelSerializer):
    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Lesson
        fields = ["id", "title", "body", "themes", "session", "created_at"]


class LessonViewSet(viewsets.ReadOnlyModelViewSet):
    """Lessons, searchable by text (``q``) and theme code (``theme``)."""

    serializer_class = LessonSerializer

    def get_queryset(self):
        if not policies.can_view_learning(self.request.user):
            return Lesson.objects.none()
        params = self.request.query_params
        return selectors.search_lessons(params.get("q", "")[:100], params.get("theme", ""))

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="zoekt in titel en toelichting"),
            OpenApiParameter("theme", str, description="code van een thema"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class SessionSerializer(serializers.ModelSerializer):
    """Household numbers only of the households the caller may open; the rest counted."""

    households = serializers.SerializerMethodField()
    other_households = serializers.SerializerMethodField()
    participants = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    lessons = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ReflectionSession
        fields = [
            "id",
            "held_on",
            "title",
            "participants",
            "households",
            "other_households",
            "notes",
            "lessons",
        ]

    def _shown(self, obj) -> tuple[list[str], int]:
        visible = self.context.get("visible_ids", set())
        households = list(obj.households.all())
        shown = sorted(h.number for h in households if h.pk in visible)
        return shown, len(households) - len(shown)

    def get_households(self, obj) -> list[str]:
        return self._shown(obj)[0]

    def get_other_households(self, obj) -> int:
        return self._shown(obj)[1]


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SessionSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_ids"] = getattr(self, "_visible_ids", set())
        return context

    def _mark_visible(self, sessions) -> None:
        ids = [h.pk for s in sessions for h in s.households.all()]
        self._visible_ids = policies.visible_household_ids(self.request.user, ids)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        self._mark_visible(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        session = self.get_object()
        self._mark_visible([session])
        return Response(self.get_serializer(session).data)

    def get_queryset(self):
        return (
            policies.visible_sessions(self.request.user)
            .prefetch_related("participants", "households", "lessons")
            .order_by("-held_on", "-pk")
        )


def register(router) -> None:
    router.register("reflections", ReflectionViewSet, basename="reflection")
    router.register("lessons", LessonViewSet, basename="lesson")
    router.register("reflection-sessions", SessionViewSet, basename="reflection-session")
