"""A message is handled once (storage/turns.py has the ledger and the reasons).

The turn runs inside one database transaction. Its replies are held back while it runs and
sent only after that transaction, which also stored them, has committed: a user is never told
"sparat" about something that was not saved, and a redelivery can send exactly the replies
that never reached the user. Invoke responses are not replies and are never held back.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import HELD_REPLIES, REPLY_RETRYABLE, last_answer
from dialogs.cards import ONCE_KEY
from dialogs.texts import t
from storage import turns
from storage.db import Database
from storage.turns import Claim

log = logging.getLogger(__name__)

# Set when replies could not be delivered after the commit: /api/messages answers 503, so the
# Bot Connector delivers the message again and the missing replies are sent then.
UNDELIVERED = "stegvis.replies_undelivered"

TurnLogic = Callable[[TurnContext], Awaitable[None]]


_CARD = "|card|"


def turn_key(activity: Activity) -> str | None:
    """What makes two deliveries the same message, within its conversation: for a card button,
    its token and what the card's inputs held (a double tap is two activities with the same
    both; a form sent again after correcting a field is a new message), else the activity id."""
    if activity.type != ActivityTypes.message or activity.conversation is None:
        return None
    conversation = activity.conversation.id
    value = activity.value
    token = value.get(ONCE_KEY) if isinstance(value, dict) else None
    if isinstance(value, dict) and isinstance(token, str) and 8 <= len(token) <= 64:
        inputs = {key: item for key, item in value.items() if key != ONCE_KEY}
        digest = hashlib.sha256(
            json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str).encode()
        ).hexdigest()[:32]
        return f"{conversation}{_CARD}{token}|{digest}"[-512:]
    if activity.id:
        return f"{conversation}|{activity.id}"[-512:]
    return None


def _is_card(key: str) -> bool:
    return _CARD in key


def _stored(activities: list[Activity]) -> list[str]:
    return [json.dumps(a.serialize(), ensure_ascii=False) for a in activities]


async def _deliver(
    context: TurnContext, db: Database, key: str, owner: str, replies: list[str], sent: int,
    lease: timedelta,
) -> None:
    """Send replies[sent:], counting each one that reached the connector."""
    context.turn_state.pop(HELD_REPLIES, None)
    for index in range(sent, len(replies)):
        activity = Activity().deserialize(json.loads(replies[index]))
        try:
            await context.send_activity(activity)
        except Exception:
            answer = last_answer(context)
            status = answer.status if answer else None
            if status is not None and status not in REPLY_RETRYABLE:
                raise  # refused for good (400, 403): the turn's error path tells the user
            log.warning("a reply could not be delivered; the connector will be asked again")
            context.turn_state[UNDELIVERED] = True
            return
        await turns.mark_sent(db, key, owner, index + 1, len(replies), lease)


async def _answer_again(
    context: TurnContext, db: Database, key: str, owner: str, lease: timedelta, turn: TurnLogic
) -> None:
    """A message handled before: nothing runs again; replies that never reached the user are
    sent (once the delivery that owns them has had its time), and a card button tapped again
    is told why nothing happens."""
    for _ in range(2):
        state, handled = await turns.claim(db, key, owner, lease)
        if state == Claim.BUSY:  # another delivery is running it: give it its lease
            await turns.wait_for_other(db, key, lease)
            continue
        if state == Claim.NEW:  # its first delivery died before committing: run it here
            return await _run(context, db, key, owner, lease, turn)
        assert handled is not None
        if handled.sent >= len(handled.replies):
            if _is_card(key):
                await context.send_activity(t("card_already_handled", context.activity.locale))
            return
        if await turns.take_sending(db, key, owner, handled.sent, lease):
            return await _deliver(context, db, key, owner, handled.replies, handled.sent, lease)
        await turns.wait_for_other(db, key, lease)  # its own delivery is sending them now
    context.turn_state[UNDELIVERED] = True  # still busy after a lease: ask to be sent again


async def _run(
    context: TurnContext, db: Database, key: str, owner: str, lease: timedelta, turn: TurnLogic
) -> None:
    """Run the turn in one transaction that also marks `key` done; then deliver."""
    held: list[Activity] = []
    context.turn_state[HELD_REPLIES] = held
    replies: list[str] = []

    async def done(session: AsyncSession) -> None:
        replies.extend(_stored(held))
        # A button whose turn changed no record (a report, help) may be tapped again later and
        # is answered again; one that changed something is done, however often it comes back.
        keep = unit.changed or not _is_card(key)
        await turns.finish(session, key, owner, replies, keep=keep, lease=lease)

    try:
        async with db.unit() as unit:
            unit.before_commit.append(done)
            await turn(context)
    except turns.TakenOver:
        log.warning("a delivery thought dead came back; the other one answers")
        return
    except BaseException:
        context.turn_state.pop(HELD_REPLIES, None)  # the error message goes out at once
        await turns.release(db, key, owner)
        raise
    await _deliver(context, db, key, owner, replies, 0, lease)


async def once(
    context: TurnContext, db: Database, key: str, turn: TurnLogic, lease: timedelta = turns.LEASE
) -> None:
    """Run `turn` for the message `key` at most once, and deliver its replies once."""
    owner = turns.new_owner()
    state, _ = await turns.claim(db, key, owner, lease)
    if state == Claim.NEW:
        await _run(context, db, key, owner, lease, turn)
    else:
        await _answer_again(context, db, key, owner, lease, turn)
