from __future__ import annotations

from django import forms


class TokenForm(forms.Form):
    """Six digits from the authenticator app."""

    token = forms.RegexField(
        label="Code uit uw authenticator-app",
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": "Vul de zes cijfers uit uw app in."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class InzageForm(forms.Form):
    format = forms.ChoiceField(
        label="Formaat",
        choices=[("html", "Webpagina"), ("json", "JSON-bestand (machineleesbaar)")],
        initial="html",
    )
