"""A long listing: `mina deltagare` as a chat turn, end to end, by a coach with 2,000 ongoing
participants and by a coordinator who sees the same 2,000 in their county parts, against the
bot as a real process (`python -m bot serve`) and, interleaved with it, the echo floor
(bench/echo_bot.py). Replies go to a fake Bot Connector on 127.0.0.1 in this process.

    .venv/bin/python -m bench.listing_bench [--participants 2000] [--runs 20]
                                            [--engines sqlite,postgresql]

Timed: the POST of the message until it is answered (after the reply reached the connector),
median of `--runs` after three warm-up turns, for the first page and the last (the listing is
paged at 50 rows), each beside the echo bot's turn measured alternately with it. Also counted:
the audit rows one listing writes (the listing is one LIST row, whatever it shows: must be 1).
Participants are bulk-loaded (bench/report_bench.py's rows, all enrolled with the one coach)
before the bot starts; PostgreSQL's statistics are gathered as autovacuum would. Issue target:
under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import time
from datetime import date, timedelta
from typing import Any

import aiohttp
from sqlalchemy import func, select, text

from bench.common import engines
from bench.fake_connector import FakeConnector
from bench.load_bench import PARTS, Running, client, echo_bot, stegvis
from bench.report_bench import participants
from storage import events
from storage.db import Database
from storage.models import AuditEntry, Municipality, Participant, Programme
from storage.permissions import Role
from storage.staff import upsert_staff
from tests.teams import COACH_AAD, COORDINATOR_AAD, message, user

GOAL_MS = 100
PAGE = 50
SHOWN = re.compile(r"Visar (\d+)–(\d+) av (\d+)")
COACH = user(COACH_AAD, "Coach Bench")
COORDINATOR = user(COORDINATOR_AAD, "Samordnare Bench")


async def load(url: str, count: int) -> None:
    """A coach with `count` enrolled participants across every county part, and a coordinator
    of all the parts."""
    db = Database(url)
    try:
        async with db.session() as session:
            parts = [code for code, _ in PARTS]
            coach = await upsert_staff(session, COACH_AAD, "Coach Bench", Role.COACH, parts[:1])
            await upsert_staff(
                session, COORDINATOR_AAD, "Samordnare Bench", Role.COORDINATOR, parts
            )
            municipalities = (await session.exec(select(Municipality))).scalars().all()
            org: dict[str, Any] = {
                "municipalities": municipalities,
                "programmes": (
                    await session.exec(select(Programme.id).where(Programme.takes_participants))
                )
                .scalars()
                .all(),
                "coaches": {m.county_part_id: [coach.id] for m in municipalities},
                "now": coach.created_at,
            }
        first_day = date.today() - timedelta(days=400)
        people, _, _ = participants(random.Random(2026), count, org, first_day, 300)
        for row in people:
            referred = row["referral_date"]
            row.update(
                status="enrolled",
                coach_id=coach.id,
                not_accepted_reason=None,
                decision_date=referred + timedelta(days=5),
                enrolment_date=referred + timedelta(days=10),
                exit_date=None,
                exit_reason=None,
                exit_destination=None,
                income_source_exit=None,
            )
        async with db.begin() as connection:
            await connection.execute(Participant.__table__.insert(), people)
        async with db.session() as session:
            await events.record_rows(session)
        if not db.is_sqlite:
            async with db.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.execute(text("VACUUM ANALYZE"))
    finally:
        await db.dispose()


async def audit_rows(url: str) -> int:
    db = Database(url)
    try:
        async with db.read() as session:
            return (await session.exec(select(func.count()).select_from(AuditEntry))).one()[0]
    finally:
        await db.dispose()


async def turn(
    http: aiohttp.ClientSession,
    bot: Running,
    connector: FakeConnector,
    sender: dict[str, str],
    said: str,
) -> tuple[float, str]:
    """Milliseconds from the POST to its answer, and the reply's text."""
    activity = message(said, connector.url, sender, conversation_id=f"a:list-{sender['id']}")
    began = time.perf_counter()
    async with http.post(f"http://127.0.0.1:{bot.port}/api/messages", json=activity) as response:
        await response.read()
        spent = (time.perf_counter() - began) * 1000
        if response.status not in (200, 201):
            raise RuntimeError(f"HTTP {response.status} for {said!r}")
    replies = connector.by_reply_to[activity["id"]]
    return spent, "\n".join(r.activity.get("text") or "" for r in replies)


async def bench(
    label: str, url: str, count: int, runs: int, echo: Running, connector: FakeConnector
) -> None:
    last_page = (count - 1) // PAGE + 1
    cases = [
        ("coach, page 1", COACH, "mina deltagare"),
        ("coordinator, page 1", COORDINATOR, "mina deltagare"),
        (f"coach, page {last_page}", COACH, f"mina deltagare sida {last_page}"),
    ]
    began = time.monotonic()
    async with stegvis(f"listing-{label}", url, 1, prepare=lambda: load(url, count)) as bot:
        print(
            f"{label}: {count:,} participants loaded and bot started in "
            f"{time.monotonic() - began:.0f} s"
        )
        async with client() as http:
            for name, sender, said in cases:
                for _ in range(3):  # warm-up
                    await turn(http, bot, connector, sender, said)
                _, reply = await turn(http, bot, connector, sender, said)
                shown = SHOWN.search(reply)
                before = await audit_rows(url)
                await turn(http, bot, connector, sender, said)
                written = await audit_rows(url) - before
                mine, floor = [], []
                for _ in range(runs):
                    floor.append((await turn(http, echo, connector, sender, said))[0])
                    mine.append((await turn(http, bot, connector, sender, said))[0])
                median, echo_median = statistics.median(mine), statistics.median(floor)
                print(
                    f"  {name:<22} median {median:6.1f} ms (min {min(mine):5.1f}, max "
                    f"{max(mine):6.1f}) = {median / GOAL_MS:.2f}× the {GOAL_MS} ms goal, "
                    f"{median / echo_median:.1f}× echo ({echo_median:.1f} ms); "
                    f"shows {shown.group(0) if shown else 'no page line'}, {len(reply):,} "
                    f"characters; audit rows written by one listing: {written}"
                )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    connector = FakeConnector()
    await connector.start()
    try:
        print(
            f"`mina deltagare`, {args.participants:,} participants, median of {args.runs} "
            f"turns; load average {os.getloadavg()[0]:.1f}."
        )
        async with echo_bot("listing") as echo:
            for label, url in await engines(args.engines.split(",")):
                await bench(label, url, args.participants, args.runs, echo, connector)
    finally:
        await connector.close()


if __name__ == "__main__":
    asyncio.run(main())
