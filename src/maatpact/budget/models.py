"""The rule-free budget: a regional fund, allocations per municipality, spends and a ledger.

Money is an exact ``Decimal`` with two places. The ledger is append-only: every change
of an allocation's balance is an immutable :class:`LedgerEntry` (a correction is a
reversal entry). Each allocation row carries its running balance and the head of its
hash chain; the row is locked while an entry is appended, and the database refuses a
negative available balance (check constraint), an edited entry (trigger on PostgreSQL)
and a spend approved by its own requester.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

MONEY = {"max_digits": 14, "decimal_places": 2}


class Fund(models.Model):
    """A regional pot of rule-free money; its amount is data (EUR 10,000,000 in the demo)."""

    class Formula(models.TextChoices):
        GELIJK = "gelijk", "Gelijke delen"
        INWONERS = "inwoners", "Naar inwoneraantal"
        HUISHOUDENS = "huishoudens", "Naar aantal huishoudens in het programma"
        HANDMATIG = "handmatig", "Handmatig"

    region = models.ForeignKey(
        "regions.Region", verbose_name="regio", on_delete=models.PROTECT, related_name="funds"
    )
    name = models.CharField("naam", max_length=120, unique=True)
    amount = models.DecimalField("omvang (euro)", **MONEY)
    formula = models.CharField("verdeelsleutel", max_length=12, choices=Formula.choices, blank=True)
    allocated_at = models.DateTimeField("verdeeld op", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Status(models.TextChoices):
        CONCEPT = "concept", "Voorgesteld (wacht op tweede handtekening)"
        ACTIEF = "actief", "Actief"

    # Four eyes: a fund proposed by one member of the programme team is confirmed by
    # another before it can be allocated.
    status = models.CharField("status", max_length=8, choices=Status.choices, default="actief")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="voorgesteld door",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="bevestigd door",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "fonds"
        verbose_name_plural = "fondsen"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_amount_positive"),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True)
                | Q(proposed_by__isnull=True)
                | ~Q(confirmed_by=F("proposed_by")),
                name="fund_four_eyes",
                violation_error_message="Een tweede persoon bevestigt het fonds.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FundContribution(models.Model):
    """A municipality's contribution to a fund, from one of its regular budgets.

    Append-only: the fund's amount is the sum of its contributions (checked by
    ``budget-reconcile``); a top-up is a new contribution, never an edit.
    """

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="contributions")
    municipality = models.ForeignKey(
        "regions.Municipality",
        verbose_name="gemeente",
        on_delete=models.PROTECT,
        related_name="fund_contributions",
    )
    source = models.ForeignKey(
        "provisions.Law",
        verbose_name="bronbudget (wet)",
        on_delete=models.PROTECT,
        related_name="fund_contributions",
    )
    budget_line = models.CharField(
        "begrotingspost", max_length=200, blank=True, help_text="Bijv. Wmo-begeleiding 2027"
    )
    amount = models.DecimalField("bedrag", **MONEY)
    contributed_on = models.DateField("datum")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_top_up = models.BooleanField("aanvulling", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bijdrage aan het fonds"
        verbose_name_plural = "bijdragen aan het fonds"
        ordering = ["fund", "contributed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="contribution_amount_positive",
                violation_error_message="Een bijdrage is groter dan nul.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} → {self.fund}: {self.amount}"

    def save(self, *args, **kwargs):
        """Insert only (PostgreSQL also refuses an UPDATE with a trigger)."""
        if not self._state.adding:
            raise TypeError("Een bijdrage wordt nooit gewijzigd; leg een nieuwe bijdrage vast.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)


class Allocation(models.Model):
    """A municipality's share of a fund, with its running balance and ledger chain head.

    ``available = allocated - pending - approved``; ``paid`` is the part of ``approved``
    that has been paid out. The columns are only changed together with a ledger entry,
    in the transaction that holds this row's lock. (The sum identity itself is checked by
    ``budget-reconcile``, not by a CHECK: SQLite would compare it in floating point.)
    """

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="allocations")
    municipality = models.ForeignKey(
        "regions.Municipality",
        verbose_name="gemeente",
        on_delete=models.PROTECT,
        related_name="budget_allocations",
    )
    allocated = models.DecimalField("toegewezen", default=0, **MONEY)
    pending = models.DecimalField("in behandeling", default=0, **MONEY)
    approved = models.DecimalField("goedgekeurd", default=0, **MONEY)
    paid = models.DecimalField("betaald", default=0, **MONEY)
    available = models.DecimalField("beschikbaar", default=0, **MONEY)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = "toewijzing"
        verbose_name_plural = "toewijzingen"
        ordering = ["fund", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "municipality"], name="allocation_one_per_municipality"
            ),
            # Last line of defence: never below zero, whatever the application does.
            models.CheckConstraint(
                condition=Q(available__gte=0), name="allocation_available_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(pending__gte=0) & Q(approved__gte=0) & Q(paid__gte=0),
                name="allocation_parts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(paid__lte=F("approved")), name="allocation_paid_within_approved"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} · {self.municipality}"

    @property
    def committed(self):
        """Promised but not yet paid: pending requests plus approved, unpaid spends."""
        return self.pending + self.approved - self.paid


class Transfer(models.Model):
    """Money moved between two allocations of one fund, always with a reason."""

    source = models.ForeignKey(
        Allocation, verbose_name="van", on_delete=models.PROTECT, related_name="transfers_out"
    )
    target = models.ForeignKey(
        Allocation, verbose_name="naar", on_delete=models.PROTECT, related_name="transfers_in"
    )
    amount = models.DecimalField("bedrag", **MONEY)
    reason = models.CharField("reden", max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "overheveling"
        verbose_name_plural = "overhevelingen"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="transfer_two_sides"),
            models.CheckConstraint(condition=~Q(reason=""), name="transfer_has_reason"),
        ]


class Spend(models.Model):
    """A request to spend rule-free money on one household, and its course."""

    class Category(models.TextChoices):
        WONEN = "wonen", "Wonen (huur, achterstand, borg)"
        SCHULDEN = "schulden", "Schulden en geldzaken"
        WERK = "werk", "Werk en opleiding"
        VERVOER = "vervoer", "Vervoer"
        INRICHTING = "inrichting", "Inrichting en huishouden"
        ZORG = "zorg", "Zorg en gezondheid"
        KINDEREN = "kinderen", "Kinderen en school"
        OVERIG = "overig", "Overig"

    class Status(models.TextChoices):
        AANGEVRAAGD = "aangevraagd", "Wacht op goedkeuring"
        GOEDGEKEURD = "goedgekeurd", "Goedgekeurd"
        BETAALD = "betaald", "Betaald"
        AFGEWEZEN = "afgewezen", "Afgewezen"
        TERUGGEDRAAID = "teruggedraaid", "Teruggedraaid"

    idempotency_key = models.CharField("aanvraagsleutel", max_length=64, unique=True)
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="spends")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="budget_spends"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="budget_requests"
    )
    requested_at = models.DateTimeField("aangevraagd op")
    amount = models.DecimalField("bedrag", **MONEY)
    category = models.CharField("soort uitgave", max_length=12, choices=Category.choices)
    purpose = models.TextField("waarvoor")
    goal = models.ForeignKey(
        "plans.Goal",
        verbose_name="doel in het plan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_spends",
    )
    obstacle = models.ForeignKey(
        "obstacles.Obstacle",
        verbose_name="doorbroken knelpunt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_spends",
    )
    law = models.ForeignKey(
        "provisions.Law",
        verbose_name="wet die normaal zou betalen",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_spends",
    )
    financier = models.ForeignKey(
        "regions.Organisation",
        verbose_name="financier die normaal zou betalen",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_spends",
    )
    justification = models.TextField("waarom dit helpt")
    value_legitimate = models.BooleanField("legitiem: dient het doel van de wet")
    value_involved = models.BooleanField("betrokken: het huishouden krijgt weer regie")
    value_return = models.BooleanField("rendement: maatschappelijk en financieel")
    needs_approval = models.BooleanField(default=False)
    status = models.CharField(max_length=14, choices=Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField("reden van afwijzing", max_length=300, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversed_amount = models.DecimalField("teruggedraaid", default=0, **MONEY)

    class Meta:
        verbose_name = "uitgave"
        verbose_name_plural = "uitgaven"
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["household", "requested_at"], name="spend_household_at"),
            models.Index(fields=["allocation", "status"], name="spend_allocation_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="spend_amount_positive"),
            models.CheckConstraint(
                condition=Q(reversed_amount__gte=0) & Q(reversed_amount__lte=F("amount")),
                name="spend_reversal_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(value_legitimate=True, value_involved=True, value_return=True),
                name="spend_meets_three_values",
            ),
            # Four eyes, in the database: whoever decides is never the requester.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="spend_four_eyes",
            ),
            models.CheckConstraint(
                condition=~Q(status="afgewezen") | ~Q(rejection_reason=""),
                name="spend_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Uitgave {self.pk}"

    @property
    def net_amount(self):
        return self.amount - self.reversed_amount


class ScenarioLine(models.Model):
    """One cost line in the justification: a current provision or a looming cost.

    Muddling on = every line; breaking through = the spend plus the lines that are not
    ``avoided``. The expected saving per financier is the sum of the avoided lines.
    """

    class Kind(models.TextChoices):
        HUIDIG = "huidig", "Huidige voorziening"
        DREIGEND = "dreigend", "Dreigende kosten"

    spend = models.ForeignKey(Spend, on_delete=models.CASCADE, related_name="scenario_lines")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    provision = models.ForeignKey(
        "provisions.Provision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField("omschrijving", max_length=200)
    financier = models.ForeignKey(
        "regions.Organisation",
        verbose_name="financier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    annual_cost = models.DecimalField("kosten per jaar", **MONEY)
    avoided = models.BooleanField("vervalt bij doorbraak", default=False)

    class Meta:
        ordering = ["spend", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_cost__gte=0), name="scenario_cost_not_negative"
            ),
        ]


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Grootboekregels zijn onveranderlijk; boek een correctie.")

    def delete(self):
        raise TypeError("Grootboekregels worden nooit verwijderd; boek een correctie.")


class LedgerEntry(models.Model):
    """An immutable line of an allocation's ledger, hash-chained per allocation."""

    class Kind(models.TextChoices):
        TOEWIJZING = "toewijzing", "Toewijzing uit het fonds"
        TOEWIJZING_TERUG = "toewijzing_terug", "Toewijzing verlaagd (herverdeling)"
        OVERHEVELING_IN = "overheveling_in", "Overheveling ontvangen"
        OVERHEVELING_UIT = "overheveling_uit", "Overheveling afgestaan"
        RESERVERING = "reservering", "Reservering (aanvraag in behandeling)"
        GOEDKEURING = "goedkeuring", "Goedkeuring"
        VRIJGAVE = "vrijgave", "Vrijgave na afwijzing"
        BETALING = "betaling", "Betaling"
        TERUGBOEKING = "terugboeking", "Terugboeking (correctie)"
        TERUGBETALING = "terugbetaling", "Terugboeking van een betaalde uitgave"

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(**MONEY)
    spend = models.ForeignKey(
        Spend, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    transfer = models.ForeignKey(
        Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "grootboekregel"
        verbose_name_plural = "grootboek"
        ordering = ["allocation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "seq"], name="ledger_allocation_seq"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
        ]
        indexes = [models.Index(fields=["spend"], name="ledger_spend")]

    def save(self, *args, **kwargs):
        """Insert only: an existing entry is never written again (SQLite has no trigger)."""
        if not self._state.adding:
            raise TypeError("Grootboekregels zijn onveranderlijk; boek een correctie.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Grootboekregels worden nooit verwijderd; boek een correctie.")
