from __future__ import annotations

from datetime import timedelta

from django import forms

from maatpact.accounts import policies
from maatpact.common import dates
from maatpact.common.forms import DateField


class ReportForm(forms.Form):
    """The period and scope of the interim report (GET parameters, so links can be shared)."""

    van = DateField(label="Van")
    tot = DateField(label="Tot en met")
    gemeente = forms.ModelChoiceField(
        label="Gemeente",
        queryset=None,
        required=False,
        empty_label="Hele regio",
        error_messages={"invalid_choice": "Kies een gemeente uit de lijst."},
    )

    def __init__(self, data=None, *, user, **kwargs):
        today = dates.today()
        if data is not None and not any(k in data for k in ("van", "tot", "gemeente")):
            data = None
        super().__init__(
            data,
            initial={"van": today - timedelta(days=365), "tot": today},
            **kwargs,
        )
        self.fields["gemeente"].queryset = policies.report_municipalities(user).order_by("name")
        if policies.report_audience(user) == "gemeente":
            self.fields["gemeente"].empty_label = None
            self.fields["gemeente"].required = False
            self.fields["gemeente"].initial = user.municipality_id

    def clean(self):
        cleaned = super().clean()
        van, tot = cleaned.get("van"), cleaned.get("tot")
        if van and tot and van > tot:
            self.add_error("tot", "De einddatum ligt vóór de begindatum.")
        if tot and tot > dates.today() + timedelta(days=366):
            self.add_error("tot", "Kies een einddatum binnen een jaar vanaf vandaag.")
        return cleaned

    def period(self):
        """(van, tot, gemeente) from valid data, or the defaults when nothing was sent."""
        if self.is_bound:
            return (
                self.cleaned_data["van"],
                self.cleaned_data["tot"],
                self.cleaned_data.get("gemeente"),
            )
        return (
            self.initial["van"],
            self.initial["tot"],
            self.fields["gemeente"].queryset.filter(pk=self.fields["gemeente"].initial).first(),
        )


class ExportForm(forms.Form):
    soort = forms.ChoiceField(
        label="Bestandsformaat",
        choices=[("xlsx", "Excel (.xlsx), één tabblad per gegevensset"), ("csv", "CSV (zip)")],
        initial="xlsx",
    )
    gegevens = forms.MultipleChoiceField(
        label="Gegevenssets",
        widget=forms.CheckboxSelectMultiple,
        choices=[],
        error_messages={"required": "Kies ten minste één gegevensset."},
    )

    def __init__(self, *args, **kwargs):
        from .registry import export_datasets

        super().__init__(*args, **kwargs)
        choices = [(d.key, d.title) for d in export_datasets()]
        self.fields["gegevens"].choices = choices
        self.fields["gegevens"].initial = [k for k, _ in choices]
