from __future__ import annotations

from django import forms

from maatpact.common.forms import DateField
from maatpact.regions.models import Organisation

from .models import Action, Goal, Plan
from .selectors import life_domains


class PlanForm(forms.Form):
    future_in_own_words = forms.CharField(
        label="Waar wil je over een jaar staan?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Schrijf op wat het huishouden zelf zegt, in zijn eigen woorden.",
    )
    first_need_in_own_words = forms.CharField(
        label="Wat is er als eerste nodig?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ook hier de woorden van het huishouden zelf.",
    )
    agreed_on = DateField(
        label="Afgesproken met het huishouden op",
        required=False,
        help_text="Laat leeg zolang het huishouden nog niet heeft ingestemd.",
    )

    @classmethod
    def for_plan(cls, plan: Plan, data=None) -> PlanForm:
        return cls(
            data,
            initial={
                "future_in_own_words": plan.future_in_own_words,
                "first_need_in_own_words": plan.first_need_in_own_words,
                "agreed_on": plan.agreed_on,
            },
        )


class GoalForm(forms.Form):
    domain_code = forms.ChoiceField(label="Leefgebied", choices=())
    description = forms.CharField(
        label="Doel (in de woorden van het huishouden)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    status = forms.ChoiceField(
        label="Status", choices=Goal.Status.choices, initial=Goal.Status.OPEN
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain_code"].choices = [("", "Kies een leefgebied")] + life_domains()


class ActionForm(forms.Form):
    what = forms.CharField(label="Wat moet er gebeuren?", widget=forms.Textarea(attrs={"rows": 3}))
    goal = forms.ModelChoiceField(
        label="Bij welk doel hoort dit?",
        queryset=Goal.objects.none(),
        required=False,
        empty_label="Geen doel (losse actie)",
    )
    who_kind = forms.ChoiceField(label="Wie doet het?", choices=Action.Who.choices)
    who = forms.CharField(
        label="Naam of functie",
        max_length=120,
        required=False,
        help_text="Verplicht als iemand uit het gezin de actie doet.",
    )
    organisation = forms.ModelChoiceField(
        label="Partnerorganisatie",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text="Verplicht als een partnerorganisatie de actie doet.",
    )
    due_on = DateField(label="Uiterlijk op", required=False)
    status = forms.ChoiceField(
        label="Status", choices=Action.Status.choices, initial=Action.Status.OPEN
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = plan.goals.all()
