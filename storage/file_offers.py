"""Files offered in personal chat: an offer is made when the FileConsentCard is sent and may be
taken once, by the same user in the same conversation, before it expires."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit
from storage.db import rowcount
from storage.models import FileOffer, key_of, utcnow

# A consent card stays in the chat; one accepted the next working day still works.
OFFER_LIFETIME = timedelta(hours=24)
REFUSED_ACTION = "file_consent_refused"


class Refusal(StrEnum):
    """Why an accept was refused (logged; the audit entry carries no text)."""

    UNKNOWN = "unknown"  # no offer with that token: never made, or forged
    NOT_YOURS = "not_yours"  # made to someone else, or in another conversation
    USED = "used"  # already accepted or declined
    EXPIRED = "expired"
    HOST = "host"  # the upload URL is not on an allowed host


@dataclass(frozen=True)
class Offer:
    id: int
    kind: str
    params: dict[str, Any]


async def make_offer(
    session: AsyncSession,
    *,
    conversation_id: str,
    aad_object_id: str,
    kind: str,
    params: dict[str, Any],
) -> str:
    """Store an offer and return the token for the card; offers long expired are removed."""
    now = utcnow()
    await session.execute(
        delete(FileOffer).where(col(FileOffer.expires_at) < now - OFFER_LIFETIME)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        FileOffer(
            token=token,
            conversation_id=conversation_id,
            aad_object_id=aad_object_id.lower(),
            kind=kind,
            params=json.dumps(params, ensure_ascii=False, sort_keys=True),
            created_at=now,
            expires_at=now + OFFER_LIFETIME,
        )
    )
    await session.flush()
    return token


async def take_offer(
    session: AsyncSession, token: object, *, conversation_id: str, aad_object_id: str
) -> Offer | Refusal:
    """Mark the offer used and return it, if it is this user's, in this conversation, unused
    and unexpired; one statement, so two accepts at once cannot both take it."""
    if not isinstance(token, str) or not token:
        return Refusal.UNKNOWN
    now = utcnow()
    taken = await session.execute(
        update(FileOffer)
        .where(
            col(FileOffer.token) == token,
            col(FileOffer.conversation_id) == conversation_id,
            col(FileOffer.aad_object_id) == aad_object_id.lower(),
            col(FileOffer.used_at).is_(None),
            col(FileOffer.expires_at) > now,
        )
        .values(used_at=now)
    )
    row = (await session.exec(select(FileOffer).where(FileOffer.token == token))).first()
    if row is None:
        return Refusal.UNKNOWN
    if rowcount(taken) == 1:
        offer = Offer(key_of(row), row.kind, json.loads(row.params))
        # What the file is made of (a code, a coach's recommendations) is needed once: an
        # offer used up keeps only who, where and when.
        row.params = "{}"
        session.add(row)
        await session.flush()
        return offer
    if row.conversation_id != conversation_id or row.aad_object_id != aad_object_id.lower():
        return Refusal.NOT_YOURS
    if row.used_at is not None:
        return Refusal.USED
    return Refusal.EXPIRED


async def find_offer_id(session: AsyncSession, token: object) -> int | None:
    if not isinstance(token, str) or not token:
        return None
    return (await session.exec(select(FileOffer.id).where(FileOffer.token == token))).first()


async def audit_refusal(session: AsyncSession, aad_object_id: str, offer_id: int | None) -> None:
    """An audit entry for a refused file consent: who, and which offer if there was one."""
    await audit.record(session, aad_object_id.lower(), REFUSED_ACTION, "file_offer",
                       entity_id=offer_id)


async def forget_offers_about(session: AsyncSession, code: str) -> None:
    """Erasure: offers whose parameters name the participant go, used or not."""
    rows = (
        await session.exec(select(FileOffer).where(col(FileOffer.params).contains(code.upper())))
    ).all()
    for row in rows:
        if code.upper() in json.loads(row.params).values():
            await session.delete(row)
