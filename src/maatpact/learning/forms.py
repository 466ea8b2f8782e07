from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator

from maatpact.accounts import policies
from maatpact.accounts.models import Role, User
from maatpact.common import dates
from maatpact.common.forms import DateField
from maatpact.households.models import Household  # noqa: F401  (type of the cleaned value)

from .models import Lesson, Reflection, Theme


class ReflectionForm(forms.ModelForm):
    class Meta:
        model = Reflection
        fields = ["what_happened", "what_worked", "next_time"]
        widgets = {f: forms.Textarea(attrs={"rows": 4, "maxlength": 4000}) for f in fields}

    MAX_LENGTH = 4000  # a reflection is a few paragraphs; longer input is refused

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.max_length = self.MAX_LENGTH
            field.validators.append(MaxLengthValidator(self.MAX_LENGTH))


class SessionForm(forms.Form):
    held_on = DateField(label="Datum")
    title = forms.CharField(label="Onderwerp", max_length=200)
    participants = forms.ModelMultipleChoiceField(
        label="Deelnemers",
        queryset=User.objects.filter(
            is_active=True, role__in=[Role.REGISSEUR, Role.TEAMLEIDER, Role.PROGRAMMATEAM]
        ).order_by("last_name", "first_name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    households = forms.CharField(
        label="Besproken casussen (huishoudnummers)",
        required=False,
        help_text="Gescheiden door komma's, bijvoorbeeld MP-0001, MP-0012",
    )
    notes = forms.CharField(
        label="Verslag (geen namen)", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["held_on"].initial = dates.today()

    def clean_households(self) -> list[Household]:
        numbers = [n.strip().upper() for n in self.cleaned_data["households"].split(",")]
        numbers = [n for n in numbers if n]
        found = list(policies.visible_households(self.user).filter(number__in=numbers))
        missing = sorted(set(numbers) - {h.number for h in found})
        if missing:
            raise forms.ValidationError(f"Onbekende huishoudnummers: {', '.join(missing)}.")
        return found


class LessonForm(forms.Form):
    title = forms.CharField(label="Les", max_length=200)
    body = forms.CharField(label="Toelichting", widget=forms.Textarea(attrs={"rows": 4}))
    themes = forms.ModelMultipleChoiceField(
        label="Thema's", queryset=Theme.objects.all(), widget=forms.CheckboxSelectMultiple
    )


class ChangeForm(forms.Form):
    changed_on = DateField(label="Ingegaan op")
    title = forms.CharField(label="Wijziging", max_length=200)
    description = forms.CharField(
        label="Wat is er veranderd en waarom", widget=forms.Textarea(attrs={"rows": 4})
    )
    lessons = forms.ModelMultipleChoiceField(
        label="Naar aanleiding van de lessen",
        queryset=Lesson.objects.order_by("-created_at"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["changed_on"].initial = dates.today()
