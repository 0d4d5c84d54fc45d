"""`finansiärstabeller`: the funders' and evaluator's tables in chat, each count with its
share of the column beside it, and the goals as goal, result and difference.

The same report as `rapport` (one protected result; the same fields, form and files: the
download buttons give the whole report, these tables included), drawn as cards of their own so
that no message passes Teams' 28 KB.
"""

from __future__ import annotations

import json
from typing import Any

from dialogs.cards import card, card_message, command_action, facts, heading, paragraph, table
from dialogs.reply import Reply
from dialogs.report import one_liner, sees_individuals, show_with
from dialogs.report_text import (
    cell_text,
    filter_lines,
    goal_lines,
    key_label,
    percent_text,
    share_lines,
)
from dialogs.router import Route, Turn
from dialogs.texts import t
from storage.permissions import Action
from storage.reports import TOTAL, CountTable, Report, ReportFilter
from storage.reports.funders import FUNDER_TABLES

# A card is filled with tables up to this size; Teams refuses a message over 28 KB.
CARD_BUDGET = 22_000


def funder_grid(table: CountTable, locale: str | None) -> list[list[str]]:
    """Header, rows and totals as "count (share of column)"; rows and columns that are zero
    throughout are left out, so wide tables fit a card."""
    n, m = len(table.rows), len(table.columns)
    width = m + (1 if table.row_totals else 0)
    places = list(range(n)) + ([n] if table.column_totals else [])

    def text(i: int, j: int) -> str:
        count = cell_text(table, i, j)
        share = percent_text(table, i, j)
        return count if share == "–" or count == "0" else f"{count} ({share})"

    cells = {(i, j): text(i, j) for i in places for j in range(width)}
    columns = [j for j in range(width) if j == m or any(cells[(i, j)] != "0" for i in places)]
    rows = [i for i in places if i == n or any(cells[(i, j)] != "0" for j in range(width))]
    header = [t(f"report_table.{table.key}", locale)]
    header += [key_label(table.column_vocab, [*table.columns, TOTAL][j], locale)
               for j in columns]
    grid = [header]
    for i in rows or places[-1:]:
        label = key_label(table.row_vocab, [*table.rows, TOTAL][i], locale)
        grid.append([label] + [cells[(i, j)] for j in columns])
    return grid


def _table_items(counts: CountTable, locale: str | None) -> list[dict[str, Any]]:
    if counts.withheld:
        return [paragraph(f"**{t(f'report_table.{counts.key}', locale)}**: "
                          f"{t('report_too_few', locale)}")]
    return [table(funder_grid(counts, locale), number_width=2)]


def funder_cards(report: Report, wanted: ReportFilter, locale: str | None) -> list[Reply]:
    """The overview (filter, goals: goal, result, difference; shares) with download buttons,
    then the tables, as many to a card as fit under the budget."""
    title = t("funders_title", locale)
    overview = [heading(title), facts(filter_lines(report, locale))]
    if report.goals:
        overview += [paragraph(t("report_goals", locale)), facts(goal_lines(report, locale))]
    shares = share_lines(report, locale)
    overview += [*([facts(shares)] if shares else []),
                 paragraph(t("funders_percent_note", locale), subtle=True)]
    actions = [
        command_action(t("report_button_csv", locale), one_liner(wanted, "csv")),
        command_action(t("report_button_xlsx", locale), one_liner(wanted, "xlsx")),
    ]
    messages = [card_message(card(overview, actions), title)]
    body: list[dict[str, Any]] = []
    for key in FUNDER_TABLES:
        if key not in report.tables:
            continue  # a masked report viewed for one area has its area's tables only
        items = _table_items(report.tables[key], locale)
        if body and _size(body + items) > CARD_BUDGET:
            messages.append(card_message(card(body), title))
            body = []
        body += items
    if body:
        messages.append(card_message(card(body), title))
    return messages


def _size(body: list[dict[str, Any]]) -> int:
    return len(json.dumps(body, ensure_ascii=False).encode("utf-8"))


async def show_funder_tables(turn: Turn) -> None:
    await show_with(turn, funder_cards, form=False)


ROUTES = [
    Route(
        ("finansiärstabeller", "finansiarstabeller", "rapport finansiär", "funder tables"),
        show_funder_tables,
        "help_cmd_funders",
        Action.READ_REPORT,
        private=sees_individuals,
    ),
]
