"""Saved reports over the real endpoint, on both engines: the Save button under a report and
the typed command, what is stored (masked for masked readers), running it again (what changed,
or nothing), the same name again, double taps, names the guard refuses, other people's reports
and a reader whose rights shrank."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, date, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from dialogs.texts import t
from storage import events, pii
from storage.clock import clock
from storage.models import (
    AuditEntry,
    BotStateItem,
    Municipality,
    Participant,
    ProcessedTurn,
    Programme,
    SavedReport,
)
from storage.permissions import Role
from storage.rules import RuleError
from storage.saved_reports import clean_name
from storage.staff import upsert_staff
from tests.teams import COACH_AAD, COORDINATOR_AAD, card_submit, message, user
from tests.test_report import VIEWER_AAD, seed

COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
VIEWER = user(VIEWER_AAD, "Ebba Utvärderare")
COACH = user(COACH_AAD, "Cem Coach")
LINE = "rapport från=2026-01-01 till=2026-06-30 länsdel=Västra"


@pytest.fixture(autouse=True)
def july(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 7, 15, 9, 0, tzinfo=UTC))


async def saved(db) -> list[SavedReport]:
    async with db.session() as session:
        return list((await session.exec(select(SavedReport).order_by(SavedReport.id))).all())


def save_button(connector) -> dict:
    """The Save action of the last report's card."""
    overview = connector.activities[-1]["attachments"][0]["content"]
    (name_box,) = [item for item in overview["body"] if item.get("id") == "namn"]
    assert name_box["type"] == "Input.Text"
    (button,) = [a for a in overview["actions"] if a["title"] == "Spara rapporten"]
    return button["data"]


async def one_more_exit_in_katrineholm(db) -> None:
    async with db.session() as session:
        town = (await session.exec(
            select(Municipality).where(Municipality.name == "Katrineholm"))).one()
        sikta = (await session.exec(select(Programme).where(Programme.code == "sikta"))).one()
        session.add(Participant(
            code="T-9100", programme_id=sikta.id, county_part_id=town.county_part_id,
            municipality_id=town.id, gender="woman", birth_year=1990,
            income_source_start="sickness_benefit", consent=True,
            referral_date=date(2025, 10, 1), referring_party="af", status="exited",
            decision_date=date(2025, 10, 1), enrolment_date=date(2025, 11, 1),
            exit_date=date(2026, 3, 1), exit_reason="according_to_plan",
            exit_destination="studies",
        ))
        await session.flush()
        await events.record_rows(session)


async def test_save_with_the_button_run_again_and_see_what_changed(bot, connector, db):
    await seed(db)
    url = connector.url
    assert len(await bot.say(message(LINE, url, COORDINATOR))) == 1
    data = save_button(connector)
    assert data["command"] == "spara rapport period=2026-H1 länsdel=Västra"
    tap = {**data, "namn": "Halvår ett"}
    first = await bot.say(card_submit(tap, url, COORDINATOR))
    assert first == [
        "Sparat: ”Halvår ett” (2026-H1, Västra), med siffrorna som de är nu. "
        "Skriv `rapport Halvår ett` när du vill se vad som har ändrats sedan."
    ]
    # A double tap is two activities with the same button token: saved once.
    again = await bot.say(card_submit(tap, url, COORDINATOR))
    assert not any(text.startswith("Sparat") for text in again)
    (row,) = await saved(db)
    assert (row.name, row.name_key, row.masked, row.owner_aad_object_id) == (
        "Halvår ett", "halvår ett", False, COORDINATOR_AAD)
    assert json.loads(row.params) == {"period": "2026-H1", "länsdel": "Västra"}
    figures = json.loads(row.figures)
    assert figures["tables"]["flows"]["rows"]["exited"] == {
        "woman": 7, "man": 7, "other": 0, "total": 14}

    replies = await bot.say(message("rapport halvår ETT", url, COORDINATOR))
    assert replies == [
        "**Halvår ett** (2026-H1, Västra), sparad 2026-07-15:\n\n"
        "Inget har ändrats sedan den sparades.\n\n"
        "Hela rapporten som den ser ut nu: `rapport period=2026-H1 länsdel=Västra`"
    ]

    await one_more_exit_in_katrineholm(db)
    (answer,) = await bot.say(message("rapport Halvår ett", url, COORDINATOR))
    head, summary, whole = answer.split("\n\n")
    assert head == "**Halvår ett** (2026-H1, Västra), sparad 2026-07-15:"
    lines = summary.split("\n")
    changed = [line for line in lines if line.startswith("- ")]
    assert lines[0] == f"{len(changed)} siffror har ändrats sedan den sparades (då → nu):"
    assert whole.startswith("Hela rapporten som den ser ut nu:")
    flows = t("report_table.flows")
    assert f"- {flows} · {t('report_flow.exited')} · Kvinnor: 7 → 8" in changed
    assert f"- {flows} · {t('report_flow.exited')} · Totalt: 14 → 15" in changed
    assert f"- {t('report_table.exits_sus')} · studier · Kvinnor: 2 → 3" in changed
    assert any(line.startswith("- Andel avslutade till arbete eller studier (Totalt): 11/14 → "
                               "12/15") for line in changed)
    # Figures that did not change are not listed.
    assert not any("Män: 7 → 7" in line for line in changed)
    # The saved figures stay what they were: asked again, the same changes.
    assert await bot.say(message("rapport Halvår ett", url, COORDINATOR)) == [answer]
    async with db.session() as session:
        runs = (await session.exec(select(AuditEntry).where(AuditEntry.action == "report"))).all()
    assert [json.loads(r.details)["format"] for r in runs] == [
        "card", "saved", "saved_again", "saved_again", "saved_again"]


async def test_a_masked_reader_stores_the_masked_figures_only(bot, connector, db):
    await seed(db)
    url = connector.url
    assert await bot.say(message("spara rapport Styrelsen period=2026-H1", url, VIEWER)) == [
        "Sparat: ”Styrelsen” (2026-H1), med siffrorna som de är nu. Skriv `rapport Styrelsen` "
        "när du vill se vad som har ändrats sedan."
    ]
    (row,) = await saved(db)
    assert row.masked
    figures = json.loads(row.figures)
    # Exactly what the viewer saw: the man count (18) hidden, the referrals withheld.
    assert figures["tables"]["flows"]["rows"]["active"] == {
        "woman": 17, "man": "x", "other": "x", "total": 36}
    assert figures["tables"]["flows"]["rows"]["referred"]["woman"] == ".."
    for value in json.loads(row.figures)["tables"]["flows"]["rows"]["active"].values():
        assert value != 18 and value != 1
    (answer,) = await bot.say(message("rapport styrelsen", url, VIEWER))
    assert answer.endswith("Inget har ändrats sedan den sparades.\n\n"
                           "Hela rapporten som den ser ut nu: `rapport period=2026-H1`")

    # Each sees their own only: the coordinator does not see the viewer's, nor run it.
    assert await bot.say(message("rapporter", url, COORDINATOR)) == [
        "Du har inga sparade rapporter. Tryck Spara under en rapport, eller skriv t.ex. "
        "`spara rapport Halvår 1 period=2026-H1`."
    ]
    (unknown,) = await bot.say(message("rapport Styrelsen", url, COORDINATOR))
    assert unknown.startswith("Du har ingen sparad rapport som heter ”Styrelsen”.")
    assert await bot.say(message("rapporter", url, VIEWER)) == [
        "Dina sparade rapporter (1 st., bara du ser dem):\n"
        "- **Styrelsen**: 2026-H1, maskerad, sparad 2026-07-15\n\n"
        "Se vad som har ändrats: `rapport <namn>`. Ta bort: `ta bort rapport <namn>`."
    ]
    assert await bot.say(message("ta bort rapport Styrelsen", url, COORDINATOR)) == [
        "Du har ingen sparad rapport som heter ”Styrelsen”. `rapporter` visar dina sparade. "
        "Menade du en rapport för en period? Skriv t.ex. `rapport period=2026-H1`."
    ]
    assert await bot.say(message("ta bort rapport styrelsen", url, VIEWER)) == [
        "Borttagen: ”Styrelsen”."]
    assert await saved(db) == []


async def test_the_same_name_again_asks_before_replacing(bot, connector, db):
    await seed(db)
    url = connector.url
    await bot.say(message("spara rapport Uppföljning period=2026-H1", url, VIEWER))
    (before,) = await saved(db)
    # Typed again (a new message, not a redelivery): nothing is written, the bot asks.
    (question,) = await bot.say(message("spara rapport uppföljning period=2025-H2", url, VIEWER))
    assert question.startswith(
        "Du har redan en sparad rapport som heter ”Uppföljning” (sparad 2026-07-15). Vill du "
        "ersätta den med den här?")
    (row,) = await saved(db)
    assert (row.params, row.figures, row.updated_at) == (
        before.params, before.figures, before.updated_at)
    async with db.session() as session:  # asking built no report: one run logged, the first
        runs = (await session.exec(select(AuditEntry).where(AuditEntry.action == "report"))).all()
    assert len(runs) == 1
    button = connector.activities[-1]["attachments"][0]["content"]["actions"][0]
    assert button["title"] == "Ersätt den sparade"
    assert await bot.say(card_submit(button["data"], url, VIEWER)) == [
        "Ersatt: ”Uppföljning” (2025-H2) har nu siffrorna som de är i dag. Skriv "
        "`rapport Uppföljning` när du vill se vad som har ändrats sedan."
    ]
    again = await bot.say(card_submit(button["data"], url, VIEWER))  # a double tap
    assert not any(text.startswith("Ersatt") for text in again)
    (row,) = await saved(db)
    assert json.loads(row.params) == {"period": "2025-H2"}
    # The same activity delivered twice (Teams resending): one answer, one row.
    activity = message("spara rapport Andra period=2026-H1", url, VIEWER)
    assert (await bot.say(activity))[0].startswith("Sparat: ”Andra”")
    assert await bot.say(activity) == []
    assert [r.name for r in await saved(db)] == ["Uppföljning", "Andra"]


async def test_names_the_guard_refuses_are_stored_nowhere(bot, connector, db):
    await seed(db)
    url = connector.url
    personal = ("Anna Andersson", "Lars", "karlsson halvår")
    for name in personal:
        (answer,) = await bot.say(message(f"spara rapport {name} period=2026-H1", url, VIEWER))
        assert answer == (
            "Namnet ser ut att innehålla ett personnummer eller en persons namn, och sådant "
            "sparar Stegvis aldrig. Välj ett annat namn, t.ex. period och syfte. Inget sparades.")
    # In the card's name box too.
    (answer,) = await bot.say(card_submit(
        {"command": "spara rapport period=2026-H1", "namn": "Anna Andersson"}, url, VIEWER))
    assert answer.startswith("Namnet ser ut att innehålla")
    (answer,) = await bot.say(message("rapport Anna Andersson", url, VIEWER))
    assert answer == (
        "Du har ingen sparad rapport med det namnet. `rapporter` visar dina sparade.")
    for number in ("850101-1234", "19850101 1234"):
        (answer,) = await bot.say(message(f"spara rapport {number} period=2026-H1", url, VIEWER))
        assert "1234" not in answer
    assert await saved(db) == []
    async with db.session() as session:
        stored = " ".join(
            [str(r.replies) for r in (await session.exec(select(ProcessedTurn))).all()]
            + [s.document for s in (await session.exec(select(BotStateItem))).all()]
            + [str(e.details) for e in (await session.exec(select(AuditEntry))).all()])
    for text in ("Andersson", "Lars", "karlsson", "850101", "1234"):
        assert text not in stored


async def test_odd_unicode_long_names_and_empty_names(bot, connector, db):
    await seed(db)
    url = connector.url
    odd = "Ｈａｌｖår\u200b 1\u202e  \t för\u00a0styrelsen"
    (answer,) = await bot.say(message(f'spara rapport "{odd}" period=2026-H1', url, VIEWER))
    assert answer.startswith("Sparat: ”Halvår 1 för styrelsen” (2026-H1)")
    (row,) = await saved(db)
    assert row.name == "Halvår 1 för styrelsen"
    (answer,) = await bot.say(message("rapport HALVÅR 1 FÖR STYRELSEN", url, VIEWER))
    assert answer.startswith("**Halvår 1 för styrelsen** (2026-H1)")
    long = "Å" * 61
    assert await bot.say(message(f"spara rapport {long} period=2026-H1", url, VIEWER)) == [
        "Namnet är 61 tecken; högst 60 går. Välj ett kortare, inget sparades."]
    (answer,) = await bot.say(message(f"spara rapport {'Å' * 60} period=2026-H1", url, VIEWER))
    assert answer.startswith("Sparat:")
    for empty in ("spara rapport period=2026-H1", 'spara rapport "\u200b\u200d" period=2026-H1',
                  "spara rapport ... period=2026-H1"):
        (answer,) = await bot.say(message(empty, url, VIEWER))
        assert answer.startswith("Vad ska rapporten heta?")
    emoji = "📊 Läget"
    (answer,) = await bot.say(message(f"spara rapport {emoji} period=2026-H1", url, VIEWER))
    assert answer.startswith(f"Sparat: ”{emoji}”")
    assert len(await saved(db)) == 3


async def test_a_reader_whose_rights_shrank_is_not_shown_the_old_figures(bot, connector, db):
    await seed(db)
    url = connector.url
    await bot.say(message(f"spara rapport Västra {LINE.removeprefix('rapport ')}", url,
                          COORDINATOR))
    (row,) = await saved(db)
    assert not row.masked
    async with db.session() as session:
        await upsert_staff(session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR,
                           ["norra"])
    (answer,) = await bot.say(message("rapport Västra", url, COORDINATOR))
    assert "Länsdelen ”Västra” finns inte" in answer or "omaskerade siffror" in answer
    async with db.session() as session:
        await upsert_staff(session, COORDINATOR_AAD, "Sara Samordnare", Role.COACH, ["vastra"])
    assert await bot.say(message("rapport Västra", url, COORDINATOR)) == [
        "”Västra” sparades med omaskerade siffror för deltagare du inte längre får se "
        "enskilt, så jag jämför inte med den. Ta bort den med `ta bort rapport Västra` och "
        "spara en ny."
    ]


async def test_the_state_on_a_date_is_saved_and_compared_too(bot, connector, db):
    await seed(db)
    url = connector.url
    assert len(await bot.say(message("rapport datum=2026-06-30 länsdel=Västra", url,
                                     COORDINATOR))) == 1
    overview = connector.activities[-1]["attachments"][0]["content"]
    (button,) = [a for a in overview["actions"] if a["title"] == "Spara rapporten"]
    assert button["data"]["command"] == "spara rapport datum=2026-06-30 länsdel=Västra"
    (answer,) = await bot.say(card_submit({**button["data"], "namn": "Läget i juni"}, url,
                                          COORDINATOR))
    assert answer.startswith("Sparat: ”Läget i juni” (läget 2026-06-30, Västra)")
    (row,) = await saved(db)
    assert json.loads(row.params) == {"datum": "2026-06-30", "länsdel": "Västra"}
    (answer,) = await bot.say(message("rapport läget i juni", url, COORDINATOR))
    assert "Inget har ändrats sedan den sparades." in answer
    assert answer.endswith("`rapport datum=2026-06-30 länsdel=Västra`")
    # Help names the commands for everyone who reads reports.
    (help_text,) = await bot.say(message("hjälp", url, VIEWER))
    for command in ("spara rapport", "rapporter", "ta bort rapport"):
        assert command in help_text


@settings(max_examples=300, deadline=None)
@example(text="0¨\x1b\u05a2")  # a dropped control character between two combining marks
@given(text=st.text(max_size=80) | st.sampled_from(
    ["Anna Andersson", "850101-1234", "\u200b\u202eHalvår", "Ｈａｌｖår 1", "a" * 61]))
def test_a_clean_name_is_short_visible_stable_and_passes_the_guard(text):
    try:
        name = clean_name(text)
    except RuleError as error:
        assert error.code in {"saved_report_name_missing", "saved_report_name_too_long",
                              "saved_report_name_personal"}
        assert set(error.details) <= {"max", "length"}  # never the refused text
        return
    assert 0 < len(name) <= 60 and name == name.strip()
    assert all(unicodedata.category(c)[0] != "C" for c in name)
    assert clean_name(name) == name  # what is stored is found again as it is
    pii.check(name, pii.Policy.NO_NAMES)
