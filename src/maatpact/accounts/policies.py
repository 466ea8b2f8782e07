"""The household scope: who may see which household, and which of its data.

Every page and every API endpoint asks this module which households (and which of their
data) a user may see; views never filter on roles themselves. Objects outside a user's
scope answer 404, so their existence is not revealed; a forbidden action on a visible
object answers 403 (``common.refusals``).

Rules about other objects live with the app that owns them (``<app>/access.py``), built
on the scope defined here; apps add grants (``register_full_access_grant``) instead of
being imported by this module.

Two levels of access to a household:

* **full** - names, address, members, case content. Coordinators of the household, team
  leads of its municipality, and further grants added here (escalation, consent).
* **pseudonymised** - number, municipality, status, cohort and measurements without
  anything that identifies a person. The regional team sees the whole region so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from maatpact.accounts.models import Role
from maatpact.audit import probes
from maatpact.audit.probes import HouseholdNotFound
from maatpact.common import dates

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


def _sharing_with_organisation(organisation_id: int | None, category=None) -> Q:
    """Households with an active sharing record for the partner organisation.

    With ``category`` (``common.classification.Category``): only records whose purpose
    grants it (``households.purposes``); special-category data only cross-domain.
    """
    from maatpact.common.classification import Category
    from maatpact.households.models import ProcessingBasis
    from maatpact.households.purposes import purposes_granting

    today = dates.today()
    records = ProcessingBasis.objects.filter(
        household=OuterRef("pk"),
        partner_id=organisation_id,
        kind=ProcessingBasis.Kind.DELEN,
        given_on__lte=today,
    ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
    if category is not None:
        records = records.filter(data_purpose__in=purposes_granting(category))
        if category == Category.SPECIAL:
            records = records.filter(cross_domain=True)
    return Q(Exists(records))


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
        from maatpact.common.classification import Category

        # Personal data only through a record whose purpose grants it (doelbinding).
        return _sharing_with_organisation(user.organisation_id, Category.IDENTIFYING)
    return None


# Extra full-access grants registered by the apps that own the reason for them (e.g. the
# obstacles app: an obstacle escalated to the regional team grants it the full case).
_full_access_grants: dict[str, list[Callable[[], Q]]] = {}


def register_full_access_grant(role: str, grant: Callable[[], Q]) -> None:
    """Give ``role`` full access to the households ``grant()`` selects (a ``Q`` on
    Household), in addition to what the role has by itself."""
    _full_access_grants.setdefault(role, []).append(grant)


def _regional_escalation_q() -> Q | None:
    """Households the regional team has full access to: only through registered grants
    (without any, it sees no personal data at all)."""
    grants = [grant() for grant in _full_access_grants.get(Role.PROGRAMMATEAM, [])]
    if not grants:
        return None
    q = grants[0]
    for extra in grants[1:]:
        q |= extra
    return q


def visible_households(user: User) -> QuerySet[Household]:
    """Households the user may open at all (full or pseudonymised)."""
    qs = _households()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.PROGRAMMATEAM:
        return qs if user.region_id is None else qs.filter(municipality__region_id=user.region_id)
    if user.role == Role.FINANCIER:
        # Any active sharing record; what it shows follows its purpose.
        return qs.filter(_sharing_with_organisation(user.organisation_id))
    q = _full_access_q(user)
    return qs.filter(q) if q is not None else qs.none()


def full_access_households(user: User) -> QuerySet[Household]:
    q = _full_access_q(user)
    return _households().filter(q) if q is not None else _households().none()


def full_access_ids(user: User, household_ids) -> set[int]:
    """Of ``household_ids`` (one page of rows), those the user has full access to."""
    ids = {pk for pk in household_ids if pk is not None}
    if not ids:
        return set()
    return set(full_access_households(user).filter(pk__in=ids).values_list("pk", flat=True))


def visible_household_ids(user: User, household_ids) -> set[int]:
    """Of ``household_ids``, those the user may open: the numbers it may be shown where
    cases of several municipalities come together (sessions, proposals)."""
    ids = {pk for pk in household_ids if pk is not None}
    if not ids:
        return set()
    return set(visible_households(user).filter(pk__in=ids).values_list("pk", flat=True))


def has_full_access(user: User, household: Household, *, full: bool | None = None) -> bool:
    """Whether the user may see the household's personal data.

    ``full`` is this very answer when the caller already has it from the same request
    (e.g. from :func:`get_visible_household`): the household page asks a dozen action
    rules per view, and each would otherwise repeat the same query. Services that change
    data never pass it; they decide afresh inside their transaction.
    """
    if full is not None:
        return full
    q = _full_access_q(user)
    if q is None:
        return False
    return _households().filter(q, pk=household.pk).exists()


def get_visible_household(user: User, number: str) -> tuple[Household, bool]:
    """The household by number and whether the user has full access; else 404.

    One query: full access is computed in the same statement as the lookup.
    """
    qs = visible_households(user).select_related("municipality", "cohort").filter(number=number)
    q = _full_access_q(user)
    # Only the regional team and partners see more households than they have full
    # access to; for every other role visible_households() *is* the full-access filter.
    partial = user.role in (Role.PROGRAMMATEAM, Role.FINANCIER) and q is not None
    if partial:
        qs = qs.annotate(full_access=ExpressionWrapper(q, output_field=BooleanField()))
    household = qs.first()
    if household is None:
        raise HouseholdNotFound(number, probes.VISIBLE)
    full = bool(household.full_access) if partial else q is not None
    return household, full


def _special_access_q(user: User) -> Q | None:
    """Special-category data (which law pays for which help): with full access, and for a
    partner only through a cross-domain record whose purpose grants it."""
    if user.is_authenticated and user.role == Role.FINANCIER:
        from maatpact.common.classification import Category

        return _sharing_with_organisation(user.organisation_id, Category.SPECIAL)
    return _full_access_q(user)


def special_access_households(user: User) -> QuerySet[Household]:
    q = _special_access_q(user)
    return _households().filter(q) if q is not None else _households().none()


def has_special_access(user: User, household: Household, *, full: bool | None = None) -> bool:
    """Whether the user may see the household's special-category data (``full`` as in
    :func:`has_full_access`: without full access there is none)."""
    if not has_full_access(user, household, full=full):
        return False
    if user.role != Role.FINANCIER:
        return True
    return special_access_households(user).filter(pk=household.pk).exists()


def get_special_household(user: User, number: str) -> Household:
    """For pages that show special-category data (the provision register): else 404."""
    household = (
        special_access_households(user).select_related("municipality").filter(number=number)
    ).first()
    if household is None:
        raise HouseholdNotFound(number, probes.FULL)
    return household


def get_full_household(user: User, number: str) -> Household:
    """For pages that show or change personal data: full access, else 404."""
    household = (
        full_access_households(user).select_related("municipality").filter(number=number).first()
    )
    if household is None:
        raise HouseholdNotFound(number, probes.FULL)
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


def can_change_status(user: User, household: Household, *, full: bool | None = None) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.TEAMLEIDER:
        return user.municipality_id == household.municipality_id
    if user.role == Role.REGISSEUR:
        return has_full_access(user, household, full=full)
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


def can_see_region_list(user: User) -> bool:
    """The pseudonymised list of the region's households: the regional team."""
    return user.is_authenticated and user.role == Role.PROGRAMMATEAM


def can_see_case_lists(user: User) -> bool:
    """Analysts and administrators see no case lists at all; only aggregates or admin."""
    return user.is_authenticated and user.role in (
        Role.REGISSEUR,
        Role.TEAMLEIDER,
        Role.PROGRAMMATEAM,
        Role.FINANCIER,
    )


CASE_WORKERS = (Role.REGISSEUR, Role.TEAMLEIDER, Role.PROGRAMMATEAM)


def all_households() -> QuerySet[Household]:
    return _households()


def full_access_subquery(user: User):
    """The pks of the households the user has full access to, for ``__in`` filters."""
    return full_access_households(user).values("pk")


# --- Case work: assessments, the plan, provisions --------------------------------


def can_work_on_case(user: User, household: Household, *, full: bool | None = None) -> bool:
    """Writing case content is for the household's coordinator and its team leads only.

    Others with full read access (the regional team on an escalated case, a financier
    with consent) read but do not write.
    """
    if not user.is_authenticated or user.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        return False
    return has_full_access(user, household, full=full)


def get_case_household(user: User, number: str) -> Household:
    """For pages that change case content: the household; 404 outside the user's scope,
    403 for a role that reads the case but does not write it (regional team, partner)."""
    from maatpact.common.refusals import refuse

    household = get_full_household(user, number)
    if user.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        refuse("U mag de casus van dit huishouden lezen, maar niet wijzigen.")
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


# --- Rules owned by the apps --------------------------------------------------------
#
# Rules about an app's own objects live in that app's ``access.py`` (obstacles, learning,
# budget, outcomes, reports, programme), found by ``autodiscover_modules("access")``
# when this app is ready. They are lent to this module under the same names so callers
# written against ``policies.visible_obstacles`` keep working; this module imports none
# of those apps. New code imports the owning app's ``access`` module.

_app_rules: dict[str, Callable[..., Any]] = {}


def register_rules(*rules: Callable[..., Any]) -> None:
    """Lend an app's rules under ``policies.<name>``; a name is registered only once."""
    for rule in rules:
        existing = _app_rules.get(rule.__name__)
        if existing is not None and existing is not rule:
            raise ValueError(f"Regel {rule.__name__} is al geregistreerd door een andere app.")
        _app_rules[rule.__name__] = rule


def __getattr__(name: str) -> Callable[..., Any]:
    try:
        return _app_rules[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
