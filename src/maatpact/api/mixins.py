"""Building blocks shared by the API endpoints of every app."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from .exceptions import to_drf_validation_error


def run_service(func, *args, **kwargs):
    """Call a service; its Django ValidationError becomes a 400 with field errors."""
    try:
        return func(*args, **kwargs)
    except DjangoValidationError as exc:
        raise to_drf_validation_error(exc) from exc


class MoneyField(serializers.DecimalField):
    """Euros with exactly two decimals, as a string in JSON (never a float)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
