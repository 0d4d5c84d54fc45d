"""Decisions between meetings (`beslut mellan möten`) through the real HTTP endpoint: logged by
the programme lead, listed until a held meeting has taken note of them, shown in the next
meeting's card (its agenda) and minutes export, and every refusal saving nothing."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from docx import Document
from sqlmodel import select

from storage.clock import clock
from storage.models import InterimDecision, Meeting
from tests.fakes import consent_invoke
from tests.people import COORDINATOR, LEAD, NORRA_COACH, VIEWER, add_staff
from tests.teams import message

GROUP = "Styrgrupp Sikta mot arbetslivet"


@pytest.fixture(autouse=True)
def monday(monkeypatch) -> None:
    at(monkeypatch, 2026, 11, 23)


def at(monkeypatch, year: int, month: int, day: int) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(year, month, day, 9, 0, tzinfo=UTC))


async def staff(db) -> None:
    await add_staff(db, COORDINATOR, NORRA_COACH, LEAD, VIEWER)


async def rows(db) -> list[InterimDecision]:
    async with db.session() as session:
        return list((await session.exec(select(InterimDecision))).all())


async def meeting_ids(db) -> list[int]:
    async with db.session() as session:
        return [m.id for m in (await session.exec(select(Meeting).order_by(Meeting.id))).all()]


async def export_md(bot, url: str, meeting_id: int) -> str:
    """The minutes as Markdown: in a group chat the export is the message itself."""
    activity = message(
        f"exportera protokoll {meeting_id} md", url, LEAD, conversation_id="19:sg@thread.v2"
    )
    activity["conversation"]["conversationType"] = "groupChat"
    (text,) = await bot.say(activity)
    return text


def card_text(connector) -> str:
    return json.dumps(connector.activities[-1]["attachments"][0]["content"], ensure_ascii=False)


async def test_logged_listed_on_the_next_agenda_and_in_its_minutes(
    bot, connector, db, monkeypatch
):
    await staff(db)
    url = connector.url
    assert await bot.say(message("beslut mellan möten", url, VIEWER)) == [
        "Inga beslut mellan möten väntar på att anmälas."
    ]
    assert await bot.say(
        message('beslut mellan möten "Budgetramen för 2027 fastställdes"', url, LEAD)
    ) == [
        f"Beslutet från 2026-11-23 är sparat för {GROUP}. Det anmäls vid nästa möte i {GROUP} "
        "(inget möte är planerat ännu)."
    ]
    (row,) = await rows(db)
    assert row.decided_on.isoformat() == "2026-11-23"
    assert row.text == "Budgetramen för 2027 fastställdes"

    await bot.say(message(f'nytt möte grupp="{GROUP}" datum=2026-12-10', url, LEAD))
    (meeting_id,) = await meeting_ids(db)
    (listing,) = await bot.say(message("beslut mellan möten", url, VIEWER))
    assert (
        f"2026-11-23 {GROUP}: Budgetramen för 2027 fastställdes. Det anmäls vid möte "
        f"{meeting_id} den 2026-12-10." in listing
    )
    await bot.say(message(f"protokoll {meeting_id}", url, VIEWER))
    agenda = card_text(connector)
    assert "Beslut mellan möten att anmäla" in agenda
    assert "2026-11-23: Budgetramen för 2027 fastställdes" in agenda

    at(monkeypatch, 2026, 12, 10)
    await bot.say(
        message(f'ändra möte {meeting_id} närvarande="Lena Ledare, Anna A"', url, LEAD)
    )
    assert await bot.say(message("beslut mellan möten", url, VIEWER)) == [
        "Inga beslut mellan möten väntar på att anmälas."
    ]
    markdown = await export_md(bot, url, meeting_id)
    assert "## Beslut mellan möten att anmäla\n\n1. 2026-11-23: Budgetramen" in markdown

    # A decision taken later the same day belongs to the meeting after this one.
    replies = await bot.say(message('beslut mellan möten "Ny kontaktperson utsedd"', url, LEAD))
    assert "(inget möte är planerat ännu)" in replies[0]
    markdown = await export_md(bot, url, meeting_id)
    assert "Ny kontaktperson" not in markdown


async def test_refusals_save_nothing(bot, connector, db):
    await staff(db)
    url = connector.url
    held_meeting = f'nytt möte grupp="{GROUP}" datum=2026-11-10 närvarande="Anna A"'
    await bot.say(message(held_meeting, url, LEAD))
    (held,) = await meeting_ids(db)
    cases = [
        (
            LEAD,
            'beslut mellan möten "Avtal förlängt" datum=2026-12-24',
            "Datumet 2026-12-24 har inte varit än. Ett beslut mellan möten loggas när det är "
            "fattat, så inget sparades.",
        ),
        (
            LEAD,
            'beslut mellan möten "Avtal förlängt" datum=2026-11-01',
            f"Datumet 2026-11-01 ligger före gruppens senaste möte (2026-11-10, möte {held}), "
            "vars minnesanteckningar redan är skrivna. Lägg till det där med "
            f'`beslut {held} "text"`. Inget sparades.',
        ),
        (
            COORDINATOR,
            'beslut mellan möten "Lokal rutin ändrad"',
            "Ange vilken grupp beslutet gäller med `grupp=…`, en av: Lokal samverkansgrupp "
            "Västra, Lokal styrgrupp Västra. Inget sparades.",
        ),
        (
            NORRA_COACH,
            'beslut mellan möten "Något"',
            "Du skriver inte minnesanteckningar för någon grupp, så du kan inte logga beslut "
            "mellan möten. Inget sparades.",
        ),
        (
            VIEWER,
            f'beslut mellan möten "Något" grupp="{GROUP}"',
            f"Du har inte behörighet att skriva minnesanteckningar för {GROUP}. Inget sparades.",
        ),
    ]
    for sender, text, expected in cases:
        assert await bot.say(message(text, url, sender)) == [expected], text
    for text in (
        'beslut mellan möten "Plats för 19850101-1234 godkänd"',
        'beslut mellan möten "Kalle Karlsson får förlängd insats"',
    ):
        (reply,) = await bot.say(message(text, url, LEAD))
        assert "sparades" in reply and "Beslutet" not in reply, reply
        assert "1234" not in reply and "Kalle" not in reply
    assert await rows(db) == []


async def test_local_group_named_and_redelivery_saves_once(bot, connector, db):
    await staff(db)
    url = connector.url
    activity = message(
        'beslut mellan möten "Rutin för överlämning ändrad" grupp="Lokal styrgrupp Västra" '
        "datum=2026-11-20",
        url,
        COORDINATOR,
    )
    first = await bot.say(activity)
    assert first == [
        "Beslutet från 2026-11-20 är sparat för Lokal styrgrupp Västra. Det anmäls vid nästa "
        "möte i Lokal styrgrupp Västra (inget möte är planerat ännu)."
    ]
    await bot.post(activity)
    (row,) = await rows(db)
    assert row.text == "Rutin för överlämning ändrad"
    # A coach in another county part does not see Västra's decisions.
    assert await bot.say(message("beslut mellan möten", url, NORRA_COACH)) == [
        "Inga beslut mellan möten väntar på att anmälas."
    ]


async def test_the_word_minutes_list_them(bot, connector, db, upload):
    """The minutes as a Word file (after Allow) have the section too, and open."""
    await staff(db)
    url = connector.url
    await bot.say(message('beslut mellan möten "Budgetramen för 2027 fastställdes"', url, LEAD))
    await bot.say(message(f'nytt möte grupp="{GROUP}" datum=2026-12-10', url, LEAD))
    (meeting_id,) = await meeting_ids(db)
    await bot.say(message(f"exportera protokoll {meeting_id}", url, LEAD))
    context = connector.activities[-1]["attachments"][0]["content"]["acceptContext"]
    invoke = consent_invoke(message("", url, LEAD), "accept", context, upload.url("m.docx"))
    assert (await bot.post(invoke)).status == 200
    ((_, body),) = upload.received
    paragraphs = [p.text for p in Document(io.BytesIO(body)).paragraphs]
    heading = paragraphs.index("Beslut mellan möten att anmäla")
    assert "2026-11-23: Budgetramen för 2027 fastställdes" in paragraphs[heading + 1]
