"""Sequential turns: one conversation, one message at a time, so what is measured is the cost of
a turn and not a queue. The bot runs as a real process (`python -m bot serve`) beside the echo
floor (bench/echo_bot.py) measured in the same run, both answering a fake Bot Connector on
127.0.0.1; latency is the POST until its answer, which comes after the last reply reached the
connector.

    .venv/bin/python -m bench.turn_bench [--turns 300] [--engines sqlite,postgresql]
                                         [--bot-root DIR] [--rounds 2]

Read turns are `vem är jag` and `hjälp`; a write turn registers a referral on one line. The
echo bot is measured before and after each Stegvis run (`--rounds` times, alternating), and
each Stegvis figure is given as a ratio to the mean of the two echo runs around it, because the
machine may be shared. `--bot-root` runs the bot from another checkout, for a before/after.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.common import ROOT, bot_env, engines, free_port, run, start, stop, wait_healthy
from bench.fake_connector import FakeConnector
from bench.load_bench import aad, referral, seed
from tests.teams import message, user

KINDS = {"read (vem är jag)": "vem är jag", "read (hjälp)": "hjälp", "write (referral)": None}


async def sequential(port: int, connector: FakeConnector, text: str | None, turns: int) -> float:
    """Mean milliseconds per turn over `turns` messages sent one after the other."""
    url = f"http://127.0.0.1:{port}/api/messages"
    sender = user(aad(0), "Samordnare 0")
    conversation = "a:turn-bench-0"
    spent: list[float] = []
    async with aiohttp.ClientSession() as http:
        for n in range(turns + 10):  # the first ten warm up (imports, caches, pools)
            activity = message(text or referral(0), connector.url, sender,
                               conversation_id=conversation)
            began = time.perf_counter()
            async with http.post(url, json=activity) as response:
                await response.read()
                if response.status not in (200, 201):
                    raise RuntimeError(f"HTTP {response.status} for {activity['text']!r}")
            if n >= 10:
                spent.append(time.perf_counter() - began)
    return statistics.fmean(spent) * 1000


async def echo(connector: FakeConnector, turns: int) -> float:
    port = free_port()
    log = Path(tempfile.gettempdir()) / "stegvis-turn-echo.log"
    process = start(["-m", "bench.echo_bot", "serve", "--port", str(port)], bot_env("", port), log)
    try:
        await wait_healthy(port, process)
        return await sequential(port, connector, "vem är jag", turns)
    finally:
        stop(process)


async def stegvis(
    url: str, root: Path, connector: FakeConnector, turns: int, label: str
) -> dict[str, float]:
    port = free_port()
    env = bot_env(url, port)
    run(["-m", "bot", "migrate"], env, root)
    await seed(url, 1)
    log = Path(tempfile.gettempdir()) / f"stegvis-turn-{label}.log"
    process = start(["-m", "bot", "serve"], env, log, root)
    try:
        await wait_healthy(port, process)
        return {kind: await sequential(port, connector, text, turns)
                for kind, text in KINDS.items()}
    finally:
        stop(process)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--bot-root", help="run `python -m bot` from this checkout")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    root = Path(args.bot_root).resolve() if args.bot_root else ROOT
    connector = FakeConnector()
    await connector.start()
    try:
        print(f"Sequential turns, {args.turns} of each kind, bot from {root}; ms per turn, "
              "and × the echo bot measured around it.")
        before = await echo(connector, args.turns)
        print(f"  echo bot {before:6.1f} ms")
        for round_ in range(args.rounds):
            for label, url in await engines(args.engines.split(",")):
                figures = await stegvis(url, root, connector, args.turns, label)
                after = await echo(connector, args.turns)
                floor = (before + after) / 2
                print(f"  round {round_ + 1} {label:<10} (echo {before:.1f} / {after:.1f} ms)  "
                      + "  ".join(f"{kind} {ms:6.1f} ms ×{ms / floor:4.2f}"
                                  for kind, ms in figures.items()))
                before = after
    finally:
        await connector.close()


if __name__ == "__main__":
    asyncio.run(main())
