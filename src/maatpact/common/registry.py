"""Extension points through which domain apps contribute to shared pages.

The household page, the worklist and the navigation are owned by the households and
common apps, but their content comes from many domain apps (assessments, budget,
obstacles...). Rather than letting every app edit one template, each app registers a
*panel*, a *worklist source* or a *nav item* in its ``AppConfig.ready()``. The shared
views iterate the registry. Each provider must issue a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HouseholdPanel:
    """A section of the household page.

    ``context`` receives ``(request, household, full_access)`` and returns a dict for
    ``template``, or ``None`` to hide the panel.
    """

    key: str
    order: int
    template: str
    context: Callable[..., dict[str, Any] | None]
    # When False the panel is shown on the pseudonymised view as well.
    personal: bool = True
    # Special-category data (which law pays for which help): shown only to those who
    # may see it (``policies.has_special_access``), e.g. not to a partner without a
    # cross-domain record.
    special: bool = False


@dataclass(frozen=True)
class WorklistSource:
    """Items for a user's worklist: ``items(user) -> iterable of WorklistItem``."""

    key: str
    order: int
    items: Callable[..., Iterable[WorklistItem]]


@dataclass(frozen=True)
class WorklistItem:
    kind: str  # e.g. "herbeoordeling", "actie", "goedkeuring", "escalatie"
    label: str
    url: str
    household_number: str = ""
    due: Any = None
    overdue: bool = False


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: every role


_panels: dict[str, HouseholdPanel] = {}
_worklist: dict[str, WorklistSource] = {}
_nav: dict[str, NavItem] = {}


def register_panel(panel: HouseholdPanel) -> None:
    _panels[panel.key] = panel


def register_worklist_source(source: WorklistSource) -> None:
    _worklist[source.key] = source


def register_nav(item: NavItem) -> None:
    _nav[item.url_name] = item


def panels() -> list[HouseholdPanel]:
    return sorted(_panels.values(), key=lambda p: p.order)


def worklist_sources() -> list[WorklistSource]:
    return sorted(_worklist.values(), key=lambda s: s.order)


def nav_items(role: str | None) -> list[NavItem]:
    return sorted(
        (n for n in _nav.values() if not n.roles or (role and role in n.roles)),
        key=lambda n: n.order,
    )
