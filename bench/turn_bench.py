"""Sequential turns: one conversation per bot, one message at a time, so what is measured is
the cost of a turn and not a queue. Each bot runs as a real process (`python -m bot serve`)
beside the echo floor (bench/echo_bot.py), all answering a fake Bot Connector on 127.0.0.1;
latency is the POST until its answer, which comes after the last reply reached the connector.

    .venv/bin/python -m bench.turn_bench [--turns 300] [--engines sqlite,postgresql]
                                         [--before DIR]

All bots run at once and the turns are interleaved (echo, Stegvis on each engine, echo, …), so
a busy moment on a shared machine falls on all of them alike; ratios are of medians. A second
echo bot sends its reply through Stegvis' connector layer instead of the SDK's (`--sender
stegvis` of bench/echo_bot.py): the floor with what Stegvis changed below the bot. Read turns
are `vem är jag` and `hjälp`; a write turn registers a referral on one line. `--before DIR`
also runs the bot from another checkout (e.g. the main branch), interleaved the same way, for
a before/after measured in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy.engine import make_url

from bench.common import (
    DEFAULT_POSTGRES,
    ROOT,
    _fresh_postgres,
    bot_env,
    free_port,
    run,
    start,
    stop,
    wait_healthy,
)
from bench.fake_connector import FakeConnector
from bench.load_bench import aad, referral, seed
from bot.config import normalise_database_url
from tests.teams import message, user

KINDS = {"vem är jag": "vem är jag", "hjälp": "hjälp", "referral": None}
WARM_UP = 10


@dataclass
class Bot:
    label: str
    port: int
    process: subprocess.Popen | None = None
    spent: dict[str, list[float]] = field(default_factory=dict)


async def databases(names: list[str], versions: list[str]) -> list[tuple[str, str]]:
    """(label, URL) per engine and version: a fresh SQLite file each, and a fresh PostgreSQL
    database each (BENCH_POSTGRES_URL, with the version's suffix) when it answers."""
    found = []
    base = normalise_database_url(os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    for version in versions:
        for name in names:
            if name == "sqlite":
                folder = tempfile.mkdtemp(prefix="stegvis-turn-")
                found.append((f"{version} SQLite", f"sqlite+aiosqlite:///{folder}/bench.db"))
            elif name == "postgresql":
                target = make_url(base)
                url = target.set(database=f"{target.database}_{version}").render_as_string(
                    hide_password=False
                )
                if await _fresh_postgres(url):
                    found.append((f"{version} PostgreSQL", url))
    return found


async def start_stegvis(label: str, url: str, root: Path) -> Bot:
    bot = Bot(label, free_port())
    env = bot_env(url, bot.port)
    run(["-m", "bot", "migrate"], env, root)
    await seed(url, 1)
    log = Path(tempfile.gettempdir()) / f"stegvis-turn-{label.replace(' ', '-')}.log"
    bot.process = start(["-m", "bot", "serve"], env, log, root)
    await wait_healthy(bot.port, bot.process)
    return bot


async def start_echo(sender: str = "sdk") -> Bot:
    bot = Bot("echo bot" if sender == "sdk" else "echo, Stegvis' sender", free_port())
    log = Path(tempfile.gettempdir()) / f"stegvis-turn-echo-{sender}.log"
    bot.process = start(["-m", "bench.echo_bot", "serve", "--port", str(bot.port),
                         "--sender", sender], bot_env("", bot.port), log)
    await wait_healthy(bot.port, bot.process)
    return bot


async def one_turn(http: aiohttp.ClientSession, bot: Bot, connector: FakeConnector,
                   text: str) -> float:
    activity = message(text, connector.url, user(aad(0), "Samordnare 0"),
                       conversation_id=f"a:turn-bench-{bot.port}")
    began = time.perf_counter()
    async with http.post(f"http://127.0.0.1:{bot.port}/api/messages", json=activity) as response:
        await response.read()
        if response.status not in (200, 201):
            raise RuntimeError(f"{bot.label}: HTTP {response.status} for {text!r}")
    return time.perf_counter() - began


async def interleaved(bots: list[Bot], connector: FakeConnector, turns: int) -> None:
    async with aiohttp.ClientSession() as http:
        for kind, text in KINDS.items():
            for n in range(turns + WARM_UP):
                for bot in bots:
                    said = text or referral(0)
                    if bot.label.startswith("echo"):
                        said = "vem är jag"  # the floor's one kind of turn
                    seconds = await one_turn(http, bot, connector, said)
                    if n >= WARM_UP:
                        bot.spent.setdefault(kind, []).append(seconds * 1000)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--before", help="also run `python -m bot` from this checkout")
    args = parser.parse_args()
    roots = {"now": ROOT}
    if args.before:
        roots = {"before": Path(args.before).resolve(), **roots}
    connector = FakeConnector()
    await connector.start()
    bots: list[Bot] = []
    try:
        bots.append(await start_echo())
        bots.append(await start_echo("stegvis"))
        for label, url in await databases(args.engines.split(","), list(roots)):
            bots.append(await start_stegvis(label, url, roots[label.split()[0]]))
        load = os.getloadavg()
        await interleaved(bots, connector, args.turns)
    finally:
        for bot in bots:
            if bot.process is not None:
                stop(bot.process)
        await connector.close()
    floor = {kind: statistics.median(bots[0].spent[kind]) for kind in KINDS}
    print(f"Sequential turns, {args.turns} of each kind, interleaved; load average at the start "
          f"{load[0]:.1f}. Median ms per turn (mean), and × the echo bot's median measured "
          "alongside.")
    for bot in bots:
        cells = []
        for kind in KINDS:
            spent = bot.spent[kind]
            median = statistics.median(spent)
            cells.append(f"{kind} {median:5.1f} ({statistics.fmean(spent):5.1f})"
                         f" ×{median / floor[kind]:4.2f}")
        print(f"  {bot.label:<22} " + "   ".join(cells))


if __name__ == "__main__":
    asyncio.run(main())
