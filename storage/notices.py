"""Messages the bot starts that are not reminders (an admin is told that a role changed). They go
through the reminder outbox, so they survive a restart and are sent once by the same dispatcher:
one row per recipient under a unique key, inserted once however often the caller runs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import STOCKHOLM, clock
from storage.models import (
    CountyPart,
    ReminderOutbox,
    Staff,
    StaffCountyPart,
    table_of,
    utcnow,
)
from storage.permissions import Role
from storage.prebuilt import insert_for
from storage.reminder_rules import CHANNEL_PREFIX

# `reminder_outbox.rule_code` of notices: no reminder rule has it, and nobody answers a notice.
NOTICE_RULE = "notice"
# Notice kinds about a person the bot could not write to: to the admins, and in the team channel.
UNREACHABLE = "unreachable"
UNREACHABLE_MENTION = "unreachable_mention"


async def enqueue_notice(
    session: AsyncSession, recipients: list[str], key: str, params: dict[str, str]
) -> int:
    """Plan `params` (a `notice` kind and the values its text needs) for each recipient's
    personal chat, to be sent at once; returns how many rows are new."""
    now = clock.now()
    document = {
        **params,
        "watch": NOTICE_RULE,
        "send_time": now.astimezone(STOCKHOLM).strftime("%H:%M"),
    }
    table = table_of(ReminderOutbox)
    planned = 0
    for recipient in dict.fromkeys(recipients):
        statement = (
            insert_for(session, table)
            .values(
                idempotency_key=f"{NOTICE_RULE}:{key}:{recipient}",
                rule_code=NOTICE_RULE,
                subject_ref=key,
                params=json.dumps(document, ensure_ascii=False, sort_keys=True),
                remind_on=now.astimezone(STOCKHOLM).date(),
                recipient=recipient,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(table.c.id)
        )
        planned += len((await session.execute(statement)).all())
    return planned


@dataclass(frozen=True)
class Told:
    """Who hears of an unreachable person: the team channel (mentioning them), the admins."""

    channel: bool
    admins: int

    def __str__(self) -> str:
        said = ["mentioned in the team channel"] if self.channel else []
        said.append(f"{self.admins} admin(s) told" if self.admins else "no admin to tell")
        return " and ".join(said)


async def tell_unreachable(
    session: AsyncSession, aad_object_id: str, day: date, channel: str | None
) -> Told:
    """A person has reminders but the app is not installed for them: mention them in the team
    channel (`channel`, when the bot is in one) and tell the admins how to fix it. Once per
    person and day, however many of their reminders or dispatch runs find this; the channel
    post says nothing of what the reminders are about."""
    person = (
        await session.exec(select(Staff).where(Staff.aad_object_id == aad_object_id))
    ).first()
    parts: list[str] = []
    if person is not None:
        parts = list(
            (
                await session.exec(
                    select(CountyPart.name)
                    .join(StaffCountyPart, col(StaffCountyPart.county_part_id) == CountyPart.id)
                    .where(StaffCountyPart.staff_id == person.id)
                    .order_by(CountyPart.name)
                )
            ).all()
        )
    params = {
        "name": person.display_name if person else aad_object_id,
        "role": person.role if person else "",
        "parts": ", ".join(parts),
        "mention": aad_object_id,
    }
    admins = (
        await session.exec(
            select(Staff.aad_object_id).where(
                Staff.role == Role.ADMIN, col(Staff.active), Staff.aad_object_id != aad_object_id
            )
        )
    ).all()
    key = f"{UNREACHABLE}:{aad_object_id}:{day.isoformat()}"
    if channel:
        await enqueue_notice(
            session, [CHANNEL_PREFIX + channel], key, {**params, "notice": UNREACHABLE_MENTION}
        )
    await enqueue_notice(
        session, list(admins), key, {**params, "notice": UNREACHABLE, "channel": channel or ""}
    )
    return Told(bool(channel), len(admins))
