from __future__ import annotations

from django import forms

from maatpact.common.forms import DateField, DateInput
from maatpact.households.models import Cohort
from maatpact.regions.models import Region

from .models import Phase, Programme
from .services import DOCUMENT_TYPES, MAX_DOCUMENT_BYTES


class ProgrammeForm(forms.ModelForm):
    region = forms.ModelChoiceField(label="Regio", queryset=Region.objects.all())

    class Meta:
        model = Programme
        fields = ["region", "name", "starts_on", "planned_households"]
        widgets = {"starts_on": DateInput()}
        field_classes = {"starts_on": DateField}


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = [
            "number",
            "name",
            "goal",
            "starts_on",
            "ends_on",
            "planned_households",
            "min_domains",
            "min_laws",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "goal": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"number": "Fasenummer (1-3)"}
        field_classes = {"starts_on": DateField, "ends_on": DateField}

    def validate_unique(self):
        """The service checks uniqueness with a Dutch message; skip the model's own."""


class ClosePhaseForm(forms.Form):
    closed_on = DateField(label="Datum van het besluit")
    decided_by = forms.CharField(
        label="Besluit genomen door", max_length=200, help_text="Bijvoorbeeld: de stuurgroep."
    )
    decision = forms.CharField(label="Besluit", widget=forms.Textarea(attrs={"rows": 4}))
    decision_basis = forms.CharField(
        label="Op basis van",
        max_length=200,
        help_text="De rapportage waarop het besluit rust, bijvoorbeeld de tussentijdse "
        "rapportage van het tweede kwartaal.",
    )
    document = forms.FileField(
        label="Besluitdocument (PDF of .docx, hoogstens 10 MB)", required=False
    )

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload is None:
            return None
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError("Het document is groter dan 10 MB.")
        if upload.content_type not in DOCUMENT_TYPES:
            raise forms.ValidationError("Voeg het besluit toe als PDF of Word-document (.docx).")
        return upload


class CohortForm(forms.ModelForm):
    region = forms.ModelChoiceField(label="Regio", queryset=Region.objects.all())

    class Meta:
        model = Cohort
        fields = ["name", "region", "phase", "capacity", "starts_on", "municipalities"]
        widgets = {
            "starts_on": DateInput(),
            "municipalities": forms.CheckboxSelectMultiple,
        }
        field_classes = {"starts_on": DateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["region"]  # a cohort does not move to another region

    def validate_unique(self):
        """The service checks uniqueness with a Dutch message."""


class ScreenForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label="Cohort waarin het huishouden zou instromen",
        queryset=Cohort.objects.all(),
        required=False,
    )


class IntakeImportForm(forms.Form):
    file = forms.FileField(label="Excel-bestand (.xlsx, hoogstens 5 MB)")
    dry_run = forms.BooleanField(
        label="Alleen controleren (proefimport): er wordt niets opgeslagen",
        required=False,
        initial=True,
    )
