"""No page shows a raw code such as "schuldregeling-gestart" or "hh_financien" where a
person expects its name (issue 15, "one voice").

The codes are read from the data (event types, outcome definitions, ZRM domains, themes,
ladder levels, laws, regions) and from every choice field of the project; only codes of
more than one word (with "-" or "_") are searched, since those never occur in Dutch
prose. Every page of a fully filled case is rendered, as each role, by walking the URL
configuration; the visible text (not attributes, scripts or form values) is searched.
A code shown on purpose as a technical identifier (the rule author's page) is marked up
as ``<code>`` and not searched; the subject-access report (inzage, AVG art. 15) lists the
stored values verbatim (codes included) and is left out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps

from maatpact.accounts.models import Role
from tests import factories
from tests.crawl import all_routes, case_urls, fill_case

CODE_MODELS = [
    ("outcomes", "EventType", "code"),
    ("outcomes", "OutcomeDefinition", "code"),
    ("assessments", "Domain", "code"),
    ("assessments", "Instrument", "code"),
    ("learning", "Theme", "code"),
    ("obstacles", "EscalationLevel", "code"),
    ("provisions", "Law", "code"),
    ("regions", "Region", "code"),
    ("plans", "Goal", "domain_code"),
]
VERBATIM_ROUTES = {"security:inzage"}
MULTI_WORD = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")


def known_codes() -> set[str]:
    codes: set[str] = set()
    for app, model, field in CODE_MODELS:
        codes.update(apps.get_model(app, model).objects.values_list(field, flat=True))
    for model in apps.get_models():
        if not model.__module__.startswith("maatpact."):
            continue
        for field in model._meta.fields:
            codes.update(v for v, _ in field.flatchoices if isinstance(v, str))
    return {c for c in codes if MULTI_WORD.match(c)}


class _VisibleText(HTMLParser):
    HIDDEN = {"script", "style", "textarea", "option", "code", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def test_known_codes_include_the_reported_ones(case):
    assert {"schuldregeling-gestart", "hh_financien", "te_verifieren"} <= known_codes()


@pytest.fixture
def case(db):
    filled = fill_case()
    filled["users"] += [
        factories.user(Role.ANALIST, None),
        factories.user(Role.FINANCIER, None),
    ]
    return filled


def test_no_page_shows_a_raw_code(client, case):
    codes = known_codes()
    pattern = re.compile(r"(?<![\w/-])(" + "|".join(map(re.escape, sorted(codes))) + r")(?![\w-])")
    found: dict[str, set[str]] = {}
    for user in case["users"]:
        client.force_login(user)
        for route in all_routes():
            if route.name in VERBATIM_ROUTES:
                continue
            for url in case_urls(route, case):
                page = client.get(url)
                if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
                    continue
                for code in pattern.findall(visible_text(page.content.decode())):
                    found.setdefault(f"{route.name} ({user.role})", set()).add(code)
        client.logout()
    assert not found, "\n".join(f"{where}: {sorted(c)}" for where, c in sorted(found.items()))
