from __future__ import annotations

from django import forms
from django.forms import formset_factory

from maatpact.accounts import policies
from maatpact.accounts.models import Role, User
from maatpact.common.forms import DateField, DateInput
from maatpact.common.validators import validate_birth_date, validate_case_date
from maatpact.regions.models import Municipality, Organisation

from .models import Cohort, Household, Member, ProcessingBasis
from .validators import validate_bsn, validate_postcode


class IntakeForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label="Gemeente",
        queryset=Municipality.objects.none(),
        error_messages={"invalid_choice": "Onbekende gemeente."},
    )
    street = forms.CharField(label="Straat", max_length=120)
    house_number = forms.CharField(label="Huisnummer", max_length=12)
    postcode = forms.CharField(
        label="Postcode",
        max_length=7,
        validators=[validate_postcode],
        help_text="Bijvoorbeeld 5038 AB",
    )
    city = forms.CharField(label="Woonplaats", max_length=80)
    coordinator = forms.ModelChoiceField(
        label="Regisseur",
        queryset=User.objects.none(),
        required=False,
        help_text="Laat leeg om zelf regisseur te worden.",
    )
    registered_on = DateField(
        label="Aangemeld op",
        required=False,
        help_text="Alleen invullen voor een huishouden dat al eerder werd geholpen; "
        "leeg is vandaag.",
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(pk=user.municipality_id)
        self.fields["municipality"].initial = user.municipality_id
        self.fields["coordinator"].queryset = User.objects.filter(
            role=Role.REGISSEUR, municipality_id=user.municipality_id, is_active=True
        )
        if user.role == Role.TEAMLEIDER:
            self.fields["coordinator"].required = True
            self.fields["coordinator"].help_text = ""


class MemberForm(forms.Form):
    first_name = forms.CharField(label="Voornaam", max_length=80)
    last_name = forms.CharField(label="Achternaam", max_length=120)
    date_of_birth = DateField(label="Geboortedatum", validators=[validate_birth_date])
    role = forms.ChoiceField(
        label="Rol in het huishouden", choices=[("", "— kies —"), *Member.Role.choices]
    )
    bsn = forms.CharField(
        label="BSN (niet verplicht)", max_length=9, required=False, validators=[validate_bsn]
    )


def member_formset(rows: int = 1):
    """A formset with ``rows`` member rows; rows beyond the first may stay empty."""
    return formset_factory(
        MemberForm,
        extra=max(rows - 1, 0),
        min_num=1,
        validate_min=True,
        max_num=20,
        validate_max=True,
    )


MemberFormSet = member_formset(1)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Nieuwe status", choices=Household.Status.choices)
    cohort = forms.ModelChoiceField(
        label="Cohort (bij selectie)", queryset=Cohort.objects.all(), required=False
    )
    reason = forms.CharField(label="Reden", max_length=200, required=False)
    on = DateField(
        label="Datum (leeg is vandaag)",
        required=False,
        help_text="Alleen bij een huishouden dat al vóór Maatpact werd geholpen.",
    )
    override_reason = forms.CharField(
        label="Reden van afwijking van de selectiecriteria (alleen teamleider)",
        max_length=500,
        required=False,
    )


class HandoverForm(forms.Form):
    coordinator = forms.ModelChoiceField(label="Nieuwe regisseur", queryset=User.objects.none())
    reason = forms.CharField(label="Reden van de overdracht", max_length=200)

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = policies.eligible_coordinators(household)


class ProcessingBasisForm(forms.ModelForm):
    partner = forms.ModelChoiceField(label="Partner", queryset=Organisation.objects.all())

    class Meta:
        model = ProcessingBasis
        fields = [
            "partner",
            "kind",
            "data_purpose",
            "purpose",
            "basis",
            "law",
            "cross_domain",
            "given_on",
        ]
        widgets = {"given_on": DateInput}
        field_classes = {"given_on": DateField}

    def clean_given_on(self):
        value = self.cleaned_data["given_on"]
        validate_case_date(value)
        return value
