"""What one message costs the database: commits and statements per turn, pinned so that the
exactly-once machinery cannot grow them back silently (README "Load benchmarks").

Counted with SQLAlchemy's engine events on the bot's own engines while real activity JSON goes
through /api/messages; the conversation is known and the user registered, as on a normal day.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from psycopg import _queries
from sqlalchemy import event

from bot.app import APP_KEY
from storage import lookups
from storage.turns import flush_delivered
from tests.teams import message
from tests.test_participants_http import COORDINATOR, REFERRAL, staff


@dataclass
class Cost:
    """What the database was asked to do while a block ran."""

    statements: list[str] = field(default_factory=list)
    # (length, parameters) of each statement as psycopg receives it
    sizes: list[tuple[int, int]] = field(default_factory=list)
    commits: int = 0
    savepoints: int = 0


@contextmanager
def counted(engines: list[Any]) -> Iterator[Cost]:
    cost = Cost()

    def on_statement(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        cost.sizes.append((len(statement), len(parameters or ())))
        cost.statements.append(" ".join(statement.split())[:100 if "WITH" not in statement
                                                              else 4000])

    def on_commit(_conn: Any) -> None:
        cost.commits += 1

    def on_savepoint(_conn: Any, _name: Any) -> None:
        cost.savepoints += 1

    listeners = [("before_cursor_execute", on_statement), ("commit", on_commit),
                 ("savepoint", on_savepoint)]
    # PostgreSQL's read engine is the write engine with other options: its events are the
    # write engine's, so one engine per pool.
    targets = {id(e.sync_engine.pool): e.sync_engine for e in reversed(engines)}.values()
    for target in targets:
        for name, listener in listeners:
            event.listen(target, name, listener)
    try:
        yield cost
    finally:
        for target in targets:
            for name, listener in listeners:
                event.remove(target, name, listener)


async def _cost_of(bot, connector, text: str) -> tuple[Cost, list[str]]:
    """What one message costs, with the mark of its delivery written after the answer."""
    db = bot.http.app[APP_KEY].db
    with counted([db.engine, db.read_engine]) as cost:
        replies = await bot.say(message(text, connector.url, COORDINATOR))
        await flush_delivered(db)
    return cost, replies


async def _warm(bot, connector, db) -> None:
    """The conversation known (stored by the first turn, confirmed by the second: storage/
    conversations.py), the user registered, the organisation read by some earlier turn
    (storage/lookups.py)."""
    await staff(db)
    for _ in range(2):
        await bot.say(message("hjälp", connector.url, COORDINATOR))
    await flush_delivered(bot.http.app[APP_KEY].db)
    async with db.read() as session:
        await lookups.organisation(session)


def _work(cost: Cost) -> list[str]:
    """The statements that do something: transaction control differs between the engines
    (SQLAlchemy sends BEGIN on SQLite, psycopg opens transactions itself)."""
    return [s for s in cost.statements if s.split()[0] not in ("BEGIN", "SAVEPOINT", "RELEASE")]


async def test_a_read_turn_commits_nothing(bot, connector, db):
    """`vem är jag` and `hjälp` read: no commit, no write transaction, no receipt; the
    conversation's reference, confirmed by the turn before, and the county parts' names (from
    the organisation's snapshot) are not read again."""
    await _warm(bot, connector, db)
    for text, most in (("vem är jag", 1), ("hjälp", 1)):
        cost, replies = await _cost_of(bot, connector, text)
        assert len(replies) == 1, replies
        assert cost.commits == 0 and cost.savepoints == 0, cost.statements
        assert not any(s.split()[0] in ("INSERT", "UPDATE", "DELETE") for s in cost.statements)
        assert not [s for s in cost.statements if "conversation_ref" in s], cost.statements
        parts = [s for s in cost.statements if s.startswith("SELECT county_part")]
        assert not parts, cost.statements
        assert len(_work(cost)) <= most, cost.statements
        # One read transaction, one statement: whether the message was seen, the language, the
        # conversation's state and the sender (storage/opening.py).
        assert cost.statements.count("BEGIN") <= 1, cost.statements


async def test_a_write_turn_commits_its_work_with_the_receipt_then_counts_the_reply(
    bot, connector, db
):
    """A referral: one commit for the participant, its audit row and the message's receipt;
    one, after the answer and shared with other turns' under load, for the reply having
    reached the connector (which the card's second tap and a resend read)."""
    await _warm(bot, connector, db)
    cost, replies = await _cost_of(bot, connector, REFERRAL)
    assert replies[0].startswith("Registrerat **V-2026-"), replies
    assert cost.commits == 2, cost.statements
    assert cost.savepoints == 0, cost.statements  # the first block needs none (_unit.py)
    receipts = [s for s in cost.statements if "processed_turn" in s and
                s.split()[0] in ("INSERT", "UPDATE")]
    assert len(receipts) == 2, receipts  # the receipt, then the reply counted
    # The sender is loaded once, with the turn's first reads (storage/opening.py); the form
    # reuses it.
    assert not [s for s in cost.statements if s.startswith("SELECT staff.")], cost.statements
    first = [s for s in cost.statements if s.startswith("SELECT (SELECT processed_turn")]
    assert len(first) == 1, cost.statements
    org = ("SELECT municipality.", "SELECT county_part.", "SELECT programme.")
    assert not [s for s in cost.statements if s.startswith(org)]  # read once per process
    if db.is_sqlite:
        assert len(_work(cost)) <= 8, cost.statements
    else:
        # The participant, its audit row, event and span in one statement (storage/together.py)
        # between the code counter and the receipt.
        assert len(_work(cost)) <= 5, cost.statements
        together = [s for s in cost.statements if s.startswith("WITH")]
        assert len(together) == 1 and "INSERT INTO participant " in together[0], cost.statements
        # Small enough for psycopg to keep its parse of the statement instead of parsing it
        # afresh every time (the NULLs a table gives anyway are left out).
        length, parameters = cost.sizes[cost.statements.index(together[0])]
        assert length <= _queries.MAX_CACHED_STATEMENT_LENGTH, length
        assert parameters <= _queries.MAX_CACHED_STATEMENT_PARAMS, parameters


async def test_a_referral_leaves_the_orm_no_flush(bot, connector, db):
    """The participant row, its audit row, its event and its spans are written with Core
    INSERT … RETURNING (storage/together.py), not the ORM's unit of work."""
    from sqlalchemy.orm import Session

    await _warm(bot, connector, db)
    flushes: list[int] = []

    def on_flush(*_: Any) -> None:
        flushes.append(1)

    event.listen(Session, "after_flush", on_flush)
    try:
        replies = await bot.say(message(REFERRAL, connector.url, COORDINATOR))
    finally:
        event.remove(Session, "after_flush", on_flush)
    assert replies[0].startswith("Registrerat **V-2026-"), replies
    assert flushes == [], flushes



async def test_the_reads_of_a_turn_share_one_transaction_and_hand_on_what_they_loaded(db):
    """Before a unit writes, its reads share one session; what one read block loaded is
    detached when the block ends, so a later write block can change and save it."""
    from sqlmodel import select

    from storage.models import CountyPart, Municipality

    checkouts = []

    def checkout(*_: Any) -> None:
        checkouts.append(1)

    event.listen(db.read_engine.sync_engine, "checkout", checkout)
    try:
        async with db.unit():
            async with db.read() as session:
                part = (await session.exec(select(CountyPart).order_by(CountyPart.code))).first()
            async with db.connect() as connection:
                await connection.execute(select(Municipality.name))
            async with db.read() as session:
                await session.exec(select(Municipality))
            reads = len(checkouts)
            part.name = part.name + " (ny)"
            async with db.session() as session:
                session.add(part)
    finally:
        event.remove(db.read_engine.sync_engine, "checkout", checkout)
    assert reads == 1
    async with db.read() as session:
        saved = await session.get(CountyPart, part.id)
    assert saved.name.endswith(" (ny)")


async def test_deliveries_finished_together_are_marked_in_one_commit(db):
    """Under load many turns finish delivering at once: their marks share one transaction,
    and only the row of the delivery that owns it is marked."""
    from datetime import timedelta

    from sqlmodel import select

    from storage.clock import clock
    from storage.models import ProcessedTurn
    from storage.turns import delivered

    async with db.session() as session:
        for n in range(6):
            session.add(ProcessedTurn(key=f"k{n}", owner=f"o{n}", status="done", replies='["x"]',
                                      lease_until=clock.now() + timedelta(seconds=20)))
    with counted([db.engine]) as cost:
        for n in range(5):
            delivered(db, f"k{n}", f"o{n}")
        delivered(db, "k5", "someone else")  # taken over: not this one's to mark
        await flush_delivered(db)
    assert cost.commits == 1, cost.statements
    async with db.read() as session:
        rows = {row.key: row for row in (await session.exec(select(ProcessedTurn))).all()}
    assert all(rows[f"k{n}"].replies is None for n in range(5))
    assert rows["k5"].replies == '["x"]'
