from django import forms
from django.core.exceptions import ValidationError


def apply_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on a field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)
