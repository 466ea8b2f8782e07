from __future__ import annotations

import json
from decimal import Decimal

from django import forms

from maatpact.common.forms import DateField, MoneyField

from .models import Contract, ContractPayer, EventType, OutcomeDefinition, RateCardLine


class EventForm(forms.Form):
    event_type = forms.ModelChoiceField(
        label="Gebeurtenis",
        queryset=EventType.objects.all(),
        error_messages={"invalid_choice": "Kies een bekende gebeurtenis."},
    )
    occurred_on = DateField(label="Datum")
    note = forms.CharField(
        label="Toelichting",
        max_length=300,
        required=False,
        help_text="Kort en zonder namen, bijvoorbeeld 'vonnis kantonrechter'.",
    )


class DefinitionForm(forms.Form):
    code = forms.SlugField(label="Code", max_length=40)
    name = forms.CharField(label="Naam", max_length=160)
    description = forms.CharField(label="Omschrijving", required=False, widget=forms.Textarea)
    rule = forms.CharField(
        label="Regel (JSON)",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='Bijvoorbeeld {"kind": "no_event", "event": "huisuitzetting", "months": 12}',
    )

    def clean_rule(self) -> dict:
        try:
            return json.loads(self.cleaned_data["rule"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError("Dit is geen geldige JSON.") from exc


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label="Oordeel",
        choices=[("verifieer", "Verifiëren: de onderbouwing klopt"), ("afwijzen", "Afwijzen")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Toelichting", max_length=300, required=False, help_text="Verplicht bij afwijzen."
    )


class PeriodForm(forms.Form):
    name = forms.CharField(label="Naam", max_length=60, help_text="Bijvoorbeeld '2026 H1'.")
    starts_on = DateField(label="Van")
    ends_on = DateField(label="Tot en met")


class RateLineForm(forms.Form):
    definition = forms.ModelChoiceField(
        label="Resultaat", queryset=OutcomeDefinition.objects.filter(active=True)
    )
    payer = forms.ModelChoiceField(label="Betaler", queryset=ContractPayer.objects.none())
    method = forms.ChoiceField(label="Methode", choices=RateCardLine.Method.choices)
    price = MoneyField(
        label="Prijs per resultaat (euro)",
        min_value=Decimal("0"),
        max_value=Decimal("9999999999.99"),
        initial=Decimal("0.00"),
    )
    benchmark_months = forms.DecimalField(
        label="Verwachte duur volgens benchmark (maanden)",
        max_digits=6,
        decimal_places=2,
        required=False,
    )
    monthly_cost = MoneyField(
        label="Kosten per maand (euro)",
        min_value=Decimal("0"),
        max_value=Decimal("9999999999.99"),
        required=False,
    )
    savings_share_percent = forms.DecimalField(
        label="Aandeel van de besparing (%)", max_digits=5, decimal_places=2, initial=100
    )
    comparison_rate = forms.DecimalField(
        label="Resultaatpercentage vergelijkingsgroep (0-1)",
        max_digits=5,
        decimal_places=4,
        required=False,
    )

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = contract.payers.select_related("organisation")


class CapsForm(forms.Form):
    cap_per_household = MoneyField(
        label="Plafond per huishouden (euro)",
        min_value=Decimal("0"),
        max_value=Decimal("9999999999.99"),
        required=False,
    )
    cap_total = MoneyField(
        label="Plafond contract (euro)",
        min_value=Decimal("0"),
        max_value=Decimal("999999999999.99"),
        required=False,
    )
    max_return_rate = forms.DecimalField(
        label="Maximaal rendement investeerder per jaar (fractie, bijv. 0,10)",
        max_digits=5,
        decimal_places=4,
        required=False,
    )

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.payers = list(contract.payers.select_related("organisation"))
        for p in self.payers:
            self.fields[f"payer_{p.pk}"] = MoneyField(
                label=f"Plafond {p.organisation} (euro)",
                min_value=Decimal("0"),
                max_value=Decimal("999999999999.99"),
                required=False,
                initial=p.cap,
            )


class ProjectionForm(forms.Form):
    households = forms.IntegerField(
        label="Aantal huishoudens", min_value=0, max_value=200_000, required=False
    )
    runs = forms.IntegerField(
        label="Aantal simulaties", min_value=100, max_value=10_000, initial=10_000, required=False
    )
    seed = forms.IntegerField(label="Startwaarde (seed)", min_value=0, initial=2019, required=False)
