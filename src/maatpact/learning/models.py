"""Learning: reflections per case, reflection sessions, lessons by theme, and the changes
to the approach that followed from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Reflection(models.Model):
    """A coordinator's reflection on one case. Only its author may change it."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="reflections"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reflections"
    )
    what_happened = models.TextField("wat gebeurde er")
    what_worked = models.TextField("wat werkte (niet)")
    next_time = models.TextField("wat doe ik een volgende keer anders", blank=True)
    written_at = models.DateTimeField("geschreven op")
    updated_at = models.DateTimeField("laatst gewijzigd", auto_now=True)

    class Meta:
        verbose_name = "reflectie"
        verbose_name_plural = "reflecties"
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["household", "written_at"], name="reflection_hh_at")]


class Theme(models.Model):
    code = models.SlugField("code", max_length=40, unique=True)
    name = models.CharField("naam", max_length=80)

    class Meta:
        verbose_name = "thema"
        verbose_name_plural = "thema's"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReflectionSession(models.Model):
    held_on = models.DateField("datum")
    title = models.CharField("onderwerp", max_length=200)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="deelnemers", related_name="reflection_sessions"
    )
    households = models.ManyToManyField(
        "households.Household",
        verbose_name="besproken casussen",
        related_name="reflection_sessions",
        blank=True,
    )
    notes = models.TextField("verslag", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("vastgelegd op")

    class Meta:
        verbose_name = "reflectiebijeenkomst"
        verbose_name_plural = "reflectiebijeenkomsten"
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    """A lesson learned: free of personal data, tagged by theme, searchable."""

    title = models.CharField("les", max_length=200)
    body = models.TextField("toelichting")
    themes = models.ManyToManyField(Theme, verbose_name="thema's", related_name="lessons")
    session = models.ForeignKey(
        ReflectionSession,
        verbose_name="uit bijeenkomst",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("vastgelegd op")

    class Meta:
        verbose_name = "les"
        verbose_name_plural = "lessen"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ApproachChange(models.Model):
    """The log of changes made to the way of working, each traced to its lessons."""

    changed_on = models.DateField("ingegaan op")
    title = models.CharField("wijziging", max_length=200)
    description = models.TextField("wat is er veranderd en waarom")
    lessons = models.ManyToManyField(
        Lesson, verbose_name="naar aanleiding van", related_name="changes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("vastgelegd op")

    class Meta:
        verbose_name = "wijziging in de aanpak"
        verbose_name_plural = "logboek wijzigingen in de aanpak"
        ordering = ["-changed_on"]

    def __str__(self) -> str:
        return self.title
