"""Life-domain assessment with the Zelfredzaamheid-Matrix (ZRM).

Instruments are versioned reference data: a score points at the domain of the instrument
version it was measured with, so a new version never changes an old measurement.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Instrument(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUEEL = "individueel", "Individueel (per volwassene)"
        HUISHOUDEN = "huishouden", "Huishouden"

    code = models.SlugField("code", max_length=40)  # e.g. "zrm", "zrm-huishoudens"
    version = models.CharField("versie", max_length=20)
    name = models.CharField("naam", max_length=120)
    kind = models.CharField("soort", max_length=12, choices=Kind.choices)
    active = models.BooleanField("in gebruik", default=True)

    class Meta:
        verbose_name = "instrument"
        verbose_name_plural = "instrumenten"
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Domain(models.Model):
    """A life domain of one instrument version, e.g. ``financien``."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="domains")
    code = models.SlugField("code", max_length=40)
    name = models.CharField("naam", max_length=120)
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    # For the household version: domains of the supplement for children.
    children_supplement = models.BooleanField("aanvulling kinderen", default=False)

    class Meta:
        verbose_name = "leefgebied"
        verbose_name_plural = "leefgebieden"
        ordering = ["instrument", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "code"], name="domain_code_per_instrument"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LevelDescription(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="levels")
    level = models.PositiveSmallIntegerField("niveau")
    description = models.TextField("omschrijving")

    class Meta:
        ordering = ["domain", "level"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "level"], name="level_per_domain"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="level_1_to_5"),
        ]


class Assessment(models.Model):
    """One dated measurement of a household (household instrument) or of an adult member."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="assessments"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    member = models.ForeignKey(
        "households.Member",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    assessed_on = models.DateField("datum")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    own_rating = models.PositiveSmallIntegerField("eigen cijfer (1-10)", null=True, blank=True)
    own_words = models.TextField("in eigen woorden", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "meting"
        verbose_name_plural = "metingen"
        ordering = ["household", "-assessed_on"]
        indexes = [models.Index(fields=["household", "assessed_on"], name="assessment_hh_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(own_rating__isnull=True) | Q(own_rating__gte=1, own_rating__lte=10),
                name="own_rating_1_to_10",
            ),
        ]


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField("score")
    note = models.TextField("toelichting", blank=True)

    class Meta:
        ordering = ["assessment", "domain__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="one_score_per_domain"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="score_1_to_5"),
        ]


class SubjectProgress(models.Model):
    """First and latest assessment of one subject: a household (household instrument) or
    an adult member (individual instrument), per instrument version.

    A maintained summary, so the interim report's ZRM change reads one row per subject
    instead of ranking every assessment with window functions. Kept up to date in the
    same transaction as every ORM write of an assessment (``services.refresh_progress``,
    wired to the model's save and delete signals); set-based loads (the seeder, bulk
    imports) call ``services.rebuild_progress()`` afterwards.
    """

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        "households.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    # DO_NOTHING: the signal handlers re-point the row in the same transaction; the
    # database's (deferred) foreign key still guarantees no row outlives its assessment.
    first_assessment = models.ForeignKey(Assessment, on_delete=models.DO_NOTHING, related_name="+")
    first_on = models.DateField()
    latest_assessment = models.ForeignKey(Assessment, on_delete=models.DO_NOTHING, related_name="+")
    latest_on = models.DateField()
    assessments = models.PositiveIntegerField()

    class Meta:
        verbose_name = "verloop per persoon"
        verbose_name_plural = "verloop per persoon"
        constraints = [
            # One row per subject: NULL members are not distinct here, hence two constraints.
            models.UniqueConstraint(
                fields=["household", "instrument"],
                condition=Q(member__isnull=True),
                name="progress_one_per_household_subject",
            ),
            models.UniqueConstraint(
                fields=["member", "instrument"],
                condition=Q(member__isnull=False),
                name="progress_one_per_member_subject",
            ),
            models.CheckConstraint(
                condition=Q(first_on__lte=models.F("latest_on")),
                name="progress_first_before_latest",
            ),
            models.CheckConstraint(condition=Q(assessments__gte=1), name="progress_at_least_one"),
        ]


class ProgressScore(models.Model):
    """Per subject and domain: the score in the first and in the latest assessment.

    Only for subjects with at least two assessments and domains scored in both: exactly
    the pairs the report's ZRM change adds up, so it reads no score rows at all.
    ``household`` is repeated from the subject so the report's scope filter needs no join.
    """

    progress = models.ForeignKey(SubjectProgress, on_delete=models.CASCADE, related_name="scores")
    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="+"
    )
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    first_score = models.PositiveSmallIntegerField()
    latest_score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["progress", "domain"], name="progress_score_per_domain"
            ),
        ]
        indexes = [models.Index(fields=["household", "domain"], name="progress_score_hh")]
