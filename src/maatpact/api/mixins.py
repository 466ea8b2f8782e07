"""Building blocks shared by the API endpoints of every app."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from maatpact.common.money import is_machine_notation

from .exceptions import to_drf_validation_error


def run_service(func, *args, **kwargs):
    """Call a service; its Django ValidationError becomes a 400 with field errors, a
    refusal (``common.refusals.Forbidden``) a 403."""
    from maatpact.common.refusals import Forbidden

    try:
        return func(*args, **kwargs)
    except Forbidden:
        raise
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


# Serializer classes whose output is pseudonymised, for the schema hook below.
_pseudonymised_serializers: list[type] = []


class PseudonymisedSerializer(serializers.ModelSerializer):
    """Output that is derived from the model's field classification.

    Without full access to the household, every field whose model field (or property)
    is not classified pseudonymous or aggregate (``common.classification``) is left out
    of the representation. Subclasses say how they know the answer for an object by
    overriding :meth:`full_access_to`; the default reads ``context["full_ids"]`` (the
    ids of the households the caller has full access to, computed once per page) for
    the object's ``household_id``.
    """

    #: The attribute of an object that holds its household's id.
    household_id_attr = "household_id"
    #: Pseudonymous fields this output withholds all the same (links into the case).
    also_withheld: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._withheld = None
        _pseudonymised_serializers.append(cls)

    def full_access_to(self, instance) -> bool:
        household_id = getattr(instance, self.household_id_attr, None)
        return household_id in self.context.get("full_ids", set())

    @classmethod
    def withheld_names(cls) -> frozenset[str]:
        """Names of this serializer's fields that a pseudonymised view leaves out."""
        if cls._withheld is None:
            from maatpact.common.classification import withheld_fields

            withheld = withheld_fields(cls.Meta.model)
            names = set(cls.also_withheld)
            for name, field in cls().get_fields().items():
                source = name if field.source in (None, "*") else field.source.split(".")[0]
                if source in withheld:
                    names.add(name)
            cls._withheld = frozenset(names)
        return cls._withheld

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.full_access_to(instance):
            for name in self.withheld_names():
                data.pop(name, None)
        return data


def pseudonymised_fields_optional(result, generator, request, public):
    """drf-spectacular hook: fields a pseudonymised view leaves out are not required."""
    schemas = result.get("components", {}).get("schemas", {})
    for cls in _pseudonymised_serializers:
        schema = schemas.get(cls.__name__.removesuffix("Serializer"))
        if not schema or "required" not in schema:
            continue
        withheld = cls.withheld_names()
        schema["required"] = [name for name in schema["required"] if name not in withheld]
        if not schema["required"]:
            del schema["required"]
    return result
