from django.contrib import admin

from .models import Phase, Programme, Screening


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "starts_on", "planned_households"]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["programme", "number", "name", "starts_on", "ends_on", "closed_on"]
    exclude = ["document"]
    readonly_fields = ["document_name", "document_type", "document_sha256"]


@admin.register(Screening)
class ScreeningAdmin(admin.ModelAdmin):
    list_display = ["household", "phase", "screened_on", "result"]
    readonly_fields = [f.name for f in Screening._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
