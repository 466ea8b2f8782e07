from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, also for administrators."""

    list_display = (
        "at",
        "actor",
        "actor_role",
        "action",
        "object_type",
        "object_id",
        "household_id",
    )
    list_filter = ("action", "actor_role", "object_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
