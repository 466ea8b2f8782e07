"""One convention for the values people type: dates, times and amounts.

A browser's ``<input type="date">`` only shows and sends ISO dates (``2026-03-01``); a
stored date rendered in the Dutch locale format (``01-03-2026``) shows as an empty field,
and saving the form unchanged then erases or refuses the date. So every date and time
widget of the project renders ISO, whatever the active language, and every date field
also accepts the Dutch formats people type when a browser has no date picker.

Amounts are typed the Dutch way ("3.200,00", "3200", "3200,5", "€ 3.200"): ``MoneyField``
parses them with ``money.parse_dutch_amount`` and shows a stored amount the same way, so
an unchanged form submits exactly the stored amount. The API keeps machine decimals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from maatpact.common.money import euro_input, parse_dutch_amount

ISO_DATE = "%Y-%m-%d"
ISO_TIME = "%H:%M"
# What people type when there is no date picker, after ISO (what the browser sends).
DUTCH_DATE_FORMATS = [ISO_DATE, "%d-%m-%Y", "%d/%m/%Y", "%d-%m-%y", "%d/%m/%y"]


class DateInput(forms.DateInput):
    """``<input type="date">`` with its value always in ISO, the only format it shows."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None, format: str | None = None):
        super().__init__(attrs, format or ISO_DATE)


class TimeInput(forms.TimeInput):
    """``<input type="time">`` with its value as HH:MM, the only format it shows."""

    input_type = "time"

    def __init__(self, attrs: dict | None = None, format: str | None = None):
        super().__init__(attrs, format or ISO_TIME)


class DateField(forms.DateField):
    """A date: ISO from the date picker, or typed as 31-12-2026."""

    widget = DateInput
    input_formats = DUTCH_DATE_FORMATS
    default_error_messages = {
        "invalid": "Vul een geldige datum in, bijvoorbeeld 31-12-2026.",
    }


class MoneyField(forms.Field):
    """An amount in euros typed the Dutch way; ``cleaned_data`` holds a ``Decimal``
    with two places (or ``None`` when left empty and not required)."""

    widget = forms.TextInput

    def __init__(
        self,
        *,
        min_value: Decimal | None = None,
        max_value: Decimal | None = None,
        **kwargs: Any,
    ):
        self.min_value = min_value
        self.max_value = max_value
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict:
        attrs = super().widget_attrs(widget)
        # A phone shows the keyboard with digits and the decimal comma.
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "24"})
        return attrs

    def prepare_value(self, value: Any) -> Any:
        """A stored amount shows as "3.200,00", which this field reads back unchanged."""
        if isinstance(value, Decimal):
            return euro_input(value)
        return value

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        text = euro_input(value) if isinstance(value, Decimal) else str(value)
        try:
            return parse_dutch_amount(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def validate(self, value: Decimal | None) -> None:
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            if self.min_value == 0:
                raise ValidationError("Een bedrag kan niet negatief zijn.", code="min_value")
            raise ValidationError(
                f"Het bedrag is minimaal {euro_input(self.min_value)} euro.", code="min_value"
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                f"Het bedrag is hoogstens {euro_input(self.max_value)} euro.", code="max_value"
            )

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


def apply_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on a field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)
