"""The household core: 1 household, 1 plan, 1 coordinator.

Invariants live in the database: exactly one open coordinator assignment per household
(partial unique index), a closure always has a reason, consent is never the basis for
sharing across domains.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .validators import validate_bsn, validate_postcode


class Counter(models.Model):
    """Named gap-free counters (household numbers); rows are locked while incremented."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)


class Cohort(models.Model):
    class Phase(models.IntegerChoices):
        LEREN = 1, "Fase 1: leren (eerste huishoudens)"
        GROEI = 2, "Fase 2: partners, SIB en groei"
        INBEDDING = 3, "Fase 3: tussentijdse rapportage en inbedding"

    name = models.CharField("naam", max_length=80, unique=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="cohorts")
    phase = models.PositiveSmallIntegerField("fase", choices=Phase.choices)
    capacity = models.PositiveIntegerField("capaciteit")
    starts_on = models.DateField("start")
    # Empty: open to every municipality of the region; otherwise only these.
    municipalities = models.ManyToManyField(
        "regions.Municipality",
        verbose_name="gemeenten",
        blank=True,
        related_name="cohorts",
        help_text="Leeg: alle gemeenten van de regio.",
    )

    class Meta:
        verbose_name = "cohort"
        verbose_name_plural = "cohorten"
        ordering = ["starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="cohort_capacity_positive")
        ]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    class Status(models.TextChoices):
        AANGEMELD = "aangemeld", "Aangemeld"
        GESELECTEERD = "geselecteerd", "Geselecteerd"
        ACTIEF = "actief", "Actief"
        AFGESLOTEN = "afgesloten", "Afgesloten"

    number = models.CharField("huishoudnummer", max_length=16, unique=True)
    municipality = models.ForeignKey(
        "regions.Municipality",
        verbose_name="gemeente",
        on_delete=models.PROTECT,
        related_name="households",
    )
    street = models.CharField("straat", max_length=120)
    house_number = models.CharField("huisnummer", max_length=12)
    postcode = models.CharField("postcode", max_length=7, validators=[validate_postcode])
    city = models.CharField("woonplaats", max_length=80)
    cohort = models.ForeignKey(
        Cohort,
        verbose_name="cohort",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    status = models.CharField(
        "status", max_length=12, choices=Status.choices, default=Status.AANGEMELD
    )
    closure_reason = models.CharField("reden van afsluiten", max_length=200, blank=True)
    registered_on = models.DateField("aangemeld op")
    selected_on = models.DateField("geselecteerd op", null=True, blank=True)
    started_on = models.DateField("actief sinds", null=True, blank=True)
    closed_on = models.DateField("afgesloten op", null=True, blank=True)
    anonymised_at = models.DateTimeField("geanonimiseerd op", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "huishouden"
        verbose_name_plural = "huishoudens"
        ordering = ["number"]
        indexes = [
            models.Index(fields=["municipality", "status"], name="household_mun_status"),
            models.Index(fields=["status", "closed_on"], name="household_status_closed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="afgesloten")
                | (~Q(closure_reason="") & Q(closed_on__isnull=False)),
                name="household_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("registered_on")),
                name="household_closed_after_registered",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def address(self) -> str:
        return f"{self.street} {self.house_number}, {self.postcode} {self.city}"


class Member(models.Model):
    class Role(models.TextChoices):
        AANVRAGER = "aanvrager", "Aanvrager / hoofdbewoner"
        PARTNER = "partner", "Partner"
        KIND = "kind", "Kind"
        OVERIG = "overig", "Overig gezinslid"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    first_name = models.CharField("voornaam", max_length=80)
    last_name = models.CharField("achternaam", max_length=120)
    date_of_birth = models.DateField("geboortedatum")
    bsn = models.CharField("BSN", max_length=9, blank=True, validators=[validate_bsn])
    role = models.CharField("rol in het huishouden", max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = "gezinslid"
        verbose_name_plural = "gezinsleden"
        ordering = ["household_id", "date_of_birth"]
        constraints = [
            models.UniqueConstraint(
                fields=["bsn"],
                condition=~Q(bsn=""),
                name="member_bsn_unique",
                violation_error_message="Dit BSN is al bij een ander huishouden bekend.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CoordinatorAssignment(models.Model):
    """Who coordinates a household, with the history of handovers."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="assignments")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    started_at = models.DateTimeField("vanaf")
    ended_at = models.DateTimeField("tot", null=True, blank=True)
    reason = models.CharField("reden", max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "regie"
        verbose_name_plural = "regie (overdrachten)"
        ordering = ["household", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_at__isnull=True),
                name="one_active_coordinator_per_household",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="assignment_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["coordinator"],
                condition=Q(ended_at__isnull=True),
                name="assignment_active_coord",
            ),
        ]


class StatusChange(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=12, choices=Household.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Household.Status.choices)
    reason = models.CharField(max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["household", "changed_at"]


class ProcessingBasis(models.Model):
    """The legal basis for processing or sharing household data with one partner.

    Under the AVG consent alone cannot carry sharing across domains (e.g. from the debt
    counsellor to the youth service); that needs a task under a named law or a vital
    interest. The database refuses the combination.
    """

    class Basis(models.TextChoices):
        WETTELIJKE_TAAK = "wettelijke_taak", "Wettelijke taak"
        TOESTEMMING = "toestemming", "Toestemming"
        VITAAL_BELANG = "vitaal_belang", "Vitaal belang"

    class Kind(models.TextChoices):
        VERWERKING = "verwerking", "Verwerking"
        DELEN = "delen", "Delen met partner"

    class Purpose(models.TextChoices):
        """What the partner may use the data for; ``households.purposes`` maps each
        purpose to the data categories it may receive (doelbinding)."""

        RESULTAATMETING = "resultaatmeting", "Resultaatmeting (Social Impact Bond)"
        HUISUITZETTING = "huisuitzetting_voorkomen", "Voorkomen huisuitzetting"
        ONDERSTEUNING = "regie_ondersteuning", "Regie en ondersteuning"

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="processing_bases"
    )
    partner = models.ForeignKey(
        "regions.Organisation",
        verbose_name="partner",
        on_delete=models.PROTECT,
        related_name="processing_bases",
    )
    kind = models.CharField("soort", max_length=12, choices=Kind.choices, default=Kind.DELEN)
    purpose = models.CharField("doel", max_length=200)
    # The most restrictive purpose is the default: a record whose purpose nobody chose
    # shares pseudonymised outcome data only.
    data_purpose = models.CharField(
        "doelbinding",
        max_length=24,
        choices=Purpose.choices,
        default=Purpose.RESULTAATMETING,
    )
    basis = models.CharField("grondslag", max_length=20, choices=Basis.choices)
    law = models.CharField("wet (bij wettelijke taak)", max_length=120, blank=True)
    cross_domain = models.BooleanField("over domeinen heen", default=False)
    given_on = models.DateField("gegeven / vastgelegd op")
    withdrawn_on = models.DateField("ingetrokken op", null=True, blank=True)

    class Meta:
        verbose_name = "grondslag"
        verbose_name_plural = "grondslagen en toestemmingen"
        ordering = ["household", "partner", "-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(basis="toestemming") & Q(cross_domain=True)),
                name="consent_not_basis_for_cross_domain",
            ),
            models.CheckConstraint(
                condition=~Q(basis="wettelijke_taak") | ~Q(law=""),
                name="legal_task_names_law",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="basis_withdrawn_after_given",
            ),
        ]

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None
