"""The one plan (perspectiefplan) per household."""

from __future__ import annotations

from django.db import models


class Plan(models.Model):
    # OneToOne: the database refuses a second plan for a household.
    household = models.OneToOneField(
        "households.Household", on_delete=models.CASCADE, related_name="plan"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "perspectiefplan"
        verbose_name_plural = "perspectiefplannen"

    def __str__(self) -> str:
        return f"Plan {self.household_id}"


class Goal(models.Model):
    """A goal per life domain, in the household's own plain words."""

    class Status(models.TextChoices):
        OPEN = "open", "Nog niet begonnen"
        BEZIG = "bezig", "Mee bezig"
        BEREIKT = "bereikt", "Bereikt"
        GESTOPT = "gestopt", "Gestopt"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    domain_code = models.SlugField("leefgebied", max_length=40)
    description = models.TextField("doel (in eigen woorden)")
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.OPEN)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "doel"
        verbose_name_plural = "doelen"
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.description[:60]
