"""The participant's path through the real HTTP endpoint: referral → decision → enrolment →
placement → steps → exit, with permissions, bad input and undo."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from storage.models import AuditEntry, Participant
from storage.permissions import Role
from storage.staff import upsert_staff
from tests.teams import ADMIN_AAD, COACH_AAD, COORDINATOR_AAD, card_submit, message, user

COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
COACH = user(COACH_AAD, "Cem Coach")
OTHER_COACH_AAD = "3d9f5b67-8e0a-4c4b-8f6d-4a5b6c7d8e9f"
OTHER_COACH = user(OTHER_COACH_AAD, "Olle Annan")
ADMIN = user(ADMIN_AAD, "Alva Admin")

REFERRAL = (
    "ny aktualisering kommun=Flen kön=kvinna född=1985 försörjning=sjukpenning "
    "från=FK samtycke=ja datum=2026-11-02"
)


async def staff(db) -> None:
    async with db.session() as session:
        await upsert_staff(
            session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR, ["vastra"]
        )
        await upsert_staff(session, COACH_AAD, "Cem Coach", Role.COACH, ["vastra"])
        await upsert_staff(session, OTHER_COACH_AAD, "Olle Annan", Role.COACH, ["norra"])


async def test_full_path_on_one_line_each(bot, connector, db):
    await staff(db)
    url = connector.url
    replies = await bot.say(message(REFERRAL, url, COORDINATOR))
    assert replies == [
        "Registrerat **V-2026-0001**: kvinna, född 1985, Flen, sjukpenning, aktualiserad av "
        "Försäkringskassan. Inväntar beslut. Skriv **ångra** om något blev fel."
    ]
    replies = await bot.say(
        message('aktuell V-2026-0001 coach="Cem Coach" datum=2026-11-05', url, COORDINATOR)
    )
    assert replies == [
        "**V-2026-0001** är aktuell med Cem Coach som coach. Nästa steg: `skriv in V-2026-0001`."
    ]
    replies = await bot.say(message("skriv in v-2026-0001 datum=2026-11-10", url, COACH))
    assert replies == [
        "**V-2026-0001** är inskriven från 2026-11-10. Insatsen pågår till 2027-11-10 om den "
        "inte förlängs."
    ]
    replies = await bot.say(
        message(
            "ny placering V-2026-0001 typ=arbetsträning sektor=privat "
            'arbetsgivare="Coop Flen" start=2026-11-16',
            url,
            COACH,
        )
    )
    assert replies == [
        "Placering 1 för **V-2026-0001**: arbetsträning hos Coop Flen (privat) från 2026-11-16."
    ]
    replies = await bot.say(
        message("uppföljning V-2026-0001 Trivs bra, vill öka till 50 procent", url, COACH)
    )
    assert replies == ["Uppföljningen är sparad på placering 1 för **V-2026-0001**."]

    replies = await bot.say(message("steg V-2026-0001", url, COACH))
    assert "Vilket steg har V-2026-0001 tagit?" in replies[0]
    assert "[arbetsgivarkontakt]" in replies[0]
    replies = await bot.say(
        card_submit({"command": "steg V-2026-0001 arbetsgivarkontakt"}, url, COACH)
    )
    assert replies[0].startswith("Steg sparat för **V-2026-0001**: arbetsgivarkontakt (")

    replies = await bot.say(
        message(
            "skriv ut V-2026-0001 orsak=enligt plan till=studier försörjning=lön datum=2026-11-20",
            url,
            COACH,
        )
    )
    assert replies == [
        "**V-2026-0001** är utskriven 2026-11-20: enligt plan, vidare till studier (studier)."
    ]
    async with db.session() as session:
        participant = (await session.exec(select(Participant))).one()
    assert participant.status == "exited"
    assert participant.exit_destination == "studies"
    assert participant.income_source_exit == "salary"

    shown = (await bot.say(message("visa V-2026-0001", url, COACH)))[0]
    assert "V-2026-0001" in shown and "utskriven" in shown
    assert "Placering 1:** arbetsträning hos Coop Flen, 2026-11-16 – 2026-11-20" in shown
    assert "Trivs bra, vill öka till 50 procent" in shown


async def test_guided_referral_asks_for_what_is_missing(bot, connector, db, on_23_november_2026):
    await staff(db)
    url = connector.url
    replies = await bot.say(message("ny aktualisering", url, COORDINATOR))
    assert "Ny aktualisering" in replies[0]  # the card
    assert replies[1].startswith("Vilken kommun bor personen i?")
    assert "[Katrineholm]" in replies[1]
    assert (await bot.say(message("Stockholm", url, COORDINATOR)))[0].startswith(
        "”Stockholm” är ingen kommun i förbundet."
    )
    replies = await bot.say(message("katrineholm", url, COORDINATOR))
    assert replies[0].startswith("Vilket kön har personen?")
    await bot.say(message("man", url, COORDINATOR))
    replies = await bot.say(message("2015", url, COORDINATOR))
    assert replies[0].startswith("Vilken försörjning")  # the year is checked when saving
    await bot.say(message("försörjningsstöd", url, COORDINATOR))
    replies = await bot.say(message("kommun", url, COORDINATOR))
    assert replies[0].startswith("”kommun” passar inte här.")
    await bot.say(message("soc", url, COORDINATOR))
    replies = await bot.say(message("ja", url, COORDINATOR))
    assert len(replies) == 1
    assert replies[0].startswith("Personen blir 11 år i år.")
    assert "Vilket år är personen född?" in replies[0]
    replies = await bot.say(message("1990", url, COORDINATOR))
    assert replies[0].startswith("Registrerat **V-2026-0001**: man, född 1990, Katrineholm")


async def test_card_submit_registers_the_referral(bot, connector, db):
    await staff(db)
    data = {
        "command": "ny aktualisering",
        "kommun": "Vingåker",
        "kön": "woman",
        "född": "1979",
        "försörjning": "activity_compensation",
        "från": "region_psychiatry",
        "datum": "2026-11-20",
        "samtycke": "ja",
    }
    replies = await bot.say(card_submit(data, connector.url, COORDINATOR))
    assert replies[0].startswith(
        "Registrerat **V-2026-0001**: kvinna, född 1979, Vingåker, aktivitetsersättning"
    )


async def test_personal_data_is_refused_and_nothing_is_stored(bot, connector, db):
    await staff(db)
    line = REFERRAL + ' enhet="Handläggare Anna Svensson"'
    replies = await bot.say(message(line, connector.url, COORDINATOR))
    assert "ser ut att innehålla en persons namn" in replies[0]
    assert (await bot.say(message("avbryt", connector.url, COORDINATOR))) == [
        "Okej, jag avbröt. Inget sparades."
    ]
    async with db.session() as session:
        assert (await session.exec(select(Participant))).all() == []
        entries = (await session.exec(select(AuditEntry))).all()
        stored = " ".join(f"{e.changes} {e.details}" for e in entries)
    assert "Svensson" not in stored


async def test_coaches_only_see_their_own_participants(bot, connector, db):
    await staff(db)
    url = connector.url
    await bot.say(message(REFERRAL, url, COORDINATOR))
    await bot.say(message('aktuell V-2026-0001 coach="Cem Coach"', url, COORDINATOR))
    mine = (await bot.say(message("mina deltagare", url, COACH)))[0]
    assert "**V-2026-0001**: aktuell, Flen, coach Cem Coach" in mine
    assert await bot.say(message("mina deltagare", url, OTHER_COACH)) == [
        "Du har inga pågående deltagare."
    ]
    assert await bot.say(message("visa V-2026-0001", url, OTHER_COACH)) == [
        "Jag hittar ingen deltagare V-2026-0001 som du har behörighet till."
    ]
    assert await bot.say(message("visa V-2026-0999", url, COACH)) == [
        "Jag hittar ingen deltagare V-2026-0999 som du har behörighet till."
    ]
    assert await bot.say(message("mina deltagare", url, ADMIN)) == [
        "Det har du inte behörighet till med rollen administratör."
    ]
    async with db.session() as session:
        actions = [
            (e.actor_aad_object_id, e.action)
            for e in (await session.exec(select(AuditEntry))).all()
        ]
    assert (COACH_AAD, "list") in actions  # one row per listing, not one per participant
    assert (OTHER_COACH_AAD, "denied") in actions


async def test_edit_and_undo(bot, connector, db):
    await staff(db)
    url = connector.url
    await bot.say(message(REFERRAL, url, COORDINATOR))
    assert await bot.say(
        message("ändra V-2026-0001 född=1986 försörjning=a-kassa", url, COORDINATOR)
    ) == [
        "Ändrat för **V-2026-0001**: född=1986, försörjning=a-kassa. Skriv **ångra** för att "
        "ta tillbaka."
    ]
    assert await bot.say(message("ändra V-2026-0001 namn=x", url, COORDINATOR)) == [
        "Okänt fält: namn. Fält som går att ändra: kön, född, försörjning, försörjning_ut, från, "
        "enhet, aktualiserad, inskriven, utskriven, orsak, till, samtycke, enkät_in, enkät_ut."
    ]
    assert await bot.say(message("ångra", url, COORDINATOR)) == [
        "Klart, jag ångrade ändringen för V-2026-0001."
    ]
    async with db.session() as session:
        participant = (await session.exec(select(Participant))).one()
    assert (participant.birth_year, participant.income_source_start) == (1985, "sickness_benefit")
    assert await bot.say(message("ångra", url, COORDINATOR)) == [
        "Klart, jag ångrade registreringen för V-2026-0001."
    ]
    async with db.session() as session:
        assert (await session.exec(select(Participant))).all() == []
    assert await bot.say(message("ångra", url, COORDINATOR)) == [
        "Du har inget att ångra från det senaste dygnet."
    ]


async def test_unregistered_users_get_no_participant_data(bot, connector):
    stranger = user("4e0a6c78-9f1b-4d5c-8a7e-5b6c7d8e9f0a", "Okänd")
    assert await bot.say(message("mina deltagare", connector.url, stranger)) == [
        "Du är inte registrerad som personal i Stegvis. Be en administratör lägga till dig."
    ]


async def test_form_with_only_a_code_offers_a_card_and_asks(bot, connector, db):
    await staff(db)
    url = connector.url
    await bot.say(message(REFERRAL, url, COORDINATOR))
    await bot.say(
        message('aktuell V-2026-0001 coach="Cem Coach" datum=2026-11-03', url, COORDINATOR)
    )
    await bot.say(message("skriv in V-2026-0001 datum=2026-11-04", url, COACH))
    before = len(connector.activities)
    replies = await bot.say(message("skriv ut V-2026-0001", url, COACH))
    card = connector.activities[before]["attachments"][0]["content"]
    inputs = {element["id"]: element["type"] for element in card["body"] if "id" in element}
    assert inputs == {
        "orsak": "Input.ChoiceSet",
        "till": "Input.ChoiceSet",
        "försörjning": "Input.ChoiceSet",
        "datum": "Input.Date",
        "enkät": "Input.Toggle",
    }
    submit = card["actions"][0]["data"]
    assert submit["command"] == "skriv ut v-2026-0001" and len(submit.pop("once")) == 32
    assert submit == {"command": "skriv ut v-2026-0001"}
    assert "Utskrivning av V-2026-0001" in replies[0]
    assert replies[1].startswith("Varför avslutas V-2026-0001?")

    data = {
        "command": "skriv ut v-2026-0001",
        "orsak": "according_to_plan",
        "till": "jobseeker_af",
        "försörjning": "activity_support",
        "enkät": "ja",
    }
    replies = await bot.say(card_submit(data, url, COACH))
    assert replies[0].startswith("**V-2026-0001** är utskriven ")
    assert replies[0].endswith("enligt plan, vidare till arbetssökande på AF (arbetssökande).")


async def test_a_long_listing_comes_a_page_at_a_time(bot, connector, db):
    """120 participants: 50 to a message, each page says where it is and how to go on, and the
    last page leads back to the first. One audit row per page shown."""
    from storage.audit import AuditAction
    from storage.models import AuditEntry
    from storage.participants import ReferralInput, register_referral
    from storage.staff import load_actor

    await staff(db)
    async with db.session() as session:
        coordinator = await load_actor(session, COORDINATOR_AAD)
        for _ in range(120):
            await register_referral(session, coordinator, ReferralInput(
                date(2026, 11, 2), "fk", "Flen", "woman", 1985, "sickness_benefit", True))
    url = connector.url
    (first,) = await bot.say(message("mina deltagare", url, COORDINATOR))
    assert first.startswith("**Pågående deltagare (120)**")
    assert first.count("- **V-2026-") == 50
    assert "V-2026-0050" in first and "V-2026-0051" not in first
    assert first.endswith("Visar 1–50 av 120. Skriv **mina deltagare sida 2** för att se fler.")
    assert len(first.encode()) < 28_000
    (last,) = await bot.say(message("mina deltagare sida 3", url, COORDINATOR))
    assert last.count("- **V-2026-") == 20 and "V-2026-0120" in last
    assert last.endswith("Visar 101–120 av 120. Skriv **mina deltagare sida 1** för att se fler.")
    (beyond,) = await bot.say(message("mina deltagare sida 99", url, COORDINATOR))
    assert beyond == last
    async with db.read() as session:
        listed = (await session.exec(
            select(AuditEntry).where(AuditEntry.action == AuditAction.LIST))).all()
    assert len(listed) == 3


async def test_a_refusal_on_save_about_one_answer_asks_that_question_again(bot, connector, db):
    """The rule that says no when the form is saved names the answer it is about: that one
    question is asked again with the reason, the rest is kept, and nothing is saved until it
    is answered (dialogs/forms.py, `rule_fields`)."""
    await staff(db)
    replies = await bot.say(message(REFERRAL.replace("född=1985", "född=1940"),
                                    connector.url, COORDINATOR))
    assert any("Personen blir" in r for r in replies), replies
    async with db.read() as session:
        assert (await session.exec(select(Participant))).all() == []
    replies = await bot.say(message("1990", connector.url, COORDINATOR))
    assert any(r.startswith("Registrerat **V-2026-") for r in replies), replies
    async with db.read() as session:
        saved = (await session.exec(select(Participant))).all()
    assert [p.birth_year for p in saved] == [1990]


async def test_a_code_typed_into_a_form_for_someone_elses_participant_is_audited(
    bot, connector, db
):
    """The form answers as for a code that does not exist, and the denied access is in the
    audit log all the same (its row outlives the refusal's undone block)."""
    await staff(db)
    url = connector.url
    await bot.say(message(REFERRAL, url, COORDINATOR))
    await bot.say(message('aktuell V-2026-0001 coach="Cem Coach"', url, COORDINATOR))
    replies = await bot.say(message(
        "ny placering V-2026-0001 typ=arbetsträning sektor=privat arbetsgivare=Coop",
        url, OTHER_COACH,
    ))
    assert replies == ["Jag hittar ingen deltagare V-2026-0001 som du har behörighet till."]
    async with db.session() as session:
        denied = [
            e for e in (await session.exec(select(AuditEntry))).all()
            if e.action == "denied" and e.actor_aad_object_id == OTHER_COACH_AAD
        ]
    assert len(denied) == 1 and denied[0].participant_code == "V-2026-0001", denied
