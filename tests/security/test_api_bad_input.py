"""Hostile input on every API operation, found from the OpenAPI schema (so new
endpoints are covered once they are registered on the router)."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests import factories

from .catalogue import row_counts
from .test_bad_input import INVALID, SQL

METHODS = ("post", "put", "patch")


@pytest.fixture
def schema(db):
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _applies(kind: str, prop: dict) -> bool:
    """Whether a hostile value of this kind is invalid for a property of this type."""
    if prop.get("readOnly"):
        return False
    kind_type = prop.get("type")
    fmt = prop.get("format", "")
    if kind in ("verre-verleden", "verre-toekomst"):
        return fmt in ("date", "date-time")
    if kind in ("enorm-getal", "negatief-getal"):
        return kind_type in ("integer", "number") or fmt == "decimal"
    if kind == "te-lang":
        return kind_type == "string" and "maxLength" in prop and not fmt
    if kind == "nul-teken":
        return kind_type == "string"
    return False


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in ("get", *METHODS, "delete"):
                yield path, method, op


def _url(path: str, number: str) -> str:
    """Household numbers where the path takes one; any other id -> 1 (exists or not)."""
    import re

    return re.sub(r"\{[^}]+\}", "1", path.replace("{number}", number))


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_token(user)}")
    return client


def test_every_write_operation_refuses_hostile_bodies(schema, coordinator, team_lead, household):
    checked = 0
    for user in (coordinator, team_lead):
        client = _client(user)
        for path, method, op in _operations(schema):
            if method not in METHODS or path.startswith("/api/v1/token"):
                continue
            url = _url(path, household.number)
            body_schema = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            props = _resolve(schema, body_schema.get("schema", {})).get("properties", {})
            for kind, value in INVALID.items():
                payload = {
                    name: value
                    for name, prop in props.items()
                    if _applies(kind, _resolve(schema, prop))
                }
                if not payload:
                    continue
                before = row_counts()
                response = getattr(client, method)(url, payload, format="json")
                assert response.status_code < 500, (kind, method, url)
                assert 400 <= response.status_code < 500, (kind, method, url, payload)
                assert row_counts() == before, (kind, method, url)
                checked += 1
            for raw in (b"{", b"[]", b'{"a": 1e999999}', b'"\xff\xfe"', b"\x00" * 10):
                before = row_counts()
                response = getattr(client, method)(url, raw, content_type="application/json")
                assert response.status_code < 500, (raw, method, url)
                # A partial update may ignore an unknown key ({"a": ...}); all else is 4xx.
                if not (method == "patch" and raw.startswith(b'{"a"')):
                    assert 400 <= response.status_code < 500, (raw, method, url)
                assert row_counts() == before
            # Field errors come back as a machine-readable 400 (a PATCH may be empty).
            response = getattr(client, method)(url, {}, format="json")
            assert response.status_code < 500, (method, url)
    assert checked > 0


def test_sql_in_query_strings_and_filters(schema, coordinator, household):
    client = _client(coordinator)
    for path, method, op in _operations(schema):
        if method != "get":
            continue
        url = _url(path, household.number)
        params = {p["name"]: SQL for p in op.get("parameters", []) if p["in"] == "query"}
        params.update({"page": "9" * 30, "status": SQL})
        response = client.get(url, params)
        assert response.status_code < 500, url


def test_forged_household_numbers_answer_404_on_every_operation(
    schema, coordinator, goirle_household
):
    client = _client(coordinator)
    for path, method, _op in _operations(schema):
        if "{number}" not in path:
            continue
        for number in (goirle_household.number, "MP-" + "9" * 40, "%FF", "../../etc"):
            before = row_counts()
            response = getattr(client, method)(_url(path, number), {}, format="json")
            assert response.status_code in (404, 405), (method, path, number)
            assert row_counts() == before
            if number == goirle_household.number and response.status_code == 404:
                assert json.loads(response.content)["detail"] == "Niet gevonden."


def test_nul_bytes_in_json_bodies_are_400(coordinator, household):
    client = _client(coordinator)
    before = row_counts()
    response = client.post(
        "/api/v1/households/",
        b'{"municipality": "GM\\u0000855", "street": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert row_counts() == before
