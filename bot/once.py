"""A message is handled once (storage/turns.py has the ledger and the reasons).

The turn runs inside one database transaction. Its replies are held back while it runs and
sent only after that transaction, which also stored them, has committed: a user is never told
"sparat" about something that was not saved, and a redelivery can send exactly the replies
that never reached the user. Invoke responses are not replies and are never held back.
"""

from __future__ import annotations

import asyncio
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

# Set when replies could not be delivered after the commit, or the message could not even be
# claimed in time: /api/messages answers 503, so the Bot Connector delivers the message again
# and what is missing is done then.
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
    lease: timedelta, *, tracked: bool = True,
) -> None:
    """Send replies[sent:], counting each one that reached the connector; stop when another
    delivery took the sending over. Untracked: the turn's key was forgotten at its commit (a
    card button that changed nothing), so there is nothing to count and nobody to take over;
    a redelivery runs the turn afresh."""
    context.turn_state.pop(HELD_REPLIES, None)
    for index in range(sent, len(replies)):
        activity = Activity().deserialize(json.loads(replies[index]))
        try:
            await context.send_activity(activity)
        except Exception:
            answer = last_answer(context)
            status = answer.status if answer else None
            for_good = status is not None and status not in REPLY_RETRYABLE
            if tracked:
                await turns.stop_sending(db, key, owner, for_good=for_good)
            if for_good:
                raise  # refused for good (400, 403): the turn's error path tells the user
            log.warning("a reply could not be delivered; the connector will be asked again")
            context.turn_state[UNDELIVERED] = True
            return
        if not tracked:
            continue
        if not await turns.mark_sent(db, key, owner, index + 1, len(replies), lease):
            log.warning("a slow delivery was taken over; the other one sends the rest")
            return


async def _answer_again(
    context: TurnContext, db: Database, key: str, owner: str, lease: timedelta, turn: TurnLogic
) -> list[Activity] | None:
    """A message handled before: nothing runs again; replies that never reached the user are
    sent (once the delivery that owns them has had its time), and a card button tapped again
    is told why nothing happens."""
    for _ in range(3):  # running, then delivering, then done
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
            return None
        if await turns.take_sending(db, key, owner, handled.sent, lease):
            await _deliver(context, db, key, owner, handled.replies, handled.sent, lease)
            return None
        await turns.wait_for_other(db, key, lease)  # its own delivery is sending them now
    context.turn_state[UNDELIVERED] = True  # still busy after a lease: ask to be sent again
    return None


async def _run(
    context: TurnContext, db: Database, key: str, owner: str, lease: timedelta, turn: TurnLogic
) -> list[Activity] | None:
    """Run the turn in one transaction that also marks `key` done; then deliver. The replies
    when the turn changed a record (a card that did so is then closed by the caller)."""
    held: list[Activity] = []
    context.turn_state[HELD_REPLIES] = held
    replies: list[str] = []
    kept: list[bool] = []

    async def done(session: AsyncSession) -> None:
        replies.extend(_stored(held))
        # A button whose turn changed no record (a report, help) may be tapped again later and
        # is answered again; one that changed something is done, however often it comes back.
        keep = unit.changed or not _is_card(key)
        await turns.finish(session, key, owner, replies, keep=keep, lease=lease)
        kept.append(keep)

    heartbeat = asyncio.create_task(_heartbeat(db, key, owner, lease)) if not db.is_sqlite \
        else None
    try:
        async with db.unit() as unit:
            unit.before_commit.append(done)
            await turn(context)
    except turns.TakenOver:
        log.warning("a delivery thought dead came back; the other one answers")
        return None
    except BaseException:
        context.turn_state.pop(HELD_REPLIES, None)  # the error message goes out at once
        await turns.release(db, key, owner)
        raise
    finally:
        if heartbeat is not None:
            heartbeat.cancel()
    await _deliver(context, db, key, owner, replies, 0, lease, tracked=all(kept))
    return list(held) if unit.changed else None


async def _heartbeat(db: Database, key: str, owner: str, lease: timedelta) -> None:
    """Keep the key while a long turn runs (a slow upload), so that a resend does not take it
    over and run the turn a second time. PostgreSQL only: on SQLite the turn holds the one
    writer, so a resend's claim waits for the turn's end anyway."""
    while True:
        await asyncio.sleep(lease.total_seconds() / 3)
        try:
            await turns.renew(db, key, owner, lease)
        except Exception:
            log.warning("could not renew a running turn's lease", exc_info=True)


async def once(
    context: TurnContext, db: Database, key: str, turn: TurnLogic, lease: timedelta = turns.LEASE
) -> list[Activity] | None:
    """Run `turn` for the message `key` at most once, and deliver its replies once. Returns the
    replies when this call ran the turn and it changed a record, else None."""
    owner = turns.new_owner()
    try:
        state, _ = await turns.claim(db, key, owner, lease)
    except TimeoutError:
        # The write path is busy for longer than a turn may wait (a long turn holds SQLite's
        # one writer): nothing was read or written, so the connector is asked to send it again.
        log.warning("the message could not be claimed in time; asking for it again")
        context.turn_state[UNDELIVERED] = True
        return None
    if state == Claim.NEW:
        return await _run(context, db, key, owner, lease, turn)
    return await _answer_again(context, db, key, owner, lease, turn)
