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


def _consent_for_organisation(organisation_id: int | None) -> Q:
    from maatpact.households.models import ProcessingBasis

    today = dates.today()
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
    # Only the regional team sees more households than it has full access to; for every
    # other role visible_households() *is* the full-access filter.
    partial = user.role == Role.PROGRAMMATEAM and q is not None
    if partial:
        qs = qs.annotate(full_access=ExpressionWrapper(q, output_field=BooleanField()))
    household = qs.first()
    if household is None:
        raise HouseholdNotFound(number, probes.VISIBLE)
    full = bool(household.full_access) if partial else q is not None
    return household, full


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


def can_see_case_lists(user: User) -> bool:
    """Analysts and administrators see no case lists at all; only aggregates or admin."""
    return user.is_authenticated and user.role in (
        Role.REGISSEUR,
        Role.TEAMLEIDER,
        Role.PROGRAMMATEAM,
        Role.FINANCIER,
    )


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
    """For pages that change case content: the household, else 404."""
    household = get_full_household(user, number)
    if user.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        raise HouseholdNotFound(number, probes.CASE)
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


# --- Obstacles, proposals and learning --------------------------------------------
#
# An obstacle belongs to a household (or to none: a general obstacle). Who may see it
# follows who may see the household; its case content (description, names) only with
# full access to that household. The regional team sees the whole region's register,
# pseudonymised, and full case data once an obstacle is escalated to it.

CASE_WORKERS = (Role.REGISSEUR, Role.TEAMLEIDER, Role.PROGRAMMATEAM)


def _full_access_subquery(user: User):
    return full_access_households(user).values("pk")


def visible_obstacles(user: User):
    """Obstacles the user may list or open (full or pseudonymised); others answer 404."""
    from maatpact.obstacles.models import Obstacle

    qs = Obstacle.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.REGISSEUR:
        # A caseload is small: materialising it lets the database start from the
        # household index instead of scanning the register newest-first.
        own = list(full_access_households(user).values_list("pk", flat=True))
        return qs.filter(Q(household_id__in=own) | Q(household__isnull=True, raised_by=user))
    if user.role == Role.TEAMLEIDER:
        return qs.filter(municipality_id=user.municipality_id)
    if user.role == Role.PROGRAMMATEAM:
        return qs if user.region_id is None else qs.filter(municipality__region_id=user.region_id)
    if user.role == Role.FINANCIER:
        return qs.filter(household__in=_full_access_subquery(user))
    return qs.none()


def obstacle_full_q(user: User) -> Q:
    """Obstacles whose case content the user may read: general ones, or full access."""
    return Q(household__isnull=True) | Q(household__in=_full_access_subquery(user))


def can_work_on_obstacle(user: User, obstacle) -> bool:
    """Record a breakthrough or a custom-fit decision: case workers with the full case."""
    if not user.is_authenticated or user.role not in CASE_WORKERS:
        return False
    return visible_obstacles(user).filter(obstacle_full_q(user), pk=obstacle.pk).exists()


def can_raise_obstacle(
    user: User, household: Household | None = None, *, full: bool | None = None
) -> bool:
    if not user.is_authenticated or user.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        return False
    return household is None or has_full_access(user, household, full=full)


def can_escalate(user: User, obstacle) -> bool:
    """The role that handles the current level moves it up (the coordinator from level 1)."""
    if not user.is_authenticated or obstacle.current_level is None:
        return False
    if user.role != obstacle.current_level.handled_by:
        return False
    return visible_obstacles(user).filter(pk=obstacle.pk).exists()


def obstacles_on_my_level(user: User):
    """Open obstacles waiting for the user's role: the escalation worklist."""
    return (
        visible_obstacles(user)
        # An open obstacle on a level inside the system always has a deadline, and
        # recording a breakthrough clears it (same transaction), so "has a deadline" is
        # "open" here - without an anti-join against every breakthrough in the region.
        .filter(current_level__handled_by=user.role, deadline__isnull=False)
        .exclude(current_level__external=True)
    )


def can_manage_proposals(user: User) -> bool:
    return user.is_authenticated and user.role == Role.PROGRAMMATEAM


def can_view_proposals(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.PROGRAMMATEAM, Role.TEAMLEIDER)


def can_view_obstacle_analysis(user: User) -> bool:
    return user.is_authenticated and user.role in (
        Role.PROGRAMMATEAM,
        Role.ANALIST,
        Role.TEAMLEIDER,
    )


def analysable_obstacles(user: User):
    """Obstacles counted in the user's aggregates (no case data is ever shown from them)."""
    from maatpact.obstacles.models import Obstacle

    qs = Obstacle.objects.all()
    if not can_view_obstacle_analysis(user):
        return qs.none()
    if user.role == Role.TEAMLEIDER:
        return qs.filter(municipality_id=user.municipality_id)
    return qs if user.region_id is None else qs.filter(municipality__region_id=user.region_id)


def visible_reflections(
    user: User, household: Household | None = None, *, full: bool | None = None
):
    """Reflections are case content: the author, and whoever has full access to the case.

    With ``household``: that household's reflections only (``full`` as in
    :func:`has_full_access`).
    """
    from maatpact.learning.models import Reflection

    qs = Reflection.objects.all()
    if not user.is_authenticated or user.role not in CASE_WORKERS:
        return qs.none()
    if household is not None:
        qs = qs.filter(household=household)
        return qs if has_full_access(user, household, full=full) else qs.filter(author=user)
    return qs.filter(Q(author=user) | Q(household__in=_full_access_subquery(user)))


def can_write_reflection(user: User, household: Household, *, full: bool | None = None) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.REGISSEUR
        and has_full_access(user, household, full=full)
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


# --- Reports, dashboards and exports (aggregates) ---------------------------------

_REPORT_AUDIENCE = {
    Role.PROGRAMMATEAM: "regio",
    Role.ANALIST: "analist",
    Role.TEAMLEIDER: "gemeente",
    Role.FINANCIER: "financier",
}


def report_audience(user: User) -> str | None:
    """Which version of the interim report the user gets; ``None``: no report at all.

    The regional team sees exact figures; team leads (own municipality), analysts and
    financiers (their own part) see figures with small cells suppressed.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    return _REPORT_AUDIENCE.get(user.role)


def report_exact(user: User) -> bool:
    return report_audience(user) == "regio"


def report_municipalities(user: User) -> QuerySet:
    """Municipalities the user may choose in the report (and see aggregates of)."""
    from maatpact.regions.models import Municipality

    audience = report_audience(user)
    qs = Municipality.objects.all()
    if audience is None:
        return qs.none()
    if audience == "gemeente":
        return qs.filter(pk=user.municipality_id)
    if user.region_id is not None:
        return qs.filter(region_id=user.region_id)
    return qs


def report_households(user: User, municipality_id: int | None = None) -> QuerySet[Household]:
    """Households whose data may enter the user's aggregates (never shown one by one)."""
    allowed = report_municipalities(user)
    qs = _households().filter(municipality__in=allowed)
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    return qs


def can_export(user: User) -> bool:
    """Pseudonymised exports: analysts and the regional team only."""
    return (
        user.is_authenticated and user.is_active and user.role in (Role.ANALIST, Role.PROGRAMMATEAM)
    )


def can_view_dashboard(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role != Role.BEHEERDER


# --- Rule-free budget -------------------------------------------------------------
# Coordinators: spends of the households they coordinate now. Team leads: their
# municipality. The regional team: the whole region, pseudonymised (household numbers
# only). Analysts: aggregated figures only. Financiers and administrators: nothing.


def visible_spends(user: User) -> QuerySet:
    """Spends the user may see one by one; everything else answers 404."""
    from maatpact.budget.models import Spend

    qs = Spend.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.REGISSEUR:
        return qs.filter(household__in=full_access_households(user))
    if user.role == Role.TEAMLEIDER:
        return qs.filter(allocation__municipality_id=user.municipality_id)
    if user.role == Role.PROGRAMMATEAM:
        if user.region_id is None:
            return qs
        return qs.filter(allocation__municipality__region_id=user.region_id)
    return qs.none()


def can_request_spend(user: User, household: Household, *, full: bool | None = None) -> bool:
    """Only the household's own coordinator spends on it."""
    return (
        user.is_authenticated
        and user.role == Role.REGISSEUR
        and has_full_access(user, household, full=full)
    )


def can_decide_spend(user: User, spend) -> bool:
    """A team lead of the spend's municipality who did not request it (four eyes)."""
    return (
        user.is_authenticated
        and user.role == Role.TEAMLEIDER
        and user.municipality_id == spend.allocation.municipality_id
        and user.pk != spend.requested_by_id
    )


def can_mark_spend_paid(user: User, spend) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.TEAMLEIDER
        and (user.municipality_id == spend.allocation.municipality_id)
    )


def can_reverse_spend(user: User, spend) -> bool:
    """Corrections: a team lead of the municipality or the regional team."""
    if not user.is_authenticated:
        return False
    if user.role == Role.TEAMLEIDER:
        return user.municipality_id == spend.allocation.municipality_id
    return user.role == Role.PROGRAMMATEAM


def can_manage_budget(user: User) -> bool:
    """Allocating the fund and transferring between municipalities: the regional team."""
    return user.is_authenticated and user.role == Role.PROGRAMMATEAM


def budget_overview_scope(user: User) -> QuerySet | None:
    """Municipalities whose budget figures the user may see; ``None`` means no access."""
    from maatpact.regions.models import Municipality

    if not user.is_authenticated or not user.is_active:
        return None
    if user.role in (Role.REGISSEUR, Role.TEAMLEIDER):
        return Municipality.objects.filter(pk=user.municipality_id)
    if user.role in (Role.PROGRAMMATEAM, Role.ANALIST):
        qs = Municipality.objects.all()
        return qs if user.region_id is None else qs.filter(region_id=user.region_id)
    return None


def can_see_budget_per_household(user: User) -> bool:
    """Figures per household (numbers only): team leads and the regional team, not analysts."""
    return user.is_authenticated and user.role in (Role.TEAMLEIDER, Role.PROGRAMMATEAM)


# --- Outcomes and the Social Impact Bond (outcomes app) ---------------------------


def can_record_events(user: User, household: Household, *, full: bool | None = None) -> bool:
    """Events (eviction, placement, job...) are case facts: full access and a case role."""
    return (
        user.is_authenticated
        and user.role in (Role.REGISSEUR, Role.TEAMLEIDER, Role.PROGRAMMATEAM)
        and has_full_access(user, household, full=full)
    )


def can_view_outcome_list(user: User) -> bool:
    """The regional list of achieved outcomes (pseudonymised: numbers and facts only)."""
    return user.is_authenticated and user.role in (Role.PROGRAMMATEAM, Role.ANALIST)


def outcome_households(user: User) -> QuerySet[Household]:
    """Households whose achieved outcomes (pseudonymised facts) the user may list: the
    regional team and analysts, within their region."""
    if not can_view_outcome_list(user):
        return _households().none()
    qs = _households()
    return qs if user.region_id is None else qs.filter(municipality__region_id=user.region_id)


def can_verify_outcomes(user: User) -> bool:
    return user.is_authenticated and user.role == Role.PROGRAMMATEAM


def can_manage_contracts(user: User) -> bool:
    """Payment periods, rate card and caps are set by the regional team."""
    return user.is_authenticated and user.role == Role.PROGRAMMATEAM


def visible_contracts(user: User) -> QuerySet:
    """The regional team sees every contract; a financier only those its organisation is
    a payer of or invests in; everyone else none."""
    from maatpact.outcomes.models import Contract

    qs = Contract.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.PROGRAMMATEAM:
        return qs
    if user.role == Role.FINANCIER and user.organisation_id:
        return qs.filter(
            Q(payers__organisation_id=user.organisation_id)
            | Q(investments__investor_id=user.organisation_id)
        ).distinct()
    return qs.none()


def statement_organisations(user: User, organisation_ids: set[int]) -> set[int]:
    """Of a contract's payers and investors, those whose statement the user may read."""
    if not user.is_authenticated:
        return set()
    if user.role == Role.PROGRAMMATEAM:
        return set(organisation_ids)
    if user.role == Role.FINANCIER and user.organisation_id in organisation_ids:
        return {user.organisation_id}
    return set()


def can_view_savings(user: User) -> bool:
    """Aggregated cost and savings: regional team, analysts and financiers."""
    return user.is_authenticated and user.role in (
        Role.PROGRAMMATEAM,
        Role.ANALIST,
        Role.FINANCIER,
    )


def can_request_subject_access(user: User, household: Household) -> bool:
    """Inzage (AVG): the household's coordinator or the team lead of its municipality."""
    if not user.is_authenticated or user.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        return False
    return has_full_access(user, household)
