from django.contrib import admin

from .models import Law


@admin.register(Law)
class LawAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
