"""Closed-loop load: many conversations at once, each sending its next turn as soon as the last
one is answered, against the bot as a real process (`python -m bot serve`) and, in the same run,
the echo floor (bench/echo_bot.py) on the same CloudAdapter. Replies go to a fake Bot
Connector on 127.0.0.1 in this process.

    .venv/bin/python -m bench.load_bench [--conversations 200] [--turns 20]
                                         [--engines sqlite,postgresql] [--bot-root DIR]
                                         [--bot-env STEGVIS_MAX_TURNS=64]

Each conversation is a different samordnare; every third turn registers a referral on one
line, the others are `hjälp` and `vem är jag`. A 503 is sent again after its Retry-After, as
the Bot Connector does; a failed turn is any other error status, no reply, or an error text.
Lost writes: referrals confirmed to the user but not in the database. PostgreSQL runs when
BENCH_POSTGRES_URL (default stegvis_bench on 127.0.0.1) answers; its public schema is dropped.
`--bot-root` runs the bot from another checkout (e.g. the main branch) for a before/after.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlmodel import select

from bench.common import (
    ROOT,
    bot_env,
    engines,
    free_port,
    percentile,
    run,
    start,
    stop,
    wait_healthy,
)
from bench.fake_connector import FakeConnector
from storage.db import Database
from storage.models import Participant
from storage.permissions import Role
from storage.staff import upsert_staff
from tests.teams import message, user

PARTS = (("norra", "Eskilstuna"), ("sodra", "Nyköping"), ("vastra", "Flen"))
CONFIRMED = re.compile(r"Registrerat \*\*([NSV]-\d{4}-\d{4})\*\*")
ERROR_TEXTS = ("Något gick fel", "Två ändringar krockade", "sparades inte")


def aad(n: int) -> str:
    return f"6{n:07d}-1111-4222-8333-444455556666"


def referral(n: int) -> str:
    town = PARTS[n % 3][1]
    return (
        f"ny aktualisering kommun={town} kön=kvinna född=1985 försörjning=sjukpenning "
        "från=FK samtycke=ja"
    )


def script(n: int, turns: int) -> list[str]:
    words = [referral(n), "hjälp", "vem är jag"]
    return [words[k % 3] for k in range(turns)]


@dataclass
class Result:
    turns: int = 0
    failed: int = 0
    shed: int = 0  # 503 answers, sent again
    latencies: list[float] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def fail(self, reason: str) -> None:
        self.failed += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1


async def one_turn(
    http: aiohttp.ClientSession,
    port: int,
    connector: FakeConnector,
    result: Result,
    n: int,
    text: str,
    echo: bool,
) -> None:
    """Samordnare `n` says `text` in its own conversation; a 503 is sent again after its
    Retry-After, as the Bot Connector does. Counts the turn, its latency (the POST until it is
    answered, which is after the last reply reached the connector), and what went wrong."""
    url = f"http://127.0.0.1:{port}/api/messages"
    conversation = f"a:bench-{n}"
    activity = message(text, connector.url, user(aad(n), f"Samordnare {n}"),
                       conversation_id=conversation)
    began = time.monotonic()
    status = 0
    while True:
        try:
            async with http.post(url, json=activity) as response:
                await response.read()
                status = response.status
                retry_after = float(response.headers.get("Retry-After") or 1)
        except (aiohttp.ClientError, TimeoutError) as error:
            result.fail(type(error).__name__)
            break
        if status != 503:
            break
        result.shed += 1
        await asyncio.sleep(retry_after)
    result.turns += 1
    result.latencies.append(time.monotonic() - began)
    replies = [r.activity.get("text") or "" for r in connector.by_reply_to[activity["id"]]]
    if status not in (200, 201):
        if status:
            result.fail(f"HTTP {status}")
    elif not replies:
        result.fail("no reply")
    elif any(e in r for r in replies for e in ERROR_TEXTS):
        result.fail("error text")
    elif not echo and text.startswith("ny aktualisering"):
        codes = [m.group(1) for r in replies if (m := CONFIRMED.search(r))]
        if codes:
            result.confirmed.extend(codes)
        else:
            result.fail("no confirmation")


def client() -> aiohttp.ClientSession:
    """An HTTP client without a limit on connections at once (the benchmarks set the load)."""
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=120),
        connector=aiohttp.TCPConnector(limit=0),
    )


async def closed_loop(
    port: int, connector: FakeConnector, conversations: int, turns: int, echo: bool
) -> Result:
    result = Result()

    async def talk(http: aiohttp.ClientSession, n: int) -> None:
        for text in script(n, turns):
            await one_turn(http, port, connector, result, n, text, echo)

    async with client() as http:
        began = time.monotonic()
        await asyncio.gather(*(talk(http, n) for n in range(conversations)))
        result.seconds = time.monotonic() - began
    return result


async def seed(url: str, conversations: int) -> None:
    db = Database(url)
    try:
        async with db.session() as session:
            for n in range(conversations):
                part = PARTS[n % 3][0]
                await upsert_staff(session, aad(n), f"Samordnare {n}", Role.COORDINATOR, [part])
    finally:
        await db.dispose()


async def saved_codes(url: str) -> set[str]:
    db = Database(url)
    try:
        async with db.read() as session:
            return set((await session.exec(select(Participant.code))).all())
    finally:
        await db.dispose()


def describe(label: str, result: Result, floor: Result | None, lost: int | None = None) -> str:
    rate = result.turns / result.seconds
    line = (
        f"  {label:<22} {rate:6.1f} turns/s"
        + (f" ({rate / (floor.turns / floor.seconds):.2f}× echo)" if floor else "")
        + f"  p50 {percentile(result.latencies, 0.5) * 1000:5.0f} ms"
        + f"  p95 {percentile(result.latencies, 0.95) * 1000:6.0f} ms"
        + f"  mean {statistics.fmean(result.latencies) * 1000:5.0f} ms"
        + f"  failed {result.failed}  503s sent again {result.shed}"
    )
    if lost is not None:
        line += f"  referrals confirmed {len(result.confirmed)}, lost {lost}"
    if result.reasons:
        line += f"  ({', '.join(f'{k}: {v}' for k, v in result.reasons.items())})"
    return line


@dataclass
class Running:
    """A bot process started for a benchmark: its port, process and log."""

    port: int
    process: subprocess.Popen
    log: Path


@asynccontextmanager
async def stegvis(
    name: str,
    url: str,
    staff: int,
    root: Path = ROOT,
    env: dict[str, str] | None = None,
    prepare: Callable[[], Awaitable[None]] | None = None,
) -> AsyncIterator[Running]:
    """`python -m bot serve` on a migrated database with `staff` samordnare (aad(0) …) and
    whatever `prepare` writes, healthy; stopped on the way out."""
    port = free_port()
    environment = bot_env(url, port, **(env or {}))
    run(["-m", "bot", "migrate"], environment, root)
    await seed(url, staff)
    if prepare is not None:
        await prepare()
    log = Path(tempfile.gettempdir()) / f"stegvis-{name}.log"
    process = start(["-m", "bot", "serve"], environment, log, root)
    try:
        await wait_healthy(port, process)
        yield Running(port, process, log)
    finally:
        stop(process)


@asynccontextmanager
async def echo_bot(name: str) -> AsyncIterator[Running]:
    """The echo floor (bench/echo_bot.py) as a process, healthy; stopped on the way out."""
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"stegvis-{name}-echo.log"
    process = start(["-m", "bench.echo_bot", "serve", "--port", str(port)], bot_env("", port), log)
    try:
        await wait_healthy(port, process)
        yield Running(port, process, log)
    finally:
        stop(process)


async def lost_writes(url: str, result: Result) -> tuple[int, str]:
    """Referrals confirmed to the user but not in the database, and a line on the rest: those
    saved without a confirmation, codes confirmed twice."""
    codes = await saved_codes(url)
    confirmed = set(result.confirmed)
    return len(confirmed - codes), (
        f"{len(codes)} referrals in the database; {len(codes - confirmed)} saved without a "
        f"confirmation; {len(result.confirmed) - len(confirmed)} codes confirmed twice"
    )


async def bench_stegvis(
    label: str, url: str, args: argparse.Namespace, connector: FakeConnector, floor: Result
) -> None:
    root = Path(args.bot_root).resolve() if args.bot_root else ROOT
    env = dict(pair.split("=", 1) for pair in args.bot_env)
    async with stegvis(f"load-{label}", url, args.conversations, root, env) as bot:
        result = await closed_loop(bot.port, connector, args.conversations, args.turns, False)
    lost, rest = await lost_writes(url, result)
    print(describe(f"Stegvis {label}", result, floor, lost))
    print(f"    {rest}; log: {bot.log}")


async def bench_echo(args: argparse.Namespace, connector: FakeConnector) -> Result:
    async with echo_bot("load") as bot:
        return await closed_loop(bot.port, connector, args.conversations, args.turns, True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--bot-root", help="run `python -m bot` from this checkout")
    parser.add_argument(
        "--bot-env", action="append", default=[], help="KEY=VALUE for the bot (repeat)"
    )
    args = parser.parse_args()
    connector = FakeConnector()
    await connector.start()
    try:
        print(
            f"Closed loop: {args.conversations} conversations × {args.turns} turns "
            "(one referral in three); the machine may be shared, so figures are noisy."
        )
        floor = await bench_echo(args, connector)
        print(describe("echo bot (floor)", floor, None))
        for label, url in await engines(args.engines.split(",")):
            await bench_stegvis(label, url, args, connector, floor)
        again = await bench_echo(args, connector)
        print(describe("echo bot, again", again, None))
    finally:
        await connector.close()


if __name__ == "__main__":
    asyncio.run(main())
