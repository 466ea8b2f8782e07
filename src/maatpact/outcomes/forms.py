from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

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


# --- Contract authoring (page) -------------------------------------------------------
# The page sends the same whole contract as the API; ``authoring.save_contract`` checks
# it. Rows whose first field is empty are left out, so a form has a few spare rows.

_MAX = Decimal("9999999999.99")


def _money(label: str, **kwargs) -> MoneyField:
    return MoneyField(label=label, max_value=_MAX, required=False, **kwargs)


def _percent(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=5, decimal_places=2, **kwargs)


class ContractHeadForm(forms.Form):
    name = forms.CharField(label="Naam", max_length=160)
    starts_on = DateField(label="Start")
    ends_on = DateField(label="Einde")
    follow_up_months = forms.IntegerField(
        label="Nameting na (maanden)",
        min_value=0,
        max_value=120,
        initial=0,
        help_text="Een huishouden telt pas mee als deze termijn na de start voorbij is.",
    )
    deadweight_paid = forms.IntegerField(label="Deadweight: betaal voor", min_value=1, initial=1)
    deadweight_of = forms.IntegerField(label="… van elke", min_value=1, initial=1)
    deadweight_on_fees = forms.BooleanField(
        label="Deadweight ook op de instroomvergoeding", required=False
    )
    cap_per_household = _money("Plafond per huishouden (euro)")
    cap_total = _money("Plafond contract (euro)")
    max_return_rate = forms.DecimalField(
        label="Maximaal rendement investeerder (fractie per jaar, bijv. 0,10)",
        max_digits=5,
        decimal_places=4,
        required=False,
    )
    trigger_percent = forms.DecimalField(
        label="Drempel: verbetering t.o.v. vergelijkingsgroep (%)",
        max_digits=6,
        decimal_places=2,
        required=False,
    )
    trigger_per_cohort = forms.BooleanField(label="Drempel per cohort", required=False)
    final_trigger_percent = forms.DecimalField(
        label="Eindtoets over alle cohorten samen (%)",
        max_digits=6,
        decimal_places=2,
        required=False,
    )


def _organisations():
    from maatpact.regions.models import Organisation

    return Organisation.objects.order_by("name")


class PayerRowForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Betaler", queryset=_organisations(), required=False
    )
    share_percent = _percent("Aandeel (%)", required=False)
    attachment_fee = _money("Instroomvergoeding (euro)")
    cap = _money("Plafond betaler (euro)")


class FeeShareRowForm(forms.Form):
    contract_year = forms.IntegerField(label="Contractjaar", min_value=1, required=False)
    share_percent = _percent("Aandeel instroomvergoeding (%)", required=False)


class RateRowForm(forms.Form):
    definition = forms.ModelChoiceField(
        label="Resultaat", queryset=OutcomeDefinition.objects.filter(active=True), required=False
    )
    payer = forms.ModelChoiceField(
        label="Betaler (leeg: naar aandeel)", queryset=_organisations(), required=False
    )
    method = forms.ChoiceField(label="Methode", choices=RateCardLine.Method.choices)
    price = _money("Prijs (euro)")
    attachment_year = forms.IntegerField(label="Instroomjaar", min_value=1, required=False)
    benchmark_days = forms.IntegerField(label="Verwachte dagen", min_value=0, required=False)
    daily_cost = _money("Kosten per dag (euro)")
    benchmark_months = forms.DecimalField(
        label="Verwachte maanden", max_digits=6, decimal_places=2, required=False
    )
    monthly_cost = _money("Kosten per maand (euro)")
    savings_share_percent = _percent("Aandeel besparing (%)", required=False)


class TriggerRowForm(forms.Form):
    definition = forms.ModelChoiceField(
        label="Drempel op resultaat",
        queryset=OutcomeDefinition.objects.filter(active=True),
        required=False,
    )
    comparison_rate = forms.DecimalField(
        label="Vergelijkingsgroep (0-1)", max_digits=5, decimal_places=4, required=False
    )


class InvestorRowForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Investeerder", queryset=_organisations(), required=False
    )
    committed = _money("Toegezegd (euro)")


class DrawdownRowForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Storting van", queryset=_organisations(), required=False
    )
    drawn_on = DateField(label="Op", required=False)
    amount = _money("Bedrag (euro)")


class PeriodRowForm(forms.Form):
    name = forms.CharField(label="Periode", max_length=60, required=False)
    starts_on = DateField(label="Van", required=False)
    ends_on = DateField(label="Tot en met", required=False)


CONTRACT_ROWS = {
    "payers": (PayerRowForm, "organisation", 3),
    "fee_shares": (FeeShareRowForm, "contract_year", 3),
    "rate_card": (RateRowForm, "definition", 6),
    "triggers": (TriggerRowForm, "definition", 2),
    "investors": (InvestorRowForm, "organisation", 3),
    "drawdowns": (DrawdownRowForm, "organisation", 4),
    "periods": (PeriodRowForm, "name", 4),
}


def contract_formsets(data=None, initial: dict | None = None) -> dict:
    """One formset per part of the contract, with spare rows."""
    initial = initial or {}
    sets = {}
    for key, (form, _, extra) in CONTRACT_ROWS.items():
        rows = initial.get(key, [])
        factory = forms.formset_factory(form, extra=extra)
        sets[key] = factory(data, initial=rows or None, prefix=key)
    return sets


def rows_from_formsets(sets: dict) -> dict:
    """The filled rows as ``authoring.save_contract`` takes them."""
    out = {}
    for key, (_, first, _) in CONTRACT_ROWS.items():
        rows = []
        for f in sets[key].forms:
            row = {k: v for k, v in f.cleaned_data.items() if v not in (None, "")}
            if not row.get(first):
                continue
            if key == "investors":
                row.setdefault("committed", None)
            if key == "drawdowns":
                row.setdefault("drawn_on", None)
                row.setdefault("amount", None)
            if key == "rate_card":
                row.setdefault("price", Decimal("0.00"))
                row.setdefault("savings_share_percent", Decimal(100))
            if key == "fee_shares":
                row.setdefault("share_percent", Decimal(0))
            if key == "triggers":
                row.setdefault("comparison_rate", None)
            rows.append(row)
        out[key] = rows
    by_investor = {inv["organisation"].pk: inv for inv in out["investors"]}
    for inv in by_investor.values():
        inv["drawdowns"] = []
    for d in out.pop("drawdowns"):
        investor = by_investor.get(d["organisation"].pk)
        if investor is None or d["drawn_on"] is None or d["amount"] is None:
            raise ValidationError(
                {
                    "investors": f"Een storting van {d['organisation']} hoort bij geen "
                    "investeerder van dit contract, of mist datum of bedrag."
                }
            )
        investor["drawdowns"].append({"drawn_on": d["drawn_on"], "amount": d["amount"]})
    return out


def initial_rows(data: dict) -> dict:
    """A stored contract as initial rows for the page."""
    rows = {k: [dict(r) for r in data.get(k, [])] for k in CONTRACT_ROWS}
    rows["drawdowns"] = [
        {"organisation": inv["organisation"], **d}
        for inv in rows["investors"]
        for d in inv.pop("drawdowns", [])
    ]
    return rows
