"""Menu entries of the reports app (see common.registry)."""

from maatpact.common.registry import NavItem, register_nav

register_nav(
    NavItem(
        "Dashboard",
        "reports:dashboard",
        5,
        frozenset({"regisseur", "teamleider", "programmateam", "analist", "financier"}),
    )
)
register_nav(
    NavItem(
        "Tussentijdse rapportage",
        "reports:interim",
        30,
        frozenset({"teamleider", "programmateam", "analist", "financier"}),
    )
)
register_nav(NavItem("Export", "reports:export", 40, frozenset({"programmateam", "analist"})))
