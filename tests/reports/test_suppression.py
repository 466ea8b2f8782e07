"""The small-cell rule: one function, applied to every section for everyone but the
regional team, including figures from which a hidden count could be derived."""

from __future__ import annotations

from maatpact.reports.context import build_context
from maatpact.reports.registry import Cell, Figure, Provenance, SectionResult, Table
from maatpact.reports.selectors import build_report
from maatpact.reports.suppression import COMPLEMENT, SUPPRESSED, is_small, protect

from .conftest import PERIOD

P = Provenance("x", "y", 0)


def _counts(values: list[list[int]]) -> Table:
    rows = [
        [Cell(f"r{i}"), *(Cell(v, v, additive=True) for v in row)] for i, row in enumerate(values)
    ]
    return Table("t", "t", ["", "a", "b", "totaal"], rows, P, total_row=len(rows) - 1, total_col=3)


def test_is_small_boundary():
    assert is_small(0) and is_small(4)
    assert not is_small(5) and not is_small(100)
    assert not is_small(None)


def test_exact_for_regional_team():
    result = protect(
        SectionResult(tables=[_counts([[3, 10, 13], [7, 9, 16], [10, 19, 29]])]), exact=True
    )
    assert [c.display for c in result.tables[0].rows[0]][1:] == ["3", "10", "13"]


def test_small_cell_and_its_complement_are_hidden():
    # Row 0 has one small cell (3): with its total shown, 10 would reveal it, so 10 is hidden
    # too; the column of 3 then has one hidden cell, so the smallest other one (7) goes too.
    table = _counts([[3, 10, 13], [7, 9, 16], [10, 19, 29]])
    protect(SectionResult(tables=[table]), exact=False)
    shown = [[c.display for c in row[1:]] for row in table.rows]
    assert shown[0][0] == SUPPRESSED
    assert shown[0][1] == COMPLEMENT
    assert shown[1][0] == COMPLEMENT
    # No line has exactly one hidden additive cell any more.
    for line in ([r[1], r[2]] for r in table.rows[:-1]):
        assert sum(c.suppressed for c in line) != 1
    for col in (1, 2):
        assert sum(r[col].suppressed for r in table.rows[:-1]) != 1


def test_sum_of_hidden_cells_may_not_be_small():
    # 2 + 2 hidden would still reveal "4 households" through the total: hide 10 as well.
    table = _counts([[2, 2, 10, 14], [9, 8, 7, 24], [11, 10, 17, 38]])
    table.columns = ["", "a", "b", "c", "totaal"]
    table.total_col = 4
    protect(SectionResult(tables=[table]), exact=False)
    assert [c.suppressed for c in table.rows[0][1:4]] == [True, True, True]


def test_derived_figures_are_hidden():
    figure = Figure("m", "mediaan", 41.5, 3, Provenance("x", "y", 3), unit="dagen")
    mean = Cell(2.5, households=4)
    result = protect(
        SectionResult(
            figures=[figure], tables=[Table("z", "z", ["", "gem"], [[Cell("x"), mean]], P)]
        ),
        exact=False,
    )
    assert result.figures[0].display == SUPPRESSED
    assert result.figures[0].provenance.households is None  # the count itself is hidden
    assert mean.display == SUPPRESSED


def _cells(report, section, table, first):
    s = next(s.result for s in report.sections if s.section.key == section)
    return next(r for r in s.table(table).rows if r[0].value == first)


def test_analyst_sees_goirle_suppressed_regional_team_exact(report_data, analyst, regional):
    exact = build_report(build_context(regional, *PERIOD))
    hidden = build_report(build_context(analyst, *PERIOD))
    assert _cells(exact, "households", "per_gemeente", "Goirle")[5].display == "2"
    row = _cells(hidden, "households", "per_gemeente", "Goirle")
    assert row[5].display == SUPPRESSED
    assert all(c.display in (SUPPRESSED, COMPLEMENT) for c in row[1:] if c.value)
    # The JSON never carries the hidden value.
    data = hidden.to_dict()
    section = next(s for s in data["sections"] if s["key"] == "households")
    goirle = next(r for r in section["tables"][0]["rows"] if r[0]["display"] == "Goirle")
    assert goirle[5] == {"display": SUPPRESSED, "value": None, "suppressed": True}


def test_team_lead_gets_own_municipality_only(report_data, goirle_team_lead):
    report = build_report(build_context(goirle_team_lead, *PERIOD))
    table = next(s.result for s in report.sections if s.section.key == "households").table(
        "per_gemeente"
    )
    assert [r[0].value for r in table.rows] == ["Goirle", "Totaal"]
    assert table.rows[0][5].display == SUPPRESSED  # 2 households


def test_financier_sees_only_its_part(report_data, financier):
    report = build_report(build_context(financier, *PERIOD))
    keys = [s.section.key for s in report.sections]
    assert "obstacles" not in keys and "first_help" not in keys
    cost = next(s.result for s in report.sections if s.section.key == "system_cost")
    names = [r[0].value for r in cost.table("per_financier").rows]
    assert names == [report_data.insurer.name, "Totaal"]
