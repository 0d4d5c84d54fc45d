"""Answer in the asker's personal chat with the bot, from a turn in a channel or group chat.

What shows a single participant or figures that are not masked must not be readable by every
member of a channel. The command is run again in a turn of the asker's personal conversation:
the stored one when the bot has it, otherwise one created through the connector (Teams allows a
bot to start a one-to-one chat with a member of a team or chat it is installed in).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import ClientError
from botbuilder.core import TurnContext
from botbuilder.schema import (
    ActivityTypes,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from msrest.exceptions import HttpOperationError
from sqlmodel import col, select

from storage.conversations import load_reference
from storage.db import Database
from storage.models import ConversationRef

log = logging.getLogger(__name__)

Logic = Callable[[TurnContext], Awaitable[None]]


async def _personal_reference(db: Database, aad_object_id: str) -> ConversationRef | None:
    async with db.session() as session:
        return (
            await session.exec(
                select(ConversationRef)
                .where(
                    ConversationRef.aad_object_id == aad_object_id.lower(),
                    ConversationRef.conversation_type == "personal",
                    col(ConversationRef.removed_at).is_(None),
                )
                .order_by(col(ConversationRef.updated_at).desc())
            )
        ).first()


def _as_asked(asked: TurnContext, personal: TurnContext) -> None:
    """The personal turn carries what was asked, from whom, in which language."""
    source, target = asked.activity, personal.activity
    target.type = ActivityTypes.message
    target.text, target.value = source.text, source.value
    target.from_property = source.from_property
    target.locale = source.locale
    target.entities = source.entities


async def in_personal_chat(asked: TurnContext, db: Database, app_id: str, logic: Logic) -> bool:
    """Run `logic` in a turn of the asker's personal chat; False when there is none and none
    could be opened (nothing was sent then)."""
    activity = asked.activity
    sender = activity.from_property or ChannelAccount()

    async def callback(personal: TurnContext) -> None:
        _as_asked(asked, personal)
        await logic(personal)

    row = await _personal_reference(db, sender.aad_object_id) if sender.aad_object_id else None
    try:
        if row is not None:
            reference = ConversationReference().deserialize(load_reference(row))
            await asked.adapter.continue_conversation(reference, callback, app_id)
            return True
        tenant = (activity.conversation.tenant_id if activity.conversation else None) or (
            (activity.channel_data or {}).get("tenant", {}).get("id")
            if isinstance(activity.channel_data, dict)
            else None
        )
        parameters = ConversationParameters(
            is_group=False,
            bot=activity.recipient,
            members=[ChannelAccount(id=sender.id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}} if tenant else None,
        )
        await asked.adapter.create_conversation(
            app_id, callback, parameters, activity.channel_id, activity.service_url
        )
        return True
    except (HttpOperationError, ClientError, OSError) as error:
        log.warning("could not open a personal chat: %s", type(error).__name__)
        return False
