"""Saved reports in the chat: `spara rapport <namn> [fält]` (or the Save button under a report),
`rapporter`, `rapport <namn>` (what has changed since it was saved) and `ta bort rapport <namn>`.

Saving builds the report the same way `rapport` does, with the asker's rights at that moment,
and keeps what they were shown (storage/saved_reports.py). The same name again asks before
replacing; a double tap of Save is one message (bot/once.py), so it saves once.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from dialogs.cards import card, card_message, paragraph
from dialogs.report import (
    SAVE_NAME_INPUT,
    one_liner,
    parse_filter,
    read_fields,
    report_audit,
    sees_individuals,
    show_report,
)
from dialogs.report_files import to_json
from dialogs.report_text import key_label
from dialogs.router import Route, Turn, always
from dialogs.texts import t
from storage import audit, saved_reports
from storage.audit import AuditAction
from storage.clock import clock
from storage.models import SavedReport
from storage.permissions import Action, Actor, is_allowed
from storage.reports import Report, ReportFilter, grid_period, resolve_filter
from storage.reports.at_date import report_for
from storage.rules import RuleError

REPLACE_WORDS = ("ersätt", "ersatt", "replace")
SHOWN_CHANGES = 80  # lines of about 80 characters: far below Teams' 28 KB
# The report's fields kept with a saved report, under the words the one-line command uses.
PARAM_WORDS = {"period": "period", "at": "datum", "start": "från", "end": "till",
               "programme": "insats", "county_part": "länsdel", "municipality": "kommun",
               "coach": "coach"}


def _typed_name(turn: Turn) -> str:
    """The name: `namn=` (the card's input), else the words after the command as typed."""
    if turn.command.fields.get(SAVE_NAME_INPUT):
        return turn.command.fields[SAVE_NAME_INPUT]
    typed = turn.command.typed
    return " ".join(typed[len(typed) - len(turn.args):]) if turn.args else ""


def _params(wanted: ReportFilter, period_code: str | None) -> dict[str, str]:
    """The report's fields as resolved (the period the report really covered), so running it
    again later asks for the same period, not "the current half-year" of that day."""
    values: dict[str, str] = {}
    if wanted.at is not None:
        values["datum"] = wanted.at.isoformat()
    elif period_code:
        values["period"] = period_code
    else:
        values["från"], values["till"] = wanted.start.isoformat(), wanted.end.isoformat()
    for key in ("programme", "county_part", "municipality", "coach"):
        value = getattr(wanted, key)
        if value:
            values[PARAM_WORDS[key]] = value
    return values


async def _build(turn: Turn, values: dict[str, str], how: str
                 ) -> tuple[Report, ReportFilter, dict[str, str]]:
    """The report for `values` with the asker's rights now, audited like any report shown."""
    wanted = parse_filter(values, clock.today())
    async with turn.db.session() as session:
        scope = await resolve_filter(session, turn.actor, wanted)
        report = await report_for(session, scope, wanted)
        await audit.record(session, turn.actor, AuditAction.REPORT, "report",
                           details=report_audit(scope, how))
    wanted = replace(wanted, start=scope.start, end=scope.end, default_period=False)
    period = grid_period(wanted.start, wanted.end) if wanted.at is None else None
    return report, wanted, _params(wanted, period.code if period else None)


def _coverage(report: Report) -> dict[str, Any]:
    """Which people the figures are about: county parts, filters, masked or not."""
    scope = report.scope
    return {"county_part_ids": list(scope.county_part_ids), "filter": dict(scope.labels),
            "masked": scope.masked}


def _owner(actor: Actor) -> str:
    return actor.aad_object_id.lower()


async def save_report(turn: Turn) -> None:
    fields = {k: v for k, v in turn.command.fields.items()
              if k not in ("format", SAVE_NAME_INPUT, *REPLACE_WORDS)}
    replacing = any(turn.command.fields.get(word, "").casefold() in ("ja", "yes", "1")
                    for word in REPLACE_WORDS)
    name = saved_reports.clean_name(_typed_name(turn))
    if not replacing:
        async with turn.db.read() as session:
            existing = await saved_reports.find(session, _owner(turn.actor), name)
        if existing is not None:  # nothing built or written: ask first
            await turn.reply(_ask_to_replace(existing, fields, turn.locale))
            return
    report, _, params = await _build(turn, read_fields(fields), "saved")
    figures = {**saved_reports.figures_of(json.loads(to_json(report))),
               "coverage": _coverage(report)}
    async with turn.db.session() as session:
        done = await saved_reports.save(session, _owner(turn.actor), name, params, figures,
                                        masked=report.scope.masked, replace=replacing)
    if done.outcome == "exists":  # saved by another message in the meantime
        await turn.reply(_ask_to_replace(done.report, fields, turn.locale))
        return
    await turn.reply(turn.text(f"saved_report_{done.outcome}", name=name,
                               what=_describe(params, turn.locale)))


def _ask_to_replace(existing: SavedReport, fields: dict[str, str],
                    locale: str | None) -> Any:
    """The same name again: ask, with a button that replaces with the report asked for now
    (the name travels as a card value, so any character in it is safe)."""
    text = t("saved_report_exists", locale, name=existing.name,
             saved=existing.updated_at.date().isoformat())
    data = {"command": "spara rapport", **fields, SAVE_NAME_INPUT: existing.name,
            REPLACE_WORDS[0]: "ja"}
    button = {"type": "Action.Submit", "title": t("saved_report_button_replace", locale),
              "data": data}
    return card_message(card([paragraph(text)], [button]), text)


def _describe(params: dict[str, str], locale: str | None) -> str:
    """`2026-H1`, `2026-01-01 – 2026-03-15, Västra` … for lists and answers."""
    if "datum" in params:
        parts = [t("saved_report_at", locale, day=params["datum"])]
    elif "period" in params:
        parts = [params["period"]]
    else:
        parts = [f"{params.get('från')} – {params.get('till')}"]
    parts += [params[word] for word in ("insats", "länsdel", "kommun", "coach") if word in params]
    return ", ".join(parts)


async def list_reports(turn: Turn) -> None:
    async with turn.db.read() as session:
        rows = await saved_reports.list_saved(session, _owner(turn.actor))
    if not rows:
        await turn.reply(turn.text("saved_report_none"))
        return
    lines = [turn.text("saved_report_list_title", count=len(rows))]
    for row in rows:
        masking = turn.text("saved_report_masked" if row.masked else "saved_report_unmasked")
        lines.append(turn.text("saved_report_list_line", name=row.name,
                               what=_describe(json.loads(row.params), turn.locale),
                               masking=masking, saved=row.updated_at.date().isoformat()))
    await turn.reply("\n".join(lines) + "\n\n" + turn.text("saved_report_list_hint"))


def _asked_name(turn: Turn) -> str | None:
    """The name asked for, cleaned as names are when saved; None when no saved report can
    have it (then it is not repeated either: it may be what the guard refuses)."""
    try:
        return saved_reports.clean_name(_typed_name(turn))
    except RuleError:
        return None


def _unknown(turn: Turn, name: str | None) -> str:
    if name is None:
        return turn.text("saved_report_unknown_unnamed")
    return turn.text("saved_report_unknown", name=name)


async def run_saved(turn: Turn) -> None:
    """`rapport <namn>`: the saved report again, with what has changed since it was saved."""
    name = _asked_name(turn)
    saved = None
    if name is not None:
        async with turn.db.read() as session:
            saved = await saved_reports.find(session, _owner(turn.actor), name)
    if saved is None:
        await turn.reply(_unknown(turn, name))
        return
    params = json.loads(saved.params)
    # Refusals are RuleErrors, which the router answers.
    if not saved.masked and not is_allowed(turn.actor, Action.READ_UNMASKED_REPORT):
        raise RuleError("saved_report_now_masked", name=saved.name)
    report, wanted, _ = await _build(turn, read_fields(params), "saved_again")
    before = json.loads(saved.figures)
    if not saved.masked and (report.scope.masked
                             or before.get("coverage") != _coverage(report)):
        # Unmasked figures of parts the reader no longer covers must not be shown again.
        raise RuleError("saved_report_now_masked", name=saved.name)
    now = saved_reports.figures_of(json.loads(to_json(report)))
    found = saved_reports.changes(before, now)
    head = turn.text("saved_report_again", name=saved.name, what=_describe(params, turn.locale),
                     saved=saved.updated_at.date().isoformat())
    if not found:
        summary = turn.text("saved_report_no_changes")
    else:
        lines = [turn.text("saved_report_changes", count=len(found))]
        lines += [f"- {_label(path, report, turn.locale)}: {_value(before)} → {_value(after)}"
                  for path, before, after in found[:SHOWN_CHANGES]]
        if len(found) > SHOWN_CHANGES:
            lines.append(turn.text("saved_report_more", count=len(found) - SHOWN_CHANGES))
        summary = "\n".join(lines)
    whole = turn.text("saved_report_whole", command=one_liner(wanted))
    await turn.reply("\n\n".join((head, summary, whole)))


def _value(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _label(path: tuple[str, ...], report: Report, locale: str | None) -> str:
    """Where a figure stands, in words: table · row · column, or the measure and group."""
    kind, *rest = path
    if kind == "table":
        key, row, column = rest
        table = report.tables.get(key)
        row_vocab = table.row_vocab if table else None
        column_vocab = table.column_vocab if table else None
        return " · ".join((t(f"report_table.{key}", locale), key_label(row_vocab, row, locale),
                           key_label(column_vocab, column, locale)))
    if kind == "share":
        measure, group = rest
        return f"{t(f'report_share.{measure}', locale)} ({key_label('gender', group, locale)})"
    if kind == "median":
        return f"{t('report_median', locale)} ({key_label('gender', rest[0], locale)})"
    if kind == "meeting":
        group, measure = rest
        words = {"held": "report_held", "planned": "report_planned",
                 "open_action_points": "report_open_points"}
        return f"{group} · {t(words[measure], locale)}"
    return t("report_late_label", locale)


async def remove_report(turn: Turn) -> None:
    name = _asked_name(turn)
    removed = None
    if name is not None:
        async with turn.db.session() as session:
            removed = await saved_reports.remove(session, _owner(turn.actor), name)
    if not removed:
        await turn.reply(_unknown(turn, name))
        return
    await turn.reply(turn.text("saved_report_removed", name=removed))


async def report_or_saved(turn: Turn) -> None:
    """`rapport` with fields (or nothing) is the report; `rapport <namn>` a saved one."""
    if turn.args:
        await run_saved(turn)
    else:
        await show_report(turn)


ROUTES = [
    Route(("rapport", "report"), report_or_saved, "help_cmd_report", Action.READ_REPORT,
          private=sees_individuals),
    Route(("spara rapport", "save report"), save_report, "help_cmd_save_report",
          Action.READ_REPORT, private=sees_individuals),
    Route(("rapporter", "sparade rapporter", "saved reports"), list_reports,
          "help_cmd_saved_reports", Action.READ_REPORT, private=always),
    Route(("ta bort rapport", "delete report"), remove_report, "help_cmd_delete_report",
          Action.READ_REPORT, private=always),
]
