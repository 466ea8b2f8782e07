"""Every form of support a household receives, per law and financier, with its cost."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Law(models.Model):
    """Reference data: Wmo 2015, Jeugdwet, Participatiewet, Zvw, Wlz, Wgs, Huisvestingswet..."""

    code = models.SlugField("code", max_length=30, unique=True)
    name = models.CharField("naam", max_length=120)

    class Meta:
        verbose_name = "wet"
        verbose_name_plural = "wetten"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Provision(models.Model):
    class CostKind(models.TextChoices):
        MAANDELIJKS = "maandelijks", "Per maand"
        EENMALIG = "eenmalig", "Eenmalig"

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="provisions"
    )
    law = models.ForeignKey(
        Law, verbose_name="wet", on_delete=models.PROTECT, related_name="provisions"
    )
    financier = models.ForeignKey(
        "regions.Organisation",
        verbose_name="financier",
        on_delete=models.PROTECT,
        related_name="financed_provisions",
    )
    provider = models.ForeignKey(
        "regions.Organisation",
        verbose_name="aanbieder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provided_provisions",
    )
    description = models.CharField("wat", max_length=200)
    starts_on = models.DateField("start")
    ends_on = models.DateField("einde", null=True, blank=True)
    cost_kind = models.CharField(
        "soort kosten", max_length=12, choices=CostKind.choices, default=CostKind.MAANDELIJKS
    )
    amount = models.DecimalField("bedrag (euro)", max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "voorziening"
        verbose_name_plural = "voorzieningen"
        ordering = ["household", "starts_on"]
        indexes = [models.Index(fields=["household", "starts_on"], name="provision_hh_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="provision_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="provision_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.description
