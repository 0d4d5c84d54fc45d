"""The employer register through the real HTTP endpoint: employers, the business contact (the
one place a name and phone are kept), contact history, slots, placements that led to work, who
may see and change what, refused input, and retention of the contact person."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from storage.clock import clock
from storage.employers import check_org_number
from storage.models import Employer, EmployerContact
from storage.participants import (
    ExitInput,
    PlacementInput,
    ReferralInput,
    add_placement,
    decide,
    enrol,
    exit_participant,
    register_referral,
)
from storage.retention import run_retention
from storage.rules import RuleError, Status
from storage.staff import load_actor
from tests.people import COACH, COORDINATOR, NORRA_COACH, VIEWER, add_staff
from tests.teams import COORDINATOR_AAD, message

ICA = ('ny arbetsgivare "ICA Flen" sektor=privat kommun=Flen orgnr=556036-0793 '
       'kontakt=Butikschef kontaktnamn="Eva Ek" telefon="+46 70 123 45 67"')


@pytest.fixture(autouse=True)
def monday(monkeypatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC))


async def staff(db) -> None:
    await add_staff(db, COORDINATOR, COACH, NORRA_COACH, VIEWER)


async def employers(db) -> list[Employer]:
    async with db.session() as session:
        return list((await session.exec(select(Employer).order_by(Employer.id))).all())


async def placed(db, employer: str, destination: str | None) -> None:
    """A participant in Västra with a placement at `employer`, exited to `destination`."""
    async with db.session() as session:
        actor = await load_actor(session, COORDINATOR_AAD)
        referral = ReferralInput(date(2026, 1, 12), "fk", "Flen", "man", 1980, "unknown", True)
        code = (await register_referral(session, actor, referral)).code
        await decide(session, actor, code, Status.ACCEPTED, day=date(2026, 1, 20),
                     coach="Cem Coach")
        await enrol(session, actor, code, date(2026, 2, 2))
        await add_placement(session, actor, code, PlacementInput(
            "work_training", "private", employer, date(2026, 3, 1)))
        if destination:
            await exit_participant(session, actor, code, ExitInput(
                date(2026, 10, 1), "according_to_plan", destination, "salary"))


async def test_register_contact_slots_and_detail(bot, connector, db):
    await staff(db)
    url = connector.url
    (saved,) = await bot.say(message(ICA, url, COACH))
    (ica,) = await employers(db)
    assert saved == f"Sparat: ICA Flen (arbetsgivare {ica.id})."
    assert (ica.org_number, ica.contact_name, ica.contact_phone) == (
        "556036-0793", "Eva Ek", "+46 70 123 45 67")
    assert await bot.say(message('ny arbetsgivare "ica  flen" sektor=privat kommun=Flen', url,
                                 COORDINATOR)) == [
        f"ICA Flen finns redan (arbetsgivare {ica.id}). Skriv `ändra arbetsgivare {ica.id} …` "
        "för att ändra den. Inget sparades."
    ]
    assert await bot.say(message("kontakt ICA: möte med Eva om två platser", url, COACH)) == [
        "Kontakten med ICA Flen 2026-11-30 är sparad."
    ]
    assert await bot.say(message("platser ICA Flen 2", url, COACH)) == [
        "ICA Flen har nu 2 lediga platser."
    ]
    await placed(db, "ica flen", "work_unsubsidised")
    await placed(db, "ICA Flen", None)
    (detail,) = await bot.say(message(f"arbetsgivare {ica.id}", url, COACH))
    assert "**ICA Flen**" in detail
    assert "- Lediga platser: 2" in detail
    assert "- Placeringar: 2, varav 1 ledde till arbete" in detail
    assert "- Kontaktperson: Butikschef, Eva Ek, +46 70 123 45 67" in detail
    assert "- 2026-11-30: möte med Eva om två platser" in detail
    (listing,) = await bot.say(message("arbetsgivare", url, COORDINATOR))
    assert f"**{ica.id}** ICA Flen, privat, Flen: 2 lediga platser, 2 placeringar" in listing
    (other,) = await bot.say(message("arbetsgivare", url, NORRA_COACH))
    assert "ICA Flen" not in other
    (refused,) = await bot.say(message("platser ICA Flen 5", url, NORRA_COACH))
    assert "hör till en annan länsdel" in refused

    (report,) = await bot.say(message("arbetsgivarrapport", url, COORDINATOR))
    assert "| Sektor | Västra | Totalt |" in report and "| privat | 1 | 1 |" in report
    assert "ICA Flen: 2 placeringar, 1 ledde till arbete" in report
    assert "1 arbetsgivare har placeringar som ledde till arbete." in report
    (viewer_report,) = await bot.say(message("arbetsgivarrapport", url, VIEWER))
    assert "ICA Flen" not in viewer_report and "| privat | 0 | 0 | 1 | 1 |" in viewer_report


async def test_refused_input_saves_nothing(bot, connector, db):
    await staff(db)
    url = connector.url
    for text, expected in (
        ('ny arbetsgivare "Bygg AB" sektor=privat kommun=Flen telefon="070-123 45 67"',
         "ser ut som ett personnummer"),
        ('ny arbetsgivare "Bygg AB" sektor=privat kommun=Flen telefon="12345"',
         "med landsnummer"),
        ('ny arbetsgivare "Bygg AB" sektor=privat kommun=Flen orgnr=556036-0794',
         "rätt kontrollsiffra"),
        ('ny arbetsgivare "Bygg AB" sektor=privat kommun=Flen orgnr=850101-1234',
         "personnummer"),
        ('ny arbetsgivare "Bygg AB" sektor=rymden kommun=Flen', "Okänd sektor"),
        ('ny arbetsgivare "Bygg AB" kommun=Flen', "Ange namn, sektor och kommun"),
        ('ny arbetsgivare "Bygg AB" sektor=privat kommun=Atlantis', "Atlantis"),
        ("ny arbetsgivare " + "x" * 300 + " sektor=privat kommun=Flen", "för lång"),
    ):
        (reply,) = await bot.say(message(text, url, COACH))
        assert expected in reply, (text, reply)
        assert not reply.startswith("Sparat")
    assert await employers(db) == []
    await bot.say(message(ICA, url, COACH))
    for text, expected in (
        ("kontakt ICA Flen: Kalle Karlsson börjar på måndag", "namn"),
        ("kontakt ICA Flen: möte datum=2027-05-01", "har inte varit än"),
        ("kontakt ICA Flen", "Skriv `kontakt <arbetsgivare>"),
        ("kontakt Lidl: möte", "ingen arbetsgivare som heter"),
        ("platser ICA Flen 99999", "Skriv `platser"),
    ):
        (reply,) = await bot.say(message(text, url, COACH))
        assert expected in reply, (text, reply)
    async with db.session() as session:
        assert (await session.exec(select(EmployerContact))).all() == []


def test_organisation_numbers():
    assert check_org_number("5560360793") == "556036-0793"
    for bad in ("556036-0794", "55603607", "abc", "19556036-0793"):
        with pytest.raises(RuleError, match="employer_bad_org_number"):
            check_org_number(bad)
    with pytest.raises(RuleError, match="employer_sole_trader"):
        check_org_number("850101-1236")


async def test_retention_removes_the_contact_person_and_history(bot, connector, db, monkeypatch):
    await staff(db)
    url = connector.url
    monkeypatch.setattr(clock, "now", lambda: datetime(2024, 3, 1, 9, 0, tzinfo=UTC))
    await bot.say(message(ICA, url, COACH))
    await bot.say(message("kontakt ICA Flen: första mötet", url, COACH))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    await bot.say(message('ny arbetsgivare "Coop Flen" sektor=privat kommun=Flen '
                          'kontaktnamn="Per Persson"', url, COACH))
    async with db.session() as session:
        run = await run_retention(session, "test", date(2026, 11, 30))
    counts = {k.kind: k.count for k in run.kinds}
    assert counts["employer_contacts"] == 1 and counts["employer_contact_persons"] == 1
    ica, coop = await employers(db)
    assert (ica.name, ica.contact_name, ica.contact_phone, ica.contact_role) == (
        "ICA Flen", "", "", "Butikschef")
    assert coop.contact_name == "Per Persson"
    async with db.session() as session:
        assert (await session.exec(select(EmployerContact))).all() == []
