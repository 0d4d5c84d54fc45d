"""storage.lookups: the organisation read once per process, and never stale where it matters:
a change made here is seen at once, a municipality added by another process is accepted at
once, anything else another process changed is seen within MAX_AGE."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlmodel import select

from storage import lookups
from storage.models import CountyPart, Municipality, Participant, Programme
from storage.participants import find_municipality, register_referral
from storage.rules import RuleError
from tests.test_participants_storage import COORD, actors, referral  # noqa: F401


async def _org_reads(db, block) -> list[str]:
    """The statements on the organisation's tables while `block` runs."""
    from tests.test_turn_cost import counted

    with counted([db.engine, db.read_engine]) as cost:
        await block()
    tables = ("SELECT municipality.", "SELECT county_part.", "SELECT programme.")
    return [s for s in cost.statements if s.startswith(tables)]


async def test_a_referral_reads_the_organisation_once_per_process(db, actors):  # noqa: F811
    async def register() -> None:
        async with db.session() as session:
            await register_referral(session, actors[COORD], referral())

    assert len(await _org_reads(db, register)) == 3  # places, parts, programmes: once
    assert await _org_reads(db, register) == []
    async with db.read() as session:
        codes = (await session.exec(select(Participant.code))).all()
    assert len(codes) == 2 and all(c.startswith("V-") for c in codes)


async def test_a_change_here_is_seen_at_once(db, actors):  # noqa: F811
    async with db.read() as session:
        before = await lookups.organisation(session)
    async with db.session() as session:
        flen = (await session.exec(select(Municipality).where(Municipality.name == "Flen"))).one()
        flen.name = "Flens kommun"
        session.add(flen)
    async with db.read() as session:
        after = await lookups.organisation(session)
    assert after is not before
    assert after.municipality("flens kommun") is not None and after.municipality("Flen") is None


async def test_a_turn_reading_while_another_changes_does_not_keep_the_old_rows(db):
    """Another turn reads the organisation between this one's write and its commit (it sees
    the old rows): the commit makes the next read fresh; a rollback leaves nothing behind."""
    for outcome in ("commit", "rollback"):
        try:
            async with db.session() as session:
                session.add(Municipality(name=f"Ny {outcome}", county_part_id=1))
                await session.flush()
                async with db.read() as reading:
                    during = await lookups.organisation(reading, fresh=True)
                assert during.municipality(f"Ny {outcome}") is None
                if outcome == "rollback":
                    raise RuntimeError("the turn fails")
        except RuntimeError:
            pass
        async with db.read() as session:
            after = await lookups.organisation(session)
        assert (after.municipality(f"Ny {outcome}") is not None) == (outcome == "commit")


async def test_a_municipality_added_elsewhere_is_accepted_at_once(db, actors):  # noqa: F811
    async with db.read() as session:
        await lookups.organisation(session)
        part = (await session.exec(select(CountyPart).where(CountyPart.code == "vastra"))).one()
    # Another process (`org load`, a second instance): no ORM event reaches this one.
    async with db.begin() as connection:
        await connection.execute(insert(Municipality).values(name="Nykommun",
                                                             county_part_id=part.id))
    async with db.session() as session:
        participant = await register_referral(session, actors[COORD], referral("nykommun"))
        assert participant.county_part_id == part.id


async def test_other_changes_from_elsewhere_are_seen_within_max_age(db, monkeypatch):
    async with db.read() as session:
        await lookups.organisation(session)
    async with db.begin() as connection:
        await connection.execute(update(Municipality).where(Municipality.name == "Flen")
                                 .values(name="Flen (ny)"))
    async with db.read() as session:
        assert (await find_municipality(session, "Flen")).name == "Flen"  # within MAX_AGE
    monkeypatch.setattr(lookups, "MAX_AGE", 0.0)
    async with db.read() as session:
        try:
            await find_municipality(session, "Flen")
        except RuleError as error:
            assert error.code == "unknown_municipality"
            assert "Flen (ny)" in str(error.details["names"])
        else:
            raise AssertionError("a renamed municipality was still found by its old name")


async def test_a_programme_added_elsewhere_is_accepted_at_once(db, actors):  # noqa: F811
    async with db.read() as session:
        await lookups.organisation(session)
    async with db.begin() as connection:
        await connection.execute(insert(Programme).values(code="nytt", name="Nytt program",
                                                          active=True, takes_participants=True))
    async with db.session() as session:
        participant = await register_referral(session, actors[COORD],
                                              referral(programme="nytt"))
        programme = await session.get(Programme, participant.programme_id)
    assert programme.code == "nytt"
