from django.contrib import admin

from .models import Cohort


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    """Administrators manage reference data; case content is not in the admin (no case access)."""

    list_display = ("name", "phase", "capacity", "starts_on", "region")
