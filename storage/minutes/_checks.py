"""The rules a meeting's minutes keep: their text (names allowed, personnummer never), the
meeting's date, the writer's permission, an action point's owner.
"""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.minutes._groups import GroupRef, _group, may_read, may_write
from storage.models import Meeting, Staff, utcnow
from storage.permissions import Action, Actor
from storage.pii import Policy, check
from storage.rules import RuleError

SELF_WORDS = frozenset({"jag", "mig", "me", "i"})


def check_text(text: str, people: frozenset[str] | None = None) -> str:
    """Attendees and owners are named (`people` None); items, decisions and action points may
    name only those people (the meeting's attendees and the staff), never a participant."""
    text = " ".join(text.split())
    if not text:
        raise RuleError("minutes_text_empty")
    if people is None:
        check(text, Policy.NUMBERS)
    else:
        check(text, Policy.NO_NAMES, allowed_names=people)
    return text


def _check_lines(lines: list[str], people: frozenset[str] | None = None) -> str:
    return "\n".join(check_text(line, people) for line in lines if line.strip())


async def known_people(session: AsyncSession, attendees: str) -> frozenset[str]:
    """The meeting's attendees and the active staff, as written ("Anna A", "Cem Coach")."""
    staff = (await session.exec(select(Staff.display_name).where(Staff.active))).all()
    return frozenset().union(_people(attendees), staff)


def _people(text: str) -> frozenset[str]:
    """ "Anna Andersson (FK), Bo B" → {"Anna Andersson", "Bo B"}: a name before any role."""
    return frozenset(
        " ".join(part.split("(")[0].split()) for part in re.split(r"[,;\n]", text)
    ) - {""}


def _check_held(meeting: Meeting) -> None:
    """Decisions and action points come from a meeting that has taken place."""
    if meeting.meeting_date > clock.today():
        raise RuleError("minutes_meeting_in_future", date=meeting.meeting_date.isoformat())


def _check_due(meeting: Meeting, due: date | None) -> None:
    if due is not None and due < meeting.meeting_date:
        raise RuleError(
            "minutes_due_before_meeting",
            due=due.isoformat(),
            date=meeting.meeting_date.isoformat(),
        )


def _require_write(actor: Actor, group: GroupRef) -> None:
    if not may_write(actor, group):
        raise RuleError("minutes_not_allowed_write", group=group.name)


async def _meeting_for(
    session: AsyncSession, actor: Actor, meeting_id: int, action: Action
) -> tuple[Meeting, GroupRef]:
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise RuleError("minutes_meeting_not_found", id=meeting_id)
    group = await _group(session, meeting.steering_group_id)
    if action == Action.WRITE_MINUTES:
        _require_write(actor, group)
    elif not may_read(actor, group):
        raise RuleError("minutes_not_allowed_read", group=group.name)
    return meeting, group


def _touch(meeting: Meeting) -> None:
    """A held meeting with any content has minutes; the reminder about missing minutes stops."""
    meeting.updated_at = utcnow()
    if meeting.minutes_logged_at is None and meeting.meeting_date <= clock.today():
        meeting.minutes_logged_at = utcnow()


async def _resolve_owner(session: AsyncSession, actor: Actor, name: str) -> tuple[str, int | None]:
    """ "jag" is the actor; a staff member's full or unique first name links them (reminders)."""
    name = " ".join(name.split())
    if not name:
        return "", None
    if name.casefold() in SELF_WORDS and actor.staff_id is not None:
        return actor.display_name or name, actor.staff_id
    check(name, Policy.NUMBERS)
    staff = (await session.exec(select(Staff).where(Staff.active))).all()
    exact = [s for s in staff if s.display_name.casefold() == name.casefold()]
    first = [s for s in staff if s.display_name.casefold().split()[:1] == [name.casefold()]]
    match = exact or (first if len(first) == 1 else [])
    if len(match) == 1:
        return match[0].display_name, match[0].id
    return name, None
