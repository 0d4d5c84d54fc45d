"""`python -m bot gallra | utdrag | radera | utvarderingsuttag`: retention, register extract,
erasure and the evaluator's extract on the server. The command line acts as an admin (it runs
where the database is) and is audited as "cli"."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dialogs.evaluator_files import FORMATS as EVALUATOR_FORMATS
from dialogs.evaluator_files import filename as evaluator_filename
from dialogs.evaluator_files import render as render_evaluator
from dialogs.privacy_files import EXTRACT_FORMATS, extract_filename, to_json, to_xlsx
from dialogs.texts import error_text, t
from storage.audit import CLI
from storage.clock import clock
from storage.db import Database
from storage.evaluator import audit_extract, evaluator_extract, grid_of, parse_periods
from storage.permissions import Actor, Role
from storage.privacy import erase_participant, erasure_preview, participant_extract
from storage.retention import RetentionRun, run_retention
from storage.rules import RuleError

COMMANDS = ("gallra", "utdrag", "radera", "utvarderingsuttag")
ADMIN = Actor(CLI, Role.ADMIN)


def add_parser(commands: Any) -> None:
    gallra = commands.add_parser(
        "gallra", help="remove what the retention periods say is due (audited as counts)"
    )
    gallra.add_argument("--dry-run", action="store_true", help="count only, remove nothing")
    utdrag = commands.add_parser("utdrag", help="register extract: everything about a code")
    utdrag.add_argument("code", help="participant code, e.g. V-2026-0042")
    utdrag.add_argument("--format", choices=EXTRACT_FORMATS, default="json")
    utdrag.add_argument("--out", type=Path, help="file to write (default: stdout; xlsx: a file)")
    radera = commands.add_parser("radera", help="erase a participant (asks unless --yes)")
    radera.add_argument("code", help="participant code, e.g. V-2026-0042")
    radera.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    evaluator = commands.add_parser(
        "utvarderingsuttag",
        help="the evaluator's pseudonymised row-level extract (audited; see docs/privacy.md)",
    )
    evaluator.add_argument("--period", default="",
                           help="2026-H1, 2026, 2026-K2, 2026-06 or several, comma separated "
                           "(periods that have ended; default the latest of the grid)")
    evaluator.add_argument("--format", choices=EVALUATOR_FORMATS, default="xlsx")
    evaluator.add_argument("--out", type=Path, help="file to write (default: a file named "
                           "after the periods; csv and json: stdout with --out -)")


def retention_lines(run: RetentionRun, locale: str = "sv") -> list[str]:
    """The report of a run: one line per kind with its cut-off and count."""
    mode = t(f"retention_mode.{run.mode}", locale)
    lines = [t("retention_title", locale, today=run.today.isoformat(), mode=mode)]
    for kind in run.kinds:
        if kind.cutoff is None:
            what = t("retention_kept", locale, kind=t(f"retention_kept_kind.{kind.kind}", locale))
            lines.append(f"- {what}")
        else:
            what = t(f"retention_kind.{kind.kind}", locale, cutoff=kind.cutoff.isoformat())
            lines.append(f"- {what}: {kind.count}")
    key = "retention_dry_run" if run.dry_run else "retention_done"
    lines.append(t(key, locale, total=run.total))
    return lines


async def _extract(db: Database, command: argparse.Namespace) -> int:
    async with db.session() as session:
        document = await participant_extract(
            session, ADMIN, command.code, file_format=command.format
        )
    content = to_xlsx(document) if command.format == "xlsx" else to_json(document)
    out = command.out
    if out is None and command.format == "xlsx":
        out = Path(extract_filename(document["code"], "xlsx"))
    if out is None:
        sys.stdout.write(content.decode("utf-8"))
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    print(t("extract_written", "sv", code=document["code"], path=out))
    return 0


async def _evaluator(db: Database, command: argparse.Namespace) -> int:
    async with db.read() as session:
        periods = parse_periods(command.period, clock.today(), await grid_of(session))
        extract = await evaluator_extract(session, ADMIN, periods)
    content = render_evaluator(extract, command.format, "sv")
    async with db.session() as session:
        await audit_extract(session, ADMIN, extract, command.format)
    if command.out == Path("-") and command.format != "xlsx":
        sys.stdout.write(content.decode("utf-8"))
        return 0
    out = command.out or Path(evaluator_filename(extract, command.format))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    print(t("evaluator_written", "sv", rows=len(extract.rows), path=out))
    return 0


async def _erase(db: Database, command: argparse.Namespace) -> int:
    if not command.yes:
        async with db.session() as session:
            preview = await erasure_preview(session, ADMIN, command.code)
        counts = preview.counts
        print(t("erase_confirm_title", "sv", code=preview.code))
        print(t(f"erase_confirm_{preview.mode}", "sv", placements=counts.placements,
                notes=counts.notes, steps=counts.steps))
        print(t("erase_confirm_common", "sv", reminders=counts.reminders,
                dialogs=counts.dialog_states, audit=counts.audit_rows))
        if preview.closes_today:
            print(t("erase_closes_today", "sv"))
        if preview.minutes_mentions:
            print(t("erase_minutes_note", "sv", count=preview.minutes_mentions))
        try:
            answer = input(t("erase_cli_confirm", "sv"))
        except (EOFError, OSError):
            answer = ""
        if answer.strip().upper() != preview.code:
            print(t("erase_cli_aborted", "sv"), file=sys.stderr)
            return 1
    async with db.session() as session:
        done = await erase_participant(session, ADMIN, command.code)
    print(t(f"erased.{done.mode}", "sv", code=done.code))
    return 0


async def run(db: Database, command: argparse.Namespace) -> int:
    """Run one of the three; refusals are printed in Swedish with exit code 2."""
    try:
        if command.command == "gallra":
            async with db.session() as session:
                result = await run_retention(
                    session, CLI, clock.today(), dry_run=command.dry_run
                )
            print("\n".join(retention_lines(result)))
            return 0
        if command.command == "utdrag":
            return await _extract(db, command)
        if command.command == "utvarderingsuttag":
            return await _evaluator(db, command)
        return await _erase(db, command)
    except RuleError as error:
        print(error_text(error, "sv"), file=sys.stderr)
        return 2
