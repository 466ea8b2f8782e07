"""Schemathesis against the OpenAPI schema, as every role (token auth), in-process.

Bounded: ``MAX_EXAMPLES`` generated cases per operation and role, derandomised so a
run is repeatable. Checks: no server error, and every documented response matches
its schema (status codes the schema does not list, like 404, are not schema errors).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from maatpact.accounts.models import Role
from tests import factories

MAX_EXAMPLES = 20
ROLES = [
    Role.REGISSEUR,
    Role.TEAMLEIDER,
    Role.PROGRAMMATEAM,
    Role.ANALIST,
    Role.FINANCIER,
    Role.BEHEERDER,
]


@pytest.fixture
def in_process_requests():
    """Requests through the WSGI app share the test's connection and transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _runner(
    operation, token: str, numbers: list[str], failures: list[str], statuses: dict[str, set[int]]
):
    """A bounded Hypothesis test for one operation (a closure per operation).

    Path numbers are mostly real ones (own and another municipality's household), so
    the fuzzer reaches the code behind the 404 as well.
    """

    @given(case=operation.as_strategy(), number=st.sampled_from([*numbers, None]))
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case, number):
        if number and case.path_parameters and "number" in case.path_parameters:
            case.path_parameters["number"] = number
        case.headers = {**(case.headers or {}), "Authorization": f"Token {token}"}
        response = case.call()
        statuses.setdefault(operation.label, set()).add(response.status_code)
        try:
            case.validate_response(
                response,
                checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
            )
        except Exception as exc:
            failures.append(f"{operation.label}: {type(exc).__name__}: {exc}"[:2000])
            raise

    return run


@pytest.mark.parametrize("role", ROLES)
def test_api_fuzzing_finds_no_server_error_and_no_schema_violation(
    role, in_process_requests, household, goirle_household, coordinator, team_lead, settings
):
    settings.ALLOWED_HOSTS = ["*"]
    user = {Role.REGISSEUR: coordinator, Role.TEAMLEIDER: team_lead}.get(role) or factories.user(
        role, None, is_staff=role == Role.BEHEERDER
    )
    token = factories.api_token(user)
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = WSGIHandler()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    failures: list[str] = []
    statuses: dict[str, set[int]] = {}
    for operation in operations:
        run = _runner(
            operation, token, [household.number, goirle_household.number], failures, statuses
        )
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - reported below with the others
            if not failures or not failures[-1].startswith(operation.label):
                failures.append(f"{operation.label}: {type(exc).__name__}: {exc}"[:2000])
    assert failures == [], "\n\n".join(failures[:5])
    # Every operation was really exercised.
    assert set(statuses) == {operation.label for operation in operations}
    print(role, {label: sorted(codes) for label, codes in statuses.items()})
