"""`utvärderingsuttag`: the evaluator's pseudonymised row-level extract, for admins, as a
file offered in personal chat (FileConsentCard), made again and audited when accepted.

`utvärderingsuttag period=2026-H1 [format=xlsx|csv|json]` (several periods: comma separated;
without one, the latest ended period of the association's grid). storage/evaluator.py says
what the extract holds and leaves out.
"""

from __future__ import annotations

import asyncio
from typing import Any

from dialogs.evaluator_files import FORMATS, filename, render
from dialogs.files import FileExport, offer_file
from dialogs.router import Route, Turn
from storage.clock import clock
from storage.db import Database
from storage.evaluator import audit_extract, evaluator_extract, grid_of, parse_periods
from storage.permissions import Action, Actor
from storage.rules import RuleError

FILE_KIND = "evaluator_extract"


async def _extract(
    db: Database, actor: Actor, values: dict[str, Any], locale: str | None, *, audited: bool
) -> tuple[FileExport, str]:
    """The file, and the periods it covers as typed (`2025-H1,2025-H2`)."""
    file_format = str(values.get("format") or "xlsx").casefold()
    if file_format not in FORMATS:
        raise RuleError("evaluator_bad_format", value=file_format)
    async with db.read() as session:  # a large extract must not hold SQLite's one writer
        periods = parse_periods(str(values.get("period") or ""), clock.today(),
                                await grid_of(session))
        extract = await evaluator_extract(session, actor, periods)
    content = await asyncio.to_thread(render, extract, file_format, locale)
    if audited:
        async with db.session() as session:
            await audit_extract(session, actor, extract, file_format)
    codes = ",".join(p.code for p in extract.periods)
    return FileExport(filename(extract, file_format), content), codes


async def extract_file(
    db: Database, actor: Actor, values: dict[str, Any], locale: str | None
) -> FileExport:
    """The accepted file, made again with the rights of whoever accepted it, and audited:
    this is when the rows leave Stegvis."""
    export, _ = await _extract(db, actor, values, locale, audited=True)
    return export


async def offer_extract(turn: Turn) -> None:
    fields = turn.command.fields
    values = {"period": (fields.get("period") or "").strip(),
              "format": (fields.get("format") or "xlsx").strip().casefold()}
    # A refusal (a bad period or format, no right) is a RuleError: the router answers it.
    export, periods = await _extract(turn.db, turn.actor, values, turn.locale, audited=False)
    # The offer names the periods the file covers, so accepting it later (even after a new
    # period has ended) gives the same periods.
    values["period"] = periods
    await offer_file(turn, FILE_KIND, values, export,
                     turn.text("evaluator_file_description", periods=values["period"]))


ROUTES = [
    Route(("utvärderingsuttag", "utvarderingsuttag", "evaluator extract"), offer_extract,
          "help_cmd_evaluator", Action.EVALUATOR_EXTRACT, refusal_key="evaluator_not_allowed"),
]
