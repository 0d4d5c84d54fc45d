"""Conversation references: where the bot may write later (reminders, exports).

A reference is the channel's own JSON document (a Bot Framework ConversationReference,
serialised by bot/): storage keeps it and hands it back, and reads only its conversation id."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import database_of
from storage.models import ConversationRef, table_of, utcnow
from storage.prebuilt import insert_for


async def remember_conversation(
    session: AsyncSession,
    reference: Mapping[str, Any],
    *,
    conversation_type: str,
    tenant_id: str | None,
    aad_object_id: str | None,
    user_name: str | None,
) -> bool:
    """Store or refresh the reference; returns True when the conversation is new to the bot."""
    conversation_id = conversation_of(reference)
    row = await _stored(session, conversation_id)
    document = _document(reference)
    if row is None:
        # Two first turns of one conversation can arrive together: insert-or-ignore, and only
        # the turn whose insert took effect counts the conversation as new.
        table = table_of(ConversationRef)
        inserted = await session.execute(
            insert_for(session, table)
            .values(
                conversation_id=conversation_id,
                conversation_type=conversation_type,
                tenant_id=tenant_id,
                aad_object_id=aad_object_id.lower() if aad_object_id else None,
                user_name=user_name,
                reference=document,
                created_at=(now := utcnow()),
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["conversation_id"])
            .returning(table.c.id)
        )
        return inserted.first() is not None
    if _unchanged(row, document, user_name):
        return False
    row.reference, row.conversation_type, row.tenant_id = document, conversation_type, tenant_id
    row.aad_object_id = aad_object_id.lower() if aad_object_id else None
    row.user_name, row.updated_at, row.removed_at = user_name, utcnow(), None
    session.add(row)
    return False


# Conversations this process found stored as they are, by database and conversation id: the
# document and user name found there, and when. The usual turn then reads nothing. Trusted for
# CONFIRMED_FOR seconds, so a reference another process changed or marked removed is read
# again soon after; a removal in this process forgets it at once.
CONFIRMED_FOR = 60.0
_CONFIRMED_KEPT = 10_000
_confirmed: dict[tuple[str, str], tuple[str, str | None, float]] = {}


def forget_confirmed() -> None:
    """Read every conversation's reference again on its next turn."""
    _confirmed.clear()


async def conversation_known(
    session: AsyncSession, reference: Mapping[str, Any], user_name: str | None,
    *, fresh: bool = False,
) -> bool:
    """True when the stored reference is this one already: the usual turn, which then needs no
    write transaction (on SQLite: does not wait for the write lock). `fresh`: read it even when
    this process confirmed it a moment ago (an install greets once per conversation)."""
    key = (database_of(session), conversation_of(reference))
    document, name = _document(reference), user_name or None
    seen = _confirmed.get(key)
    if (not fresh and seen is not None and seen[:2] == (document, name)
            and time.monotonic() - seen[2] < CONFIRMED_FOR):
        return True
    row = await _stored(session, key[1])
    if row is None or not _unchanged(row, document, user_name):
        _confirmed.pop(key, None)
        return False
    if len(_confirmed) >= _CONFIRMED_KEPT:
        _confirmed.clear()
    _confirmed[key] = (document, name, time.monotonic())
    return True


async def _stored(session: AsyncSession, conversation_id: str) -> ConversationRef | None:
    return (
        await session.exec(
            select(ConversationRef).where(ConversationRef.conversation_id == conversation_id)
        )
    ).first()


def conversation_of(reference: Mapping[str, Any]) -> str:
    """The id of the conversation a reference points to."""
    conversation = reference.get("conversation")
    found = conversation.get("id") if isinstance(conversation, Mapping) else None
    if not isinstance(found, str):
        raise ValueError("a conversation reference without a conversation id")
    return found


def _document(reference: Mapping[str, Any]) -> str:
    """The reference as stored. The id of the activity that brought it changes every turn and
    is not needed to write proactively; leaving it out means an ordinary message writes nothing."""
    stored = json.loads(json.dumps(reference))
    stored.pop("activityId", None)
    # A group chat's or channel's name is whatever its members typed; it is not needed to
    # write there, so it is not kept.
    if isinstance(stored.get("conversation"), dict):
        stored["conversation"].pop("name", None)
    return json.dumps(stored, ensure_ascii=False, sort_keys=True)


def _unchanged(row: ConversationRef, document: str, user_name: str | None) -> bool:
    return (
        row.reference == document
        and row.removed_at is None
        and (row.user_name or None) == (user_name or None)
    )


async def forget_conversation(session: AsyncSession, conversation_id: str) -> None:
    """Mark a conversation the app was removed from, so nothing is sent there again."""
    row = (
        await session.exec(
            select(ConversationRef).where(ConversationRef.conversation_id == conversation_id)
        )
    ).first()
    if row is not None and row.removed_at is None:
        row.removed_at = utcnow()
        session.add(row)
    key = (database_of(session), conversation_id)
    _confirmed.pop(key, None)
    # And once more when it commits: a turn reading the reference meanwhile (the removal not
    # yet visible to it) would otherwise confirm it again for CONFIRMED_FOR.
    event.listen(session.sync_session, "after_commit",
                 lambda _session: _confirmed.pop(key, None), once=True)


def load_reference(row: ConversationRef) -> dict[str, Any]:
    """The stored reference document, for bot/ to turn into the channel's own type."""
    document: dict[str, Any] = json.loads(row.reference)
    return document


# Teams channel conversations are stored per thread ("19:…@thread.tacv2;messageid=…"); the part
# before this marker is the channel itself, where a message starts a new post.
THREAD_MARKER = ";messageid="


async def latest_conversation(
    session: AsyncSession, tenant_id: str | None = None
) -> ConversationRef | None:
    """The conversation the bot heard from last (of `tenant_id`, when given): where the service
    URL and the bot's own account for a new conversation come from."""
    query = select(ConversationRef).where(col(ConversationRef.removed_at).is_(None))
    if tenant_id:
        query = query.where(ConversationRef.tenant_id == tenant_id)
    return (
        await session.exec(query.order_by(col(ConversationRef.updated_at).desc()).limit(1))
    ).first()


async def team_channel(session: AsyncSession) -> str | None:
    """The team channel the bot heard from last, as the channel's own id (a new post, not a
    reply in an old thread); None when the bot is in no team."""
    row = (
        await session.exec(
            select(ConversationRef)
            .where(
                ConversationRef.conversation_type == "channel",
                col(ConversationRef.removed_at).is_(None),
            )
            .order_by(col(ConversationRef.updated_at).desc())
            .limit(1)
        )
    ).first()
    return row.conversation_id.split(THREAD_MARKER)[0] if row else None
