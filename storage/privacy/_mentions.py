"""Where stored text names a participant code: in any text or JSON document, and in the
steering-group minutes (which are shown and counted, never changed).
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ActionPoint, InterimDecision, Meeting, MeetingDecision

# Anything shaped like a participant code (letters, year, number), as a whole word.
_CODE_SHAPE = re.compile(r"(?<![\w-])([^\W\d_]+-\d{4}-\d+)(?![\w-])")


def codes_in(text: str) -> set[str]:
    """The participant codes `text` names, upper-cased (V-2026-00421 does not name
    V-2026-0042); JSON escapes are undone first."""
    return {found.upper() for found in _CODE_SHAPE.findall(_readable(text))}


def mentions_code(text: str, code: str) -> bool:
    return code.upper() in codes_in(text)


def _spellings(code: str) -> set[str]:
    """How a code may appear in stored text: as typed in either case, and JSON-escaped (a
    county-part prefix may be Å, Ä or Ö, which SQLite's lower() does not fold)."""
    forms = {code, code.lower()}
    return forms | {json.dumps(form)[1:-1] for form in forms}


def _contains_code(column: Any, code: str) -> Any:
    """SQL pre-filter for `mentions_code`; Python confirms the match."""
    return or_(*(func.lower(column).contains(form.lower()) for form in _spellings(code)),
               *(column.contains(form) for form in _spellings(code)))


def _readable(document: str) -> str:
    """A stored JSON document with escapes undone, so Ö-2026-0001 is found however it was
    written; other text as it is."""
    try:
        return json.dumps(json.loads(document), ensure_ascii=False)
    except ValueError:
        return document


_Item = TypeVar("_Item", MeetingDecision, ActionPoint)


async def _item_mentions(
    session: AsyncSession, model: type[_Item], code: str
) -> list[dict[str, Any]]:
    """`_minutes_mentions` among a meeting's decisions or action points."""
    found: list[dict[str, Any]] = []
    rows = (
        await session.exec(
            select(model, col(Meeting.meeting_date))
            .join(Meeting, col(Meeting.id) == model.meeting_id)
            .where(_contains_code(model.text, code))
        )
    ).all()
    for row, day in rows:
        if mentions_code(row.text, code):
            found.append(
                {"kind": model.__tablename__, "id": row.id, "meeting_id": row.meeting_id,
                 "meeting_date": day.isoformat(), "text": row.text}
            )
    return found


async def _minutes_mentions(session: AsyncSession, code: str) -> list[dict[str, Any]]:
    """Minutes whose text names the code: (kind, id, meeting, date, text)."""
    found: list[dict[str, Any]] = []
    meetings = (
        await session.exec(
            select(Meeting).where(
                or_(_contains_code(Meeting.items, code), _contains_code(Meeting.attendees, code))
            )
        )
    ).all()
    for meeting in meetings:
        text = f"{meeting.attendees}\n{meeting.items}"
        if mentions_code(text, code):
            found.append(
                {"kind": "meeting", "id": meeting.id, "meeting_id": meeting.id,
                 "meeting_date": meeting.meeting_date.isoformat(), "text": text}
            )
    found += await _item_mentions(session, MeetingDecision, code)
    found += await _item_mentions(session, ActionPoint, code)
    interim = (
        await session.exec(
            select(InterimDecision).where(_contains_code(InterimDecision.text, code))
        )
    ).all()
    found += [
        {"kind": InterimDecision.__tablename__, "id": row.id, "meeting_id": None,
         "meeting_date": row.decided_on.isoformat(), "text": row.text}
        for row in interim
        if mentions_code(row.text, code)
    ]
    return found
