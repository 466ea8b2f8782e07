"""Read the forms of a page the way a browser submits them, and snapshot the database.

``page_forms(html)`` returns each ``<form>`` with the values a browser would send when
the user presses a submit button without touching anything: text, hidden and
date inputs with their ``value``, checked boxes and radios, the selected options (or the
first option of a single select), the text of a textarea. A date the browser's date
input cannot show (anything but ISO) is sent empty, as a real browser does.

``database_rows()`` is every stored row of every table, to prove a round trip wrote
nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_TIME = re.compile(r"\d{2}:\d{2}(:\d{2})?")
SKIPPED_INPUTS = {"submit", "button", "reset", "image", "file"}


@dataclass
class PageForm:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # name -> input type, for the assertions' messages
    types: dict[str, str] = field(default_factory=dict)
    # submit buttons in page order: (name, value, text); a nameless button sends nothing
    buttons: list[tuple[str, str, str]] = field(default_factory=list)

    def data(self, press: str | None = None, **typed: str) -> dict[str, list[str]]:
        """What the browser sends: the fields as shown, ``typed`` values replacing those
        of fields of this form (a field of another form is not sent), and the button
        whose text contains ``press`` (the first button when None)."""
        out: dict[str, list[str]] = {}
        for name, value in self.fields:
            out.setdefault(name, []).append(value)
        for name, value in typed.items():
            if name in out or name in self.types:
                out[name] = [value]
        button = self.button(press)
        if button is not None and button[0]:
            out[button[0]] = [button[1]]
        return out

    def button(self, press: str | None = None) -> tuple[str, str, str] | None:
        for button in self.buttons:
            if press is None or press.lower() in button[2].lower():
                return button
        return None


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None
        self._button: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = PageForm(action=a.get("action", ""), method=a.get("method", "get").lower())
            return
        form = self._form
        if form is None:
            return
        if tag == "input":
            self._input(form, a)
        elif tag == "button":
            if a.get("type", "submit").lower() == "submit" and "disabled" not in a:
                self._button = {"name": a.get("name", ""), "value": a.get("value", ""), "text": ""}
        elif tag == "select" and "disabled" not in a:
            self._select = {
                "name": a.get("name", ""),
                "multiple": "multiple" in a,
                "options": [],
            }
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea" and "disabled" not in a:
            self._textarea = {"name": a.get("name", ""), "text": ""}

    def _input(self, form: PageForm, a: dict[str, str]) -> None:
        kind = a.get("type", "text").lower()
        name = a.get("name", "")
        if "disabled" in a or (not name and kind != "submit"):
            return
        if kind in SKIPPED_INPUTS:
            if kind == "submit":
                form.buttons.append((name, a.get("value", ""), a.get("value", "")))
            return
        form.types[name] = kind
        if kind in ("checkbox", "radio"):
            if "checked" in a:
                form.fields.append((name, a.get("value", "on")))
            return
        value = a.get("value", "")
        # A browser's date and time inputs drop a value they cannot read.
        if kind == "date" and value and not ISO_DATE.fullmatch(value):
            value = ""
        if kind == "time" and value and not ISO_TIME.fullmatch(value):
            value = ""
        form.fields.append((name, value))

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data
        if self._button is not None:
            self._button["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._option = None
        elif tag == "button" and self._button is not None and self._form is not None:
            b = self._button
            self._form.buttons.append((b["name"], b["value"], b["text"].strip()))
            self._button = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = self._textarea["text"]
            if text.startswith("\n"):  # the HTML parser keeps the newline after <textarea>
                text = text[1:]
            self._form.fields.append((self._textarea["name"], text.replace("\r\n", "\n")))
            self._form.types[self._textarea["name"]] = "textarea"
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._close_select(self._form, self._select)
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    @staticmethod
    def _close_select(form: PageForm, select: dict) -> None:
        name, options = select["name"], select["options"]
        form.types[name] = "select"
        chosen = [o for o in options if o["selected"]]
        if not chosen and not select["multiple"] and options:
            chosen = options[:1]
        for option in chosen:
            value = option["value"] if option["value"] is not None else option["text"].strip()
            form.fields.append((name, value))


def page_forms(html: str) -> list[PageForm]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


# Tables a read writes to: sessions (login) and the head row of an audit chain, which
# moves with every appended record; the records themselves are compared (reads allowed).
UNTRACKED_TABLES = {"django_session", "audit_auditchain"}


def database_rows() -> dict[str, dict[object, dict]]:
    """Every row of every concrete table, by table and primary key."""
    rows: dict[str, dict[object, dict]] = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in UNTRACKED_TABLES:
            continue
        rows[meta.db_table] = {r["pk_"]: r for r in _values(model)}
    return rows


def _values(model) -> list[dict]:
    from django.db.models import F

    return list(model._base_manager.annotate(pk_=F("pk")).values())


def differences(before: dict, after: dict, *, ignore=lambda table, row: False) -> list[str]:
    """Human-readable list of rows added, removed or changed between two snapshots."""
    found: list[str] = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, {}), after.get(table, {})
        for pk in new.keys() - old.keys():
            if not ignore(table, new[pk]):
                found.append(f"{table}: nieuwe rij {pk} {new[pk]}")
        for pk in old.keys() - new.keys():
            found.append(f"{table}: rij {pk} verwijderd")
        for pk in old.keys() & new.keys():
            changed = {k: (old[pk][k], new[pk][k]) for k in old[pk] if old[pk][k] != new[pk][k]}
            if changed:
                found.append(f"{table}: rij {pk} gewijzigd {changed}")
    return found
