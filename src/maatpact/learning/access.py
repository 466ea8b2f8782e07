"""Who may read and write reflections and reflection sessions, declared by the app that
owns them. Reflections are case content: the author, and whoever has full access to
the household (``accounts.policies``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from maatpact.accounts import policies
from maatpact.accounts.models import Role

if TYPE_CHECKING:
    from maatpact.accounts.models import User
    from maatpact.households.models import Household


def visible_reflections(
    user: User, household: Household | None = None, *, full: bool | None = None
):
    """Reflections are case content: the author, and whoever has full access to the case.

    With ``household``: that household's reflections only (``full`` as in
    :func:`policies.has_full_access`).
    """
    from maatpact.learning.models import Reflection

    qs = Reflection.objects.all()
    if not user.is_authenticated or user.role not in policies.CASE_WORKERS:
        return qs.none()
    if household is not None:
        qs = qs.filter(household=household)
        if policies.has_full_access(user, household, full=full):
            return qs
        return qs.filter(author=user)
    return qs.filter(Q(author=user) | Q(household__in=policies.full_access_subquery(user)))


def can_write_reflection(user: User, household: Household, *, full: bool | None = None) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.REGISSEUR
        and policies.has_full_access(user, household, full=full)
    )


def can_edit_reflection(user: User, reflection) -> bool:
    return user.is_authenticated and reflection.author_id == user.pk


def can_view_learning(user: User) -> bool:
    """Lessons and the change log carry no personal data: every staff role reads them."""
    return user.is_authenticated and user.role in (
        Role.REGISSEUR,
        Role.TEAMLEIDER,
        Role.PROGRAMMATEAM,
        Role.ANALIST,
    )


def can_manage_sessions(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.PROGRAMMATEAM, Role.TEAMLEIDER)


def visible_sessions(user: User):
    from maatpact.learning.models import ReflectionSession

    qs = ReflectionSession.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.role in (Role.PROGRAMMATEAM, Role.ANALIST):
        return qs
    if user.role in (Role.REGISSEUR, Role.TEAMLEIDER):
        return qs.filter(Q(participants=user) | Q(created_by=user)).distinct()
    return qs.none()


# Lent to ``accounts.policies`` under the same names, for callers that still ask there.
policies.register_rules(
    visible_reflections,
    can_write_reflection,
    can_edit_reflection,
    can_view_learning,
    can_manage_sessions,
    visible_sessions,
)
