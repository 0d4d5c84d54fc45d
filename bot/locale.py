"""The language a turn answers in: the user's own choice (`språk en`), else the deployment's
default. The client's locale is not used: the Playground and many Teams clients say en-US
although the association works in Swedish.

/api/messages sets the default before the turn; the turn reads the choice once, inside its unit
(bot/once.py) so that the read shares the turn's one read transaction instead of opening a
session of its own; a path that answers before that (a refusal) reads it first.
"""

from __future__ import annotations

import logging

from botbuilder.core import TurnContext
from sqlalchemy.exc import SQLAlchemyError

from storage.db import Database
from storage.language import chosen_locale

log = logging.getLogger(__name__)

_READ = "stegvis.locale_read"


async def read_locale(context: TurnContext, db: Database) -> None:
    """Answer in the user's chosen language from here on (once per turn; the default, already
    on the activity, when they chose none or the database cannot say)."""
    if context.turn_state.get(_READ):
        return
    context.turn_state[_READ] = True
    activity = context.activity
    user_id = activity.from_property.id if activity.from_property else None
    if not user_id:
        return
    try:
        async with db.read() as session:
            chosen = await chosen_locale(session, user_id)
    except SQLAlchemyError:
        log.exception("could not read the user's language; answering in the default")
        return
    if chosen:
        activity.locale = chosen
