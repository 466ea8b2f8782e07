"""Reference data for administrators: event types and outcome definitions.

Definitions saved here pass the same rule validation as the service (unknown domain,
event or law: a Dutch message, nothing saved). Contracts are managed by the regional
team on the SIB pages, where periods, rate card and caps are checked together.
"""

from django import forms
from django.contrib import admin

from . import rules, services
from .models import EventType, OutcomeDefinition


@admin.register(EventType)
class EventTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "adverse")


class OutcomeDefinitionForm(forms.ModelForm):
    class Meta:
        model = OutcomeDefinition
        fields = ["code", "name", "description", "rule", "active"]

    def clean(self):
        data = super().clean()
        if "rule" in data:
            try:
                self.instance.holding_months = rules.validate_rule(
                    data["rule"], **services.known_codes()
                )
            except forms.ValidationError as exc:
                self.add_error("rule", exc.message_dict["rule"])
        return data


@admin.register(OutcomeDefinition)
class OutcomeDefinitionAdmin(admin.ModelAdmin):
    form = OutcomeDefinitionForm
    list_display = ("code", "name", "holding_months", "active")
    readonly_fields = ("holding_months",)
