"""storage.lookups: the organisation read once per process, and never stale where it matters:
a change made here is seen at once, a municipality added by another process is accepted at
once, anything else another process changed is seen within MAX_AGE."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, update
from sqlmodel import select

from storage import lookups
from storage.lookups import find_programme, name_key
from storage.models import CountyPart, Municipality, Participant, Programme
from storage.participants import find_municipality, register_referral
from storage.rules import RuleError
from tests.teams import message
from tests.test_participants_http import COORDINATOR, staff
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


# --- names as typed: what looks the same is found ------------------------------------------

# Format characters a pasted name can carry; `pii.normalise` drops them all.
_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
_SPACES = [" ", "\u00a0", "\u3000", "\t"]


def _fullwidth(char: str) -> str:
    return chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char


@st.composite
def _as_typed(draw: st.DrawFn, name: str) -> str:
    """`name` as someone might type or paste it: each character in another case or fullwidth,
    invisible characters anywhere (between a letter and its combining mark too, with the
    letters decomposed), spaces around."""
    if draw(st.booleans()):
        name = unicodedata.normalize("NFD", name)
    out = [draw(st.sampled_from(["", *_SPACES]))]
    for char in name:
        char = draw(st.sampled_from([char, char.upper(), char.lower(), _fullwidth(char)]))
        out.append(char + "".join(draw(st.lists(st.sampled_from(_INVISIBLE), max_size=2))))
    out.append(draw(st.sampled_from(["", *_SPACES])))
    return "".join(out)


async def _snapshot(db) -> lookups.Organisation:
    async with db.read() as session:
        return await lookups.organisation(session)


async def test_any_municipality_or_programme_as_typed_is_found_and_nothing_else(db):
    """Property over the organisation as loaded: every municipality, and every programme by
    code and by name, is found however it is typed; a name that is not one is refused."""
    org = await _snapshot(db)
    towns = sorted(m.name for m in org.municipalities)
    programmes = sorted(org.programmes.values(), key=lambda p: p.code)
    assert "Vingåker" in towns and len(programmes) >= 4
    known = {name_key(t) for t in towns} | {name_key(p.name) for p in programmes} | {
        name_key(p.code) for p in programmes}

    @settings(max_examples=200, deadline=None)
    @given(st.data())
    def found(data: st.DataObject) -> None:
        town = data.draw(st.sampled_from(towns))
        place = org.municipality(data.draw(_as_typed(town)))
        assert place is not None and place.name == town
        programme = data.draw(st.sampled_from(programmes))
        text = data.draw(_as_typed(data.draw(st.sampled_from([programme.code, programme.name]))))
        assert org.programme(text) == programme

    @settings(max_examples=200, deadline=None)
    @given(st.sampled_from(towns + [p.name for p in programmes]),
           st.sampled_from(["s", "a", " kommun", "-", "x"]), st.text(max_size=3))
    def refused(name: str, more: str, noise: str) -> None:
        for typed in (name + more, more + name, name[:-1], noise):
            if name_key(typed) not in known:
                assert org.municipality(typed) is None and org.programme(typed) is None

    found()
    refused()


async def test_the_callers_take_a_name_as_typed_and_still_refuse_an_unknown_one(db, actors):  # noqa: F811
    async with db.session() as session:
        typed = referral(" ＦＬ\u200bＥＮ\u00a0", programme="Ｓｉｋｔａ mot\u2060 ARBETSLIVET")
        participant = await register_referral(session, actors[COORD], typed)
        assert (await session.get(Municipality, participant.municipality_id)).name == "Flen"
        assert (await session.get(Programme, participant.programme_id)).code == "sikta"
    async with db.read() as session:
        assert (await find_municipality(session, "vingA\u030aker")).name == "Vingåker"
        assert (await find_programme(session, "\ufeffＳＰＩＲＡ")).code == "spira"
        assert await find_programme(session, "spira\u200b2") is None
        try:
            await find_municipality(session, "Fl\u200bens")
        except RuleError as error:
            assert error.code == "unknown_municipality"
        else:
            raise AssertionError("an unknown municipality was found")


async def test_a_referral_in_chat_finds_a_municipality_typed_in_fullwidth(bot, connector, db):
    await staff(db)
    replies = await bot.say(message(
        "ny aktualisering kommun=ＫＡＴＲＩＮＥ\u200bholm insats=ｓｐｉｒａ kön=kvinna född=1985 "
        "försörjning=sjukpenning från=FK samtycke=ja datum=2026-11-02", connector.url, COORDINATOR))
    assert replies[0].startswith("Registrerat **V-2026-0001**: kvinna, född 1985, Katrineholm")
    async with db.read() as session:
        participant = (await session.exec(select(Participant))).one()
        assert (await session.get(Programme, participant.programme_id)).code == "spira"


async def test_a_county_part_added_elsewhere_is_named_at_once(db):
    """`vem är jag` and the welcome name the user's county parts from the snapshot: a part
    added by another process (`org load`) within MAX_AGE is still named."""
    from storage.org import county_part_names

    async with db.read() as session:
        await lookups.organisation(session)
    async with db.begin() as connection:
        await connection.execute(insert(CountyPart).values(
            code="nydel", name="Nya delen", base_town="Flen", code_prefix="N"))
    async with db.read() as session:
        assert await county_part_names(session, frozenset({"nydel"})) == ["Nya delen"]
