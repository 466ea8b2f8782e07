"""Refused looks at a household are access attempts, and are audited.

A household outside the caller's scope answers 404, the same as an unknown number, so
its existence is not revealed. Silently, though, a colleague could walk through the
numbers (or through other households' record ids) and nobody would know. So:

* the policy resolvers raise :class:`HouseholdNotFound` (an ``Http404`` carrying the
  number), for pages and API alike;
* an API detail route that answers 404 from its scoped queryset (``get_object``) is
  traced back to the household of the record asked for, through the model's foreign-key
  path to Household (``security.personal.household_links``), so every viewset of
  household data is covered without declaring anything.

The attempt is recorded after the view has decided on its 404 (``AccessAttemptMiddleware``
for pages, the API's exception handler for the API), so the record is not rolled back
with a transaction the view had open. It holds the household's id and where the attempt
was made, never what was typed: a number or id that names nothing may be anything (a
BSN typed in the address bar), so it is logged on the caller's own chain without it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.http import Http404

from .models import AuditEvent
from .services import record, user_chain_key

# The levels of access a resolver asked for (the ``detail`` of an attempt).
VISIBLE = "zichtbaar"
FULL = "volledig"
CASE = "dossier"
API = "api"


class HouseholdNotFound(Http404):
    """The 404 for a household number outside the caller's scope (or unknown)."""

    def __init__(self, number: str, level: str):
        super().__init__("Huishouden niet gevonden.")
        self.number = str(number)
        self.level = level


def record_attempt(
    user: Any, household_id: int | None, *, level: str, where: str = "", what: str = ""
) -> AuditEvent | None:
    """One ``refuse`` record: on the household's chain, or on the caller's if none."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    place = f"; {where}" if where else ""
    if household_id is None:
        return record(
            user,
            AuditEvent.Action.REFUSE,
            (what or "households.household", ""),
            chain=user_chain_key(user.pk),
            detail=f"poging: onbekend{place}",
        )
    return record(
        user,
        AuditEvent.Action.REFUSE,
        ("households.household", household_id),
        household_id=household_id,
        detail=f"poging: buiten bereik ({level}){place}",
    )


def _household_of_number(number: str) -> int | None:
    from maatpact.households.models import Household

    return Household.objects.filter(number=number).values_list("pk", flat=True).first()


@cache
def _paths() -> dict[type[models.Model], str]:
    from maatpact.security.personal import household_links

    return {link.model: link.path for link in household_links()}


def _household_of_lookup(view: Any) -> tuple[bool, int | None, str]:
    """(household data?, household id, model label) of the object an API route looked up."""
    lookup = getattr(view, "lookup_field", None)
    value = getattr(view, "kwargs", {}).get(getattr(view, "lookup_url_kwarg", None) or lookup)
    if not lookup or value is None:
        return False, None, ""
    try:
        model = view.get_queryset().model
    except (AttributeError, AssertionError):
        return False, None, ""
    path = _paths().get(model)
    if path is None:
        return False, None, ""  # not household data
    try:
        with transaction.atomic():  # a refused value must not spoil an outer transaction
            found = (
                model._base_manager.filter(**{lookup: value})
                .values_list(path or "pk", flat=True)
                .first()
            )
    except (ValueError, TypeError, OverflowError, ValidationError, DatabaseError):
        found = None  # not even a valid id: nothing to trace
    return True, found, model._meta.label_lower


def _where(request: Any) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


def record_refused(request: Any, exc: BaseException, view: Any = None) -> AuditEvent | None:
    """Record the attempt if ``exc`` is a 404 for household data; else nothing."""
    user = getattr(request, "user", None)
    if isinstance(exc, HouseholdNotFound):
        household_id = _household_of_number(exc.number)
        return record_attempt(user, household_id, level=exc.level, where=_where(request))
    if view is not None and isinstance(exc, Http404):
        household_data, household_id, label = _household_of_lookup(view)
        if household_data:
            return record_attempt(user, household_id, level=API, where=_where(request), what=label)
    return None
