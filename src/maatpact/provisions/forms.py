from __future__ import annotations

from decimal import Decimal

from django import forms

from maatpact.common.forms import DateField, MoneyField
from maatpact.regions.models import Organisation

from .models import Law, Provision

FINANCIER_KINDS = [
    Organisation.Kind.GEMEENTE,
    Organisation.Kind.ZORGVERZEKERAAR,
    Organisation.Kind.ZORGKANTOOR,
    Organisation.Kind.WONINGCORPORATIE,
    Organisation.Kind.OVERHEID,
    Organisation.Kind.OVERIG,
]


class ProvisionForm(forms.Form):
    description = forms.CharField(label="Wat is de voorziening?", max_length=200)
    law = forms.ModelChoiceField(label="Wet", queryset=Law.objects.order_by("name"))
    financier = forms.ModelChoiceField(
        label="Financier (wie betaalt)",
        queryset=Organisation.objects.filter(kind__in=FINANCIER_KINDS).order_by("name"),
    )
    provider = forms.ModelChoiceField(
        label="Aanbieder (wie levert)",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Geen of onbekend",
    )
    starts_on = DateField(label="Start")
    ends_on = DateField(
        label="Einde (laatste dag)",
        required=False,
        help_text="Leeg laten als de voorziening doorloopt.",
    )
    cost_kind = forms.ChoiceField(label="Soort kosten", choices=Provision.CostKind.choices)
    amount = MoneyField(
        label="Bedrag in euro",
        min_value=Decimal("0"),
        help_text="Per maand of eenmalig, bijvoorbeeld 1.250,00.",
    )


class EndForm(forms.Form):
    ends_on = DateField(label="Laatste dag van de voorziening")
