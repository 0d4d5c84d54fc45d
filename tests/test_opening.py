"""storage/opening.py: a turn's first reads in one statement give what each module's own read
gives (the sender as `load_actor` loads them, the state document, the language, the receipt);
bot/state.py takes a prefetched document once, then asks the database again."""

from __future__ import annotations

from itertools import combinations

import pytest

from bot.state import SqlStorage, prefetch
from storage.bot_state import StateChange, StateDocuments
from storage.language import choose_locale
from storage.opening import opening
from storage.permissions import Role
from storage.staff import deactivate_staff, load_actor, upsert_staff
from storage.turns import finish

AAD = "6a000000-1111-4222-8333-444455556666"
PARTS = ["norra", "sodra", "vastra"]


async def test_nothing_known_yet(db):
    start = await opening(db, "k1", user_id="29:new", state_key="msteams/conversations/a:1",
                          aad=AAD.upper(), display_name="Ny Person")
    assert not start.seen and start.locale is None and start.state is None
    assert start.actor.role is None and start.actor.aad_object_id == AAD
    assert start.actor.display_name == "Ny Person"


@pytest.mark.parametrize(
    "parts", [list(c) for n in range(len(PARTS) + 1) for c in combinations(PARTS, n)]
)
async def test_the_sender_is_who_load_actor_says(db, parts):
    async with db.session() as session:
        role = Role.COORDINATOR if parts else Role.ADMIN  # an admin needs no county part
        await upsert_staff(session, AAD, "Sara Samordnare", role, parts)
    start = await opening(db, "k1", user_id=None, state_key=None, aad=AAD)
    async with db.read() as session:
        assert start.actor == await load_actor(session, AAD)
    assert start.actor.county_parts == frozenset(parts)


async def test_a_deactivated_member_is_not_staff(db):
    async with db.session() as session:
        await upsert_staff(session, AAD, "Cem Coach", Role.COACH, ["norra"])
    async with db.session() as session:
        await deactivate_staff(session, AAD)
    start = await opening(db, "k1", user_id=None, state_key=None, aad=AAD, display_name="Cem")
    assert start.actor.role is None and start.actor.display_name == "Cem"


async def test_everything_known(db):
    key, state_key = "msteams/a:1/m1", "msteams/conversations/a:1"
    async with db.session() as session:
        await upsert_staff(session, AAD, "Sara", Role.COORDINATOR, PARTS)
        await choose_locale(session, "29:sara", "en-US")
        await finish(db, session, key, "owner", [])
    etags = await StateDocuments(db).write({state_key: StateChange('{"x": 1}')})
    start = await opening(db, key, user_id="29:sara", state_key=state_key, aad=AAD)
    assert start.seen and start.locale == "en-US"
    assert start.state is not None and start.state.etag == etags[state_key]
    assert start.state.document == '{"x": 1}'
    assert start.actor.county_parts == frozenset(PARTS)  # one row per part, one actor


async def test_a_prefetched_document_is_used_once(db):
    storage = SqlStorage(db)
    key = "msteams/conversations/a:2"
    await storage.write({key: {"dialog": {"n": 1}}})
    prefetch({key: None})  # read as absent at the turn's start
    assert await storage.read([key]) == {}
    again = await storage.read([key])  # taken: the database is asked
    assert again[key]["dialog"] == {"n": 1}
    prefetch({key: None})
    other = await storage.read([key, "msteams/conversations/a:3"])  # not all prefetched
    assert list(other) == [key]


async def test_a_turn_that_wrote_first_reads_its_state_in_its_write_transaction(db):
    """What was prefetched before the turn's first write may be older than what the write
    transaction sees: after a write, the state is read again."""
    storage = SqlStorage(db)
    key = "msteams/conversations/a:4"
    await storage.write({key: {"dialog": {"n": 2}}})
    async with db.unit():
        prefetch({key: None})
        async with db.session() as session:
            await choose_locale(session, "29:someone", "en-US")  # the turn writes first
        found = await storage.read([key])
    assert found[key]["dialog"] == {"n": 2}
