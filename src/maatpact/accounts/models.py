"""Users carry one role and the municipality or organisation the role applies to; API
tokens are stored as a digest only (``ApiToken``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from knox.models import AbstractAuthToken


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


class ApiToken(AbstractAuthToken):
    """An API token of one user, with a name and an expiry; the token itself is not stored.

    django-rest-knox makes a 64-character random token, stores its SHA-512 ``digest`` and
    its first 15 characters (``token_key``, to find the row), and checks a presented token
    in constant time. The token is shown once, at issue (``accounts.tokens``); neither the
    admin nor the API ever shows ``digest`` or ``token_key``. A revoked token is deleted.
    """

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=128, unique=True)  # knox's primary key, not ours
    name = models.CharField("naam of doel", max_length=100)
    # Set by the issuing service, so that expiry - created is the lifetime to the second.
    created = models.DateTimeField("uitgegeven op", default=timezone.now)
    expiry = models.DateTimeField("verloopt op")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="uitgegeven door",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "API-token"
        verbose_name_plural = "API-tokens"
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry__gt=F("created")), name="apitoken_expires_after_creation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def self_issued(self) -> bool:
        """Fetched by the user for itself (``/api/v1/token/``), not issued by an administrator."""
        return self.issued_by_id == self.user_id
