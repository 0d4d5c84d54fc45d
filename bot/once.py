"""A message is handled once (storage/turns.py has the ledger and the reasons).

The turn runs inside one database transaction, which also writes the message's receipt when the
turn wrote anything: a turn that only reads commits nothing at all. Its replies are held back
while it runs and sent only after that transaction, which also stored them, has committed: a
user is never told "sparat" about something that was not saved, and a redelivery can send
exactly the replies that never reached the user. Invoke responses are not replies and are
never held back.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import timedelta

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, Mention

from bot.activity_json import activity_json
from bot.delivery import HELD_REPLIES, REPLY_RETRYABLE, last_answer
from dialogs.cards import ONCE_KEY
from dialogs.texts import t
from storage import turns
from storage.db import Database, Unit, WriteBusy
from storage.turns import Claim

log = logging.getLogger(__name__)

# Set when replies could not be delivered after the commit, or the message could not even be
# claimed in time: /api/messages answers 503, so the Bot Connector delivers the message again
# and what is missing is done then.
UNDELIVERED = "stegvis.replies_undelivered"

TurnLogic = Callable[[TurnContext], Awaitable[None]]
# Reads what the turn needs first, in its unit (the user's language, among other things), and
# says whether the message's key was seen already.
Opened = Callable[[TurnContext, str], Awaitable[bool]]


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
    return [json.dumps(activity_json(a), ensure_ascii=False) for a in activities]


def _revived(replies: list[str]) -> list[Activity]:
    """Stored replies as activities again. msrest reads every entity as a bare Entity, whose
    other fields it would not send: a mention is read back as a Mention."""
    activities = []
    for reply in replies:
        document = json.loads(reply)
        activity = Activity().deserialize(document)
        raw = document.get("entities")
        if isinstance(raw, list) and activity.entities and len(raw) == len(activity.entities):
            activity.entities = [
                Mention().deserialize(item)
                if isinstance(item, dict) and item.get("type") == "mention" else entity
                for item, entity in zip(raw, activity.entities, strict=True)
            ]
        activities.append(activity)
    return activities


async def _deliver(
    context: TurnContext, db: Database, key: str, owner: str, replies: list[Activity],
    sent: int, lease: timedelta, *, receipt: bool = True,
) -> None:
    """Send replies[sent:], counting each one that reached the connector; stop when another
    delivery took the sending over. Without a `receipt` (the turn wrote nothing) nothing is
    counted: only a reply that did not get through is kept, for the redelivery."""
    context.turn_state.pop(HELD_REPLIES, None)
    for index in range(sent, len(replies)):
        try:
            # Straight to the adapter: a held reply went through send_activity's deep copy and
            # its handlers (the redaction) when it was held, and a stored one before it was
            # stored; through it again, each card would be copied and walked a second time.
            await context.adapter.send_activities(context, [replies[index]])
            context.responded = True
        except Exception:
            answer = last_answer(context)
            status = answer.status if answer else None
            for_good = status is not None and status not in REPLY_RETRYABLE
            if receipt:
                await turns.stop_sending(db, key, owner, for_good=for_good)
            elif not for_good:
                await turns.keep_undelivered(db, key, owner, _stored(replies), index)
            if for_good:
                raise  # refused for good (400, 403): the turn's error path tells the user
            log.warning("a reply could not be delivered; the connector will be asked again")
            context.turn_state[UNDELIVERED] = True
            return
        if not receipt:
            continue
        if index + 1 == len(replies):
            turns.delivered(db, key, owner)  # written after the answer, with others' (turns.py)
        elif not await turns.mark_sent(db, key, owner, index + 1, len(replies), lease):
            log.warning("a slow delivery was taken over; the other one sends the rest")
            return


async def _answer_again(
    context: TurnContext, db: Database, key: str, owner: str, lease: timedelta, turn: TurnLogic,
    opened: Opened,
) -> list[Activity] | None:
    """A message handled before: nothing runs again; replies that never reached the user are
    sent (once the delivery that owns them has had its time), and a card button tapped again
    is told why nothing happens."""
    for _ in range(3):  # running, then delivering, then done
        try:
            state, handled = await turns.claim(db, key, owner, lease)
        except WriteBusy:
            break
        if state == Claim.BUSY:  # another delivery is running it: give it its lease
            await turns.wait_for_other(db, key, lease)
            continue
        if state == Claim.NEW:  # its first delivery died before committing: run it here
            return await _run(context, db, key, owner, lease, turn, opened, claimed=True)
        assert handled is not None
        if handled.sent >= len(handled.replies):
            if _is_card(key):
                await context.send_activity(t("card_already_handled", context.activity.locale))
            return None
        if await turns.take_sending(db, key, owner, handled.sent, lease):
            replies = _revived(handled.replies)
            await _deliver(context, db, key, owner, replies, handled.sent, lease)
            return None
        await turns.wait_for_other(db, key, lease)  # its own delivery is sending them now
    context.turn_state[UNDELIVERED] = True  # still busy after a lease: ask to be sent again
    return None


async def _run(
    context: TurnContext, db: Database, key: str, owner: str, lease: timedelta, turn: TurnLogic,
    opened: Opened, *, claimed: bool = False,
) -> list[Activity] | None:
    """Run the turn in one transaction that also writes the receipt of `key` (when the turn
    wrote anything); then deliver. `claimed`: a running row of `owner` holds the key. The
    replies when the turn changed a record (a card that did so is then closed by the caller).
    A delivery of the same message that committed first makes this one a repeat."""
    held: list[Activity] = []
    context.turn_state[HELD_REPLIES] = held
    receipt = False

    async def done(unit: Unit) -> None:
        nonlocal receipt
        # A button whose turn changed no record (a report, help) may be tapped again later and
        # is answered again; one that changed something is done, however often it comes back.
        # A typed message that wrote anything (a form's dialog state too) is done; one that
        # wrote nothing is answered again, so it needs no receipt, hence no commit at all.
        receipt = unit.changed if _is_card(key) else unit.wrote
        if receipt:
            await turns.finish(db, await unit.open(), key, owner, _stored(held), lease=lease)
        elif claimed:
            await turns.forget(await unit.open(), key, owner)

    try:
        async with db.unit() as unit:
            unit.before_commit.append(done)
            # Seen already: a repeat (read with the rest of what the turn reads first).
            repeat = await opened(context, key) and not claimed
            if not repeat:
                await turn(context)
    except turns.TakenOver:
        log.info("another delivery of this message committed first; answering as a repeat")
        return await _answer_again(context, db, key, owner, lease, turn, opened)
    except WriteBusy:
        # The write path stayed busy for longer than a turn may wait (a long turn holds
        # SQLite's one writer): nothing was written, so the connector is asked to send it again.
        log.warning("the turn could not write in time; asking for the message again")
        context.turn_state.pop(HELD_REPLIES, None)
        if claimed:
            with suppress(WriteBusy):  # else its lease ends, and the redelivery takes it
                await turns.release(db, key, owner)
        context.turn_state[UNDELIVERED] = True
        return None
    except Exception:
        context.turn_state.pop(HELD_REPLIES, None)  # the error message goes out at once
        if claimed:
            await turns.release(db, key, owner)
        elif await turns.seen(db, key):
            # A delivery of the same message running at the same moment (its dialog state
            # conflicted with this one's) committed first: this one is a repeat.
            log.info("a turn failed beside another delivery of it; answering as a repeat")
            return await _answer_again(context, db, key, owner, lease, turn, opened)
        raise
    if repeat:
        context.turn_state.pop(HELD_REPLIES, None)
        return await _answer_again(context, db, key, owner, lease, turn, opened)
    # Sent as held (the stored copies are for a redelivery): nothing is read back here.
    await _deliver(context, db, key, owner, held, 0, lease, receipt=receipt)
    return list(held) if unit.changed else None


async def once(
    context: TurnContext, db: Database, key: str, turn: TurnLogic, opened: Opened,
    lease: timedelta = turns.LEASE,
) -> list[Activity] | None:
    """Run `turn` for the message `key` at most once, and deliver its replies once. Returns the
    replies when this call ran the turn and it changed a record, else None. `opened` runs
    first in the turn's transaction, for a repeat too (what it reads, an answer needs)."""
    return await _run(context, db, key, turns.new_owner(), lease, turn, opened)
