"""Refused looks at a household are access attempts, and are audited.

A household outside the caller's scope answers 404, the same as an unknown number, so
its existence is not revealed. Silently, though, a colleague could walk through the
numbers and nobody would know. So the policy resolvers raise :class:`HouseholdNotFound`
(an ``Http404`` carrying the number), and after the view has decided on its 404 the
attempt is recorded (:func:`record_attempt`): by ``AccessAttemptMiddleware`` for pages,
by the API's exception handler for the API. Recording after the view means the record
is not rolled back with a transaction the view may have open.

The record holds the household's id and where the attempt was made, never what was
typed: a number that names no household may be anything (a BSN typed in the address
bar), so it is logged on the caller's own chain without the value.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from .models import AuditEvent
from .services import record, user_chain_key

# The levels of access a resolver asked for (the ``detail`` of an attempt).
VISIBLE = "zichtbaar"
FULL = "volledig"
CASE = "dossier"


class HouseholdNotFound(Http404):
    """The 404 for a household number outside the caller's scope (or unknown)."""

    def __init__(self, number: str, level: str):
        super().__init__("Huishouden niet gevonden.")
        self.number = str(number)
        self.level = level


def record_attempt(user: Any, number: str, *, level: str, where: str = "") -> AuditEvent | None:
    """One ``refuse`` record: on the household's chain, or on the caller's if unknown."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    from maatpact.households.models import Household

    household_id = Household.objects.filter(number=number).values_list("pk", flat=True).first()
    place = f"; {where}" if where else ""
    if household_id is None:
        return record(
            user,
            AuditEvent.Action.REFUSE,
            ("households.household", ""),
            chain=user_chain_key(user.pk),
            detail=f"poging: onbekend nummer{place}",
        )
    return record(
        user,
        AuditEvent.Action.REFUSE,
        ("households.household", household_id),
        household_id=household_id,
        detail=f"poging: buiten bereik ({level}){place}",
    )


def record_refused(request: Any, exc: BaseException) -> AuditEvent | None:
    """Record the attempt if ``exc`` is a refused household; the view's name as place."""
    if not isinstance(exc, HouseholdNotFound):
        return None
    match = getattr(request, "resolver_match", None)
    where = match.view_name if match is not None else ""
    return record_attempt(getattr(request, "user", None), exc.number, level=exc.level, where=where)
