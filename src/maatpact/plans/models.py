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
