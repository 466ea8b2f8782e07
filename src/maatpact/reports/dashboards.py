"""Role dashboards: real aggregated figures per role, contributed as tiles.

Counts of households the user has full access to anyway (a coordinator's own, a team
lead's municipality) are exact; counts over households the user cannot open (analyst,
financier) pass the small-cell rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse

from maatpact.accounts import policies
from maatpact.accounts.models import Role
from maatpact.common import dates
from maatpact.households.models import Household, ProcessingBasis

from .registry import DashboardTile, Tile, dashboard_tiles, register_dashboard_tile
from .suppression import protect_value


@dataclass
class DashboardContext:
    user: Any
    cache: dict[str, Any] = field(default_factory=dict)

    def worklist(self):
        if "worklist" not in self.cache:
            from maatpact.households.selectors import worklist_items

            self.cache["worklist"] = worklist_items(self.user)
        return self.cache["worklist"]


def build_dashboard(user) -> list[Tile]:
    dctx = DashboardContext(user)
    tiles = []
    for tile in dashboard_tiles(user.role):
        result = tile.compute(dctx)
        if result is not None:
            tiles.append(result)
    return tiles


def _status_rows(qs) -> list[tuple[str, Any]]:
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return [(s.label, counts.get(s.value, 0)) for s in Household.Status]


def _shown(n: int, exact: bool) -> str:
    return protect_value(n, n, exact=exact)[0]


# --- Coordinator and team lead -------------------------------------------------------


def my_households(dctx: DashboardContext) -> Tile:
    qs = policies.full_access_households(dctx.user)
    rows = _status_rows(qs)
    title = "Mijn huishoudens" if dctx.user.role == Role.REGISSEUR else "Huishoudens gemeente"
    url = "households:worklist" if dctx.user.role == Role.REGISSEUR else "households:overview"
    return Tile(title, sum(n for _, n in rows), rows=rows, url=reverse(url), link_label="Open")


def due_items(dctx: DashboardContext) -> Tile:
    items = dctx.worklist()
    kinds: dict[str, int] = {}
    for item in items:
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
    return Tile(
        "Te doen",
        len(items),
        caption=f"waarvan {sum(1 for i in items if i.overdue)} te laat",
        rows=sorted(kinds.items()),
    )


def approvals_escalations(dctx: DashboardContext) -> Tile:
    items = dctx.worklist()
    approvals = sum(1 for i in items if i.kind == "goedkeuring")
    escalations = [i for i in items if i.kind == "escalatie"]
    return Tile(
        "Goedkeuringen en escalaties",
        approvals + len(escalations),
        rows=[
            ("Wachten op goedkeuring", approvals),
            ("Escalaties", len(escalations)),
            ("Escalaties over de termijn", sum(1 for i in escalations if i.overdue)),
        ],
    )


def coordinators_load(dctx: DashboardContext) -> Tile:
    from maatpact.households.selectors import municipality_overview

    overview = municipality_overview(dctx.user)
    rows = [(f"{c['first_name']} {c['last_name']}", c["n"]) for c in overview["by_coordinator"]]
    return Tile("Regisseurs", len(rows), caption="huishoudens per regisseur", rows=rows)


# --- Regional team and analyst ---------------------------------------------------------


def region_households(dctx: DashboardContext) -> Tile:
    exact = policies.report_exact(dctx.user)
    qs = policies.report_households(dctx.user)
    per_mun = list(
        qs.order_by()
        .values("municipality__name")
        .annotate(n=Count("pk"), active=Count("pk", filter=Q(status="actief")))
        .order_by("municipality__name")
    )
    total = sum(r["n"] for r in per_mun)
    if exact:
        rows = [(r["municipality__name"], f"{r['n']} ({r['active']} actief)") for r in per_mun]
    else:
        rows = [(s, _shown(n, exact)) for s, n in _status_rows(qs)]
    return Tile(
        "Huishoudens in de regio",
        _shown(total, exact),
        caption="per gemeente (actief)" if exact else "naar status",
        rows=rows,
        url=reverse("reports:interim"),
        link_label="Naar de tussentijdse rapportage",
    )


def recent_activity(dctx: DashboardContext) -> Tile:
    exact = policies.report_exact(dctx.user)
    since = dates.today() - timedelta(days=90)
    qs = policies.report_households(dctx.user)
    figures = qs.aggregate(
        registered=Count("pk", filter=Q(registered_on__gte=since)),
        started=Count("pk", filter=Q(started_on__gte=since)),
        closed=Count("pk", filter=Q(closed_on__gte=since)),
    )
    from maatpact.obstacles.models import Obstacle

    obstacles = Obstacle.objects.filter(
        municipality__in=policies.report_municipalities(dctx.user), raised_at__date__gte=since
    ).aggregate(n=Count("pk"), h=Count("household", distinct=True))
    return Tile(
        "Laatste 90 dagen",
        _shown(figures["registered"], exact),
        caption="nieuwe aanmeldingen",
        rows=[
            ("Actief geworden", _shown(figures["started"], exact)),
            ("Afgesloten", _shown(figures["closed"], exact)),
            ("Knelpunten gemeld", protect_value(obstacles["n"], obstacles["h"], exact=exact)[0]),
        ],
    )


def measurements(dctx: DashboardContext) -> Tile:
    from maatpact.assessments.models import Assessment

    exact = policies.report_exact(dctx.user)
    figures = Assessment.objects.filter(
        household__in=policies.report_households(dctx.user).order_by().values("pk")
    ).aggregate(n=Count("pk"), h=Count("household", distinct=True))
    return Tile(
        "Metingen (ZRM)",
        protect_value(figures["n"], figures["h"], exact=exact)[0],
        caption="metingen in totaal",
        rows=[("Huishoudens met een meting", _shown(figures["h"], exact))],
    )


def export_tile(dctx: DashboardContext) -> Tile | None:
    if not policies.can_export(dctx.user):
        return None
    from .registry import export_datasets

    names = [d.title for d in export_datasets()]
    return Tile(
        "Gepseudonimiseerde export",
        len(names),
        caption="gegevenssets: " + ", ".join(names),
        url=reverse("reports:export"),
        link_label="Export maken",
    )


# --- Financier ---------------------------------------------------------------------------


def financier_figures(dctx: DashboardContext) -> Tile:
    """Consent count and the cost currently financed by the user's organisation."""
    from maatpact.provisions.models import Provision

    org = dctx.user.organisation_id
    today = dates.today()
    households = policies.report_households(dctx.user)
    consent = (
        ProcessingBasis.objects.filter(
            household__in=households.order_by().values("pk"),
            partner_id=org,
            basis=ProcessingBasis.Basis.TOESTEMMING,
            kind=ProcessingBasis.Kind.DELEN,
            given_on__lte=today,
        )
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
        .aggregate(h=Count("household", distinct=True))["h"]
    )
    running = Provision.objects.filter(
        household__in=households.order_by().values("pk"),
        financier_id=org,
        cost_kind=Provision.CostKind.MAANDELIJKS,
        starts_on__lte=today,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    figures = running.aggregate(h=Count("household", distinct=True), month=Sum("amount"))
    per_year = (figures["month"] or Decimal(0)) * 12
    return Tile(
        "Uw organisatie in het programma",
        _shown(consent, False),
        caption="huishoudens met toestemming om met u te delen",
        rows=[
            ("Huishoudens met een lopende voorziening van u", _shown(figures["h"], False)),
            (
                "Lopende kosten per jaar (uw voorzieningen)",
                protect_value(per_year, figures["h"], exact=False)[0],
            ),
        ],
        url=reverse("reports:interim"),
        link_label="Naar uw deel van de rapportage",
    )


register_dashboard_tile(
    DashboardTile("my_households", 10, frozenset({Role.REGISSEUR, Role.TEAMLEIDER}), my_households)
)
register_dashboard_tile(
    DashboardTile("due", 20, frozenset({Role.REGISSEUR, Role.TEAMLEIDER}), due_items)
)
register_dashboard_tile(
    DashboardTile(
        "approvals", 30, frozenset({Role.REGISSEUR, Role.TEAMLEIDER}), approvals_escalations
    )
)
register_dashboard_tile(
    DashboardTile("coordinators", 40, frozenset({Role.TEAMLEIDER}), coordinators_load)
)
register_dashboard_tile(
    DashboardTile("region", 10, frozenset({Role.PROGRAMMATEAM, Role.ANALIST}), region_households)
)
register_dashboard_tile(
    DashboardTile(
        "recent",
        20,
        frozenset({Role.PROGRAMMATEAM, Role.ANALIST, Role.TEAMLEIDER}),
        recent_activity,
    )
)
register_dashboard_tile(
    DashboardTile("measurements", 30, frozenset({Role.PROGRAMMATEAM, Role.ANALIST}), measurements)
)
register_dashboard_tile(
    DashboardTile("export", 90, frozenset({Role.PROGRAMMATEAM, Role.ANALIST}), export_tile)
)
register_dashboard_tile(
    DashboardTile("financier", 10, frozenset({Role.FINANCIER}), financier_figures)
)
