from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from . import tokens
from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "municipality",
        "organisation",
        "is_active",
    )
    list_filter = ("role", "municipality", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Maatpact", {"fields": ("role", "municipality", "organisation", "region")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Maatpact", {"fields": ("role", "municipality", "organisation", "region")}),
    )


class ApiTokenForm(forms.ModelForm):
    days = forms.IntegerField(
        label="Geldig (dagen)",
        min_value=1,
        initial=lambda: settings.MAATPACT_API_TOKEN_DAYS,
        help_text="Na deze termijn werkt het token niet meer; geef dan een nieuw uit.",
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    def clean_days(self) -> int:
        days = self.cleaned_data["days"]
        if days > settings.MAATPACT_API_TOKEN_MAX_DAYS:
            raise ValidationError(
                f"Ten hoogste {settings.MAATPACT_API_TOKEN_MAX_DAYS} dagen.", code="max"
            )
        return days


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Issue and revoke tokens; the token is shown once, its digest and key never.

    Issuing and revoking go through ``accounts.tokens`` (audited). A token cannot be
    changed: revoke it and issue a new one.
    """

    form = ApiTokenForm
    list_display = ("name", "user", "issued_by", "created", "expiry")
    list_filter = ("expiry",)
    search_fields = ("name", "user__username")
    raw_id_fields = ("user",)
    readonly_fields = ("name", "user", "issued_by", "created", "expiry")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "days"]
        return list(self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        lifetime = timedelta(days=form.cleaned_data["days"])
        request._issued_token = tokens.issue(obj, lifetime=lifetime, actor=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        """The token, this once, on a page that no cache keeps (not in a message cookie)."""
        response = TemplateResponse(
            request,
            "admin/accounts/apitoken/issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "token": obj,
                "text": request._issued_token,
                "title": "API-token uitgegeven",
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    def delete_model(self, request, obj):
        tokens.revoke_token(obj, actor=request.user, reason="ingetrokken door beheerder")

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            tokens.revoke_token(token, actor=request.user, reason="ingetrokken door beheerder")
