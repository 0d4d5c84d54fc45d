"""What a message turn reads before it runs, in one statement rather than a round trip each:
whether the message was handled before (storage/turns.py), the language the user chose
(storage/language.py), the conversation's state document (storage/bot_state.py) and the
sender's staff row with its county parts (storage/staff.py). Each is read as its own module
reads it; only the trip to the database is shared.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, literal, select
from sqlmodel import col

from storage.bot_state import StoredState
from storage.db import Database
from storage.language import CHOSEN
from storage.models import BotStateItem, CountyPart, Staff, StaffCountyPart, table_of
from storage.permissions import Actor
from storage.staff import ACTOR_COLUMNS, actor_of, normalise_aad_id
from storage.turns import SEEN

_STATE = table_of(BotStateItem)
# One row to hang the LEFT JOINs on: the state and the staff row may each be missing.
_ONE = select(literal(1).label("one")).subquery("one")
_OPENING = select(
    SEEN.scalar_subquery().label("seen"),
    CHOSEN.scalar_subquery().label("locale"),
    _STATE.c.id.label("state_id"), _STATE.c.document.label("state_document"),
    _STATE.c.etag.label("state_etag"),
    *ACTOR_COLUMNS,
).select_from(
    _ONE.outerjoin(_STATE, _STATE.c.key == bindparam("p_state"))
    .outerjoin(Staff, and_(col(Staff.aad_object_id) == bindparam("aad"), col(Staff.active)))
    .outerjoin(StaffCountyPart, col(StaffCountyPart.staff_id) == Staff.id)
    .outerjoin(CountyPart, col(CountyPart.id) == StaffCountyPart.county_part_id)
)


@dataclass(frozen=True)
class Opening:
    seen: bool
    locale: str | None  # None: the user never chose one
    state: StoredState | None  # None: the conversation has no state document
    actor: Actor


async def opening(
    db: Database, key: str, *, user_id: str | None, state_key: str | None, aad: str,
    display_name: str = "",
) -> Opening:
    """Read the four (see the module text); inside a unit, in its one read transaction."""
    aad = normalise_aad_id(aad)
    async with db.read() as session:
        connection = await session.connection()
        rows = (await connection.execute(_OPENING, {
            "p_key": key, "p_user": user_id, "p_state": state_key, "aad": aad,
        })).all()
    first = rows[0]
    state = (StoredState(first.state_id, first.state_document, first.state_etag)
             if first.state_id is not None else None)
    return Opening(
        seen=first.seen is not None,
        locale=first.locale,
        state=state,
        actor=actor_of([tuple(row)[-len(ACTOR_COLUMNS):] for row in rows], aad, display_name),
    )
