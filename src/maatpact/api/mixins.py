"""Building blocks shared by the API endpoints of every app."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from maatpact.common.money import is_machine_notation

from .exceptions import to_drf_validation_error


def run_service(func, *args, **kwargs):
    """Call a service; its Django ValidationError becomes a 400 with field errors."""
    try:
        return func(*args, **kwargs)
    except DjangoValidationError as exc:
        raise to_drf_validation_error(exc) from exc


class MoneyField(serializers.DecimalField):
    """Euros with exactly two decimals, as a string in JSON (never a float).

    Machine notation only ("3200.50"): text that ``Decimal()`` reads but nobody means
    as money ("1e3", "NaN", "Infinity", "1_000") is refused, as in ``common.money``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and (not is_machine_notation(data) or "," in data):
            self.fail("invalid")
        return super().to_internal_value(data)


class CaseHouseholdField(serializers.SlugRelatedField):
    """A household by number, limited to those whose case the caller may change.

    A household outside that scope gets the same 400 as an unknown number, so its
    existence is not revealed.
    """

    def __init__(self, **kwargs):
        from maatpact.households.models import Household

        kwargs.setdefault("slug_field", "number")
        kwargs.setdefault("queryset", Household.objects.none())
        kwargs.setdefault(
            "error_messages",
            {
                "does_not_exist": "Onbekend huishouden, of u mag dit huishouden niet wijzigen.",
                "invalid": "Ongeldig huishoudnummer.",
            },
        )
        super().__init__(**kwargs)

    def get_queryset(self):
        from maatpact.accounts import policies

        request = self.context.get("request")
        if request is None:
            return super().get_queryset()
        return policies.case_households(request.user)


class ObjectResponseSchema(AutoSchema):
    """For a ViewSet whose ``list`` returns one object (an aggregate), not an array."""

    def _is_list_view(self, serializer=None) -> bool:
        return False
