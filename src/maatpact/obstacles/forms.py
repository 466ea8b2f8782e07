from __future__ import annotations

from decimal import Decimal

from django import forms

from maatpact.common import dates
from maatpact.common.forms import DateField, DateInput, MoneyField
from maatpact.provisions.models import Law
from maatpact.regions.models import Municipality, Organisation

from .models import CustomFitDecision, EscalationLevel, Obstacle, StructuralProposal


class ObstacleForm(forms.Form):
    type = forms.ChoiceField(label="Soort knelpunt", choices=Obstacle.Type.choices)
    description = forms.CharField(
        label="Wat blokkeert de oplossing?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    rule_text = forms.CharField(
        label="Welke regel (wet, verordening en artikel)?",
        max_length=300,
        required=False,
        help_text="Bijvoorbeeld: Participatiewet art. 18 lid 2",
    )
    rule_url = forms.URLField(label="Link naar de regel", required=False, assume_scheme="https")
    law = forms.ModelChoiceField(label="Wet", queryset=Law.objects.all(), required=False)
    organisation = forms.ModelChoiceField(
        label="Organisatie of financier", queryset=Organisation.objects.all(), required=False
    )
    delay_days = forms.IntegerField(label="Vertraging (dagen)", min_value=0, initial=0)
    harm_euros = MoneyField(
        label="Schade (euro)",
        min_value=Decimal("0"),
        max_value=Decimal("9999999999.99"),
        initial=Decimal("0.00"),
    )


class EscalateForm(forms.Form):
    note = forms.CharField(
        label="Reden van de escalatie",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Waarom komt het knelpunt op dit niveau niet verder?",
        error_messages={"required": "Geef de reden van de escalatie."},
    )
    reference = forms.CharField(
        label="Kenmerk doorverwijzing (alleen bij landelijk)", max_length=80, required=False
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label="Antwoord", widget=forms.Textarea(attrs={"rows": 3}))
    answered_on = DateField(label="Ontvangen op")


class BreakthroughForm(forms.Form):
    what = forms.CharField(
        label="Wat heeft de doorbraak gebracht?", widget=forms.Textarea(attrs={"rows": 3})
    )
    broken_by = forms.CharField(label="Door wie (persoon of organisatie)", max_length=200)
    level = forms.ModelChoiceField(
        label="Op welk niveau", queryset=EscalationLevel.objects.all(), required=False
    )
    on = DateField(label="Datum van de doorbraak")
    cost = MoneyField(
        label="Kosten (euro)",
        min_value=Decimal("0"),
        max_value=Decimal("9999999999.99"),
        initial=Decimal("0.00"),
        help_text="Betaald uit het regelvrije budget? Koppel de uitgave aan dit knelpunt.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = dates.today()


class DecisionForm(forms.ModelForm):
    class Meta:
        model = CustomFitDecision
        fields = [
            "desired_effect",
            "law_purpose",
            "effect_person_short",
            "effect_person_long",
            "effect_family_short",
            "effect_family_long",
            "effect_money_short",
            "effect_money_long",
            "legal_test",
            "decision",
            "decided_on",
        ]
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 3}) for name in fields if name != "decided_on"},
            "decided_on": DateInput,
        }
        field_classes = {"decided_on": DateField}


class ProposalForm(forms.Form):
    title = forms.CharField(label="Titel", max_length=200)
    kind = forms.ChoiceField(label="Soort voorstel", choices=StructuralProposal.Kind.choices)
    municipality = forms.ModelChoiceField(
        label="Gemeente (bij een verordening)", queryset=Municipality.objects.all(), required=False
    )
    organisation = forms.ModelChoiceField(
        label="Financier of organisatie", queryset=Organisation.objects.all(), required=False
    )
    ordinance = forms.CharField(
        label="Verordening of regeling",
        max_length=200,
        required=False,
        help_text="Bijvoorbeeld: Verordening Jeugdhulp, artikel 8",
    )
    proposal = forms.CharField(
        label="Voorstel (tekst van het artikel of de wijziging)",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    rationale = forms.CharField(label="Onderbouwing", widget=forms.Textarea(attrs={"rows": 5}))
    obstacles = forms.ModelMultipleChoiceField(
        label="Knelpunten als bewijs",
        queryset=Obstacle.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, obstacles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if obstacles is not None:
            self.fields["obstacles"].queryset = obstacles


class ProposalStatusForm(forms.Form):
    status = forms.ChoiceField(label="Nieuwe status", choices=StructuralProposal.Status.choices)
    note = forms.CharField(label="Toelichting", max_length=2000, required=False)


class SubmitToMunicipalityForm(forms.Form):
    municipality = forms.ModelChoiceField(label="Gemeente", queryset=Municipality.objects.all())
    ordinance = forms.CharField(
        label="Verordening",
        max_length=200,
        help_text="Bijvoorbeeld: Verordening maatschappelijke ondersteuning Tilburg.",
    )


class AdoptionDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label="Besluit van de raad",
        choices=[("aangenomen", "Aangenomen"), ("afgewezen", "Afgewezen")],
    )
    decided_on = DateField(label="Datum van het besluit")
    article = forms.CharField(
        label="Artikel (bij aanname)", max_length=200, required=False, help_text="Bijv. artikel 12a"
    )
    reason = forms.CharField(
        label="Reden (bij afwijzing)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
