"""The steering group's status report (`lägesrapport`) through the real HTTP endpoint: the Word
file after Allow holds the report's figures for the group's county part, its decisions and
those taken between meetings, open action points, training progress and survey results; a
viewer's copy is masked and county-wide."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from docx import Document

from storage.clock import clock
from storage.staff import load_actor
from storage.training import SessionInput, record_session
from tests.fakes import consent_invoke
from tests.people import COACH, COORDINATOR, LEAD, LEAD_AAD, VIEWER, add_staff
from tests.teams import message


def at(monkeypatch, day: date) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(day.year, day.month, day.day, 9, 0,
                                                       tzinfo=UTC))


@pytest.fixture(autouse=True)
def spring(monkeypatch) -> None:
    at(monkeypatch, date(2026, 3, 20))


async def staff(db) -> None:
    await add_staff(db, COORDINATOR, COACH, LEAD, VIEWER)


async def document_for(bot, connector, upload, sender) -> tuple[list[str], str]:
    url = connector.url
    attachment = connector.activities[-1]["attachments"][0]
    context = attachment["content"]["acceptContext"]
    before = len(upload.received)
    invoke = consent_invoke(message("", url, sender), "accept", context, upload.url("l.docx"))
    assert (await bot.post(invoke)).status == 200
    (_, body) = upload.received[before]
    document = Document(io.BytesIO(body))
    cells = "\n".join(c.text for table in document.tables for row in table.rows
                      for c in row.cells)
    return [p.text for p in document.paragraphs], cells


async def test_status_report_gathers_the_period(bot, connector, db, upload, monkeypatch):
    await staff(db)
    url = connector.url
    await bot.say(message(
        'ny aktualisering kommun=Flen kön=kvinna född=1985 försörjning=sjukpenning från=FK '
        "samtycke=ja", url, COORDINATOR))
    await bot.say(message(
        'nytt möte grupp="Lokal styrgrupp Västra" datum=2026-03-10 närvarande="Anna A"', url,
        COORDINATOR))
    await bot.say(message('beslut 1 "Två nya praktikplatser i Flen godkändes"', url,
                          COORDINATOR))
    await bot.say(message('åtgärd 1 "Boka lokal" ansvarig=jag klar=2026-09-01', url,
                          COORDINATOR))
    await bot.say(message('beslut mellan möten "Rutinen för överlämning ändrades" '
                          'grupp="Lokal styrgrupp Västra"', url, COORDINATOR))
    async with db.session() as session:
        lead = await load_actor(session, LEAD_AAD)
        await record_session(session, lead, SessionInput(date(2026, 3, 5), "bip", {"af": 12}))
    at(monkeypatch, date(2026, 7, 10))

    await bot.say(message("lägesrapport", url, COORDINATOR))
    assert connector.activities[-1]["attachments"][0]["name"] == (
        "Lägesrapport Lokal styrgrupp Västra 2026-H1.docx")
    paragraphs, cells = await document_for(bot, connector, upload, COORDINATOR)
    text = "\n".join(paragraphs)
    assert "Lägesrapport – Lokal styrgrupp Västra – 2026-H1" in text
    assert "Två nya praktikplatser i Flen godkändes" in text
    assert "Rutinen för överlämning ändrades" in text
    assert "Boka lokal, Sara Samordnare (2026-09-01)" in text
    assert "Utbildade: 12 av målet 180 (7 %)." in text
    assert "Deltagarenkäten\nInga enkätsvar under rapportens halvår." in text
    assert "2026-01-01 – 2026-06-30" in cells and "Länsdel\nVästra" in cells

    await bot.say(message('lägesrapport grupp="Lokal styrgrupp Västra"', url, VIEWER))
    paragraphs, cells = await document_for(bot, connector, upload, VIEWER)
    assert "Två nya praktikplatser i Flen godkändes" in "\n".join(paragraphs)
    assert "x döljer tal på 1–4 personer" in cells  # masked, and county-wide:
    assert "Länsdel\nalla" in cells


async def test_usage_and_refusals(bot, connector, db):
    await staff(db)
    url = connector.url
    assert await bot.say(message("lägesrapport", url, VIEWER)) == [
        "Ange vilken styrgrupp lägesrapporten gäller, till exempel `lägesrapport "
        'grupp="Lokal styrgrupp Västra" period=2026-H1`.'
    ]
    (reply,) = await bot.say(message('lägesrapport grupp="Lokal styrgrupp Västra" period=2026-X9',
                                     url, COORDINATOR))
    assert "period=2026-H1" in reply
    (reply,) = await bot.say(message('lägesrapport grupp="Atlantis"', url, COORDINATOR))
    assert "Atlantis" in reply
