"""The audit log end to end: what each action on a participant leaves (coded values, never free
text), undo on that format, and one row per listing."""

from __future__ import annotations

import json
import string
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import inspect
from sqlmodel import select

from storage.audit import field_changes
from storage.models import AuditEntry, Participant, Staff
from tests.teams import COACH_AAD, message
from tests.test_participants_http import COACH, COORDINATOR, staff

FREE_TEXTS = (
    "arbetsmarknadsenheten öst",
    "behöver mer tid på arbetsträningen",
    "Coop Flen",
    "lager och logistik",
    "trivs bra, vill öka tiden",
)


async def audit_rows(db) -> list[AuditEntry]:
    async with db.session() as session:
        return list((await session.exec(select(AuditEntry).order_by(AuditEntry.id))).all())


def everything_in(entries: list[AuditEntry]) -> str:
    """Every column of every audit row as text, to look for what must not be there."""
    columns = [c.key for c in inspect(AuditEntry).columns]
    return " ".join(str(getattr(e, c)) for e in entries for c in columns)


# --- the format ------------------------------------------------------------------------------


@given(
    coded=st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=12),
    free_before=st.one_of(st.none(), st.text(min_size=0, max_size=40)),
    free_after=st.text(min_size=1, max_size=40),
    number=st.integers(min_value=-5, max_value=5000),
)
def test_free_text_is_never_copied_whatever_its_shape(coded, free_before, free_after, number):
    before = {"status": "referred", "referring_unit": free_before, "birth_year": 1980}
    after = {"status": coded, "referring_unit": free_after, "birth_year": number}
    changes, empty_before = field_changes("participant", before, after)
    if free_before != free_after:
        assert changes["referring_unit"] is None
        assert (free_before in (None, "")) == ("referring_unit" in empty_before)
    if coded != "referred":
        assert changes["status"] == ["referred", coded]
    if number != 1980:
        assert changes["birth_year"] == [1980, number]
    # An unknown text column counts as free text, so a new column is never copied by accident.
    changes, _ = field_changes("participant", {"new_column": "x"}, {"new_column": free_after})
    assert changes in ({}, {"new_column": None})


# --- the participant's path --------------------------------------------------------------------


async def test_the_path_leaves_coded_values_and_no_free_text(bot, connector, db):
    await staff(db)
    url = connector.url
    for line, who in (
        ("ny aktualisering kommun=Flen kön=kvinna född=1985 försörjning=sjukpenning från=FK "
         f'samtycke=ja datum=2026-11-02 enhet="{FREE_TEXTS[0]}"', COORDINATOR),
        ('aktuell V-2026-0001 coach="Cem Coach" datum=2026-11-05', COORDINATOR),
        ("skriv in V-2026-0001 datum=2026-11-10", COACH),
        (f'förläng V-2026-0001 till=2027-12-31 motivering="{FREE_TEXTS[1]}"', COACH),
        (f'ny placering V-2026-0001 typ=arbetsträning sektor=privat arbetsgivare="{FREE_TEXTS[2]}" '
         f'yrke="{FREE_TEXTS[3]}" start=2026-11-16', COACH),
        (f"uppföljning V-2026-0001 {FREE_TEXTS[4]}", COACH),
        ("steg V-2026-0001 arbetsgivarkontakt datum=2026-11-18", COACH),
        ("visa V-2026-0001", COACH),
    ):
        replies = await bot.say(message(line, url, who))
        assert "V-2026-0001" in replies[0], (line, replies)
    entries = [e for e in await audit_rows(db) if e.entity != "staff"]
    stored = everything_in(entries)
    for text in FREE_TEXTS:
        assert text not in stored
    assert {e.participant_code for e in entries} == {"V-2026-0001"}
    entries = [e for e in entries if e.action != "read"] + [entries[-1]]  # the note form reads
    assert [(e.action, e.entity) for e in entries] == [
        ("create", "participant"),
        ("update", "participant"),
        ("update", "participant"),
        ("update", "participant"),
        ("create", "placement"),
        ("create", "placement_note"),
        ("create", "progression_step"),
        ("read", "participant"),
    ]
    created, decided, enrolled, extended, placed, noted, stepped, read = entries
    changes = json.loads(created.changes)
    assert changes["status"] == [None, "referred"]
    assert changes["gender"] == [None, "woman"] and changes["birth_year"] == [None, 1985]
    assert changes["referring_unit"] is None
    async with db.session() as session:
        coach = (await session.exec(select(Staff).where(Staff.aad_object_id == COACH_AAD))).one()
    assert json.loads(decided.changes) == {
        "coach_id": [None, coach.id],
        "decision_date": [None, "2026-11-05"],
        "status": ["referred", "accepted"],
    }
    assert json.loads(extended.changes) == {
        "extended_until": [None, "2027-12-31"],
        "extension_motivation": None,
    }
    assert json.loads(extended.details) == {"empty_before": ["extension_motivation"]}
    placement = json.loads(placed.changes)
    assert placement["employer"] is None and placement["occupation_area"] is None
    assert placement["placement_type"] == [None, "work_training"]
    assert json.loads(noted.changes)["note"] is None
    assert json.loads(stepped.changes)["step"] == [None, "employer_contact"]
    assert read.changes is None and read.actor_aad_object_id == COACH_AAD


async def test_undo_restores_coded_fields_and_says_when_it_needs_free_text(bot, connector, db):
    await staff(db)
    url = connector.url
    await bot.say(message(
        "ny aktualisering kommun=Flen kön=kvinna född=1985 försörjning=sjukpenning från=FK "
        'samtycke=ja datum=2026-11-02 enhet="soc öst"', url, COORDINATOR))
    await bot.say(message('aktuell V-2026-0001 coach="Cem Coach" datum=2026-11-05', url,
                          COORDINATOR))
    await bot.say(message("skriv in V-2026-0001 datum=2026-11-10", url, COORDINATOR))
    await bot.say(message(
        'förläng V-2026-0001 till=2027-12-31 motivering="behöver mer tid i arbetsträningen"',
        url, COORDINATOR))
    # The motivation was empty before: the undo empties it again without having kept it.
    assert await bot.say(message("ångra", url, COORDINATOR)) == [
        "Klart, jag ångrade ändringen för V-2026-0001."
    ]
    async with db.session() as session:
        participant = (await session.exec(select(Participant))).one()
    assert (participant.extended_until, participant.extension_motivation) == (None, None)
    assert participant.status == "enrolled"  # only the fields that change touched

    # A date comes back as a date, from its ISO text in the log.
    await bot.say(message("ändra V-2026-0001 aktualiserad=2026-11-01", url, COORDINATOR))
    await bot.say(message("ångra", url, COORDINATOR))
    async with db.session() as session:
        participant = (await session.exec(select(Participant))).one()
    assert participant.referral_date == date(2026, 11, 2)

    await bot.say(message('ändra V-2026-0001 enhet="soc väst"', url, COORDINATOR))
    assert await bot.say(message("ångra", url, COORDINATOR)) == [
        "Den ändringen kan jag inte ångra: den gällde fritext (enhet), och fritext sparas inte "
        "i loggen. Skriv in den tidigare texten med `ändra` i stället."
    ]
    async with db.session() as session:
        participant = (await session.exec(select(Participant))).one()
    assert participant.referring_unit == "soc väst"
    undos = [e for e in await audit_rows(db) if e.action == "undo"]
    assert len(undos) == 2 and "behöver" not in everything_in(undos)


async def test_a_listing_is_one_audit_row(bot, connector, db):
    await staff(db)
    url = connector.url
    for n in range(1, 4):
        await bot.say(message(
            "ny aktualisering kommun=Flen kön=man född=1990 försörjning=sjukpenning från=FK "
            "samtycke=ja datum=2026-11-02", url, COORDINATOR))
        await bot.say(message(f'aktuell V-2026-000{n} coach="Cem Coach"', url, COORDINATOR))
    before = len(await audit_rows(db))
    listed = await bot.say(message("mina deltagare", url, COACH))
    assert "V-2026-0003" in listed[0]
    new = (await audit_rows(db))[before:]
    assert [(e.action, e.actor_aad_object_id, e.participant_id) for e in new] == [
        ("list", COACH_AAD, None)
    ]
    assert json.loads(new[0].details) == {
        "count": 3, "offset": 0, "total": 3, "include_closed": False}
