"""Saved reports: the parameters someone asked with and the figures exactly as they were shown
to them, kept under a name of their choosing, so running it again can say what has changed.

- **Only the owner** sees, runs or removes their saved reports; nobody else, admins and
  coordinators included: a coordinator's saved report holds unmasked figures of their county
  part, which an admin may not see.
- **What the reader saw.** The figures are the report as built for its owner at that moment:
  the protected (masked) figures for someone who reads masked reports, never the exact ones.
  A saved unmasked report is not compared for someone who may no longer see unmasked figures.
- **Names** are text a person typed: normalised (NFKC, invisible characters and control
  characters removed, spaces collapsed), at most MAX_NAME characters, and refused by the
  personal-data guard when they hold a personnummer or a person's name, before anything is
  stored. A name is unique per owner, whatever its case.
- **Retention**: `saved_report_days` in the organisation file (the figures may be small groups).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import pii
from storage.models import SavedReport, utcnow
from storage.rules import RuleError

MAX_NAME = 60
MAX_SAVED = 50
# What a report's JSON (dialogs/report_files.to_json) holds that is a figure; the rest (period,
# filter, masking) is what the report is about, kept in the params.
FIGURE_PARTS = ("tables", "shares", "median_days_in_programme", "meetings", "late_changes")
# Invisible characters that would make two names that look alike different.
_DROP = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def clean_name(text: str | None) -> str:
    """The name as it will be stored, or RuleError with a kind reason; the reason never holds
    the name, since a refused name must not be written anywhere (a reply is stored until it is
    delivered)."""
    normalised = unicodedata.normalize("NFKC", text or "")
    kept = "".join(" " if c.isspace() else c for c in normalised
                   if unicodedata.category(c) not in _DROP or c.isspace())
    # Normalised again: a character dropped between two combining marks leaves them side by
    # side, in an order NFKC changes (so the name stored would not be found again as typed).
    name = unicodedata.normalize("NFKC", " ".join(kept.split()))
    if not any(c.isalnum() for c in name):
        raise RuleError("saved_report_name_missing")
    if len(name) > MAX_NAME:
        raise RuleError("saved_report_name_too_long", max=MAX_NAME, length=len(name))
    try:
        pii.check(name, pii.Policy.NO_NAMES)
    except pii.PersonalDataError as error:
        raise RuleError("saved_report_name_personal") from error
    return name


def name_key(name: str) -> str:
    return name.casefold()


def figures_of(report_json: dict[str, Any]) -> dict[str, Any]:
    return {part: report_json.get(part) for part in FIGURE_PARTS}


@dataclass(frozen=True)
class Saved:
    """What `save` did: "saved", "replaced", or "exists" (nothing written: ask first)."""

    outcome: str
    report: SavedReport


async def find(session: AsyncSession, owner: str, name: str) -> SavedReport | None:
    return (await session.exec(select(SavedReport).where(
        SavedReport.owner_aad_object_id == owner.lower(),
        SavedReport.name_key == name_key(name),
    ))).first()


async def save(
    session: AsyncSession, owner: str, name: str, params: dict[str, str],
    figures: dict[str, Any], *, masked: bool, replace: bool,
) -> Saved:
    """Keep the report under `name` (already cleaned); an existing one of that name is
    replaced only when asked to."""
    existing = await find(session, owner, name)
    now = utcnow()
    if existing is not None:
        if not replace:
            return Saved("exists", existing)
        existing.name = name
        existing.params = json.dumps(params, ensure_ascii=False, sort_keys=True)
        existing.figures = json.dumps(figures, ensure_ascii=False, sort_keys=True)
        existing.masked = masked
        existing.updated_at = now
        session.add(existing)
        await session.flush()
        return Saved("replaced", existing)
    count = (await session.exec(select(func.count()).select_from(SavedReport).where(
        SavedReport.owner_aad_object_id == owner.lower()))).one()
    if count >= MAX_SAVED:
        raise RuleError("saved_report_too_many", max=MAX_SAVED)
    row = SavedReport(
        owner_aad_object_id=owner.lower(), name=name, name_key=name_key(name),
        params=json.dumps(params, ensure_ascii=False, sort_keys=True),
        figures=json.dumps(figures, ensure_ascii=False, sort_keys=True),
        masked=masked, created_at=now, updated_at=now,
    )
    session.add(row)
    await session.flush()
    return Saved("saved", row)


async def list_saved(session: AsyncSession, owner: str) -> list[SavedReport]:
    return list((await session.exec(
        select(SavedReport).where(SavedReport.owner_aad_object_id == owner.lower())
        .order_by(SavedReport.name_key)
    )).all())


async def remove(session: AsyncSession, owner: str, name: str) -> str | None:
    """Remove the owner's report of that name; its name as saved, or None if there was none."""
    found = await find(session, owner, name)
    if found is None:
        return None
    await session.execute(delete(SavedReport).where(col(SavedReport.id) == found.id))
    return found.name


Path = tuple[str, ...]


def flatten(figures: dict[str, Any]) -> dict[Path, Any]:
    """Every figure by where it stands: (table, row, column), ("share", measure, group),
    ("median", group), ("meeting", group, measure), ("late_changes",)."""
    found: dict[Path, Any] = {}
    for table, data in (figures.get("tables") or {}).items():
        for row, cells in (data.get("rows") or {}).items():
            for column, value in cells.items():
                found[("table", table, row, column)] = value
        for column, value in (data.get("total") or {}).items():
            found[("table", table, "total", column)] = value
    for item in figures.get("shares") or []:
        value = None if item.get("part") is None else f"{item['part']}/{item['whole']}"
        found[("share", item["measure"], item["group"])] = value
    for group, days in (figures.get("median_days_in_programme") or {}).items():
        found[("median", group)] = days
    for meeting in figures.get("meetings") or []:
        for measure in ("held", "planned", "open_action_points"):
            found[("meeting", meeting["group"], measure)] = meeting.get(measure)
    found[("late_changes",)] = figures.get("late_changes") or 0
    return found


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[Path, Any, Any]]:
    """(where, before, now) for each figure that differs, in the order the new report has
    them (figures gone from it last)."""
    before, after = flatten(old), flatten(new)
    order = list(after) + [path for path in before if path not in after]
    return [(path, before.get(path), after.get(path)) for path in order
            if before.get(path) != after.get(path)]
