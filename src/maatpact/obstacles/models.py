"""Obstacles (knelpunten): what blocked a household's solution, and its course.

An obstacle climbs an escalation ladder whose levels are data (``EscalationLevel``), one
``EscalationStep`` per level reached, until a ``Breakthrough`` is recorded. Where the
solution departs from the usual rules a ``CustomFitDecision`` records the reversed test.
Recurring obstacles are bundled into a ``StructuralProposal`` as evidence for change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from maatpact.common import dates


class EscalationLevel(models.Model):
    """One rung of the ladder. Loaded by a data migration; editable in the admin."""

    order = models.PositiveSmallIntegerField("volgorde", unique=True)
    code = models.SlugField("code", max_length=30, unique=True)
    name = models.CharField("naam", max_length=120)
    handled_by = models.CharField(
        "behandeld door (rol)",
        max_length=20,
        help_text="De rol die knelpunten op dit niveau oppakt.",
    )
    deadline_working_days = models.PositiveSmallIntegerField(
        "termijn (werkdagen)",
        null=True,
        blank=True,
        help_text="Leeg: geen termijn (bijvoorbeeld buiten het systeem).",
    )
    region_full_access = models.BooleanField(
        "programmateam ziet de volledige casus",
        default=False,
        help_text="Vanaf dit niveau ziet het programmateam de volledige gegevens.",
    )
    external = models.BooleanField(
        "buiten het systeem",
        default=False,
        help_text="Doorverwijzing (bijvoorbeeld landelijk); vastgelegd met kenmerk en antwoord.",
    )

    class Meta:
        verbose_name = "escalatieniveau"
        verbose_name_plural = "escalatieladder"
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Obstacle(models.Model):
    class Type(models.TextChoices):
        WET = "wet", "Wet- of regelgeving"
        FINANCIER = "financier", "Criterium van een financier"
        ORGANISATIE = "organisatie", "Beleid van een organisatie"
        GEGEVENS = "gegevens", "Gegevensdeling / privacy"
        WACHTLIJST = "wachtlijst", "Wachtlijst / capaciteit"
        CULTUUR = "cultuur", "Cultuur / werkwijze"
        OVERIG = "overig", "Overig"

    household = models.ForeignKey(
        "households.Household",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="obstacles",
    )
    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, related_name="obstacles"
    )
    type = models.CharField("soort", max_length=12, choices=Type.choices)
    description = models.TextField("omschrijving")
    rule_text = models.CharField("regel (wet, verordening, artikel)", max_length=300, blank=True)
    rule_url = models.URLField("link naar de regel", blank=True)
    law = models.ForeignKey(
        "provisions.Law",
        verbose_name="wet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obstacles",
    )
    organisation = models.ForeignKey(
        "regions.Organisation",
        verbose_name="organisatie of financier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obstacles",
    )
    delay_days = models.PositiveIntegerField("vertraging (dagen)", default=0)
    harm_euros = models.DecimalField("schade (euro)", max_digits=12, decimal_places=2, default=0)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="raised_obstacles"
    )
    raised_at = models.DateTimeField("gemeld op")
    # The course on the ladder: where it is now and by when it must move.
    current_level = models.ForeignKey(
        EscalationLevel,
        verbose_name="huidig niveau",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField("uiterlijk opgelost op dit niveau", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "knelpunt"
        verbose_name_plural = "knelpunten"
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["deadline"], name="obstacle_deadline"),
            models.Index(fields=["-raised_at", "-id"], name="obstacle_raised"),
            models.Index(fields=["municipality", "raised_at"], name="obstacle_mun_raised"),
            models.Index(fields=["current_level", "deadline"], name="obstacle_level_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(harm_euros__gte=0), name="obstacle_harm_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Knelpunt {self.pk}"


class EscalationStep(models.Model):
    """One level reached. Each level at most once per obstacle: the ladder only climbs."""

    obstacle = models.ForeignKey(Obstacle, on_delete=models.CASCADE, related_name="steps")
    level = models.ForeignKey(
        EscalationLevel, verbose_name="niveau", on_delete=models.PROTECT, related_name="+"
    )
    from_level = models.ForeignKey(
        EscalationLevel,
        verbose_name="vanaf niveau",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("op")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="door",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Leeg: automatisch door het systeem (termijn verstreken).",
    )
    automatic = models.BooleanField("automatisch", default=False)
    deadline = models.DateField("termijn tot", null=True, blank=True)
    note = models.TextField("toelichting", blank=True)
    # For a referral outside the system (the national help desk / escalation team).
    reference = models.CharField("kenmerk doorverwijzing", max_length=80, blank=True)
    answer = models.TextField("antwoord", blank=True)
    answered_on = models.DateField("antwoord ontvangen op", null=True, blank=True)

    class Meta:
        verbose_name = "escalatiestap"
        verbose_name_plural = "escalatiestappen"
        ordering = ["obstacle", "at"]
        constraints = [
            models.UniqueConstraint(fields=["obstacle", "level"], name="step_level_once"),
            models.CheckConstraint(
                condition=Q(automatic=True, by__isnull=True) | Q(automatic=False),
                name="step_automatic_has_no_user",
            ),
        ]


class Breakthrough(models.Model):
    """What finally broke the obstacle. Days to breakthrough are derived, never typed."""

    obstacle = models.OneToOneField(Obstacle, on_delete=models.CASCADE, related_name="breakthrough")
    what = models.TextField("wat heeft de doorbraak gebracht")
    broken_by = models.CharField("door wie (persoon of organisatie)", max_length=200)
    level = models.ForeignKey(
        EscalationLevel, verbose_name="op niveau", on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField("datum doorbraak")
    cost = models.DecimalField("kosten (euro)", max_digits=12, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("vastgelegd op")

    class Meta:
        verbose_name = "doorbraak"
        verbose_name_plural = "doorbraken"
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="breakthrough_cost_not_negative"),
        ]

    @property
    def days_to_breakthrough(self) -> int:

        return (self.on - dates.local_day(self.obstacle.raised_at)).days


class CustomFitDecision(models.Model):
    """A maatwerkbesluit in the four steps of the reversed test (omgekeerde toets).

    The order matters: effect, purpose of the law, consequences, and only then the legal
    test, so an objection committee or an accountant can follow the reasoning.
    """

    obstacle = models.OneToOneField(Obstacle, on_delete=models.CASCADE, related_name="decision")
    desired_effect = models.TextField("1. gewenst effect voor het huishouden")
    law_purpose = models.TextField("2. past het bij de bedoeling van de wet (kernwaarden)?")
    effect_person_short = models.TextField("3a. effect voor de persoon, korte termijn")
    effect_person_long = models.TextField("3b. effect voor de persoon, lange termijn")
    effect_family_short = models.TextField("3c. effect voor het gezin, korte termijn")
    effect_family_long = models.TextField("3d. effect voor het gezin, lange termijn")
    effect_money_short = models.TextField("3e. financieel effect, korte termijn")
    effect_money_long = models.TextField("3f. financieel effect, lange termijn")
    legal_test = models.TextField("4. juridische toets")
    decision = models.TextField("besluit")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("besloten op")

    class Meta:
        verbose_name = "maatwerkbesluit"
        verbose_name_plural = "maatwerkbesluiten"


class StructuralProposal(models.Model):
    """Recurring obstacles bundled into a proposal for structural change."""

    class Kind(models.TextChoices):
        MAATWERKARTIKEL = "maatwerkartikel", "Maatwerkartikel in een verordening"
        CRITERIUM = "criterium", "Wijziging van een criterium van een financier"
        BELEID = "beleid", "Wijziging van beleid of werkwijze"
        WETGEVING = "wetgeving", "Signaal over landelijke wet- en regelgeving"

    class Status(models.TextChoices):
        CONCEPT = "concept", "Concept"
        INGEDIEND = "ingediend", "Ingediend"
        AANGENOMEN = "aangenomen", "Aangenomen"
        AFGEWEZEN = "afgewezen", "Afgewezen"

    title = models.CharField("titel", max_length=200)
    kind = models.CharField("soort voorstel", max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        "regions.Municipality",
        verbose_name="gemeente (verordening)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "regions.Organisation",
        verbose_name="financier of organisatie",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ordinance = models.CharField(
        "verordening of regeling", max_length=200, blank=True, help_text="Bijv. Verordening Jeugd"
    )
    proposal = models.TextField("voorstel (tekst)")
    rationale = models.TextField("onderbouwing")
    status = models.CharField(
        "status", max_length=12, choices=Status.choices, default=Status.CONCEPT
    )
    obstacles = models.ManyToManyField(
        Obstacle, verbose_name="knelpunten (bewijs)", related_name="proposals"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("aangemaakt op")
    submitted_on = models.DateField("ingediend op", null=True, blank=True)
    decided_on = models.DateField("besluit op", null=True, blank=True)
    decision_note = models.TextField("toelichting besluit", blank=True)

    class Meta:
        verbose_name = "structureel voorstel"
        verbose_name_plural = "structurele voorstellen"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["aangenomen", "afgewezen"]) | Q(decided_on__isnull=False),
                name="proposal_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProposalAdoption(models.Model):
    """Where a structural proposal goes to one municipality's council, and what it decided.

    A proposal often applies to several of the nine municipalities and their ordinances;
    each takes its own decision. A decided adoption is never changed: a new proposal
    carries a second attempt.
    """

    class Status(models.TextChoices):
        INGEDIEND = "ingediend", "Ingediend"
        AANGENOMEN = "aangenomen", "Aangenomen"
        AFGEWEZEN = "afgewezen", "Afgewezen"

    proposal = models.ForeignKey(
        StructuralProposal, on_delete=models.CASCADE, related_name="adoptions"
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        verbose_name="gemeente",
        on_delete=models.PROTECT,
        related_name="proposal_adoptions",
    )
    ordinance = models.CharField("verordening", max_length=200)
    status = models.CharField(
        "status", max_length=12, choices=Status.choices, default=Status.INGEDIEND
    )
    submitted_on = models.DateField("ingediend op")
    decided_on = models.DateField("besluit op", null=True, blank=True)
    article = models.CharField(
        "artikel (bij aanname)", max_length=200, blank=True, help_text="Bijv. artikel 12a"
    )
    reason = models.TextField("reden (bij afwijzing)", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "besluit per gemeente"
        verbose_name_plural = "besluiten per gemeente"
        ordering = ["proposal", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "municipality"],
                name="adoption_one_per_municipality",
                violation_error_message="Dit voorstel is al bij deze gemeente ingediend.",
            ),
            models.CheckConstraint(
                condition=Q(status="ingediend", decided_on__isnull=True)
                | (
                    Q(status="aangenomen", decided_on__isnull=False)
                    & ~Q(article="")
                    & Q(decided_on__gte=F("submitted_on"))
                )
                | (
                    Q(status="afgewezen", decided_on__isnull=False)
                    & ~Q(reason="")
                    & Q(decided_on__gte=F("submitted_on"))
                ),
                name="adoption_decision_complete",
                violation_error_message="Een besluit heeft een datum na indiening en een "
                "artikel (aangenomen) of een reden (afgewezen).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} — {self.municipality}"
