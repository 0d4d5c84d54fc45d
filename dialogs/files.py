"""Files in chat: one flow for every kind of file (minutes, reports).

In personal chat Teams takes a file only after the user accepts a FileConsentCard. The accept
arrives as a later turn, perhaps on another instance. When the card is sent, the offer (kind,
parameters, user, conversation, expiry) is stored and the card carries only its random token;
an accept is honoured once, for that user in that conversation, before the offer expires, and
only with an upload URL on an allowed SharePoint/OneDrive host. Then the builder registered for
the kind makes the file again, checking the user's permissions at that moment. Every refused
accept is answered (nothing is uploaded) and written to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

from dialogs.cards import file_consent_card, file_info_card
from dialogs.inbound import Inbound
from dialogs.reply import Message
from dialogs.router import Turn
from dialogs.texts import error_text, t
from storage.db import Database
from storage.file_offers import Refusal, audit_refusal, find_offer_id, make_offer, take_offer
from storage.permissions import Actor
from storage.rules import RuleError

log = logging.getLogger(__name__)

# OneDrive and SharePoint in the public cloud, US Government (GCC High, DoD), China (21Vianet)
# and the former Microsoft Cloud Germany. An entry like this allows https to the domain and its
# subdomains; an entry with a scheme ("http://127.0.0.1") allows exactly that scheme and host.
DEFAULT_UPLOAD_HOSTS = (
    "sharepoint.com",
    "sharepoint.us",
    "sharepoint-mil.us",
    "sharepoint.cn",
    "sharepoint.de",
)
OFFER_KEY = "offer"  # the card's context: {"offer": token}


@dataclass(frozen=True)
class FileExport:
    name: str
    data: bytes


FileBuilder = Callable[[Database, Actor, dict[str, Any], str | None], Awaitable[FileExport]]


@dataclass(frozen=True)
class ConsentAnswer:
    """The user's answer to a file consent card, as plain values (bot/inbound.py reads it off
    the invoke): the context the card was sent with, which carries the offer's token, and on
    an accept where Teams lets the file be put and shown."""

    context: object
    upload_url: str | None = None
    name: str | None = None
    content_url: str | None = None
    unique_id: str | None = None
    file_type: str | None = None

    @property
    def token(self) -> object:
        return self.context.get(OFFER_KEY) if isinstance(self.context, dict) else None


def allowed_upload_url(url: object, hosts: Iterable[str]) -> URL | None:
    """The upload URL if it points at an allowed host (see DEFAULT_UPLOAD_HOSTS), else None.

    Parsed with yarl, the parser aiohttp connects with, so what is checked is where the file
    goes; URLs with credentials, without a host, or with another scheme are refused."""
    if not isinstance(url, str):
        return None
    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        return None
    host = (parsed.host or "").lower()
    if not parsed.is_absolute() or not host or parsed.user or parsed.password:
        return None
    for entry in hosts:
        entry = entry.strip().lower()
        if "://" in entry:
            allowed = URL(entry)
            if parsed.scheme == allowed.scheme and host == (allowed.host or "").lower():
                return parsed
        elif entry and parsed.scheme == "https" and (host == entry or host.endswith("." + entry)):
            return parsed
    return None


async def offer_file(
    turn: Turn,
    kind: str,
    params: dict[str, Any],
    export: FileExport,
    description: str,
) -> None:
    """Ask the user to accept the file; `params` must let the builder for `kind` remake it."""
    async with turn.db.session() as session:
        token = await make_offer(
            session,
            conversation_id=turn.inbound.conversation_id,
            aad_object_id=turn.inbound.sender_aad_id,
            kind=kind,
            params=params,
        )
    await turn.reply(
        file_consent_card(export.name, description, len(export.data), {OFFER_KEY: token})
    )


Reply = Callable[[Message], Awaitable[object]]  # puts a reply on the channel


async def _refuse(
    inbound: Inbound, db: Database, token: object, reason: Refusal, reply: Reply
) -> None:
    async with db.session() as session:
        await audit_refusal(session, inbound.sender_aad_id, await find_offer_id(session, token))
    log.warning("refused a file consent: %s", reason.value)
    await reply(t("file_offer_invalid", inbound.locale))


async def accept_file(
    inbound: Inbound,
    db: Database,
    actor: Actor,
    answer: ConsentAnswer,
    builders: Mapping[str, FileBuilder],
    upload_hosts: Iterable[str],
    reply: Reply,
) -> None:
    """Take the offer, rebuild its file, PUT it to the upload URL Teams gave, show the file."""
    token = answer.token
    target = allowed_upload_url(answer.upload_url, upload_hosts)
    if target is None:
        await _refuse(inbound, db, token, Refusal.HOST, reply)
        return
    async with db.session() as session:
        offer = await take_offer(
            session,
            token,
            conversation_id=inbound.conversation_id,
            aad_object_id=inbound.sender_aad_id,
        )
    if isinstance(offer, Refusal):
        await _refuse(inbound, db, token, offer, reply)
        return
    builder = builders.get(offer.kind)
    if builder is None:  # a kind this version no longer builds
        await _refuse(inbound, db, token, Refusal.UNKNOWN, reply)
        return
    locale = inbound.locale
    try:
        export = await builder(db, actor, offer.params, locale)
    except RuleError as error:
        await reply(error_text(error, locale))
        return
    size = len(export.data)
    headers = {"Content-Length": str(size), "Content-Range": f"bytes 0-{size - 1}/{size}"}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            # No redirects: the file goes to the host that was checked, or nowhere.
            async with session.put(
                target, data=export.data, headers=headers, allow_redirects=False
            ) as put:
                put.raise_for_status()
                if put.status >= 300:
                    raise aiohttp.ClientError(f"upload answered {put.status}")
    except aiohttp.ClientError:
        await reply(t("file_upload_failed", locale))
        return
    await reply(
        file_info_card(
            answer.name or export.name, answer.content_url, answer.unique_id, answer.file_type
        )
    )


async def decline_file(inbound: Inbound, db: Database, answer: ConsentAnswer, reply: Reply) -> None:
    """The user said no: the offer is used up (if it was theirs) and nothing is sent."""
    async with db.session() as session:
        await take_offer(
            session,
            answer.token,
            conversation_id=inbound.conversation_id,
            aad_object_id=inbound.sender_aad_id,
        )
    await reply(t("file_declined", inbound.locale))
