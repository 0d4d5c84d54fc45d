"""A masked report narrowed to a county part or a municipality: the rows and columns of the
county's protected report that concern that area, and nothing else.

A masked report narrowed by a filter of its own would be another table a reader can subtract
from the county's; protecting every such table together with the county's was measured too
slow for a chat answer (docs/disclosure-control.md). The county's report already prints, among
its linked and jointly protected tables, the flow by county part, the active by county part,
by county part × gender × age band and by municipality, and exits by municipality × SUS group.
The view prints those figures for one area, with the marks the county's protection gave them,
so it tells a reader nothing the county's report does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from storage.reports.result import COMPOSITE, CountTable, Mask, Position, Report

# Table: is the area its rows ("rows") or its columns ("columns"); which areas it has.
_BY_PART = {"flows_county_part": "columns", "active_county_part": "rows",
            "active_part_age": "rows"}
_BY_TOWN = {"active_municipality": "rows", "exits_municipality": "rows"}


def area_view(report: Report, part: str, towns: tuple[str, ...],
              town: str | None = None) -> Report:
    """The protected county report's figures for `part` (and its municipalities `towns`), or for
    one municipality `town` of it. Shares, goals and medians are the county's, so none is
    printed."""
    tables: dict[str, CountTable] = {}
    wanted_towns = (town,) if town is not None else towns
    for key, table in report.tables.items():
        if town is None and key in _BY_PART:
            sliced = _slice(table, _BY_PART[key], lambda name: _of_part(name, part))
        elif key in _BY_TOWN:
            sliced = _slice(table, _BY_TOWN[key], lambda name: name in wanted_towns)
        else:
            continue
        if sliced is not None:
            tables[key] = sliced
    return replace(report, tables=tables, shares=(), medians=(), goals=())


def _of_part(name: str, part: str) -> bool:
    """A row or column of `part`: its name, or a composite row of it ("Norra|woman")."""
    return name == part or name.startswith(part + COMPOSITE)


def _slice(table: CountTable, axis: str, keep: Callable[[str], bool]) -> CountTable | None:
    """The table with only the rows (or columns) `keep` accepts, their cells' marks carried
    over. The totals across the kept rows (columns) are the county's, so they go; a kept row's
    own total stays when every column is kept."""
    n, m = len(table.rows), len(table.columns)
    row_map: dict[int, int] = {i: i for i in range(n)}
    column_map: dict[int, int] = {j: j for j in range(m)}
    if axis == "rows":
        row_map = {old: new for new, old in enumerate(i for i in range(n) if keep(table.rows[i]))}
        row_totals = table.row_totals
    else:
        column_map = {old: new for new, old in enumerate(
            j for j in range(m) if keep(table.columns[j]))}
        row_totals = False
    if not row_map or not column_map:
        return None
    width = len(column_map)
    if row_totals:
        column_map[m] = width
    masks: dict[Position, Mask] = {
        (row_map[i], column_map[j]): mask for (i, j), mask in table.masks.items()
        if i in row_map and j in column_map
    }
    return replace(
        table,
        rows=tuple(table.rows[i] for i in row_map),
        columns=tuple(table.columns[j] for j in column_map if j < m),
        counts=tuple(tuple(table.counts[i][j] for j in column_map if j < m) for i in row_map),
        masks=masks,
        row_totals=row_totals,
        column_totals=False,
    )
