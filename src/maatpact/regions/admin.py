from django.contrib import admin

from .models import Municipality, Organisation, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "cbs_code", "region", "population")
    list_filter = ("region",)
    search_fields = ("name", "cbs_code")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality")
    list_filter = ("kind",)
    search_fields = ("name",)
