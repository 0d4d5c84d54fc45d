"""Files in chat: one flow for every kind of file (minutes, reports).

In personal chat Teams takes a file only after the user accepts a FileConsentCard. The accept
arrives as a later turn, perhaps on another instance, so nothing is kept in memory: the card's
context names the kind and its parameters, and the builder registered for that kind makes the
file again, checking the user's permissions at that moment.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from botbuilder.core import TurnContext
from botbuilder.schema.teams import FileConsentCardResponse

from dialogs.cards import file_consent_card, file_info_card
from dialogs.texts import error_text, t
from storage.db import Database
from storage.permissions import Actor
from storage.rules import RuleError


@dataclass(frozen=True)
class FileExport:
    name: str
    data: bytes


FileBuilder = Callable[[Database, Actor, dict[str, Any], str | None], Awaitable[FileExport]]


def is_personal(context: TurnContext) -> bool:
    conversation = context.activity.conversation
    return ((conversation.conversation_type if conversation else None) or "personal") == "personal"


async def offer_file(
    context: TurnContext, kind: str, params: dict[str, Any], export: FileExport, description: str
) -> None:
    """Ask the user to accept the file; `params` must let the builder for `kind` remake it."""
    await context.send_activity(
        file_consent_card(export.name, description, len(export.data), {"kind": kind, **params})
    )


async def accept_file(
    context: TurnContext,
    db: Database,
    actor: Actor,
    response: FileConsentCardResponse,
    builders: Mapping[str, FileBuilder],
) -> None:
    """Rebuild the accepted file, PUT it to the upload URL Teams gave, show the file card."""
    params = response.context if isinstance(response.context, dict) else {}
    builder = builders.get(str(params.get("kind")))
    if builder is None:
        return
    locale = context.activity.locale
    try:
        export = await builder(db, actor, params, locale)
    except RuleError as error:
        await context.send_activity(error_text(error, locale))
        return
    info = response.upload_info
    size = len(export.data)
    headers = {"Content-Length": str(size), "Content-Range": f"bytes 0-{size - 1}/{size}"}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            async with session.put(info.upload_url, data=export.data, headers=headers) as answer:
                answer.raise_for_status()
    except aiohttp.ClientError:
        await context.send_activity(t("file_upload_failed", locale))
        return
    await context.send_activity(
        file_info_card(info.name or export.name, info.content_url, info.unique_id, info.file_type)
    )


async def decline_file(context: TurnContext) -> None:
    await context.send_activity(t("file_declined", context.activity.locale))
