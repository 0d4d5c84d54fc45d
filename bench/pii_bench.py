"""What the personal-data guard costs a turn (target: under 1 ms).

    .venv/bin/python -m bench.pii_bench [--turns 300]

Two parts, both in one run:
1. The guard's own steps, timed alone: the turn gate on a typed command and on a card submit,
   the field check of a note, and the storage engine's check of a dialog-state document.
2. Whole turns through the real HTTP endpoint (SQLite in a temporary file, a fake Bot Connector
   on 127.0.0.1): a read (`hjälp`) and a write (`uppföljning`, a note), with the guard on and
   with it switched off, interleaved in blocks so that machine noise hits both alike. The
   difference of the means is what the guard adds; it is printed beside the turn itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

import bot.privacy
import storage.pii
from bot.app import create_app
from bot.config import Settings
from storage.db import Database
from storage.migrate import upgrade
from storage.org import ensure_org
from storage.participants import (
    PlacementInput,
    ReferralInput,
    add_placement,
    decide,
    enrol,
    register_referral,
)
from storage.permissions import Role
from storage.pii import Policy, check, has_personal_number_in
from storage.rules import Status
from storage.staff import load_actor, upsert_staff
from tests.fakes import FakeConnector
from tests.teams import COACH_AAD, COORDINATOR_AAD, card_submit, message, user

TARGET_MS = 1.0
NOTE = "Trivs bra på lagret, vill öka till 50 procent. Handledaren nöjd, ny uppföljning 2026-12-15."
COMMAND = f"uppföljning V-2026-0001 {NOTE}"


def _per_call_us(action: Callable[[], Any], seconds: float = 0.3) -> float:
    action()
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        action()
        calls += 1
    return (time.perf_counter() - started) / calls * 1e6


def micro() -> None:
    typed = message(COMMAND, "http://127.0.0.1", user(COACH_AAD, "Cem"))
    card = card_submit(
        {"command": "ny placering V-2026-0001", "typ": "work_training", "sektor": "private",
         "arbetsgivare": "Coop Flen", "yrke": "Lager och logistik", "start": "2026-11-16"},
        "http://127.0.0.1", user(COACH_AAD, "Cem"),
    )
    state = '{"DialogState": {"_dialog_stack": [' + ", ".join(
        f'{{"id": "placement.{i}", "state": {{"values": {{"code": "V-2026-0001", '
        f'"employer": "Coop Flen", "start": "2026-11-{10 + i}"}}}}}}'
        for i in range(12)
    ) + "]}}"
    rows = [
        ("gate, typed command", lambda: has_personal_number_in([typed["text"]])),
        ("gate, card submit", lambda: has_personal_number_in(card["value"])),
        ("field check, note (numbers and names)", lambda: check(NOTE, Policy.NO_NAMES)),
        (f"engine check, dialog state ({len(state)} chars)", lambda: check(state, Policy.NUMBERS)),
    ]
    print("guard steps, alone")
    for label, action in rows:
        print(f"  {label:<45} {_per_call_us(action):8.1f} µs")


@contextlib.contextmanager
def guard_off() -> Iterator[None]:
    """Every entry point of the guard answers "nothing found" (the baseline)."""
    saved = (storage.pii.check, bot.privacy.has_personal_number,
             bot.privacy.has_personal_number_in)
    storage.pii.check = lambda *args, **kwargs: None  # type: ignore[assignment]
    bot.privacy.has_personal_number = lambda text: False  # type: ignore[assignment]
    bot.privacy.has_personal_number_in = lambda value: False  # type: ignore[assignment]
    try:
        yield
    finally:
        (storage.pii.check, bot.privacy.has_personal_number,
         bot.privacy.has_personal_number_in) = saved


async def _prepare(url: str) -> None:
    db = Database(url)
    await upgrade(db)
    async with db.session() as session:
        await ensure_org(session)
        await upsert_staff(session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR,
                           ["vastra"])
        await upsert_staff(session, COACH_AAD, "Cem Coach", Role.COACH, ["vastra"])
        coordinator = await load_actor(session, COORDINATOR_AAD)
        code = (await register_referral(session, coordinator, ReferralInput(
            date(2026, 11, 2), "fk", "Flen", "woman", 1985, "sickness_benefit", True))).code
        await decide(session, coordinator, code, Status.ACCEPTED, day=date(2026, 11, 3),
                     coach="Cem Coach")
        await enrol(session, coordinator, code, date(2026, 11, 4))
        await add_placement(session, coordinator, code,
                            PlacementInput("work_training", "private", "Coop", date(2026, 11, 5)))
    await db.dispose()


async def turns(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await _prepare(url)
        connector = FakeConnector()
        await connector.start()
        client = TestClient(TestServer(
            create_app(Settings(database_url=url, reminders_enabled=False)), host="127.0.0.1"))
        await client.start_server()
        coach = user(COACH_AAD, "Cem Coach")
        timings: dict[tuple[str, bool], list[float]] = {}

        async def run(kind: str, text: str, guarded: bool, n: int) -> None:
            for _ in range(n):
                activity = message(text, connector.url, coach)
                started = time.perf_counter()
                response = await client.post("/api/messages", json=activity)
                assert response.status == 201, await response.text()
                timings.setdefault((kind, guarded), []).append(time.perf_counter() - started)

        block = 25
        for kind, text in (("read  (hjälp)", "hjälp"), ("write (note)", COMMAND)):
            await run("warm-up", text, True, 10)
            del timings[("warm-up", True)]
            for _ in range(max(1, count // block)):
                await run(kind, text, True, block)
                with guard_off():
                    await run(kind, text, False, block)
        await client.close()
        await connector.close()

    print(f"\nwhole turns over HTTP, SQLite, mean of {count} each (guard on vs off)")
    worst = 0.0
    for kind in ("read  (hjälp)", "write (note)"):
        on = statistics.fmean(timings[(kind, True)]) * 1000
        off = statistics.fmean(timings[(kind, False)]) * 1000
        added = on - off
        worst = max(worst, added)
        print(f"  {kind:<15} on {on:6.2f} ms   off {off:6.2f} ms   guard adds {added:+.3f} ms"
              f"   ({added / TARGET_MS:.2f} × the 1 ms target)")
    print(f"\nverdict: {'within' if worst < TARGET_MS else 'OVER'} the {TARGET_MS:g} ms target")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=300)
    args = parser.parse_args()
    micro()
    asyncio.run(turns(args.turns))


if __name__ == "__main__":
    main()
