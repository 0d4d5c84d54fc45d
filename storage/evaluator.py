"""The evaluator's extract: one row per participant and period, coded fields only.

The external evaluator (under an agreement with the association) needs rows, not tables: exit
reason against destination, time in the programme, income at start and exit, per person. The
extract gives that without giving away who anyone is:

- **No code, no free text.** Every cell is a vocabulary code, an organisation unit's code or
  name, a month (`2026-03`), a period code, a whole number or a yes/no. Each is checked against
  the values its column may hold; anything else (a value written outside the bot's forms)
  becomes `invalid`, so text can never travel in a code column.
- **A key made for this extract alone.** Participants are numbered by random letters drawn
  when the extract is made; the same person has the same key in every period of one extract
  and a different key in the next. The map from key to participant is never stored, so nobody
  (the association included) can go back from the file to a code. Rows are ordered by key.
- **Coarser than the register.** Birth year becomes an age band, exact dates become months,
  time in the programme whole months; the coach, the referring unit, employers, occupation
  areas, notes, ids and who registered what are left out.
- **Who is in it.** Those referred by the period's end who had not left before it began (not
  exited, not turned down), with consent to follow-up registration; felregistreringar never.
- **Admins only, and audited** when handed over: who, when, which periods, the format and the
  number of rows, never the rows.

Status, placements under way and steps at a period's end come from the participants' events
(storage/events/), as the records stand when the extract is made: a correction recorded later
shows in the next extract.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit, events
from storage.audit import AuditAction
from storage.clock import clock
from storage.models import (
    Association,
    CountyPart,
    Municipality,
    Participant,
    ParticipantEvent,
    Placement,
    Programme,
    ProgressionStep,
    key_col,
    table_of,
)
from storage.permissions import Action, Actor, is_allowed
from storage.reports.counting import AGE_BANDS
from storage.reports.period import GridPeriod, latest_ended, parse_period
from storage.rules import DESTINATIONS, VOCABULARIES, RuleError, Status, SusGroup

INVALID = "invalid"
REGISTRATION_ERROR = "registration_error"
MAX_PERIODS = 24
# Letters only, so a key never reads as a number to the guard; no l or o (read as 1 and 0) and
# no s, so no key ends like a surname ("-sson") either.
KEY_LETTERS = "abcdefghijkmnpqrtuvwxyz"
KEY_LENGTH = 10
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_KEY = re.compile(f"[{KEY_LETTERS}]{{{KEY_LENGTH}}}")


@dataclass(frozen=True)
class Column:
    """One column of the extract: its name, what kind of value it holds, and for codes the
    values it may hold (`vocabulary` names dialogs' labels: `gender.woman`, …)."""

    name: str
    kind: str  # "key", "period", "code", "month", "count", "flag"
    vocabulary: str | None = None
    values: tuple[str, ...] = ()


STATUSES = tuple(s.value for s in Status)
SUS_GROUPS = tuple(g.value for g in SusGroup)

COLUMNS: tuple[Column, ...] = (
    Column("key", "key"),
    Column("period", "period"),
    Column("programme", "code", "org"),
    Column("county_part", "code", "org"),
    Column("municipality", "code", "org"),
    Column("gender", "code", "gender", VOCABULARIES["gender"]),
    Column("age_band", "code", "report_age", AGE_BANDS),
    Column("income_source_start", "code", "income", VOCABULARIES["income"]),
    Column("referring_party", "code", "party", VOCABULARIES["party"]),
    Column("referral_month", "month"),
    Column("status_at_end", "code", "status", STATUSES),
    Column("not_accepted_reason", "code", "not_accepted", VOCABULARIES["not_accepted"]),
    Column("enrolment_month", "month"),
    Column("extended", "flag"),
    Column("months_in_programme", "count"),
    Column("placements_started", "count"),
    Column("in_placement_at_end", "flag"),
    Column("steps_in_period", "count"),
    Column("positive_progression", "flag"),
    Column("exit_month", "month"),
    Column("exit_reason", "code", "exit_reason", VOCABULARIES["exit_reason"]),
    Column("exit_destination", "code", "destination", VOCABULARIES["destination"]),
    Column("sus_group", "code", "sus", SUS_GROUPS),
    Column("income_source_exit", "code", "income", VOCABULARIES["income"]),
    Column("survey_enrolment_done", "flag"),
    Column("survey_exit_done", "flag"),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
# What the register holds and the extract leaves out, for the data dictionary.
OMITTED = ("code", "birth_year", "dates", "coach", "referring_unit", "extension_motivation",
           "employer", "occupation_area", "notes", "staff")


@dataclass
class EvaluatorExtract:
    """The rows (dicts in COLUMN_NAMES order) and what they cover; no key map."""

    periods: tuple[GridPeriod, ...]
    generated_at: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    # The organisation's codes and names, the values the org columns may hold.
    org_values: dict[str, tuple[str, ...]] = field(default_factory=dict)


def parse_periods(text: str | None, today: date, grain: str) -> tuple[GridPeriod, ...]:
    """`2026-H1`, `2025-H1,2025-H2`, `2025` …: periods that have ended, each once, in order;
    none given: the latest ended period of the association's grid."""
    if not text or not text.strip():
        return (latest_ended(today, grain),)
    found: list[GridPeriod] = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        period = parse_period(part.strip())
        if period is None:
            raise RuleError("evaluator_bad_period", value=part.strip())
        if not period.has_ended(today):
            raise RuleError("evaluator_period_not_ended", value=period.code)
        if period not in found:
            found.append(period)
    if not found:
        return (latest_ended(today, grain),)
    if len(found) > MAX_PERIODS:
        raise RuleError("evaluator_too_many_periods", count=MAX_PERIODS)
    return tuple(sorted(found))


def _month(day: date | None) -> str | None:
    return f"{day.year:04d}-{day.month:02d}" if day else None


def _whole_months(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(0, months - (1 if end.day < start.day else 0))


def age_band(birth_year: int, end: date) -> str:
    """As the report counts it: the age reached in the period's last year."""
    age = end.year - birth_year
    for band in AGE_BANDS[:-1]:
        low, high = (int(x) for x in band.split("_"))
        if low <= age <= high:
            return band
    return "outside"


class _Dated(Protocol):
    """What `status_at` reads of a participant (a row of the participant table)."""

    @property
    def status(self) -> str: ...
    @property
    def decision_date(self) -> date | None: ...
    @property
    def enrolment_date(self) -> date | None: ...
    @property
    def exit_date(self) -> date | None: ...


def status_at(p: _Dated, end: date) -> str:
    """The participant's status on the period's last day, from the dates the row records."""
    if p.exit_date and p.exit_date <= end:
        return Status.EXITED
    if p.enrolment_date and p.enrolment_date <= end:
        return Status.ENROLLED
    decided = p.decision_date is not None and p.decision_date <= end
    if decided and p.status in (Status.ACCEPTED, Status.ENROLLED, Status.EXITED):
        return Status.ACCEPTED
    if decided and p.status in (Status.NOT_ACCEPTED, Status.WAITING):
        return p.status
    return Status.REFERRED


def in_period(p: Any, start: date, end: date) -> bool:
    """Referred by the end and not gone before the start; consent; never a felregistrering."""
    if not p.consent or p.exit_reason == REGISTRATION_ERROR or p.referral_date > end:
        return False
    if p.exit_date is not None and p.exit_date < start:
        return False
    turned_down = p.status == Status.NOT_ACCEPTED and p.decision_date is not None
    return not (turned_down and p.decision_date < start)


def _checked(column: Column, value: Any, org_values: dict[str, tuple[str, ...]]) -> Any:
    """The value if its column may hold it, else INVALID: no text outside the column's values
    ever reaches the file."""
    if value is None:
        return None
    if column.kind == "flag":
        return bool(value)
    if column.kind == "count":
        return value if isinstance(value, int) and not isinstance(value, bool) else INVALID
    if column.kind == "month":
        return value if isinstance(value, str) and _MONTH.fullmatch(value) else INVALID
    if column.kind == "key":
        return value if isinstance(value, str) and _KEY.fullmatch(value) else INVALID
    if column.kind == "period":
        return value if isinstance(value, str) and parse_period(value) else INVALID
    allowed = org_values.get(column.name, column.values)
    return value if isinstance(value, str) and value in allowed else INVALID


def _row(p: Any, period: GridPeriod, key: str, names: dict[str, dict[int, str]],
         placements: Sequence[Any], steps: Sequence[Any],
         state: events.State | None) -> dict[str, Any]:
    start, end = period.start, period.end
    # The participant's events say what held at the end (as reports count it); a row without
    # events (none should be left after migration 0013) falls back on its dates.
    status = state.status if state is not None and state.status else status_at(p, end)
    enrolled = status in (Status.ENROLLED, Status.EXITED)
    exited = status == Status.EXITED
    last = min(p.exit_date, end) if exited and p.exit_date else end
    steps_by_end = (list(state.steps) if state is not None
                    else [s.step for s in steps if s.step_date <= end])
    destination = p.exit_destination if exited else None
    return {
        "key": key,
        "period": period.code,
        "programme": names["programme"].get(p.programme_id),
        "county_part": names["county_part"].get(p.county_part_id),
        "municipality": names["municipality"].get(p.municipality_id),
        "gender": p.gender,
        "age_band": age_band(p.birth_year, end),
        "income_source_start": p.income_source_start,
        "referring_party": p.referring_party,
        "referral_month": _month(p.referral_date),
        "status_at_end": str(status),
        "not_accepted_reason": p.not_accepted_reason if status == Status.NOT_ACCEPTED else None,
        "enrolment_month": _month(p.enrolment_date) if enrolled else None,
        "extended": bool(p.extended_until) if enrolled else None,
        "months_in_programme": _whole_months(p.enrolment_date, last)
        if enrolled and p.enrolment_date else None,
        "placements_started": sum(1 for x in placements if start <= x.start_date <= end),
        "in_placement_at_end": bool(state.placements) if state is not None else any(
            x.start_date <= end and (x.end_date is None or x.end_date >= end) for x in placements
        ),
        "steps_in_period": sum(1 for s in steps if start <= s.step_date <= end),
        "positive_progression": any(step != "mapping" for step in steps_by_end),
        "exit_month": _month(p.exit_date) if exited else None,
        "exit_reason": p.exit_reason if exited else None,
        "exit_destination": destination,
        "sus_group": DESTINATIONS[destination].value
        if destination in DESTINATIONS else (INVALID if destination else None),
        "income_source_exit": p.income_source_exit if exited else None,
        "survey_enrolment_done": p.survey_enrolment_done if enrolled else None,
        "survey_exit_done": p.survey_exit_done if exited else None,
    }


_KEY_SPACE = len(KEY_LETTERS) ** KEY_LENGTH  # about 2**45


def _new_key(taken: set[str]) -> str:
    """Ten letters from one draw of the system's random source (one call, not ten)."""
    while True:
        number, letters = secrets.randbelow(_KEY_SPACE), []
        for _ in range(KEY_LENGTH):
            number, digit = divmod(number, len(KEY_LETTERS))
            letters.append(KEY_LETTERS[digit])
        key = "".join(letters)
        if key not in taken:
            taken.add(key)
            return key


def build_rows(
    people: Sequence[Any], periods: Sequence[GridPeriod], names: dict[str, dict[int, str]],
    placements: dict[int, list[Any]], steps: dict[int, list[Any]],
    histories: dict[int, list[Any]] | None = None,
) -> list[dict[str, Any]]:
    """The rows, period by period, each period's ordered by key. Keys are drawn here and the
    map from participant to key is dropped on return: it exists nowhere else."""
    org_values = {name: tuple(values.values()) for name, values in names.items()}
    taken: set[str] = set()
    keys: dict[int, str] = {}
    found: list[dict[str, Any]] = []
    for period in periods:
        rows = []
        for p in people:
            if not in_period(p, period.start, period.end):
                continue
            history = (histories or {}).get(p.id)
            state = events.state_at(history, period.end) if history else None
            if state is not None and state.felregistrering:
                continue
            key = keys.get(p.id) or keys.setdefault(p.id, _new_key(taken))
            raw = _row(p, period, key, names, placements.get(p.id, ()), steps.get(p.id, ()),
                       state)
            rows.append({c.name: _checked(c, raw[c.name], org_values) for c in COLUMNS})
        rows.sort(key=lambda r: r["key"])
        found += rows
    return found


async def _by_participant(session: AsyncSession, columns: Sequence[Any], people: Any,
                          order: Any = None) -> dict[int, list[Any]]:
    """Rows (plain tuples with named fields, not ORM objects: an extract reads hundreds of
    thousands) of the table of `columns` for the participants `people` selects, per
    participant, in one statement."""
    participant = columns[0].table.c.participant_id
    statement = select(*columns).where(participant.in_(people))
    if order is not None:
        statement = statement.order_by(order)
    found: dict[int, list[Any]] = {}
    for row in (await session.exec(statement)).all():
        found.setdefault(row.participant_id, []).append(row)
    return found


async def grid_of(session: AsyncSession) -> str:
    association = (await session.exec(select(Association))).first()
    return association.report_grid if association else "half"


def _names(rows: Iterable[tuple[int, str]]) -> dict[int, str]:
    return dict(rows)


async def evaluator_extract(
    session: AsyncSession, actor: Actor, periods: Sequence[GridPeriod]
) -> EvaluatorExtract:
    """The rows for `periods`, with fresh keys; admins only (checked here, so no caller can
    forget). Reads only: run it in a read session, so a large extract never holds the writer,
    and log it with `audit_extract` when it is handed over."""
    if not is_allowed(actor, Action.EVALUATOR_EXTRACT):
        raise RuleError("evaluator_not_allowed")
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    conditions = (
        Participant.referral_date <= last,
        or_(col(Participant.exit_date).is_(None), col(Participant.exit_date) >= first),
        col(Participant.consent).is_(True),
    )
    people = list((await session.exec(
        select(*table_of(Participant).c).where(*conditions).order_by(col(Participant.id))
    )).all())
    names = {
        "programme": _names((await session.exec(
            select(key_col(Programme.id), col(Programme.code)))).all()),
        "county_part": _names((await session.exec(
            select(key_col(CountyPart.id), col(CountyPart.code)))).all()),
        "municipality": _names(
            (await session.exec(select(key_col(Municipality.id), col(Municipality.name)))).all()),
    }
    chosen = select(Participant.id).where(*conditions)
    placements = await _by_participant(
        session, [Placement.participant_id, Placement.start_date, Placement.end_date], chosen)
    steps = await _by_participant(
        session, [ProgressionStep.participant_id, ProgressionStep.step,
                  ProgressionStep.step_date], chosen)
    history = await _by_participant(session, list(table_of(ParticipantEvent).c), chosen,
                                    order=ParticipantEvent.id)
    # Pure computation over what was read: in a worker thread, so the event loop (other
    # people's turns) is not held while tens of thousands of rows are made.
    rows = await asyncio.to_thread(build_rows, people, periods, names, placements, steps,
                                   history)
    return EvaluatorExtract(
        tuple(periods), clock.now().isoformat(timespec="seconds"), rows=rows,
        org_values={name: tuple(sorted(values.values())) for name, values in names.items()},
    )


async def audit_extract(session: AsyncSession, actor: Actor, extract: EvaluatorExtract,
                        file_format: str) -> None:
    """Log the extract as it leaves Stegvis: who (the actor), when, which periods, the format
    and how many rows; never the rows or the keys."""
    await audit.record(
        session, actor, AuditAction.EXTRACT, "evaluator_extract",
        details={"periods": [p.code for p in extract.periods], "rows": len(extract.rows),
                 "format": file_format},
    )
