"""Every GET route of the project, page and API, filled in for one household scope."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drf_spectacular.generators import SchemaGenerator

from maatpact.assessments.models import Assessment
from tests.security.catalogue import all_routes

from .world import Case, World

PARAM = re.compile(r"\{(\w+)\}")

# Which record fills a page route's <int:pk> (by URL name).
PAGE_PK = {
    "budget:spend": "spend",
    "budget:approve": "open_spend",
    "budget:reject": "open_spend",
    "budget:pay": "open_spend",
    "budget:reverse": "spend",
    "outcomes:detail": "outcome",
    "households:withdraw_basis": "basis",
    "plans:goal_edit": "goal",
    "plans:action_edit": "action",
    "provisions:edit": "provision",
    "provisions:end": "provision",
    "obstacles:detail": "broken",
    "obstacles:escalate": "obstacle",
    "obstacles:answer": "obstacle",
    "obstacles:breakthrough": "obstacle",
    "obstacles:decision": "obstacle",
    "learning:reflection_edit": "reflection",
}
PAGE_SHARED = {
    "budget:fund_confirm": "fund",
    "budget:fund_top_up": "fund",
    "programme:partner_edit": "partner",
    "outcomes:contract": "contract",
    "outcomes:period_add": "contract",
    "outcomes:rate_add": "contract",
    "outcomes:caps_edit": "contract",
    "outcomes:projection": "contract",
    "outcomes:contract_edit": "contract",
    "outcomes:contract_sign": "contract",
    "outcomes:contract_xlsx": "contract",
    "outcomes:contract_pdf": "contract",
    "obstacles:proposal": "proposal",
    "obstacles:proposal_status": "proposal",
    "obstacles:proposal_pdf": "proposal",
    "learning:session": "session",
}
# Which record fills an API path's {id} (by the path's resource).
API_PK = {
    "achieved-outcomes": "outcome",
    "actions": "action",
    "assessments": "assessment",
    "budget/spends": "spend",
    "goals": "goal",
    "obstacles": "broken",
    "provisions": "provision",
    "reflections": "reflection",
}
API_SHARED = {
    "proposals": "proposal",
    "reflection-sessions": "session",
    "sib-contracts": "contract",
}


# Reference resources: the first row, whatever its pk (PostgreSQL does not restart its
# sequences per test); a resource without rows gets pk 0, which never exists.
API_REFERENCE = {
    "budget/allocations": ("budget", "Allocation"),
    "budget/funds": ("budget", "Fund"),
    "organisations": ("regions", "Organisation"),
    "regions": ("regions", "Region"),
    "cohorts": ("households", "Cohort"),
    "lessons": ("learning", "Lesson"),
    "outcome-definitions": ("outcomes", "OutcomeDefinition"),
    "phases": ("programme", "Phase"),
    "programmes": ("programme", "Programme"),
    "screenings": ("programme", "Screening"),
}


def _first_pk(app_label: str, model_name: str, case: Case) -> int:
    from django.apps import apps

    model = apps.get_model(app_label, model_name)
    qs = model._default_manager.order_by("pk")
    if model_name == "Allocation":
        qs = qs.filter(municipality=case.household.municipality)
    return qs.values_list("pk", flat=True).first() or 0


@dataclass(frozen=True)
class Route:
    key: str  # URL name for pages, the schema path for the API
    url: str


def _page_url(route, case: Case, world: World) -> str:
    values: dict[str, object] = {
        "number": case.household.number,
        "fmt": "csv",
        "section": "huishoudens",
        "key": "zrm",
    }
    if route.name in PAGE_PK:
        values["pk"] = case.pks[PAGE_PK[route.name]]
    elif route.name in PAGE_SHARED:
        values["pk"] = world.shared[PAGE_SHARED[route.name]]
    return route.url(**values)


def page_routes(world: World, case: Case) -> list[Route]:
    return [Route(r.name, _page_url(r, case, world)) for r in all_routes()]


def _resource(path: str) -> str:
    rest = path.removeprefix("/api/v1/")
    return rest.split("/{")[0].rstrip("/")


def api_routes(world: World, case: Case) -> list[Route]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    pks = dict(case.pks)
    pks["assessment"] = Assessment.objects.filter(household=case.household).first().pk
    routes = []
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        resource = _resource(path)
        if resource in API_PK:
            pk = pks[API_PK[resource]]
        elif resource in API_SHARED:
            pk = world.shared[API_SHARED[resource]]
        elif resource in API_REFERENCE:
            pk = _first_pk(*API_REFERENCE[resource], case)
        else:
            pk = 0

        def fill(match: re.Match, pk=pk) -> str:
            name = match.group(1)
            if name == "number":
                return case.household.number
            if name == "cbs_code":
                return case.household.municipality.cbs_code
            if name == "code":
                return "regisseur"
            return str(pk)

        routes.append(Route(path, PARAM.sub(fill, path)))
    return routes
