"""Steering-group minutes through the real HTTP endpoint: one-line and card forms, edits, search,
action points, permissions, bad input, the reminder queries, and export with FileConsent."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from docx import Document
from sqlmodel import select

from storage.clock import clock
from storage.minutes import (
    action_points_due,
    meetings_without_minutes,
    minutes_writers,
    planned_meetings,
)
from storage.models import ActionPoint, Meeting, MeetingDecision
from storage.permissions import Role
from storage.staff import upsert_staff
from tests.fakes import consent_invoke
from tests.teams import COACH_AAD, COORDINATOR_AAD, card_submit, message, user

COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
COACH = user(COACH_AAD, "Cem Coach")
LEAD_AAD = "4e0a6c78-9f1b-4d5c-9a7e-5b6c7d8e9f0a"
LEAD = user(LEAD_AAD, "Lena Ledare")
VIEWER_AAD = "5f1b7d89-0a2c-4e6d-8b8f-6c7d8e9f0a1b"
VIEWER = user(VIEWER_AAD, "Vera Utvärderare")
NEW_MEETING = 'nytt möte grupp="Lokal styrgrupp Västra" datum=2026-11-20 närvarande="Anna A, Bo B"'


@pytest.fixture(autouse=True)
def monday(monkeypatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


async def staff(db) -> None:
    async with db.session() as session:
        await upsert_staff(
            session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR, ["vastra"]
        )
        await upsert_staff(session, COACH_AAD, "Cem Coach", Role.COACH, ["norra"])
        await upsert_staff(session, LEAD_AAD, "Lena Ledare", Role.PROGRAMME_LEAD, [])
        await upsert_staff(session, VIEWER_AAD, "Vera Utvärderare", Role.VIEWER, [])


async def meetings(db) -> list[Meeting]:
    async with db.session() as session:
        return list((await session.exec(select(Meeting).order_by(Meeting.id))).all())


def last_card(connector) -> dict[str, Any]:
    return connector.activities[-1]["attachments"][0]["content"]


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in card["body"] if item["type"].startswith("Input.")}


async def test_one_line_meeting_decision_action_search_and_done(bot, connector, db):
    await staff(db)
    url = connector.url
    replies = await bot.say(message(NEW_MEETING, url, COORDINATOR))
    (meeting,) = await meetings(db)
    assert replies[0] == f"Sparat: Lokal styrgrupp Västra 2026-11-20 (möte {meeting.id})."
    assert "Närvarande: Anna A, Bo B" in replies[1]
    assert meeting.attendees == "Anna A\nBo B"
    assert meeting.minutes_logged_at is not None

    replies = await bot.say(
        message(f'beslut {meeting.id} "Budgeten för 2027 godkändes"', url, COORDINATOR)
    )
    assert replies == [f"Beslutet är sparat i möte {meeting.id}."]
    replies = await bot.say(
        message(
            f'åtgärd {meeting.id} "Skicka budgeten till styrelsen" ansvarig=jag klar=2026-12-01',
            url,
            COORDINATOR,
        )
    )
    async with db.session() as session:
        (point,) = (await session.exec(select(ActionPoint))).all()
    assert replies == [
        f"Åtgärdspunkt {point.id} är sparad i möte {meeting.id}: Skicka budgeten till "
        "styrelsen, ansvarig Sara Samordnare, senast 2026-12-01."
    ]

    (found,) = await bot.say(message("beslut budget", url, VIEWER))
    assert f"2026-11-20 Lokal styrgrupp Västra (möte {meeting.id}): Budgeten för 2027" in found
    (listing,) = await bot.say(message("protokoll Västra", url, VIEWER))
    assert f"**{meeting.id}** 2026-11-20 Lokal styrgrupp Västra: 1 beslut, 1 öppna" in listing
    assert await bot.say(message("protokoll Norra", url, VIEWER)) == ["Inga möten matchar ”Norra”."]

    (open_points,) = await bot.say(message("åtgärder", url, COORDINATOR))
    assert f"**#{point.id}** Skicka budgeten till styrelsen" in open_points
    assert "[Klar]" in open_points
    (viewer_points,) = await bot.say(message("åtgärder", url, VIEWER))
    assert "[Klar]" not in viewer_points
    assert await bot.say(message(f"åtgärd klar {point.id}", url, VIEWER)) == [
        "Du har inte behörighet att skriva minnesanteckningar för Lokal styrgrupp Västra. "
        "Inget sparades."
    ]
    assert await bot.say(message(f"åtgärd klar {point.id}", url, COORDINATOR)) == [
        f"Klart: åtgärdspunkt {point.id}, ”Skicka budgeten till styrelsen”."
    ]
    assert await bot.say(message("åtgärder", url, COORDINATOR)) == [
        "Det finns inga öppna åtgärdspunkter."
    ]


async def test_permissions_follow_county_parts_and_county_wide_groups(bot, connector, db):
    await staff(db)
    url = connector.url
    replies = await bot.say(
        message('nytt möte grupp="Styrgrupp Sikta" datum=2026-11-18', url, COORDINATOR)
    )
    # The form comes back with the reason, offering the groups the coordinator may write.
    assert replies[0].startswith(
        "Nytt möte\nDu har inte behörighet att skriva minnesanteckningar för Styrgrupp Sikta mot "
        "arbetslivet. Inget sparades."
    )
    replies = await bot.say(
        message('nytt möte grupp="Lokal styrgrupp Norra" datum=2026-11-18', url, COORDINATOR)
    )
    assert "Lokal styrgrupp Norra. Inget sparades." in replies[0]
    assert await meetings(db) == []

    replies = await bot.say(
        message('nytt möte grupp="Styrgrupp Sikta" datum=2026-11-18 närvarande="Lena L"', url, LEAD)
    )
    assert replies[0].startswith("Sparat: Styrgrupp Sikta mot arbetslivet 2026-11-18")
    (county_wide,) = await meetings(db)

    assert await bot.say(message(NEW_MEETING, url, VIEWER)) == [
        "Det har du inte behörighet till med rollen läsare (endast sammanställningar)."
    ]
    await bot.say(message(NEW_MEETING, url, COORDINATOR))
    local = (await meetings(db))[1]
    # A coach in Norra reads county-wide minutes but not Västra's.
    (shown,) = await bot.say(message(f"protokoll {county_wide.id}", url, COACH))
    assert "Grupp: Styrgrupp Sikta mot arbetslivet" in shown
    assert await bot.say(message(f"protokoll {local.id}", url, COACH)) == [
        "Du har inte behörighet att läsa minnesanteckningar för Lokal styrgrupp Västra."
    ]
    (listing,) = await bot.say(message("protokoll", url, COACH))
    assert "Styrgrupp Sikta" in listing and "Västra" not in listing
    # The edit button is offered only to those who may write.
    (as_viewer,) = await bot.say(message(f"protokoll {local.id}", url, VIEWER))
    assert "[Ändra]" not in as_viewer and "[Word-fil]" in as_viewer
    (as_writer,) = await bot.say(message(f"protokoll {local.id}", url, COORDINATOR))
    assert "[Ändra]" in as_writer


async def test_bad_input_is_explained_and_nothing_typed_is_lost(bot, connector, db):
    await staff(db)
    url = connector.url
    replies = await bot.say(
        message(
            'nytt möte grupp="Mellersta" datum=2026-11-20 närvarande="Anna A"', url, COORDINATOR
        )
    )
    assert replies[0].startswith("Nytt möte\nDet finns ingen grupp som heter ”Mellersta”.")
    assert inputs(last_card(connector))["attendees"]["value"] == "Anna A"

    await bot.say(
        message(
            'nytt möte grupp="Lokal styrgrupp Västra" datum=20/13 närvarande="Anna A"',
            url,
            COORDINATOR,
        )
    )
    card = last_card(connector)
    assert "Jag förstår inte datumet ”20/13”. Skriv det som ÅÅÅÅ-MM-DD" in card["body"][1]["text"]
    assert inputs(card)["group"]["value"] == "lokal-styrgrupp-vastra"
    assert inputs(card)["attendees"]["value"] == "Anna A"

    await bot.say(message(NEW_MEETING, url, COORDINATOR))
    (meeting,) = await meetings(db)
    replies = await bot.say(
        message(f'beslut {meeting.id} "Gäller 19850101-1234"', url, COORDINATOR)
    )
    assert "personnummer" in replies[0]
    replies = await bot.say(
        message(f'åtgärd {meeting.id} "Boka lokal" klar=2026-11-01', url, COORDINATOR)
    )
    assert replies == [
        "En åtgärdspunkt kan inte vara klar (2026-11-01) före mötet (2026-11-20). Inget sparades."
    ]
    replies = await bot.say(
        message(f'åtgärd {meeting.id} "Boka lokal" klar=snart', url, COORDINATOR)
    )
    assert replies[0].startswith("Jag förstår inte datumet ”snart”.")
    replies = await bot.say(message(NEW_MEETING, url, COORDINATOR))
    assert replies[0].startswith(
        f"Nytt möte\nMötet den 2026-11-20 har redan minnesanteckningar (möte {meeting.id}). "
        f"Skriv `ändra möte {meeting.id}` för att ändra dem."
    )
    assert await bot.say(message("protokoll 999", url, COORDINATOR)) == [
        "Det finns inget möte med nummer 999."
    ]
    async with db.session() as session:
        assert (await session.exec(select(MeetingDecision))).all() == []
        assert (await session.exec(select(ActionPoint))).all() == []


async def test_card_form_offers_writable_groups_saves_and_edits(bot, connector, db):
    await staff(db)
    url = connector.url
    await bot.say(message("nytt möte", url, COORDINATOR))
    card = last_card(connector)
    assert card["version"] == "1.5"
    fields = inputs(card)
    assert fields["date"]["type"] == "Input.Date"
    assert [c["title"] for c in fields["group"]["choices"]] == [
        "Lokal samverkansgrupp Västra",
        "Lokal styrgrupp Västra",
    ]
    assert fields["decisions"]["isMultiline"] is True
    submit = card["actions"][0]["data"]

    form = {
        **submit,
        "group": "lokal-styrgrupp-vastra",
        "date": "2026-11-20",
        "attendees": "Anna A\nBo B",
        "items": "Budget 2027\nLäget i Flen",
        "decisions": "Budgeten godkändes",
        "actions": "Skicka budgeten; Sara; 2026-12-01\nBoka nästa möte; Bo B; 2026-13-01",
    }
    replies = await bot.say(card_submit(form, url, COORDINATOR))
    assert "Jag förstår inte datumet ”2026-13-01”" in replies[0]
    assert inputs(last_card(connector))["actions"]["value"] == form["actions"]
    assert await meetings(db) == []

    form["actions"] = "Skicka budgeten; Sara; 2026-12-01\nBoka nästa möte; Bo B"
    replies = await bot.say(card_submit(form, url, COORDINATOR))
    (meeting,) = await meetings(db)
    assert replies[0] == f"Sparat: Lokal styrgrupp Västra 2026-11-20 (möte {meeting.id})."
    assert "1. Budget 2027" in replies[1]
    async with db.session() as session:
        points = (await session.exec(select(ActionPoint).order_by(ActionPoint.id))).all()
    assert [(p.owner_name, p.owner_staff_id is not None, p.due_date) for p in points] == [
        ("Sara Samordnare", True, date(2026, 12, 1)),
        ("Bo B", False, None),
    ]
    await bot.say(message(f"åtgärd klar {points[0].id}", url, COORDINATOR))

    await bot.say(message(f"ändra möte {meeting.id}", url, COORDINATOR))
    card = last_card(connector)
    assert card["body"][0]["text"] == f"Ändra möte {meeting.id}"
    assert inputs(card)["actions"]["value"] == (
        "Skicka budgeten; Sara Samordnare; 2026-12-01\nBoka nästa möte; Bo B"
    )
    edited = {name: item.get("value", "") for name, item in inputs(card).items()}
    edited["decisions"] += "\nNästa möte i februari"
    replies = await bot.say(card_submit({**card["actions"][0]["data"], **edited}, url, COORDINATOR))
    assert replies[0] == f"Ändrat: Lokal styrgrupp Västra 2026-11-20 (möte {meeting.id})."
    async with db.session() as session:
        decisions = (await session.exec(select(MeetingDecision))).all()
        done = await session.get(ActionPoint, points[0].id)
    assert [d.text for d in decisions] == ["Budgeten godkändes", "Nästa möte i februari"]
    assert done is not None and done.done_at is not None, "an edit keeps an action point's state"

    replies = await bot.say(message(f"ändra möte {meeting.id} datum=2026-11-19", url, COORDINATOR))
    assert replies[0] == f"Ändrat: Lokal styrgrupp Västra 2026-11-19 (möte {meeting.id})."


async def test_planned_meetings_and_reminder_queries(bot, connector, db, monkeypatch):
    await staff(db)
    url = connector.url
    replies = await bot.say(
        message('nytt möte grupp="Lokal styrgrupp Västra" datum=2026-12-10', url, COORDINATOR)
    )
    (planned,) = await meetings(db)
    assert replies[0].startswith(f"Planerat: Lokal styrgrupp Västra 2026-12-10 (möte {planned.id})")
    replies = await bot.say(message(f'beslut {planned.id} "Något"', url, COORDINATOR))
    assert replies[0].startswith("Mötet den 2026-12-10 har inte hållits än")

    await bot.say(message(NEW_MEETING, url, COORDINATOR))
    held = (await meetings(db))[1]
    await bot.say(
        message(
            f'åtgärd {held.id} "Skicka budgeten" ansvarig="Sara Samordnare" klar=2026-11-30',
            url,
            COORDINATOR,
        )
    )
    await bot.say(
        message(f'åtgärd {held.id} "Boka lokal" ansvarig="Bo B" klar=2026-12-20', url, COORDINATOR)
    )

    async with db.session() as session:
        soon = await planned_meetings(session, date(2026, 11, 23), date(2026, 12, 14))
        due = await action_points_due(session, date(2026, 12, 1))
        missing_now = await meetings_without_minutes(session, date(2026, 11, 23))
        writers = await minutes_writers(session)
    assert [(m.meeting_id, m.group.code, m.group.county_part) for m in soon] == [
        (planned.id, "lokal-styrgrupp-vastra", "vastra")
    ]
    assert writers[soon[0].group.id] == (COORDINATOR_AAD,)
    assert [(p.text, p.owner_aad_object_id, p.group.county_part) for p in due] == [
        ("Skicka budgeten", COORDINATOR_AAD, "vastra")
    ]
    assert missing_now == []

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 17, 9, 0, tzinfo=UTC))
    async with db.session() as session:
        missing = await meetings_without_minutes(session, date(2026, 12, 14))
    assert [m.meeting_id for m in missing] == [planned.id]
    await bot.say(message(f'ändra möte {planned.id} närvarande="Anna A"', url, COORDINATOR))
    async with db.session() as session:
        assert await meetings_without_minutes(session, date(2026, 12, 14)) == []


async def test_export_docx_in_personal_chat_through_file_consent(bot, connector, db, upload):
    await staff(db)
    url = connector.url
    await bot.say(message(NEW_MEETING, url, COORDINATOR))
    (meeting,) = await meetings(db)
    await bot.say(message(f'beslut {meeting.id} "Budgeten godkändes"', url, COORDINATOR))

    await bot.say(message(f"exportera protokoll {meeting.id}", url, VIEWER))
    attachment = connector.activities[-1]["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
    assert attachment["name"] == "Minnesanteckningar Lokal styrgrupp Västra 2026-11-20.docx"
    context = attachment["content"]["acceptContext"]
    assert attachment["content"]["sizeInBytes"] > 1000

    before = len(connector.activities)
    invoke = consent_invoke(message("", url, VIEWER), "accept", context, upload.url("m.docx"))
    response = await bot.post(invoke)
    assert response.status == 200, await response.text()
    ((headers, body),) = upload.received
    assert headers["Content-Range"] == f"bytes 0-{len(body) - 1}/{len(body)}"
    document = Document(io.BytesIO(body))
    text = [p.text for p in document.paragraphs]
    assert "Minnesanteckningar Lokal styrgrupp Västra" in text
    assert "Budgeten godkändes" in text
    assert "Närvarande: Anna A, Bo B" in "\n".join(text)
    (info,) = connector.activities[before:]
    card = info["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.teams.card.file.info"
    assert card["content"] == {
        "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C8C",
        "fileType": "docx",
    }

    declined = consent_invoke(message("", url, VIEWER), "decline", context, upload.url("x"))
    before = len(connector.activities)
    assert (await bot.post(declined)).status == 200
    assert connector.texts()[before:] == ["Okej, jag skickar ingen fil."]
    # Someone else gets no file, even with the card's context (tests/test_file_consent.py).
    before = len(connector.activities)
    stolen = consent_invoke(message("", url, COACH), "accept", context, upload.url("y"))
    assert (await bot.post(stolen)).status == 200
    assert connector.texts()[before:] == [
        "Den filen kan jag inte skicka: erbjudandet gäller inte längre, eller inte dig. "
        "Be om filen igen så får du ett nytt."
    ]
    assert len(upload.received) == 1


async def test_export_markdown_in_group_chat_is_the_message_itself(bot, connector, db):
    await staff(db)
    url = connector.url
    await bot.say(message(NEW_MEETING, url, COORDINATOR))
    (meeting,) = await meetings(db)
    await bot.say(
        message(
            f'åtgärd {meeting.id} "Boka lokal" ansvarig="Bo B" klar=2026-12-01', url, COORDINATOR
        )
    )
    activity = message(
        f"exportera protokoll {meeting.id} md",
        url,
        COORDINATOR,
        conversation_id="19:meeting-chat@thread.v2",
    )
    activity["conversation"]["conversationType"] = "groupChat"
    (text,) = await bot.say(activity)
    assert text.startswith("# Minnesanteckningar Lokal styrgrupp Västra\n")
    assert "## Åtgärdspunkter\n\n1. Boka lokal, ansvarig Bo B, senast 2026-12-01" in text
    assert await bot.say(message(f"exportera protokoll {meeting.id} pdf", url, COORDINATOR)) == [
        "Skriv `exportera protokoll <nummer> docx` eller `… md`."
    ]
