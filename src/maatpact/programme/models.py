"""The programme itself: its phases, the decisions that close them, and screening at intake.

The seeds describe a programme in three phases (learn with the first 50 households, scale
up, embed in local ordinances). A phase is data with a goal, dates, a planned reach and a
closing decision taken on the basis of a report; the selection criteria of a phase are
checked whenever a household is selected, and every check is stored as a ``Screening``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Programme(models.Model):
    """One regional programme (Hart van Brabant: 1 household, 1 plan, 1 coordinator)."""

    region = models.OneToOneField(
        "regions.Region", verbose_name="regio", on_delete=models.PROTECT, related_name="programme"
    )
    name = models.CharField("naam", max_length=120)
    starts_on = models.DateField("start")
    planned_households = models.PositiveIntegerField("beoogd bereik (huishoudens)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "programma"
        verbose_name_plural = "programma's"
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_households__gt=0),
                name="programme_planned_positive",
                violation_error_message="Het beoogde bereik is minstens 1.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """A phase of the programme; the cohorts of its region and number belong to it."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="phases")
    number = models.PositiveSmallIntegerField("fase")
    name = models.CharField("naam", max_length=120)
    goal = models.TextField("doel")
    starts_on = models.DateField("start")
    ends_on = models.DateField("einde (gepland)", null=True, blank=True)
    planned_households = models.PositiveIntegerField("beoogd aantal huishoudens")
    # Screening criteria: checked at selection (see selectors.screen_household).
    min_domains = models.PositiveSmallIntegerField(
        "minimaal aantal leefgebieden op niveau 1-2", default=3
    )
    min_laws = models.PositiveSmallIntegerField("minimaal aantal wetten", default=2)
    # The decision that closes the phase.
    closed_on = models.DateField("afgesloten op", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="besloten door (vastgelegd door)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.CharField("besluit genomen door", max_length=200, blank=True)
    decision = models.TextField("besluit", blank=True)
    decision_basis = models.CharField("op basis van (rapportage)", max_length=200, blank=True)
    document_name = models.CharField("bestandsnaam besluitdocument", max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    # Kept in the database, not on a file share: it is served through an access check.
    document = models.BinaryField("besluitdocument", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "fase"
        verbose_name_plural = "fasen"
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                name="phase_number_unique",
                violation_error_message="Deze fase bestaat al in dit programma.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=3),
                name="phase_number_1_to_3",
                violation_error_message="Een fase heeft nummer 1, 2 of 3.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="phase_ends_after_start",
                violation_error_message="Het einde ligt voor de start van de fase.",
            ),
            models.CheckConstraint(
                condition=Q(planned_households__gt=0),
                name="phase_planned_positive",
                violation_error_message="Het beoogde aantal huishoudens is minstens 1.",
            ),
            models.CheckConstraint(
                condition=Q(min_domains__lte=30) & Q(min_laws__lte=30),
                name="phase_criteria_in_range",
                violation_error_message="Kies hoogstens 30 leefgebieden en 30 wetten.",
            ),
            # A closed phase has its whole decision: date, who, what and on which basis.
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | (
                    Q(closed_by__isnull=False)
                    & ~Q(decided_by="")
                    & ~Q(decision="")
                    & ~Q(decision_basis="")
                    & Q(closed_on__gte=F("starts_on"))
                ),
                name="phase_closed_has_decision",
                violation_error_message="Een afgesloten fase heeft een volledig besluit.",
            ),
        ]

    def __str__(self) -> str:
        return f"Fase {self.number}: {self.name}"

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class Screening(models.Model):
    """One check of a household against the selection criteria, with what was found.

    The criteria are copied in: a later change of a phase's criteria does not rewrite
    what was decided under the old ones.
    """

    class Result(models.TextChoices):
        VOLDOET = "voldoet", "Voldoet aan de criteria"
        VOLDOET_NIET = "voldoet_niet", "Voldoet niet aan de criteria"
        AFWIJKING = "afwijking", "Geselecteerd met afwijking (teamleider)"

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="screenings"
    )
    phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.PROTECT, related_name="screenings"
    )
    screened_on = models.DateField("datum")
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    min_domains = models.PositiveSmallIntegerField("vereist: leefgebieden op niveau 1-2")
    min_laws = models.PositiveSmallIntegerField("vereist: wetten")
    domains_found = models.PositiveSmallIntegerField("gevonden: leefgebieden op niveau 1-2")
    laws_found = models.PositiveSmallIntegerField("gevonden: wetten")
    assessment_on = models.DateField("datum laatste ZRM", null=True, blank=True)
    result = models.CharField("uitkomst", max_length=14, choices=Result.choices)
    override_reason = models.CharField("reden van afwijking", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "screening"
        verbose_name_plural = "screenings"
        ordering = ["household", "-created_at"]
        indexes = [models.Index(fields=["household", "created_at"], name="screening_hh_created")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(result="afwijking") | ~Q(override_reason=""),
                name="screening_override_has_reason",
                violation_error_message="Een afwijking heeft een reden.",
            ),
            models.CheckConstraint(
                condition=~Q(result="voldoet")
                | (Q(domains_found__gte=F("min_domains")) & Q(laws_found__gte=F("min_laws"))),
                name="screening_pass_meets_criteria",
                violation_error_message='"Voldoet" kan alleen als de criteria gehaald zijn.',
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.screened_on}: {self.get_result_display()}"

    @property
    def meets_criteria(self) -> bool:
        return self.domains_found >= self.min_domains and self.laws_found >= self.min_laws
