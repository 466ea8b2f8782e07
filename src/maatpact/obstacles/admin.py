from django.contrib import admin

from .models import EscalationLevel


@admin.register(EscalationLevel)
class EscalationLevelAdmin(admin.ModelAdmin):
    """The ladder is reference data: the administrator may tune names and deadlines."""

    list_display = [
        "order",
        "code",
        "name",
        "handled_by",
        "deadline_working_days",
        "region_full_access",
        "external",
    ]
    ordering = ["order"]
