"""Forms for the budget pages; the services do the real checks."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.forms import formset_factory

from maatpact.common.forms import MoneyField
from maatpact.regions.models import Organisation

from .models import Allocation, Fund, ScenarioLine, Spend


class SpendForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    amount = MoneyField(label="Bedrag (euro)", help_text="Bijvoorbeeld 450,00")
    category = forms.ChoiceField(label="Soort uitgave", choices=Spend.Category.choices)
    purpose = forms.CharField(label="Waarvoor is het geld?", max_length=500)
    goal = forms.ChoiceField(label="Doel in het plan")
    obstacle = forms.ChoiceField(label="Knelpunt dat hiermee doorbroken wordt", required=False)
    law = forms.ModelChoiceField(
        label="Wet die dit normaal zou betalen", queryset=None, required=False
    )
    financier = forms.ModelChoiceField(
        label="Financier die dit normaal zou betalen",
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    justification = forms.CharField(
        label="Waarom helpt dit, en welke kosten voorkomt het?", widget=forms.Textarea
    )
    value_legitimate = forms.BooleanField(
        label="Legitiem: de uitgave dient het doel van de wet", required=True
    )
    value_involved = forms.BooleanField(
        label="Betrokken: het huishouden krijgt weer regie", required=True
    )
    value_return = forms.BooleanField(
        label="Rendement: maatschappelijk en financieel", required=True
    )

    def __init__(self, *args, goals, obstacles, **kwargs):
        from maatpact.provisions.models import Law

        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        self.fields["goal"].choices = [("", "Kies een doel")] + [
            (str(g.pk), g.description[:80]) for g in goals
        ]
        self.fields["obstacle"].choices = [("", "Geen")] + [
            (str(o.pk), f"{o.get_type_display()}: {o.description[:60]}") for o in obstacles
        ]
        self.fields["law"].queryset = Law.objects.order_by("name")
        for name in ("value_legitimate", "value_involved", "value_return"):
            self.fields[name].error_messages["required"] = (
                "Een doorbraak moet aan alle drie de waarden voldoen."
            )


class ScenarioLineForm(forms.Form):
    provision_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(
        widget=forms.HiddenInput, choices=ScenarioLine.Kind.choices, initial="dreigend"
    )
    description = forms.CharField(label="Omschrijving", max_length=200, required=False)
    financier = forms.ModelChoiceField(
        label="Financier", queryset=Organisation.objects.order_by("name"), required=False
    )
    annual_cost = MoneyField(
        label="Kosten per jaar (euro)",
        min_value=Decimal("0"),
        max_value=Decimal("9999999999.99"),
        required=False,
    )
    avoided = forms.BooleanField(label="Vervalt bij doorbraak", required=False)


ScenarioLineFormSet = formset_factory(ScenarioLineForm, extra=2, max_num=60, validate_max=True)


class DecisionForm(forms.Form):
    reason = forms.CharField(label="Reden (verplicht bij afwijzen)", max_length=300, required=False)


class ReversalForm(forms.Form):
    amount = MoneyField(label="Bedrag terugboeken (euro)")
    reason = forms.CharField(label="Reden van de terugboeking", max_length=300)


class AllocationForm(forms.Form):
    formula = forms.ChoiceField(label="Verdeelsleutel", choices=Fund.Formula.choices)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = list(municipalities)
        for m in self.municipalities:
            self.fields[f"m{m.pk}"] = MoneyField(
                label=f"{m.name}, bedrag in euro (alleen bij handmatig)",
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal("999999999999.99"),
            )

    def manual(self) -> dict[int, Decimal]:
        return {
            m.pk: self.cleaned_data.get(f"m{m.pk}") or Decimal("0.00") for m in self.municipalities
        }


class TransferForm(forms.Form):
    source = forms.ModelChoiceField(label="Van gemeente", queryset=Allocation.objects.none())
    target = forms.ModelChoiceField(label="Naar gemeente", queryset=Allocation.objects.none())
    amount = MoneyField(label="Bedrag (euro)")
    reason = forms.CharField(label="Reden", max_length=300)

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Allocation.objects.filter(fund=fund).select_related("municipality")
        for name in ("source", "target"):
            self.fields[name].queryset = qs
            self.fields[name].label_from_instance = lambda a: a.municipality.name
