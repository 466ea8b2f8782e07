"""Walk every page of the project for one fully filled case.

``all_routes()`` reads the URL configuration (so a page added later is walked too);
``case_urls(route, case)`` fills a route's arguments from the case: ``number`` with the
household's number, ``pk`` with each primary key of the case's objects (a route answers
404 for the ones that are not its own). ``fill_case()`` builds a case with every optional
field of every editable object filled in, as the services would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from maatpact.accounts.models import Role
from maatpact.common import dates
from maatpact.households import services as household_services
from maatpact.households.models import ProcessingBasis
from maatpact.learning import services as learning_services
from maatpact.obstacles import services as obstacle_services
from maatpact.outcomes import services as outcome_services
from maatpact.outcomes.models import EventType
from maatpact.plans import selectors as plan_selectors
from maatpact.plans import services as plan_services
from maatpact.provisions import services as provision_services
from maatpact.provisions.models import Law
from tests import factories

# The admin is Django's own; the API answers JSON, it has no HTML pages.
SKIPPED_PREFIXES = ("beheer/", "api/")
# Binary answers and downloads carry no forms or text; logout and the language switch are
# POST-only actions, not pages.
SKIPPED_SUFFIXES = (".png", ".pdf", ".svg", ".csv", ".xlsx", ".json")
SKIPPED_ROUTES = {"logout", "set_language", "security:totp_qr"}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "plans:edit"
    kwargs: tuple[str, ...]
    path: str


def all_routes() -> list[Route]:
    """Every named route of the URL configuration, with the names of its arguments."""
    found: list[Route] = []

    def walk(patterns, namespace: str, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or ""
                if (prefix + str(entry.pattern)).startswith(SKIPPED_PREFIXES):
                    continue
                full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(entry.url_patterns, full_ns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                arguments = tuple(entry.pattern.regex.groupindex)
                found.append(Route(name, arguments, prefix + str(entry.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return found


def _partner(regional, insurer):
    """The insurer as a partner with its contact person and purpose (edit_partner)."""
    from maatpact.programme import partners

    return partners.save_partner(
        regional,
        partner=insurer,
        name=insurer.name,
        kind=insurer.kind,
        purposes=["regie_ondersteuning"],
        contact_name="C. Contact (fictief)",
        contact_email="contact@verzekeraar.example",
        contact_phone="013 000 0000",
    )


def case_urls(route: Route, case: dict) -> list[str]:
    """The URLs of a route for this case, or none if it needs an argument we cannot fill."""
    if route.name in SKIPPED_ROUTES or route.path.endswith(SKIPPED_SUFFIXES):
        return []
    values = {"number": [case["number"]], "pk": case["pks"]}
    if any(name not in values for name in route.kwargs):
        return []
    urls: list[dict] = [{}]
    for name in route.kwargs:
        urls = [dict(u, **{name: v}) for u in urls for v in values[name]]
    return [reverse(route.name, kwargs=u) for u in urls]


def _budget(coordinator, regional, goal, obstacle):
    """A funded municipality, a spend waiting for the team lead, and a transfer."""
    from maatpact.budget import services as budget_services
    from maatpact.budget.models import Allocation
    from tests.budget.helpers import fund_for, request

    tilburg = fund_for("Tilburg", "10000.00", regional=regional)
    goirle = Allocation.objects.get(fund=tilburg.fund, municipality__name="Goirle")
    budget_services.transfer(regional, tilburg, goirle, "250.00", "Herverdeling (test)")
    spend, _ = budget_services.request_spend(
        coordinator,
        goal.plan.household,
        request(goal, "3000.00", obstacle_id=obstacle.pk, purpose="Borg nieuwe woning"),
    )
    return spend


def _programme(regional):
    """The region's programme with an open phase and a cohort."""
    from maatpact.programme import services as programme_services
    from maatpact.regions.models import Region

    region = Region.objects.first()
    programme = programme_services.create_programme(
        regional,
        region=region,
        name="Maatpact (test)",
        starts_on=date(2019, 1, 1),
        planned_households=2600,
    )
    phase = programme_services.save_phase(
        regional,
        programme,
        number=1,
        name="Leren",
        goal="De eerste 50 huishoudens\nin drie gemeenten",
        starts_on=date(2019, 4, 1),
        ends_on=date(2030, 12, 31),
        planned_households=50,
        min_domains=3,
        min_laws=2,
    )
    cohort = programme_services.save_cohort(
        regional,
        region=region,
        name="Cohort rondgang",
        phase=1,
        capacity=40,
        starts_on=date(2019, 4, 1),
    )
    return phase, cohort


def fill_case() -> dict:
    """One case with every optional field of every editable object filled in."""
    coordinator = factories.user(Role.REGISSEUR, "Tilburg")
    team_lead = factories.user(Role.TEAMLEIDER, "Tilburg")
    regional = factories.user(Role.PROGRAMMATEAM, None)
    household = factories.household(coordinator, bsn=factories.VALID_BSN)
    plan = plan_selectors.plan_for(household)
    plan_services.update_plan(
        coordinator,
        plan,
        future_in_own_words="Over een jaar wonen we rustig, zonder deurwaarders.",
        first_need_in_own_words="Eerst een regeling met de schuldeisers.",
        agreed_on=date(2025, 3, 1),
    )
    goal = plan_services.add_goal(
        coordinator, plan, domain_code="hh_financien", description="Geen nieuwe schulden"
    )
    plan_services.update_goal(coordinator, goal, status="bezig")
    partner = factories.organisation("Schuldhulp Test (fictief)", "aanbieder")
    action = plan_services.add_action(
        coordinator,
        plan,
        goal=goal,
        what="Aanmelden bij schuldhulp\nen de brieven meenemen",
        who_kind="partnerorganisatie",
        who="Mevrouw de consulent",
        organisation=partner,
        due_on=date(2025, 5, 12),
    )
    municipality = factories.organisation("Gemeente Tilburg", "gemeente")
    provision = provision_services.add_provision(
        coordinator,
        household,
        description="Schuldhulpverlening",
        law=Law.objects.get(code="wmo"),
        financier=municipality,
        provider=partner,
        starts_on=date(2025, 1, 6),
        ends_on=dates.today() + timedelta(days=90),
        cost_kind="maandelijks",
        amount=Decimal("3200.50"),
    )
    reflection = learning_services.write_reflection(
        coordinator,
        household,
        what_happened="Het gezin kwam niet naar de afspraak.",
        what_worked="Een huisbezoek op de dag zelf.",
        next_time="Eerst bellen.",
    )
    event = outcome_services.record_event(
        coordinator,
        household,
        event_type=EventType.objects.get(code="schuldregeling"),
        occurred_on=dates.today() - timedelta(days=20),
        note="Minnelijk traject",
    )
    obstacle = obstacle_services.raise_obstacle(
        coordinator,
        obstacle_services.ObstacleData(
            type="wet",
            description="De uitkering wordt gekort door een maatregel.",
            rule_text="Participatiewet art. 18 lid 2",
            law=Law.objects.get(code="participatiewet"),
            delay_days=14,
            harm_euros=Decimal("450.00"),
        ),
        household=household,
    )
    from tests.outcomes.helpers import contract as sib_contract
    from tests.outcomes.helpers import verified

    achieved = verified(household, regional, code="schuldregeling-gestart")

    insurer = factories.organisation("Zorgverzekeraar Test (fictief)", "zorgverzekeraar")
    contract = sib_contract(payer_orgs=[municipality, insurer])
    payers = list(contract.payers.all())
    outcome_services.set_caps(
        regional,
        contract,
        cap_per_household=Decimal("15000.00"),
        cap_total=Decimal("1250000.50"),
        max_return_rate=Decimal("0.0800"),
        payer_caps={payers[0].pk: Decimal("600000.00"), payers[1].pk: Decimal("650000.50")},
    )
    basis = household_services.add_processing_basis(
        coordinator,
        household,
        partner=insurer,
        kind=ProcessingBasis.Kind.DELEN,
        purpose="Afstemming zorg (fictief)",
        basis=ProcessingBasis.Basis.WETTELIJKE_TAAK,
        law="Wmo 2015 art. 5.2.1",
        cross_domain=True,
        given_on=dates.today() - timedelta(days=30),
    )
    spend = _budget(coordinator, regional, goal, obstacle)
    phase, cohort = _programme(regional)
    objects = (goal, action, provision, reflection, contract, event, obstacle, achieved)
    objects += (basis, spend, phase, cohort, _partner(regional, insurer))
    return {
        "users": [coordinator, team_lead, regional],
        "number": household.number,
        "pks": sorted({o.pk for o in objects}),
    }
