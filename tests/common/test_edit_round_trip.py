"""Every edit form of the project, submitted unchanged, changes nothing (issue 15).

The edit forms are found by walking the URL configuration, not by a list kept here: a
route is an edit route when its name is ``edit`` or ends in ``_edit`` (the convention in
docs/architecture.md). For a fully filled case, every page reachable with the case's
numbers is opened as each writing role; every POST form on it that targets an edit route
is submitted exactly as a browser would send it untouched (``tests.html_forms``). After
each submission no stored row may differ, no row may be added (no plan version, no
audit "update", no data-version change) except the audit records of reads.

A new edit route that this fixture cannot reach fails the coverage assertion: fill the
fixture further rather than leaving the form untested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from maatpact.accounts.models import Role
from maatpact.audit.models import AuditEvent
from maatpact.common import dates
from maatpact.learning import services as learning_services
from maatpact.outcomes import services as outcome_services
from maatpact.plans import selectors as plan_selectors
from maatpact.plans import services as plan_services
from maatpact.provisions import services as provision_services
from maatpact.provisions.models import Law
from tests import factories
from tests.html_forms import database_rows, differences, page_forms
from tests.outcomes.helpers import contract as sib_contract

EDIT_ROUTE = re.compile(r"(^|_)edit$")
# The admin is Django's own; the API answers JSON, it has no HTML forms.
SKIPPED_PREFIXES = ("beheer/", "api/")
# Binary answers and downloads carry no forms; logout and the language switch are POST-only.
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


def edit_route_names() -> set[str]:
    return {r.name for r in all_routes() if EDIT_ROUTE.search(r.name.rsplit(":", 1)[-1])}


def test_the_url_configuration_has_edit_routes():
    """The walk itself works: the known edit pages are among what it finds."""
    names = edit_route_names()
    assert {"plans:edit", "plans:action_edit", "provisions:edit"} <= names


@pytest.fixture
def filled_case(db):
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
    return {
        "users": [coordinator, team_lead, regional],
        "number": household.number,
        "pks": sorted({o.pk for o in (goal, action, provision, reflection, contract)}),
    }


def _urls(route: Route, case: dict) -> list[str]:
    """The URLs of a route for this case, or none if it needs an argument we cannot fill."""
    if route.name in SKIPPED_ROUTES or route.path.endswith(SKIPPED_SUFFIXES):
        return []
    values = {"number": [case["number"]], "pk": case["pks"]}
    if any(name not in values for name in route.kwargs):
        return []
    urls = [{}]
    for name in route.kwargs:
        urls = [dict(u, **{name: v}) for u in urls for v in values[name]]
    return [reverse(route.name, kwargs=u) for u in urls]


def _edit_forms_on(client, url: str, edit_routes: set[str]):
    page = client.get(url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        return []
    found = []
    for form in page_forms(page.content.decode()):
        if form.method != "post":
            continue
        target = form.action or url
        try:
            match = resolve(target.split("?")[0])
        except Resolver404:
            continue
        if match.view_name in edit_routes:
            found.append((match.view_name, target, form))
    return found


def _read_record(table: str, row: dict) -> bool:
    return table == AuditEvent._meta.db_table and row.get("action") == AuditEvent.Action.VIEW


def test_every_edit_form_submitted_unchanged_changes_nothing(client, filled_case):
    edit_routes = edit_route_names()
    covered: set[str] = set()
    failures: list[str] = []
    for user in filled_case["users"]:
        client.force_login(user)
        for route in all_routes():
            for url in _urls(route, filled_case):
                for name, target, form in _edit_forms_on(client, url, edit_routes):
                    before = database_rows()
                    response = client.post(target, form.data())
                    after = database_rows()
                    covered.add(name)
                    where = f"{name} ({target}, als {user.role}, formulier op {url})"
                    if response.status_code not in (200, 302):
                        failures.append(f"{where}: antwoord {response.status_code}")
                    elif response.status_code == 200:
                        failures.append(f"{where}: ongewijzigd formulier geweigerd")
                    changes = differences(before, after, ignore=_read_record)
                    failures.extend(f"{where}: {change}" for change in changes)
        client.logout()
    assert not failures, "\n".join(failures)
    assert covered == edit_routes, f"niet bereikt: {sorted(edit_routes - covered)}"
