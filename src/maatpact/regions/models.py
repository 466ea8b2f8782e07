"""Regions, municipalities and partner organisations.

Nothing assumes nine municipalities: the Hart van Brabant region is loaded as data and
any other region can be added the same way.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Region(models.Model):
    code = models.SlugField("code", max_length=40, unique=True)
    name = models.CharField("naam", max_length=120, unique=True)

    class Meta:
        verbose_name = "regio"
        verbose_name_plural = "regio's"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    cbs_code = models.CharField("CBS-code", max_length=6, unique=True)
    name = models.CharField("naam", max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")
    population = models.PositiveIntegerField("inwoners", default=0)

    class Meta:
        verbose_name = "gemeente"
        verbose_name_plural = "gemeenten"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cbs_code__regex=r"^GM[0-9]{4}$"), name="municipality_cbs_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A partner: financier, provider, investor or the municipality itself."""

    class Kind(models.TextChoices):
        GEMEENTE = "gemeente", "Gemeente"
        ZORGVERZEKERAAR = "zorgverzekeraar", "Zorgverzekeraar"
        ZORGKANTOOR = "zorgkantoor", "Zorgkantoor"
        WONINGCORPORATIE = "woningcorporatie", "Woningcorporatie"
        INVESTEERDER = "investeerder", "Investeerder"
        AANBIEDER = "aanbieder", "Zorg- of hulpaanbieder"
        OVERHEID = "overheid", "Andere overheid"
        OVERIG = "overig", "Overig"

    name = models.CharField("naam", max_length=160, unique=True)
    kind = models.CharField("soort", max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="gemeente",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    # The partner's contact person and the purposes (``ProcessingBasis.Purpose`` codes)
    # for which it receives household data; managed by the programme team. Empty
    # ``purposes``: not yet stated, so no sharing record is refused on this ground.
    contact_name = models.CharField("contactpersoon", max_length=160, blank=True)
    contact_email = models.EmailField("e-mail contactpersoon", blank=True)
    contact_phone = models.CharField("telefoon contactpersoon", max_length=30, blank=True)
    purposes = models.JSONField("doelen waarvoor zij gegevens ontvangt", default=list, blank=True)

    class Meta:
        verbose_name = "organisatie"
        verbose_name_plural = "organisaties"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
