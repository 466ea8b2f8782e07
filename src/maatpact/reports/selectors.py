"""Computing the interim report: every registered section, protected, for one context."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from maatpact.common import versions
from maatpact.common.sql import ids_sql

from .context import ReportContext
from .db import report_session
from .registry import ReportSection, SectionResult, get_section, report_sections
from .suppression import protect


@dataclass
class RenderedSection:
    section: ReportSection
    result: SectionResult


@dataclass
class Report:
    context: ReportContext
    sections: list[RenderedSection] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: displayed (suppressed) values only, never the exact ones outside
        the regional team."""
        ctx = self.context
        return {
            "period": {"from": ctx.date_from.isoformat(), "to": ctx.date_to.isoformat()},
            "scope": ctx.municipality.cbs_code if ctx.municipality else "regio",
            "audience": ctx.audience,
            "exact": ctx.exact,
            "sections": [_section_dict(s, ctx.exact) for s in self.sections],
        }


CENT = Decimal("0.01")


def _plain(v: Any) -> Any:
    """JSON values: every Decimal in the report is an amount of money, written as a
    string with exactly two decimals (the database may drop trailing zeros of a sum)."""
    if isinstance(v, Decimal):
        return str(v.quantize(CENT))
    return v


def _section_dict(rendered: RenderedSection, exact: bool) -> dict[str, Any]:
    result = rendered.result

    def cell(c):
        return {
            "display": c.display,
            "value": None if c.suppressed else _plain(c.value),
            "suppressed": c.suppressed,
        }

    return {
        "key": rendered.section.key,
        "title": rendered.section.title,
        "figures": [
            {
                "key": f.key,
                "label": f.label,
                "display": f.display,
                "value": None if f.suppressed else _plain(f.value),
                "suppressed": f.suppressed,
                "provenance": asdict(f.provenance),
            }
            for f in result.figures
        ],
        "tables": [
            {
                "key": t.key,
                "caption": t.caption,
                "columns": t.columns,
                "rows": [[cell(c) for c in row] for row in t.rows],
                "provenance": asdict(t.provenance),
            }
            for t in result.tables
        ],
        "charts": [{"key": c.key, "title": c.title, "alt": c.alt} for c in result.charts],
        "notes": result.notes,
    }


def scope_key(ctx: ReportContext) -> tuple:
    """Everything a cached section result depends on besides its data sources: the
    audience, the period, and the exact households and municipalities in scope (their
    compiled queries)."""
    return (
        ctx.audience,
        ctx.date_from,
        ctx.date_to,
        ctx.municipality.pk if ctx.municipality else None,
        ctx.organisation_id,
        ctx.household_ids_sql(),
        ids_sql(ctx.municipalities),
    )


def compute_section(ctx: ReportContext, section: ReportSection) -> SectionResult | None:
    if section.sources:
        key = scope_key(ctx)
        if section.cache_key is not None:
            key = (key, section.cache_key(ctx))
        result = versions.cached_figure(
            f"section:{section.key}",
            key,
            section.sources,
            lambda: section.compute(ctx),
        )
    else:
        result = section.compute(ctx)
    if result is None:
        return None
    return protect(result, exact=ctx.exact)


def build_report(ctx: ReportContext) -> Report:
    report = Report(ctx)
    with report_session():
        for section in report_sections(ctx.audience):
            result = compute_section(ctx, section)
            if result is not None:
                report.sections.append(RenderedSection(section, result))
    return report


def section_for(ctx: ReportContext, key: str) -> SectionResult | None:
    section = get_section(key)
    if section is None or ctx.audience not in section.audiences:
        return None
    with report_session():
        return compute_section(ctx, section)
