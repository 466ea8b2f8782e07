"""Instruments are reference data an administrator maintains (also via load-instrument)."""

from django.contrib import admin

from .models import Domain, Instrument, LevelDescription


def _measured(instrument) -> bool:
    return instrument is not None and instrument.assessments.exists()


class FrozenWhenMeasured:
    """A version with measurements is read-only: change it by loading a new version."""

    def _instrument(self, obj):
        return None

    def has_change_permission(self, request, obj=None):
        if obj is not None and _measured(self._instrument(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _measured(self._instrument(obj)):
            return False
        return super().has_delete_permission(request, obj)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ("order", "code", "name", "children_supplement")
    show_change_link = True


class LevelInline(admin.TabularInline):
    model = LevelDescription
    extra = 0
    max_num = 5


@admin.register(Instrument)
class InstrumentAdmin(FrozenWhenMeasured, admin.ModelAdmin):
    list_display = ("name", "code", "version", "kind", "active")
    list_filter = ("kind", "active")
    inlines = [DomainInline]

    def _instrument(self, obj):
        return obj


@admin.register(Domain)
class DomainAdmin(FrozenWhenMeasured, admin.ModelAdmin):
    list_display = ("name", "code", "instrument", "order", "children_supplement")
    list_filter = ("instrument",)
    inlines = [LevelInline]

    def _instrument(self, obj):
        return obj.instrument


@admin.register(LevelDescription)
class LevelDescriptionAdmin(FrozenWhenMeasured, admin.ModelAdmin):
    list_display = ("domain", "level", "description")
    list_filter = ("domain__instrument", "level")

    def _instrument(self, obj):
        return obj.domain.instrument
