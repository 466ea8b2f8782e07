from __future__ import annotations

from datetime import date

from django import forms

from maatpact.common.forms import DateField

from .loader import LEVEL_NAMES
from .models import Domain

SCORE_CHOICES = [("", "Niet gescoord")] + [
    (str(n), f"{n} {name}") for n, name in LEVEL_NAMES.items()
]


class AssessmentForm(forms.Form):
    """One field pair per domain (score, note), pre-filled with the previous scores."""

    assessed_on = DateField(label="Datum van de meting")
    own_rating = forms.IntegerField(
        label="Eigen cijfer van het huishouden (1 tot en met 10)",
        required=False,
        min_value=1,
        max_value=10,
        error_messages={
            "min_value": "Het eigen cijfer is een heel getal van 1 tot en met 10.",
            "max_value": "Het eigen cijfer is een heel getal van 1 tot en met 10.",
            "invalid": "Het eigen cijfer is een heel getal van 1 tot en met 10.",
        },
    )
    own_words = forms.CharField(
        label="Hoe gaat het volgens het huishouden zelf? (in eigen woorden)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args,
        domains: list[Domain],
        previous: dict[str, tuple[int, str]],
        today: date,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.domains = domains
        self.fields["assessed_on"].initial = today
        for domain in domains:
            score, note = previous.get(domain.code, (None, ""))
            self.fields[f"score_{domain.code}"] = forms.ChoiceField(
                label=f"Score {domain.name}",
                choices=SCORE_CHOICES,
                required=False,
                initial=str(score) if score else "",
                error_messages={
                    "invalid_choice": "Een score is een heel getal van 1 tot en met 5."
                },
                help_text="Vorige meting: "
                + (f"{score} {LEVEL_NAMES[score]}" if score else "geen"),
            )
            self.fields[f"note_{domain.code}"] = forms.CharField(
                label=f"Toelichting {domain.name}",
                required=False,
                initial=note,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def domain_rows(self) -> list[tuple[Domain, forms.BoundField, forms.BoundField]]:
        return [(d, self[f"score_{d.code}"], self[f"note_{d.code}"]) for d in self.domains]

    def scores(self) -> dict[str, tuple[str, str]]:
        return {
            d.code: (
                self.cleaned_data.get(f"score_{d.code}", ""),
                self.cleaned_data.get(f"note_{d.code}", ""),
            )
            for d in self.domains
        }
