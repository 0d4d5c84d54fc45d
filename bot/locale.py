"""The language a turn answers in: the user's own choice (`språk en`), else the deployment's
default. The client's locale is not used: the Playground and many Teams clients say en-US
although the association works in Swedish.

/api/messages sets the default before the turn; the turn reads the choice once, inside its unit
(bot/once.py), with its other first reads in one statement (storage/opening.py); a path that
answers before that (a refusal) reads it on its own.
"""

from __future__ import annotations

import logging

from botbuilder.core import TurnContext
from sqlalchemy.exc import SQLAlchemyError

from storage.db import Database
from storage.language import chosen_locale

log = logging.getLogger(__name__)

_READ = "stegvis.locale_read"


def user_of(context: TurnContext) -> str | None:
    """The Teams id the user's choice is kept under."""
    sender = context.activity.from_property
    return sender.id if sender and sender.id else None


def use_locale(context: TurnContext, chosen: str | None) -> None:
    """Answer in `chosen` (read with the turn's other first reads: storage/opening.py) from
    here on, if the user chose one."""
    context.turn_state[_READ] = True
    if chosen:
        context.activity.locale = chosen


async def read_locale(context: TurnContext, db: Database) -> None:
    """Answer in the user's chosen language from here on (once per turn; the default, already
    on the activity, when they chose none or the database cannot say)."""
    if context.turn_state.get(_READ):
        return
    user_id = user_of(context)
    if not user_id:
        use_locale(context, None)
        return
    try:
        async with db.read() as session:
            chosen = await chosen_locale(session, user_id)
    except SQLAlchemyError:
        log.exception("could not read the user's language; answering in the default")
        chosen = None
    use_locale(context, chosen)
