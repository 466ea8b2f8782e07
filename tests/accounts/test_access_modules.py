"""Issue 14: rules live with the app that owns the object; the core imports no app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from maatpact.accounts import policies

POLICIES = Path(policies.__file__)
# The household scope is the core's own business: accounts, households and common, plus
# the audit trail that records refused looks (``audit.probes``).
ALLOWED = ("maatpact.accounts", "maatpact.households", "maatpact.common", "maatpact.audit")


def test_the_core_imports_none_of_the_apps_whose_rules_it_used_to_hold():
    imported = {
        node.module
        for node in ast.walk(ast.parse(POLICIES.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(ast.parse(POLICIES.read_text()))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    ours = {m for m in imported if m.startswith("maatpact.")}
    assert ours and all(m.startswith(ALLOWED) for m in ours), ours


@pytest.mark.parametrize(
    ("app", "rule"),
    [
        ("obstacles", "visible_obstacles"),
        ("learning", "visible_reflections"),
        ("budget", "visible_spends"),
        ("outcomes", "visible_contracts"),
        ("reports", "report_audience"),
    ],
)
def test_an_apps_rules_are_its_own_and_reachable_through_the_core(app, rule):
    import importlib

    module = importlib.import_module(f"maatpact.{app}.access")
    assert getattr(policies, rule) is getattr(module, rule)


def test_a_rule_name_cannot_be_taken_by_two_apps():
    def visible_obstacles(user):  # same name, another function
        return None

    with pytest.raises(ValueError):
        policies.register_rules(visible_obstacles)


def test_unknown_rule_is_an_attribute_error():
    with pytest.raises(AttributeError):
        policies.no_such_rule  # noqa: B018


def test_escalation_grant_is_registered_by_the_obstacles_app():
    from maatpact.accounts.models import Role

    grants = policies._full_access_grants[Role.PROGRAMMATEAM]
    assert any(g.__module__ == "maatpact.obstacles.access" for g in grants)
