"""A report as text: the labels, cells, grids and lines that the card, the files and the chart
all show, so each output says the same thing in the same words (dialogs/report_files.py makes
files of them, dialogs/report_chart.py the chart)."""

from __future__ import annotations

from dialogs.texts import language, t
from storage.reports import (
    TOTAL,
    CountTable,
    GoalResult,
    Mask,
    Report,
    Share,
)
from storage.reports.funders import FUNDER_TABLES
from storage.reports.result import COMPOSITE, column_percent
from storage.reports.surveys import Share as SurveyShare
from storage.reports.surveys import SurveyResults

# The order the card, the files and the chart show the tables in.
TABLE_ORDER = (
    "flows",
    "flows_county_part",
    "referrals",
    "pending",
    "active_county_part",
    "active_age",
    "active_income",
    "progression",
    "past_12_months",
    "caseload",
    "placements",
    "placements_active",
    "exits_reason",
    "exits_destination",
    "exits_sus",
    "exits_municipality",
    # The funders' and evaluator's tables (storage/reports/funders.py).
    *FUNDER_TABLES,
    # A report at a date (storage/reports/at_date.py).
    "enrolled_at",
    "in_placement_at",
    "time_in_programme",
)


def table_keys(report: Report) -> list[str]:
    """The report's tables in the order they are shown."""
    return [key for key in TABLE_ORDER if key in report.tables]


def key_label(vocab: str | None, key: str, locale: str | None) -> str:
    """A row or column heading: the vocabulary's label, or the key itself for names."""
    if key == TOTAL:
        return t("report_total", locale)
    if vocab is not None and "+" in vocab:  # a composite row: "Norra|woman"
        return ", ".join(key_label(v or None, k, locale)
                         for v, k in zip(vocab.split("+"), key.split(COMPOSITE), strict=True))
    if vocab is None:
        return key
    if vocab == "gender":
        return t(f"report_gender.{key}", locale)
    return t(f"{vocab}.{key}", locale)


def cell_text(table: CountTable, row: int, column: int) -> str:
    """The number, or one mark for every hidden count (small or hiding a small one: a reader
    must not tell which), or the mark for a count too few to break down."""
    mask = table.mask(row, column)
    if mask == Mask.WITHHELD:
        return t("report_withheld_mark")
    if mask != Mask.SHOWN:
        return t("report_hidden_mark")
    return str(table.value(row, column))


def table_grid(table: CountTable, locale: str | None) -> list[list[str]]:
    """Header row, then one row per key and the totals row, as strings."""
    header = [t(f"report_table.{table.key}", locale)]
    header += [key_label(table.column_vocab, c, locale) for c in table.columns]
    if table.row_totals:
        header.append(t("report_total", locale))
    m = len(table.columns) + (1 if table.row_totals else 0)
    grid = [header]
    for i, key in enumerate(table.rows):
        grid.append(
            [key_label(table.row_vocab, key, locale)]
            + [cell_text(table, i, j) for j in range(m)]
        )
    if table.column_totals:
        n = len(table.rows)
        grid.append(
            [t("report_total", locale)] + [cell_text(table, n, j) for j in range(m)]
        )
    return grid


def percent_text(table: CountTable, row: int, column: int) -> str:
    """A count's share of its column's total, as printed beside it: only from printed counts
    (`result.column_percent`), else "–"."""
    value = column_percent(table, row, column)
    return "–" if value is None else percent(value)


def percent_grid(table: CountTable, locale: str | None) -> list[list[str]]:
    """As `table_grid`, with each count's share of its column's total beside it in a column
    of its own (the funders' tables in files)."""
    grid = table_grid(table, locale)
    m = len(table.columns) + (1 if table.row_totals else 0)
    header = [grid[0][0]]
    for heading in grid[0][1:]:
        header += [heading, f"{heading} {t('report_percent_suffix', locale)}"]
    found = [header]
    places = list(range(len(table.rows))) + ([len(table.rows)] if table.column_totals else [])
    for line, i in zip(grid[1:], places, strict=True):
        row = [line[0]]
        for j in range(m):
            row += [line[1 + j], percent_text(table, i, j)]
        found.append(row)
    return found


def decimal(value: float, locale: str | None) -> str:
    """One decimal, with a decimal comma in Swedish."""
    text = f"{value:.1f}"
    return text.replace(".", ",") if language(locale) == "sv" else text


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def share_lines(report: Report, locale: str | None) -> list[tuple[str, str]]:
    """(label, value) for the goal indicators, each with its target where there is one."""
    lines = []
    for item in report.shares:
        label = t(f"report_share.{item.key}", locale)
        if item.group != TOTAL:
            label += f" ({key_label('gender', item.group, locale)})"
        lines.append((label, _share_value(item, report.goals, locale)))
    for median in report.medians:
        label = t("report_median", locale) + f" ({key_label('gender', median.group, locale)})"
        value = (
            "–"
            if median.days is None
            else t("report_median_value_at" if report.at else "report_median_value", locale,
                   days=round(median.days), months=decimal(median.days / 30.44, locale),
                   people=median.people)
        )
        lines.append((label, value))
    return lines + training_lines(report, locale)


def training_lines(report: Report, locale: str | None) -> list[tuple[str, str]]:
    """Staff trained against the target, and the share who found it useful against its goal
    (issue: Inkluderingslyftet's 180 trained, 90 % useful)."""
    progress = report.training
    if progress is None:
        return []
    if progress.target:
        trained = t("report_training_value", locale, trained=progress.trained,
                    target=progress.target, percent=progress.target_percent)
    else:
        trained = str(progress.trained)
    lines = [(t("report_training", locale, programme=progress.programme), trained)]
    if progress.useful_percent is not None:
        goal = (t("report_training_goal", locale, goal=progress.useful_goal)
                if progress.useful_goal else "")
        lines.append((t("report_training_useful", locale), t(
            "report_training_useful_value", locale, percent=progress.useful_percent,
            responses=progress.survey_responses) + goal))
    return lines


def _share_value(item: Share, goals: tuple[GoalResult, ...], locale: str | None) -> str:
    if item.value is None:
        return "–"
    text = f"{percent(item.value)} ({item.part}/{item.whole})"
    goal = next((g for g in goals if g.measure == item.key and g.group == item.group), None)
    if goal is not None:
        band = goal.low is not None and goal.high is not None
        key = {(True, True): "report_goal_inside", (True, False): "report_goal_outside",
               (False, True): "report_goal_reached", (False, False): "report_goal_missed"}[
            (band, bool(goal.reached))]
        text += " " + t(key, locale, goal=goal_text(goal, locale))
    return text


def goal_text(goal: GoalResult, locale: str | None) -> str:
    """"minst 35 %", "högst 10 %", "40–60 %"."""
    if goal.low is not None and goal.high is not None:
        return f"{round(goal.low * 100)}–{percent(goal.high)}"
    if goal.low is not None:
        return t("report_goal_at_least", locale, goal=percent(goal.low))
    return t("report_goal_at_most", locale, goal=percent(goal.high))


def points(value: float | None, locale: str | None) -> str:
    """A difference of shares in percentage points, signed: "+6", "−3", "0"."""
    if value is None:
        return "–"
    rounded = round(value * 100)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else ""
    return t("report_points", locale, value=f"{sign}{abs(rounded)}")


def goal_lines(report: Report, locale: str | None) -> list[tuple[str, str]]:
    """(measure, "goal · result · difference") for every goal that applies to the report."""
    lines = []
    for goal in report.goals:
        result = "–" if goal.share.value is None else (
            f"{percent(goal.share.value)} ({goal.share.part}/{goal.share.whole})")
        lines.append((t(f"report_share.{goal.measure}", locale),
                      t("report_goal_line", locale, goal=goal_text(goal, locale),
                        result=result, difference=points(goal.difference, locale))))
    return lines


def work_or_studies_goal(report: Report) -> float | None:
    """The lower bound of the work-or-studies goal, for the chart's line; None: no goal."""
    return next((g.low for g in report.goals if g.measure == "work_or_studies"), None)


def filter_lines(report: Report, locale: str | None) -> list[tuple[str, str]]:
    scope = report.scope
    lines = [(t("report_at", locale), report.at.isoformat()) if report.at else
             (t("report_period", locale), f"{scope.start.isoformat()} – {scope.end.isoformat()}")]
    for key in ("programme", "county_part", "municipality", "coach"):
        lines.append((t(f"report_filter.{key}", locale), scope.labels.get(key, t("report_all",
                                                                                 locale))))
    masking = (
        t("report_masked_note", locale, largest=scope.threshold - 1,
          minimum=scope.min_population)
        if scope.masked
        else t("report_unmasked_note", locale)
    )
    lines.append((t("report_masking", locale), masking))
    if scope.view_part is not None:
        area = scope.view_town or scope.view_part
        split = t("report_view_split.town" if scope.view_town else "report_view_split.part",
                  locale)
        lines.append((t("report_view_label", locale),
                      t("report_view_note", locale, area=area, split=split)))
    if report.late_changes:
        lines.append((t("report_late_label", locale),
                      t("report_late_changes", locale, count=report.late_changes)))
    return lines


def meeting_grid(report: Report, locale: str | None) -> list[list[str]]:
    grid = [[t("report_meetings", locale), t("report_held", locale), t("report_planned", locale),
             t("report_open_points", locale)]]
    grid += [[m.name, str(m.held), str(m.planned), str(m.open_action_points)]
             for m in report.meetings]
    return grid


# --- The participant survey (storage/reports/surveys.py) ---------------------------------------


def survey_cell(share: SurveyShare, locale: str | None) -> str:
    """"67 % (9 svar)", or "för få svar" for a group under the threshold."""
    if share.percent is None:
        return t("report_survey_too_few", locale)
    return t("report_survey_cell", locale, percent=share.percent, answered=share.answered)


def survey_title(results: SurveyResults, locale: str | None) -> str:
    title = t(f"survey_results_title_{results.moment}", locale, period=results.period.code)
    return t("report_survey_heading", locale, title=title, count=results.responses)


def survey_grid(results: SurveyResults, locale: str | None) -> list[list[str]]:
    """Statements × the report's total and, where every county part is large enough, each
    county part: the shares as the result holds them, nothing counted here."""
    parts = next((list(q.by_county_part) for q in results.questions if q.by_county_part), [])
    grid = [[t("report_survey_statement", locale), t("report_total", locale), *parts]]
    for item in results.questions:
        breakdown = item.by_county_part or {}
        grid.append([item.question.text, survey_cell(item.total, locale),
                     *(survey_cell(breakdown[p], locale) if p in breakdown else "–"
                       for p in parts)])
    return grid


def survey_grids(report: Report, locale: str | None) -> list[tuple[str, list[list[str]]]]:
    """(heading, grid) for each half-year and moment the report has survey answers for."""
    if report.surveys is None:
        return []
    return [(survey_title(r, locale), survey_grid(r, locale)) for r in report.surveys.results]


def survey_notes(report: Report, locale: str | None) -> list[str]:
    """Why there are no survey results, or how to read them."""
    if report.surveys is None:
        return []
    if report.surveys.note is not None:
        return [t(f"report_survey_none.{report.surveys.note}", locale)]
    return [t("report_survey_note", locale, threshold=report.scope.threshold)]
