"""Staff training (Inkluderingslyftet): sessions, attendance counts per kind of organisation,
the post-training survey's counts, and progress towards the programme's goals.

Only counts are kept, never who attended: the project plan's target is a number of people
trained, and the survey's goal a share. Attendees already counted at an earlier session are
given as `returning`, so progress counts people once. Goals come from the organisation file
(`training_target`, `training_useful_goal` on the programme). Rules raise `RuleError`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.models import Programme, TrainingAttendance, TrainingSession, key_of, utcnow
from storage.permissions import Action, Actor, Scope, is_allowed
from storage.pii import Policy, check
from storage.rules import RuleError, check_code

MOST_PER_ORGANISATION = 1000
RECENT = 10


@dataclass(frozen=True)
class SessionInput:
    """What a session is; None leaves a field as it is when editing."""

    held_on: date | None = None
    theme: str | None = None
    attendance: dict[str, int] | None = None
    returning: int | None = None
    title: str | None = None


@dataclass(frozen=True)
class SessionRow:
    id: int
    held_on: date
    theme: str
    title: str
    attendees: int
    returning: int
    survey_responses: int | None
    survey_useful: int | None


@dataclass(frozen=True)
class TrainingOverview:
    """Progress of one training programme, for `utbildningar` (all years or one)."""

    programme: str
    year: int | None
    target: int | None
    useful_goal: int | None
    sessions: int
    trained: int
    attendances: int
    by_theme: dict[str, tuple[int, int]]
    by_organisation: dict[str, int]
    survey_responses: int
    survey_useful: int
    recent: list[SessionRow] = field(default_factory=list)

    @property
    def useful_percent(self) -> int | None:
        if not self.survey_responses:
            return None
        return round(100 * self.survey_useful / self.survey_responses)

    @property
    def target_percent(self) -> int | None:
        return round(100 * self.trained / self.target) if self.target else None


def _require(actor: Actor) -> None:
    if not is_allowed(actor, Action.RECORD_TRAINING, Scope()):
        raise RuleError("training_not_allowed")


async def training_programme(session: AsyncSession, code: str | None = None) -> Programme:
    """The programme a session belongs to: the one named, else the only one with a training
    target, else the only active one that takes no participants."""
    programmes = (await session.exec(select(Programme).where(Programme.active))).all()
    if code:
        wanted = code.casefold()
        found = [p for p in programmes if wanted in {p.code.casefold(), p.name.casefold()}]
    else:
        found = [p for p in programmes if p.training_target] or [
            p for p in programmes if not p.takes_participants
        ]
    if len(found) == 1:
        return found[0]
    names = ", ".join(p.name for p in programmes)
    raise RuleError("training_programme_needed", value=code or "", programmes=names)


def _check_counts(attendance: dict[str, int], returning: int) -> int:
    if not attendance:
        raise RuleError("training_no_attendance")
    for organisation, count in attendance.items():
        check_code("training_org", organisation)
        if not 1 <= count <= MOST_PER_ORGANISATION:
            raise RuleError("training_bad_count", value=count, most=MOST_PER_ORGANISATION)
    total = sum(attendance.values())
    if not 0 <= returning <= total:
        raise RuleError("training_bad_returning", value=returning, total=total)
    return total


def _check_day(day: date) -> None:
    if day > clock.today():
        raise RuleError("training_in_future", date=day.isoformat())


async def _attendance(session: AsyncSession, session_id: int) -> dict[str, int]:
    rows = await session.exec(
        select(TrainingAttendance).where(TrainingAttendance.session_id == session_id)
    )
    return {row.organisation: row.attendees for row in rows.all()}


async def _replace_attendance(
    session: AsyncSession, session_id: int, attendance: dict[str, int]
) -> None:
    await session.exec(
        delete(TrainingAttendance).where(col(TrainingAttendance.session_id) == session_id)
    )
    session.add_all(
        TrainingAttendance(session_id=session_id, organisation=org, attendees=count)
        for org, count in attendance.items()
    )


async def record_session(
    session: AsyncSession, actor: Actor, data: SessionInput, programme_code: str | None = None
) -> SessionRow:
    """A held session with its counts; the date defaults to today."""
    _require(actor)
    if data.theme is None:
        raise RuleError("training_no_theme")
    programme = await training_programme(session, programme_code)
    held_on = data.held_on or clock.today()
    _check_day(held_on)
    attendance = data.attendance or {}
    returning = data.returning or 0
    _check_counts(attendance, returning)
    row = TrainingSession(
        programme_id=key_of(programme),
        held_on=held_on,
        theme=check_code("training_theme", data.theme),
        title=_title(data.title or ""),
        already_counted=returning,
        created_by=actor.staff_id,
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    await _replace_attendance(session, row.id, attendance)
    await session.flush()
    return await _row(session, row)


def _title(text: str) -> str:
    """A session's name ("BIP i praktiken, dag 1"): never a person's name or number."""
    text = " ".join(text.split())
    if text:
        check(text, Policy.NO_NAMES)
    return text


async def _get(session: AsyncSession, session_id: int) -> TrainingSession:
    row = await session.get(TrainingSession, session_id)
    if row is None:
        raise RuleError("training_not_found", id=session_id)
    return row


async def update_session(
    session: AsyncSession, actor: Actor, session_id: int, data: SessionInput
) -> SessionRow:
    """Change the fields given; the counts are checked together with those kept."""
    _require(actor)
    row = await _get(session, session_id)
    attendance = data.attendance or await _attendance(session, session_id)
    returning = row.already_counted if data.returning is None else data.returning
    total = _check_counts(attendance, returning)
    if row.survey_responses is not None and row.survey_responses > total:
        raise RuleError("training_survey_too_many", responses=row.survey_responses, total=total)
    if data.held_on is not None:
        _check_day(data.held_on)
        row.held_on = data.held_on
    if data.theme is not None:
        row.theme = check_code("training_theme", data.theme)
    if data.title is not None:
        row.title = _title(data.title)
    row.already_counted, row.updated_at = returning, utcnow()
    session.add(row)
    if data.attendance:
        await _replace_attendance(session, session_id, attendance)
    await session.flush()
    return await _row(session, row)


async def record_survey(
    session: AsyncSession, actor: Actor, session_id: int, responses: int, useful: int
) -> SessionRow:
    """The post-training survey's counts; recorded again, they replace the earlier ones."""
    _require(actor)
    row = await _get(session, session_id)
    total = sum((await _attendance(session, session_id)).values())
    if not 0 <= responses <= total:
        raise RuleError("training_survey_too_many", responses=responses, total=total)
    if not 0 <= useful <= responses:
        raise RuleError("training_useful_too_many", useful=useful, responses=responses)
    row.survey_responses, row.survey_useful, row.updated_at = responses, useful, utcnow()
    session.add(row)
    await session.flush()
    return await _row(session, row)


async def _row(session: AsyncSession, row: TrainingSession) -> SessionRow:
    assert row.id is not None
    attendees = sum((await _attendance(session, row.id)).values())
    return SessionRow(
        row.id,
        row.held_on,
        row.theme,
        row.title,
        attendees,
        row.already_counted,
        row.survey_responses,
        row.survey_useful,
    )


async def training_overview(
    session: AsyncSession, actor: Actor, year: int | None = None, programme_code: str | None = None
) -> TrainingOverview:
    """Progress towards the programme's goals, all sessions or those of one year."""
    if not is_allowed(actor, Action.READ_REPORT):
        raise RuleError("training_not_allowed_read")
    programme = await training_programme(session, programme_code)
    query = select(TrainingSession).where(TrainingSession.programme_id == programme.id)
    if year is not None:
        query = query.where(
            TrainingSession.held_on >= date(year, 1, 1),
            TrainingSession.held_on <= date(year, 12, 31),
        )
    query = query.order_by(col(TrainingSession.held_on), col(TrainingSession.id))
    sessions = list((await session.exec(query)).all())
    ids = [s.id for s in sessions]
    rows = (
        (
            await session.exec(
                select(TrainingAttendance).where(col(TrainingAttendance.session_id).in_(ids))
            )
        ).all()
        if ids
        else []
    )
    per_session: Counter[int] = Counter()
    by_organisation: Counter[str] = Counter()
    for row in rows:
        per_session[row.session_id] += row.attendees
        by_organisation[row.organisation] += row.attendees
    by_theme: dict[str, tuple[int, int]] = {}
    for s in sessions:
        count, people = by_theme.get(s.theme, (0, 0))
        by_theme[s.theme] = (count + 1, people + per_session[key_of(s)])
    attendances = sum(per_session.values())
    surveyed = [s for s in sessions if s.survey_responses]
    recent = [
        SessionRow(
            s.id, s.held_on, s.theme, s.title, per_session[s.id], s.already_counted,
            s.survey_responses, s.survey_useful,
        )
        for s in reversed(sessions[-RECENT:])
        if s.id is not None
    ]
    return TrainingOverview(
        programme=programme.name,
        year=year,
        target=programme.training_target,
        useful_goal=programme.training_useful_goal,
        sessions=len(sessions),
        trained=attendances - sum(s.already_counted for s in sessions),
        attendances=attendances,
        by_theme=by_theme,
        by_organisation=dict(by_organisation),
        survey_responses=sum(s.survey_responses or 0 for s in surveyed),
        survey_useful=sum(s.survey_useful or 0 for s in surveyed),
        recent=recent,
    )
