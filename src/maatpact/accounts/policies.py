"""All visibility rules of Maatpact, in one place.

Every page and every API endpoint asks this module which households (and which of their
data) a user may see; views never filter on roles themselves. Objects outside a user's
scope answer 404, so their existence is not revealed.

Two levels of access to a household:

* **full** - names, address, members, case content. Coordinators of the household, team
  leads of its municipality, and further grants added here (escalation, consent).
* **pseudonymised** - number, municipality, status, cohort and measurements without
  anything that identifies a person. The regional team sees the whole region so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from maatpact.accounts.models import Role

if TYPE_CHECKING:
    from maatpact.accounts.models import User
    from maatpact.households.models import Household


def _households() -> QuerySet[Household]:
    from maatpact.households.models import Household

    return Household.objects.all()


def _active_assignment(user: User) -> Q:
    from maatpact.households.models import CoordinatorAssignment

    return Q(
        Exists(
            CoordinatorAssignment.objects.filter(
                household=OuterRef("pk"), coordinator=user, ended_at__isnull=True
            )
        )
    )


def _consent_for_organisation(organisation_id: int | None) -> Q:
    from maatpact.households.models import ProcessingBasis

    today = timezone.localdate()
    return Q(
        Exists(
            ProcessingBasis.objects.filter(
                household=OuterRef("pk"),
                partner_id=organisation_id,
                basis=ProcessingBasis.Basis.TOESTEMMING,
                kind=ProcessingBasis.Kind.DELEN,
                given_on__lte=today,
            ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
        )
    )


def _full_access_q(user: User) -> Q | None:
    """The households whose personal data the user may see; ``None`` means none."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role == Role.REGISSEUR:
        return _active_assignment(user)
    if user.role == Role.TEAMLEIDER:
        return Q(municipality_id=user.municipality_id)
    if user.role == Role.PROGRAMMATEAM:
        return _regional_escalation_q()
    if user.role == Role.FINANCIER:
        return _consent_for_organisation(user.organisation_id)
    return None


def _regional_escalation_q() -> Q | None:
    """Households with a case escalated to the regional team or higher.

    Filled in by the obstacles app when it exists; until then the regional team sees
    no personal data at all.
    """
    try:
        from maatpact.obstacles.selectors import households_escalated_to_region_q
    except ImportError:
        return None
    return households_escalated_to_region_q()


def visible_households(user: User) -> QuerySet[Household]:
    """Households the user may open at all (full or pseudonymised)."""
    qs = _households()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.PROGRAMMATEAM:
        return qs if user.region_id is None else qs.filter(municipality__region_id=user.region_id)
    q = _full_access_q(user)
    return qs.filter(q) if q is not None else qs.none()


def full_access_households(user: User) -> QuerySet[Household]:
    q = _full_access_q(user)
    return _households().filter(q) if q is not None else _households().none()


def has_full_access(user: User, household: Household) -> bool:
    q = _full_access_q(user)
    if q is None:
        return False
    return _households().filter(q, pk=household.pk).exists()


def get_visible_household(user: User, number: str) -> tuple[Household, bool]:
    """The household by number and whether the user has full access; else 404."""
    household = (
        visible_households(user)
        .select_related("municipality", "cohort")
        .filter(number=number)
        .first()
    )
    if household is None:
        raise Http404("Huishouden niet gevonden.")
    return household, has_full_access(user, household)


def get_full_household(user: User, number: str) -> Household:
    """For pages that show or change personal data: full access, else 404."""
    household = (
        full_access_households(user).select_related("municipality").filter(number=number).first()
    )
    if household is None:
        raise Http404("Huishouden niet gevonden.")
    return household


# --- Actions ------------------------------------------------------------------


def can_register_household(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.REGISSEUR, Role.TEAMLEIDER)


def can_register_in(user: User, municipality_id: int) -> bool:
    return can_register_household(user) and user.municipality_id == municipality_id


def can_hand_over(user: User, household: Household) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.TEAMLEIDER
        and user.municipality_id == household.municipality_id
    )


def can_change_status(user: User, household: Household) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.TEAMLEIDER:
        return user.municipality_id == household.municipality_id
    if user.role == Role.REGISSEUR:
        return full_access_households(user).filter(pk=household.pk).exists()
    return False


def can_view_municipality_overview(user: User) -> bool:
    return user.is_authenticated and user.role == Role.TEAMLEIDER


def eligible_coordinators_in(municipality_id: int | None) -> QuerySet:
    from maatpact.accounts.models import User

    return User.objects.filter(
        role=Role.REGISSEUR, municipality_id=municipality_id, is_active=True
    ).order_by("last_name", "first_name")


def eligible_coordinators(household: Household) -> QuerySet:
    return eligible_coordinators_in(household.municipality_id)


def can_see_case_lists(user: User) -> bool:
    """Analysts and administrators see no case lists at all; only aggregates or admin."""
    return user.is_authenticated and user.role in (
        Role.REGISSEUR,
        Role.TEAMLEIDER,
        Role.PROGRAMMATEAM,
        Role.FINANCIER,
    )


# --- Case work: assessments, the plan, provisions --------------------------------


def can_work_on_case(user: User, household: Household) -> bool:
    """Writing case content is for the household's coordinator and its team leads only.

    Others with full read access (the regional team on an escalated case, a financier
    with consent) read but do not write.
    """
    if not user.is_authenticated or user.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        return False
    return has_full_access(user, household)


def get_case_household(user: User, number: str) -> Household:
    """For pages that change case content: the household, else 404."""
    household = get_full_household(user, number)
    if user.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        raise Http404("Huishouden niet gevonden.")
    return household


def case_households(user: User) -> QuerySet[Household]:
    """Households whose case content the user may change (see :func:`can_work_on_case`)."""
    if not user.is_authenticated or user.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        return _households().none()
    return full_access_households(user)


def worklist_households(user: User) -> QuerySet[Household]:
    """Households whose due items appear on the user's worklist: a coordinator's own."""
    if not user.is_authenticated or user.role != Role.REGISSEUR:
        return _households().none()
    return full_access_households(user)


def can_request_subject_access(user: User, household: Household) -> bool:
    """Inzage (AVG): the household's coordinator or the team lead of its municipality."""
    if not user.is_authenticated or user.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        return False
    return has_full_access(user, household)
