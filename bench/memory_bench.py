"""Memory over many turns: the resident memory (VmRSS) of the bot process when it has just
started and after a quarter, half and all of `--turns` turns (5,000, 10,000 and 20,000 by
default), beside the echo floor (bench/echo_bot.py) after the same turns. Both run as real
processes against a fake Bot Connector on 127.0.0.1 in this process.

    .venv/bin/python -m bench.memory_bench [--turns 20000] [--concurrency 4]
                                           [--engines sqlite,postgresql]

The turns are load_bench's mix (each of `--concurrency` samordnare in its own conversation, one
message at a time: a one-line referral, `hjälp`, `vem är jag`, …), lightly concurrent so that
it is many turns and not a queue. RSS is read between the stretches, when no turn is running.
Memory is called flat when it grew by at most 2 % from half the turns to all of them: what is
still growing then (a cache without a bound, a list of every turn) keeps growing in service.
Issue target: ≤ 1.5× the echo bot's RSS after 20,000 turns, and flat.
"""

from __future__ import annotations

import argparse
import asyncio
import os

from bench.common import engines
from bench.fake_connector import FakeConnector
from bench.load_bench import (
    Result,
    Running,
    client,
    echo_bot,
    lost_writes,
    one_turn,
    script,
    stegvis,
)
from bench.start_bench import rss_mb

FLAT = 0.02


def stretches(turns: int) -> list[int]:
    """Turns in each stretch between two readings: a quarter, a quarter, a half."""
    return [turns // 4, turns // 2 - turns // 4, turns - turns // 2]


async def run_turns(
    bot: Running,
    connector: FakeConnector,
    turns: int,
    concurrency: int,
    done: int,
    echo: bool,
    result: Result,
) -> None:
    """`turns` more turns, spread over `concurrency` conversations, each continuing its script
    where the last stretch left it (turn `done` onwards)."""

    async def talk(n: int) -> None:
        words = script(n, 3)
        for k in range(done, done + turns):
            if k % concurrency == n:
                said = words[(k // concurrency) % 3]
                await one_turn(http, bot.port, connector, result, n, said, echo)

    async with client() as http:
        await asyncio.gather(*(talk(n) for n in range(concurrency)))


async def readings(
    bot: Running, connector: FakeConnector, turns: int, concurrency: int, echo: bool
) -> tuple[list[float], Result]:
    """RSS in MB at the start and after each stretch, and what the turns did."""
    result = Result()
    sizes = [rss_mb(bot.process.pid)]
    done = 0
    for stretch in stretches(turns):
        await run_turns(bot, connector, stretch, concurrency, done, echo, result)
        done += stretch
        await asyncio.sleep(0.5)  # the answers' last writes (delivery counts) settle
        sizes.append(rss_mb(bot.process.pid))
    return sizes, result


def describe(label: str, sizes: list[float], result: Result, floor: list[float] | None) -> str:
    cells = []
    for index, size in enumerate(sizes):
        cell = f"{size:6.1f}"
        if floor:
            cell += f" ({size / floor[index]:.2f}×)"
        cells.append(cell)
    growth = sizes[-1] - sizes[-2]
    verdict = "flat" if growth <= FLAT * sizes[-2] else "GROWING"
    line = (
        f"  {label:<18} "
        + "  ".join(cells)
        + f"   last half {growth:+.1f} MB ({growth / sizes[-2]:+.1%}): {verdict}"
        + f"   failed {result.failed}"
    )
    if result.reasons:
        line += f" ({', '.join(f'{k}: {v}' for k, v in result.reasons.items())})"
    return line


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    marks = [0, args.turns // 4, args.turns // 2, args.turns]
    connector = FakeConnector()
    await connector.start()
    try:
        print(
            f"Memory: RSS in MB (× the echo bot's) after {', '.join(f'{m:,}' for m in marks)} "
            f"turns, {args.concurrency} conversations at once; load average "
            f"{os.getloadavg()[0]:.1f}."
        )
        async with echo_bot("memory") as bot:
            floor, result = await readings(bot, connector, args.turns, args.concurrency, True)
        print(describe("echo bot (floor)", floor, result, None))
        for label, url in await engines(args.engines.split(",")):
            async with stegvis(f"memory-{label}", url, args.concurrency) as bot:
                sizes, result = await readings(bot, connector, args.turns, args.concurrency, False)
            lost, rest = await lost_writes(url, result)
            print(describe(f"Stegvis {label}", sizes, result, floor) + f", lost writes {lost}")
            print(f"    {rest}; log: {bot.log}")
    finally:
        await connector.close()


if __name__ == "__main__":
    asyncio.run(main())
