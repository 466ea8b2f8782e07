"""Helpers for the hostile-input catalogue: every URL pattern, every form on a page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

# Prefixes that are not ours to catalogue here: Django's admin (reference data for the
# administrator, Django-tested), the language switch, and the API (test_api_bad_input).
SKIP_PREFIXES = ("beheer/", "i18n/", "api/", "static/")

CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "huishoudens/<str:number>/status/"
    name: str

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in CONVERTER.finditer(self.route)]

    def url(self, **values: object) -> str:
        def fill(match: re.Match) -> str:
            return str(values.get(match.group("name"), "1"))

        return "/" + CONVERTER.sub(fill, self.route)


def all_routes() -> list[Route]:
    """Every page route of the project, also those added by later apps."""
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            text = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, text, ns)
            elif isinstance(p, URLPattern):
                if text.startswith(SKIP_PREFIXES) or text.startswith("^"):
                    continue
                routes.append(Route(text, f"{namespace}{p.name or ''}"))

    walk(get_resolver().url_patterns, "", "")
    return routes


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # name -> input type/tag


class FormParser(HTMLParser):
    """Collects the POST forms of a page with a plausible default for each field."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[HtmlForm] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    @property
    def _form(self) -> HtmlForm | None:
        return self.forms[-1] if self.forms else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(HtmlForm(a.get("action", ""), a.get("method", "get").lower()))
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind == "checkbox" and "checked" not in a:
                self._form.kinds[a["name"]] = kind
                return
            self._form.fields[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
            self._form.kinds[a["name"]] = kind
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._select_first = None
            self._form.kinds[a["name"]] = "select"
            self._form.fields[a["name"]] = ""
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a or (self._select_first is None and value):
                self._form.fields[self._select] = value
                self._select_first = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.kinds[a["name"]] = "textarea"
            self._form.fields[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data


def post_forms(html: str) -> list[HtmlForm]:
    parser = FormParser()
    parser.feed(html)
    return [f for f in parser.forms if f.method == "post"]


def row_counts() -> dict[str, int]:
    """Rows per model, to prove that nothing was written (audit reads excluded)."""
    skip = {"audit.auditevent", "audit.auditchain", "sessions.session"}
    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label_lower not in skip and not m._meta.label_lower.startswith("axes.")
    }
