"""`beslut mellan möten`: log a decision taken between a group's meetings, or list those its
next meeting must take note of. Rules live in `storage.interim_decisions`."""

from __future__ import annotations

from dialogs.minutes import FIELD_ALIASES, parse_date, positional
from dialogs.router import Route, Turn
from storage.interim_decisions import (
    InterimRow,
    add_interim_decision,
    pending_interim_decisions,
)
from storage.permissions import Action

LIST_LIMIT = 50


def _field(turn: Turn, slot: str) -> str | None:
    fields = turn.command.fields
    return next((fields[a] for a in FIELD_ALIASES[slot] if a in fields), None)


def _where(turn: Turn, row: InterimRow) -> str:
    """Which meeting will take note of it, as the user reads it."""
    if row.next_meeting is None:
        return turn.text("interim_next_unplanned", group=row.group.name)
    return turn.text(
        "interim_next_meeting",
        id=row.next_meeting.id,
        date=row.next_meeting.meeting_date.isoformat(),
    )


async def interim_decision(turn: Turn) -> None:
    """With text: log it (`grupp=`, `datum=` optional); without: list what is still to report."""
    text = " ".join(positional(turn))
    if not text:
        await _list(turn)
        return
    group, day = _field(turn, "group"), _field(turn, "date")
    async with turn.db.session() as session:
        row = await add_interim_decision(
            session, turn.actor, text, group, parse_date(day) if day else None
        )
    await turn.reply(
        turn.text(
            "interim_saved",
            group=row.group.name,
            date=row.decided_on.isoformat(),
            where=_where(turn, row),
        )
    )


async def _list(turn: Turn) -> None:
    async with turn.db.session() as session:
        rows = await pending_interim_decisions(session, turn.actor)
    if not rows:
        await turn.reply(turn.text("interim_none"))
        return
    lines = [
        "- "
        + turn.text(
            "interim_line",
            date=row.decided_on.isoformat(),
            group=row.group.name,
            text=row.text,
            where=_where(turn, row),
        )
        for row in rows[:LIST_LIMIT]
    ]
    if len(rows) > LIST_LIMIT:
        lines.append(turn.text("interim_more", count=len(rows) - LIST_LIMIT))
    await turn.reply(f"**{turn.text('interim_title')}**\n\n" + "\n".join(lines))


ROUTES = [
    Route(
        ("beslut mellan möten", "beslut mellan moten", "decision between meetings"),
        interim_decision,
        "help_cmd_interim",
        Action.READ_MINUTES,
    ),
]
