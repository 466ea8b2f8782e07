"""Issue 14: the role x route matrix, generated from the URL configuration and the
OpenAPI schema.

For every role (and signed out) and both household scopes, every GET route of the
pages and of the API is requested. Two checks:

* the status is the one its declared rule says (``tests/access/matrix.py``); a route
  that has no rule fails, so adding a route means declaring who may reach it;
* no marker planted in an identifying, special-category or free-text field
  (``tests/access/world.py``, found through the field classification) appears in any
  answer to a role without full access to that household.

PDFs are compressed, so markers are looked for in HTML, JSON, CSV and plain text only.
"""

from __future__ import annotations

import pytest

from maatpact.accounts.models import Role

from .matrix import COLUMNS, ROUTE_RULES, RULES
from .routes import api_routes, page_routes
from .world import build_world

ROLES = [
    Role.REGISSEUR,
    Role.TEAMLEIDER,
    Role.PROGRAMMATEAM,
    Role.ANALIST,
    Role.FINANCIER,
    Role.BEHEERDER,
    "anoniem",
]
# Roles with full access to the own (Tilburg) household; nobody here has it to Goirle's.
FULL_ON_OWN = {Role.REGISSEUR, Role.TEAMLEIDER}
TEXTUAL = ("text/", "application/json")


@pytest.fixture
def world(db):
    return build_world()


def _expected(key: str, column: str) -> int | None:
    rule = ROUTE_RULES.get(key)
    if rule is None:
        return None
    return RULES[rule][1][COLUMNS.index(column)]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_as_declared_and_leaks_no_marker(client, world, role):
    if role != "anoniem":
        client.force_login(world.users[role])
    allowed = world.own.markers if role in FULL_ON_OWN else set()
    forbidden = (world.own.markers | world.other.markers) - allowed
    assert forbidden, "the world planted no markers"
    undeclared, wrong, leaks, shown = [], [], [], set()
    for scope, case in (("own", world.own), ("other", world.other)):
        column = f"{role}/{scope}"
        for route in page_routes(world, case) + api_routes(world, case):
            response = client.get(route.url)
            expected = _expected(route.key, column)
            if expected is None:
                undeclared.append(route.key)
            elif response.status_code != expected:
                wrong.append(f"{route.url}: {response.status_code}, declared {expected}")
            if response.get("Content-Type", "").startswith(TEXTUAL):
                body = b"".join(response) if response.streaming else response.content
                text = body.decode("utf-8", "replace")
                shown |= {m for m in allowed if m in text}
                found = sorted(m for m in forbidden if m in text)
                if found:
                    leaks.append(f"{route.url} ({response.status_code}): {found[:3]}")
    assert not undeclared, f"routes without a declared rule: {sorted(set(undeclared))}"
    assert not wrong, "\n".join(wrong)
    assert not leaks, "markers reached a role without full access:\n" + "\n".join(leaks)
    # The control: with full access the planted markers do show, so the search works.
    assert bool(shown) == bool(allowed)


def test_every_declared_route_still_exists(world):
    keys = {r.key for r in page_routes(world, world.own) + api_routes(world, world.own)}
    assert set(ROUTE_RULES) == keys
    assert set(RULES) == set(ROUTE_RULES.values())
