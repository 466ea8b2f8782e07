"""Extension points of the reporting layer: report sections, export datasets, dashboard tiles.

Like ``common.registry`` for the household page, the interim report, the exports and the
dashboards are owned by this app while their content comes from the domain apps. A domain
app adds a module ``<app>/reports.py`` that calls the ``register_*`` functions below; it
is imported automatically when the reports app is ready (see :func:`autodiscover`), so no
app has to edit this one.

A section computes *exact* figures and says for every cell how many households are
behind it; the small-cell rule (``suppression.protect``) is applied by the framework to
every section's result before anything is shown, so a section cannot forget it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps

if TYPE_CHECKING:
    from .context import ReportContext


# --- Figures with their provenance -------------------------------------------------


@dataclass
class Provenance:
    """How a figure was computed: shown on the page under "Hoe berekend"."""

    selector: str  # dotted path of the function that computed it
    query: str  # plain description of the query (population, filters, aggregate)
    # Number of distinct households behind the figure; None once suppressed (<5).
    households: int | None


@dataclass
class Cell:
    """One value in a table, with the number of households behind it.

    ``households`` drives the small-cell rule. ``additive`` cells are household counts
    that add up to a row or column total, so they take part in complementary suppression.
    """

    value: Any
    households: int | None = None
    display: str = ""
    suppressed: bool = False
    additive: bool = False


@dataclass
class Table:
    key: str
    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    provenance: Provenance
    # Index of the row and column holding totals of the additive cells, if any.
    total_row: int | None = None
    total_col: int | None = None


@dataclass
class Figure:
    """A single headline number."""

    key: str
    label: str
    value: Any
    households: int
    provenance: Provenance
    unit: str = ""
    display: str = ""
    suppressed: bool = False


@dataclass
class Chart:
    """A chart drawn from a (protected) table of the same section.

    ``kind``: ``bar``, ``barh``, ``line`` or ``errorbar``. ``label_col`` gives the
    category labels, ``value_cols`` the series; for ``errorbar`` ``ci_cols`` gives the
    (low, high) columns of the confidence interval.
    """

    key: str
    title: str
    table: str
    label_col: int
    value_cols: list[int]
    kind: str = "bar"
    ci_cols: tuple[int, int] | None = None
    ylabel: str = ""
    alt: str = ""


@dataclass
class SectionResult:
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


# Audiences of the report: who reads it decides scope and small-cell suppression.
REGIO = "regio"  # regional team: exact figures
ANALIST = "analist"
GEMEENTE = "gemeente"  # team lead of one municipality
FINANCIER = "financier"
ALL_AUDIENCES = frozenset({REGIO, ANALIST, GEMEENTE, FINANCIER})


@dataclass(frozen=True)
class ReportSection:
    """A section of the interim report.

    ``compute(ctx)`` returns a :class:`SectionResult` with exact figures, or ``None``
    when the section has nothing to show for this context. It must run a constant
    number of aggregate queries, whatever the number of households. A section with
    ``sources`` must depend on nothing but those sources, the context's scope and period
    (``selectors.scope_key``) and what its ``cache_key`` returns; not on the reader (the
    small-cell rule is applied after the cache).
    """

    key: str
    order: int
    title: str
    compute: Callable[[ReportContext], SectionResult | None]
    audiences: frozenset[str] = ALL_AUDIENCES
    intro: str = ""
    # Data sources (``common.versions``) the section reads. When given, its exact result
    # is cached per scope and period until one of them changes; every service writing them
    # calls ``versions.data_changed``. Empty: computed on every request.
    sources: tuple[str, ...] = ()
    # Anything else a cached result depends on (e.g. today's date), added to its key.
    cache_key: Callable[[ReportContext], Any] | None = None


# --- Export datasets ----------------------------------------------------------------


@dataclass(frozen=True)
class ExportDataset:
    """One sheet (Excel) or file (CSV) of the pseudonymised export.

    ``rows(ctx)`` yields one list per row matching ``columns``; it receives an
    ``ExportContext`` with the households in scope and ``ctx.pseudonym(household_id)``.
    Rows must never contain names, BSNs, addresses, dates of birth or free text.
    """

    key: str
    order: int
    title: str
    columns: list[str]
    rows: Callable[..., Iterable[list[Any]]]


# --- Dashboard tiles ----------------------------------------------------------------


@dataclass
class Tile:
    title: str
    value: Any
    caption: str = ""
    url: str = ""
    link_label: str = ""
    rows: list[tuple[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class DashboardTile:
    """A block on the role dashboard for the ``roles``.

    ``compute(dctx)`` receives a ``dashboards.DashboardContext`` (``dctx.user``, a
    per-request ``dctx.worklist()``) and returns a :class:`Tile` or ``None``. Counts
    shown to roles outside the regional team must go through ``suppression.protect_value``
    unless the user has full access to every household behind them.
    """

    key: str
    order: int
    roles: frozenset[str]
    compute: Callable[..., Tile | None]


_sections: dict[str, ReportSection] = {}
_datasets: dict[str, ExportDataset] = {}
_tiles: dict[str, DashboardTile] = {}


def register_report_section(section: ReportSection) -> None:
    _sections[section.key] = section


def register_export_dataset(dataset: ExportDataset) -> None:
    _datasets[dataset.key] = dataset


def register_dashboard_tile(tile: DashboardTile) -> None:
    _tiles[tile.key] = tile


def report_sections(audience: str | None = None) -> list[ReportSection]:
    return sorted(
        (s for s in _sections.values() if audience is None or audience in s.audiences),
        key=lambda s: (s.order, s.key),
    )


def get_section(key: str) -> ReportSection | None:
    return _sections.get(key)


def export_datasets() -> list[ExportDataset]:
    return sorted(_datasets.values(), key=lambda d: (d.order, d.key))


def dashboard_tiles(role: str) -> list[DashboardTile]:
    return sorted((t for t in _tiles.values() if role in t.roles), key=lambda t: t.order)


# Where the sections of apps that are not merged yet go, so the report keeps its order.
# key -> (order, owning app, what it shows). Documented in docs/reports.md.
RESERVED_SECTIONS: dict[str, tuple[int, str, str]] = {
    "budget": (50, "budget", "regelvrij budget besteed tegen toewijzing, per categorie/gemeente"),
    "escalations": (65, "obstacles", "escalaties per trede en tijd tot doorbraak"),
    "proposals": (70, "obstacles", "structurele voorstellen en hun status"),
    "savings": (90, "outcomes", "besparingsschatting met methode en kanttekeningen"),
    "sib": (95, "outcomes", "SIB-uitkomsten en betalingen"),
    "lessons": (100, "learning", "geleerde lessen per thema"),
}


def _discover_modules() -> Iterator[str]:
    for config in apps.get_app_configs():
        if config.name.startswith("maatpact.") and config.name != "maatpact.reports":
            yield f"{config.name}.reports"


def autodiscover() -> None:
    """Import this app's own sections and every ``<app>.reports`` module."""
    importlib.import_module("maatpact.reports.sections")
    importlib.import_module("maatpact.reports.exports")
    importlib.import_module("maatpact.reports.dashboards")
    for name in _discover_modules():
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
