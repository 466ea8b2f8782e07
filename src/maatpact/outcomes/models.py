"""Household events, outcome definitions as data, achieved outcomes with evidence, and the
Social Impact Bond contract (investors, payers, rate card, caps, periods).

Invariants that the database can hold are constraints; the ones that need other rows
(overlapping periods, rules naming known domains) are checked in ``services`` under a lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class EventType(models.Model):
    """Reference data: eviction, out-of-home placement, debt arrangement, job, police..."""

    code = models.SlugField("code", max_length=40, unique=True)
    name = models.CharField("naam", max_length=120)
    adverse = models.BooleanField("ongewenst", default=True)

    class Meta:
        verbose_name = "soort gebeurtenis"
        verbose_name_plural = "soorten gebeurtenissen"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HouseholdEvent(models.Model):
    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="events"
    )
    event_type = models.ForeignKey(
        EventType, verbose_name="gebeurtenis", on_delete=models.PROTECT, related_name="events"
    )
    occurred_on = models.DateField("datum")
    note = models.CharField("toelichting", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "gebeurtenis"
        verbose_name_plural = "gebeurtenissen"
        ordering = ["household", "-occurred_on"]
        indexes = [models.Index(fields=["household", "occurred_on"], name="event_hh_date")]


class OutcomeDefinition(models.Model):
    """An outcome as data: a declarative rule over recorded facts (see ``rules``)."""

    code = models.SlugField("code", max_length=40, unique=True)
    name = models.CharField("naam", max_length=160)
    description = models.TextField("omschrijving", blank=True)
    rule = models.JSONField("regel")
    holding_months = models.PositiveSmallIntegerField("vasthoudperiode (maanden)", default=0)
    active = models.BooleanField("in gebruik", default=True)

    class Meta:
        verbose_name = "resultaatdefinitie"
        verbose_name_plural = "resultaatdefinities"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AchievedOutcome(models.Model):
    """One outcome reached by one household, with the facts it rests on."""

    class Status(models.TextChoices):
        TE_VERIFIEREN = "te_verifieren", "Te verifiëren"
        GEVERIFIEERD = "geverifieerd", "Geverifieerd"
        AFGEWEZEN = "afgewezen", "Afgewezen"

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="achieved_outcomes"
    )
    definition = models.ForeignKey(
        OutcomeDefinition, on_delete=models.PROTECT, related_name="achieved"
    )
    achieved_on = models.DateField("bereikt op")
    evidence = models.JSONField("onderbouwing")
    # Users who recorded the facts in the evidence; none of them may verify it.
    recorded_by_ids = models.JSONField(default=list)
    evaluated_at = models.DateTimeField("beoordeeld op")
    status = models.CharField(
        "status", max_length=14, choices=Status.choices, default=Status.TE_VERIFIEREN
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField("geverifieerd op", null=True, blank=True)
    verification_note = models.CharField("toelichting verificatie", max_length=300, blank=True)

    class Meta:
        verbose_name = "bereikt resultaat"
        verbose_name_plural = "bereikte resultaten"
        ordering = ["-achieved_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "definition"], name="one_achievement_per_outcome"
            ),
            models.CheckConstraint(
                condition=Q(status="te_verifieren")
                | (Q(verified_by__isnull=False) & Q(verified_at__isnull=False)),
                name="verification_has_who_and_when",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "verified_at"], name="achieved_status_at"),
            # the regional list: per status, newest first
            models.Index(fields=["status", "-achieved_on", "id"], name="achieved_status_on"),
        ]


# --- Social Impact Bond ---------------------------------------------------------


class Contract(models.Model):
    """A SIB: investors pre-finance, payers pay for verified outcomes under caps.

    A draft (``concept``) until a second person of the programme team signs it; only a
    signed contract has periods paid, and its later changes are new dated versions.
    """

    class Status(models.TextChoices):
        CONCEPT = "concept", "Concept"
        GETEKEND = "getekend", "Getekend"

    name = models.CharField("naam", max_length=160, unique=True)
    starts_on = models.DateField("start")
    ends_on = models.DateField("einde")
    currency = models.CharField("valuta", max_length=3, default="EUR")
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.CONCEPT
    )
    # Who last changed the draft: the signer must be someone else (four eyes).
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("getekend op", null=True, blank=True)
    # Months after a household's entry before its outcomes count (measurement period).
    follow_up_months = models.PositiveSmallIntegerField("nameting na (maanden)", default=0)
    # "Pay for p of every q" also on attachment fees, not only on outcome payments.
    deadweight_on_fees = models.BooleanField("deadweight ook op instroomvergoeding", default=False)
    cohorts = models.ManyToManyField(
        "households.Cohort", blank=True, verbose_name="cohorten", related_name="contracts"
    )
    cap_per_household = models.DecimalField(
        "plafond per huishouden", max_digits=12, decimal_places=2, null=True, blank=True
    )
    cap_total = models.DecimalField(
        "plafond contract", max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_return_rate = models.DecimalField(
        "maximaal rendement investeerder per jaar (fractie)",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
    )
    deadweight_paid = models.PositiveSmallIntegerField("betaal voor", default=1)
    deadweight_of = models.PositiveSmallIntegerField("van elke", default=1)
    trigger_percent = models.DecimalField(
        "drempel verbetering t.o.v. vergelijking (%)",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
    )
    trigger_per_cohort = models.BooleanField("drempel per cohort", default=False)
    final_trigger_percent = models.DecimalField(
        "eindtoets over alle cohorten (%)", max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "SIB-contract"
        verbose_name_plural = "SIB-contracten"
        ordering = ["starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(deadweight_paid__gte=1) & Q(deadweight_of__gte=F("deadweight_paid")),
                name="contract_deadweight_fraction",
            ),
            models.CheckConstraint(
                condition=(Q(cap_per_household__isnull=True) | Q(cap_per_household__gte=0))
                & (Q(cap_total__isnull=True) | Q(cap_total__gte=0))
                & (Q(max_return_rate__isnull=True) | Q(max_return_rate__gte=0)),
                name="contract_caps_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status="concept", signed_at__isnull=True)
                | Q(status="getekend", signed_at__isnull=False),
                name="contract_signed_has_when",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ContractPayer(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="payers")
    organisation = models.ForeignKey(
        "regions.Organisation", verbose_name="betaler", on_delete=models.PROTECT, related_name="+"
    )
    cap = models.DecimalField(
        "plafond betaler", max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Paid per household attached, times the share of its contract year (FeeYearShare).
    attachment_fee = models.DecimalField(
        "instroomvergoeding per huishouden", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    # Share of the shared rate card lines this payer pays (authoring splits them by it).
    share_percent = models.DecimalField(
        "aandeel (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "resultaatbetaler"
        verbose_name_plural = "resultaatbetalers"
        ordering = ["contract", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "organisation"], name="payer_once"),
            models.CheckConstraint(
                condition=(Q(cap__isnull=True) | Q(cap__gte=0)) & Q(attachment_fee__gte=0),
                name="payer_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class FeeYearShare(models.Model):
    """Share (%) of the attachment fee paid for households attached in a contract year."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="fee_shares")
    contract_year = models.PositiveSmallIntegerField("contractjaar")
    share_percent = models.DecimalField("aandeel (%)", max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["contract", "contract_year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "contract_year"], name="fee_share_year"),
            models.CheckConstraint(
                condition=Q(share_percent__gte=0, share_percent__lte=100) & Q(contract_year__gte=1),
                name="fee_share_0_100",
            ),
        ]


class RateCardLine(models.Model):
    """What one payer pays for one verified outcome: a fixed price or counterfactual savings."""

    class Method(models.TextChoices):
        VAST = "vast", "Vaste prijs per resultaat"
        BESPARING = "besparing", "Vermeden kosten (benchmarkduur min werkelijke duur)"
        DAGEN = "dagen", "Vermeden kosten per dag (verwachte min werkelijke dagen)"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="rate_card")
    definition = models.ForeignKey(
        OutcomeDefinition, verbose_name="resultaat", on_delete=models.PROTECT, related_name="+"
    )
    payer = models.ForeignKey(
        ContractPayer, verbose_name="betaler", on_delete=models.CASCADE, related_name="lines"
    )
    method = models.CharField("methode", max_length=10, choices=Method.choices, default=Method.VAST)
    price = models.DecimalField(
        "prijs per resultaat", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    benchmark_months = models.DecimalField(
        "verwachte duur (maanden)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    monthly_cost = models.DecimalField(
        "kosten per maand", max_digits=12, decimal_places=2, null=True, blank=True
    )
    savings_share_percent = models.DecimalField(
        "aandeel besparing (%)", max_digits=5, decimal_places=2, default=Decimal(100)
    )
    benchmark_days = models.PositiveIntegerField("verwachte duur (dagen)", null=True, blank=True)
    daily_cost = models.DecimalField(
        "kosten per dag", max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Only for households attached in this contract year (none: every year without its own).
    attachment_year = models.PositiveSmallIntegerField("instroomjaar", null=True, blank=True)
    # Outcome rate in the comparison group, for the trigger threshold.
    comparison_rate = models.DecimalField(
        "resultaatpercentage vergelijkingsgroep",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "tariefregel"
        verbose_name_plural = "tariefkaart"
        ordering = ["contract", "definition__code", "payer"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "definition", "payer"],
                condition=Q(attachment_year__isnull=True),
                name="rate_line_once",
            ),
            models.UniqueConstraint(
                fields=["contract", "definition", "payer", "attachment_year"],
                condition=Q(attachment_year__isnull=False),
                name="rate_line_once_per_year",
            ),
            models.CheckConstraint(
                condition=~Q(method="dagen") | (Q(benchmark_days__gte=0) & Q(daily_cost__gte=0)),
                name="rate_days_complete",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="rate_price_not_negative"),
            models.CheckConstraint(
                condition=~Q(method="besparing")
                | (
                    Q(benchmark_months__gte=0)
                    & Q(monthly_cost__gte=0)
                    & Q(savings_share_percent__gte=0, savings_share_percent__lte=100)
                ),
                name="rate_savings_complete",
            ),
        ]


class Drawdown(models.Model):
    """Capital an investor actually paid in, on a date (its committed capital is a cap)."""

    investment = models.ForeignKey("Investment", on_delete=models.CASCADE, related_name="drawdowns")
    drawn_on = models.DateField("datum")
    amount = models.DecimalField("bedrag", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["investment", "drawn_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="drawdown_positive"),
        ]


class Investment(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="investments")
    investor = models.ForeignKey(
        "regions.Organisation",
        verbose_name="investeerder",
        on_delete=models.PROTECT,
        related_name="+",
    )
    committed = models.DecimalField("toegezegd kapitaal", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "investering"
        verbose_name_plural = "investeringen"
        constraints = [
            models.UniqueConstraint(fields=["contract", "investor"], name="investment_once"),
            models.CheckConstraint(condition=Q(committed__gt=0), name="committed_positive"),
        ]


class ContractVersion(models.Model):
    """The terms of a contract from a date on, as they were agreed.

    A change of terms is a new version; it applies to the periods not yet paid. A paid
    period names the version it was paid under. Insert-only (PostgreSQL trigger).
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField("versie")
    valid_from = models.DateField("geldig vanaf")
    cap_per_household = models.DecimalField(
        "plafond per huishouden", max_digits=12, decimal_places=2, null=True, blank=True
    )
    cap_total = models.DecimalField(
        "plafond contract", max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_return_rate = models.DecimalField(
        "maximaal rendement", max_digits=5, decimal_places=4, null=True, blank=True
    )
    deadweight_paid = models.PositiveSmallIntegerField("betaal voor", default=1)
    deadweight_of = models.PositiveSmallIntegerField("van elke", default=1)
    deadweight_on_fees = models.BooleanField("deadweight ook op instroom", default=False)
    trigger_percent = models.DecimalField(
        "drempel (%)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    trigger_per_cohort = models.BooleanField("drempel per cohort", default=False)
    final_trigger_percent = models.DecimalField(
        "eindtoets (%)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    # organisation id (str) -> payer cap as a string, or null
    payer_caps = models.JSONField("plafonds per betaler", default=dict)
    # [definition, payer organisation id, method, price, benchmark, monthly cost, share,
    #  comparison rate] per rate card line, amounts as strings
    rate_card = models.JSONField("tariefkaart", default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "contractversie"
        verbose_name_plural = "contractversies"
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_version_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="contract_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"versie {self.number} (vanaf {self.valid_from:%d-%m-%Y})"


class PaymentPeriod(models.Model):
    """A payment period; once paid (``paid_at``) it and its lines never change."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField("naam", max_length=60)
    starts_on = models.DateField("van")
    ends_on = models.DateField("tot en met")
    paid_at = models.DateTimeField("betaald op", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        ContractVersion,
        verbose_name="contractversie",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="periods",
    )
    # As computed when paid: outcomes waiting for the trigger, the deadweight rule.
    deferred = models.PositiveIntegerField(default=0)
    deadweight_paid = models.PositiveSmallIntegerField(default=1)
    deadweight_of = models.PositiveSmallIntegerField(default=1)
    deadweight_fees = models.BooleanField(default=False)
    waiting_follow_up = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "betaalperiode"
        verbose_name_plural = "betaalperioden"
        ordering = ["contract", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="period_ends_after_start"
            ),
            models.UniqueConstraint(fields=["contract", "starts_on"], name="period_start_once"),
            models.CheckConstraint(
                condition=Q(paid_at__isnull=True, version__isnull=True)
                | Q(paid_at__isnull=False, version__isnull=False),
                name="period_paid_under_a_version",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def delete(self, *args, **kwargs):
        if self.paid_at is not None:
            raise TypeError("Een betaalde periode wordt nooit verwijderd.")
        return super().delete(*args, **kwargs)


class _AppendOnlyQuerySet(models.QuerySet):
    """Rows of a paid period: written once when the period is paid, never changed
    (SQLite and the application; on PostgreSQL a trigger refuses it from any client)."""

    def update(self, **kwargs):
        raise TypeError("Regels van een betaalde periode zijn onveranderlijk.")

    def delete(self):
        raise TypeError("Regels van een betaalde periode worden nooit verwijderd.")


class _AppendOnly(models.Model):
    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Regels van een betaalde periode zijn onveranderlijk.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Regels van een betaalde periode worden nooit verwijderd.")


class PaidLine(_AppendOnly):
    """One payment line of a paid period, exactly as the engine settled it."""

    period = models.ForeignKey(PaymentPeriod, on_delete=models.PROTECT, related_name="paid_lines")
    payer = models.ForeignKey("regions.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10)  # "instroom" or "resultaat"
    # Plain ids, not keys: the record of a payment outlives the household's data.
    household_id = models.BigIntegerField()
    definition = models.CharField(max_length=40, blank=True)
    outcome_id = models.BigIntegerField(null=True)
    demand = models.DecimalField(max_digits=14, decimal_places=2)
    deadweight = models.DecimalField(max_digits=14, decimal_places=2)
    paid = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.CharField(max_length=80, blank=True)
    rule = models.CharField(max_length=200, blank=True)  # the rate card rule, in words

    class Meta:
        ordering = ["period", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(deadweight__gte=0) & Q(paid__lte=F("demand")),
                name="paid_line_amounts",
            ),
        ]


class PaidReceipt(_AppendOnly):
    """What one investor received for a paid period, on the period's last day."""

    period = models.ForeignKey(PaymentPeriod, on_delete=models.PROTECT, related_name="receipts")
    investor = models.ForeignKey("regions.Organisation", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["period", "investor"]
        constraints = [
            models.UniqueConstraint(fields=["period", "investor"], name="receipt_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="receipt_not_negative"),
        ]
