"""Issue 14, defect 6: no response with personal data may be stored by a cache.

Walks every page route of the URL configuration and every path of the OpenAPI schema,
as a team lead with full access to a real household (so the household routes answer
with its data) and as a signed-out visitor; every answer, whatever its status, must say
``Cache-Control: no-store, private``. The only exception is an aggregate chart, which
its view marks ``private`` with a short max-age.
"""

from __future__ import annotations

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import login
from tests.security.catalogue import all_routes

# Routes whose view sets its own, still private, caching: figures without personal data.
AGGREGATE_CHARTS = {"budget:chart"}
PARAM = re.compile(r"\{(\w+)\}")


def _values(household) -> dict[str, object]:
    return {"number": household.number, "pk": 1, "fmt": "csv", "id": 1}


def _page_urls(household) -> list[tuple[str, str]]:
    values = _values(household)
    return [(r.name, r.url(**values)) for r in all_routes()]


def _api_urls(household) -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    values = _values(household)
    urls = []
    for path, operations in schema["paths"].items():
        if "get" in operations:
            urls.append((path, PARAM.sub(lambda m: str(values.get(m.group(1), 1)), path)))
    return urls


def _assert_no_store(client, urls) -> list[str]:
    wrong = []
    for name, url in urls:
        response = client.get(url)
        header = response.get("Cache-Control", "")
        parts = {p.strip() for p in header.split(",")}
        expected = {"private"} if name in AGGREGATE_CHARTS else {"private", "no-store"}
        if not expected <= parts:
            wrong.append(f"{url} ({response.status_code}): {header!r}")
    return wrong


def test_every_page_and_api_route_says_no_store_private(client, household, team_lead):
    login(client, team_lead)
    urls = _page_urls(household) + _api_urls(household)
    assert len(urls) > 80  # the walk found the routes (pages and API)
    assert _assert_no_store(client, urls) == []


def test_signed_out_answers_say_no_store_too(client, household):
    urls = _page_urls(household)[:20] + _api_urls(household)[:20]
    assert _assert_no_store(client, urls) == []


@pytest.mark.parametrize(
    "url",
    [
        lambda h: f"/huishoudens/{h.number}/",
        lambda h: "/budget/export.csv",
        lambda h: "/api/v1/households/",
    ],
    ids=["household-page", "budget-export", "api-households"],
)
def test_the_routes_named_in_the_issue(client, household, team_lead, url):
    login(client, team_lead)
    response = client.get(url(household))
    assert response.status_code == 200
    assert {"no-store", "private"} <= {p.strip() for p in response["Cache-Control"].split(",")}
