"""Users carry one role and the municipality or organisation the role applies to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    REGISSEUR = "regisseur", "Regisseur"
    TEAMLEIDER = "teamleider", "Teamleider"
    PROGRAMMATEAM = "programmateam", "Programmateam"
    ANALIST = "analist", "Analist"
    FINANCIER = "financier", "Financier"
    BEHEERDER = "beheerder", "Beheerder"


MUNICIPAL_ROLES = frozenset({Role.REGISSEUR, Role.TEAMLEIDER})


class User(AbstractUser):
    role = models.CharField("rol", max_length=20, choices=Role.choices, default=Role.REGISSEUR)
    municipality = models.ForeignKey(
        "regions.Municipality",
        verbose_name="gemeente",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    organisation = models.ForeignKey(
        "regions.Organisation",
        verbose_name="organisatie",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="regio",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        verbose_name = "gebruiker"
        verbose_name_plural = "gebruikers"
        constraints = [
            # A coordinator or team lead always works for one municipality.
            models.CheckConstraint(
                condition=~Q(role__in=["regisseur", "teamleider"]) | Q(municipality__isnull=False),
                name="user_municipal_role_has_municipality",
            ),
            models.CheckConstraint(
                condition=~Q(role="financier") | Q(organisation__isnull=False),
                name="user_financier_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.REGISSEUR

    @property
    def is_team_lead(self) -> bool:
        return self.role == Role.TEAMLEIDER
