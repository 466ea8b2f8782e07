"""Every edit form of the project, submitted unchanged, changes nothing (issue 15).

The edit forms are found by walking the URL configuration, not by a list kept here: a
route is an edit route when its name is ``edit`` or ends in ``_edit`` (the convention in
docs/architecture.md). For a fully filled case, every page reachable with the case's
numbers is opened as each writing role; every POST form on it that targets an edit route
is submitted exactly as a browser would send it untouched (``tests.html_forms``). After
each submission no stored row may differ, no row may be added (no plan version, no
audit "update", no data-version change) except the audit records of reads.

A new edit route that this fixture cannot reach fails the coverage assertion: fill the
fixture further rather than leaving the form untested. A page that shows a ModelForm bound
to a stored object without an edit route name fails too, so the convention cannot be
forgotten silently.
"""

from __future__ import annotations

import re

import pytest
from django.forms import BaseModelForm
from django.urls import resolve
from django.urls.exceptions import Resolver404

from maatpact.audit.models import AuditEvent
from tests.crawl import all_routes, case_urls, fill_case
from tests.html_forms import database_rows, differences, page_forms

EDIT_ROUTE = re.compile(r"(^|_)edit$")


def edit_route_names() -> set[str]:
    return {r.name for r in all_routes() if EDIT_ROUTE.search(r.name.rsplit(":", 1)[-1])}


def test_the_url_configuration_has_edit_routes():
    """The walk itself works: the known edit pages are among what it finds."""
    names = edit_route_names()
    assert {"plans:edit", "plans:action_edit", "provisions:edit"} <= names


@pytest.fixture
def filled_case(db):
    return fill_case()


def _stored_object_forms(page) -> list[str]:
    """ModelForms on the page bound to a stored object: an edit form by construction."""
    seen: dict[int, str] = {}
    for context in page.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if isinstance(value, BaseModelForm) and value.instance.pk is not None:
                seen[id(value)] = type(value).__name__
    return sorted(seen.values())


def _edit_forms_on(client, url: str, edit_routes: set[str], unnamed: list[str]):
    page = client.get(url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        return []
    page_route = resolve(url).view_name
    if page_route not in edit_routes:
        unnamed.extend(f"{page_route}: {name}" for name in _stored_object_forms(page))
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
    unnamed: list[str] = []
    for user in filled_case["users"]:
        client.force_login(user)
        for route in all_routes():
            for url in case_urls(route, filled_case):
                for name, target, form in _edit_forms_on(client, url, edit_routes, unnamed):
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
    # A page that edits a stored object through a ModelForm must carry an edit route name,
    # or this test would not find it.
    assert not unnamed, f"bewerkformulier zonder edit-routenaam: {sorted(set(unnamed))}"
    assert covered == edit_routes, f"niet bereikt: {sorted(edit_routes - covered)}"
