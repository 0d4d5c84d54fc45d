"""The project's replies (dialogs/reply.py) as Bot Framework activities: the one place a
message's shape on the wire is decided."""

from __future__ import annotations

from typing import Any

from botbuilder.core import MessageFactory
from botbuilder.schema import (
    ActionTypes,
    Activity,
    Attachment,
    CardAction,
    ChannelAccount,
    Mention,
)

from dialogs import reply as plain


def to_attachment(attachment: plain.Attachment) -> Attachment:
    return Attachment(
        content_type=attachment.content_type,
        content=attachment.content,
        name=attachment.name,
        content_url=attachment.content_url,
    )


def to_activity(message: plain.Message) -> Activity:
    """The activity that carries `message` (plain text is a text message)."""
    if isinstance(message, str):
        return MessageFactory.text(message)
    if message.suggested:
        actions = [
            CardAction(type=ActionTypes.im_back, title=answer, value=answer)
            for answer in message.suggested
        ]
        activity = MessageFactory.suggested_actions(actions, text=message.text)
    elif message.attachments:
        activity = MessageFactory.list(
            [to_attachment(a) for a in message.attachments], text=message.text
        )
    else:
        activity = MessageFactory.text(message.text or "")
    if message.summary is not None:
        activity.summary = message.summary
    if message.mentions:
        activity.entities = [
            Mention(
                mentioned=ChannelAccount(id=m.user_id, name=m.user_name),
                text=m.text,
                type="mention",
            )
            for m in message.mentions
        ]
    return activity


def sendable(message: Any) -> Any:
    """What `TurnContext.send_activity` takes: a project reply converted, anything else as is."""
    return to_activity(message) if isinstance(message, plain.Reply) else message
