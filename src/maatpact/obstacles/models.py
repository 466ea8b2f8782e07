"""Obstacles (knelpunten): what blocked a household's solution, and its course."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


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

    class Meta:
        verbose_name = "knelpunt"
        verbose_name_plural = "knelpunten"
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(harm_euros__gte=0), name="obstacle_harm_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Knelpunt {self.pk}"
