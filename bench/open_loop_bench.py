"""Open-loop load: messages arrive at a fixed rate whether or not the earlier ones have been
answered, as people in Teams send them, against the bot as a real process (`python -m bot
serve`) and, in the same run, the echo floor (bench/echo_bot.py). Replies go to a fake Bot
Connector on 127.0.0.1 in this process.

    .venv/bin/python -m bench.open_loop_bench [--rate 20] [--seconds 30]
                                              [--conversations 200] [--arrivals poisson|even]
                                              [--engines sqlite,postgresql]

Arrival k goes to conversation k mod `--conversations` (each a different samordnare), and is a
one-line referral when k mod 3 is 0, otherwise `hjälp` or `vem är jag`, as in load_bench. The
same arrival times (Poisson with a fixed seed, or evenly spaced) are used for every bot.
Latency is the POST until it is answered, which is after the last reply reached the connector;
a 503 is sent again after its Retry-After (counted, and inside that turn's latency). A failed
turn is any other error status, no reply, or an error text. Lost writes: referrals confirmed to
the user but not in the database (must be 0). The closed loop (load_bench) finds the most
the bot can take; this one shows what a given load feels like, queueing included.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time

from bench.common import engines, percentile
from bench.fake_connector import FakeConnector
from bench.load_bench import (
    Result,
    client,
    echo_bot,
    lost_writes,
    one_turn,
    referral,
    stegvis,
)

WORDS = ("hjälp", "vem är jag")


def arrivals(rate: float, seconds: float, kind: str, seed: int = 2026) -> list[float]:
    """Seconds from the start at which each message is sent."""
    if kind == "even":
        return [k / rate for k in range(int(rate * seconds))]
    rng = random.Random(seed)
    times, at = [], rng.expovariate(rate)
    while at < seconds:
        times.append(at)
        at += rng.expovariate(rate)
    return times


def said(k: int, conversations: int) -> tuple[int, str]:
    """Conversation and text of arrival k: every third a referral."""
    n = k % conversations
    return n, referral(n) if k % 3 == 0 else WORDS[k % 3 - 1]


async def open_loop(
    port: int, connector: FakeConnector, times: list[float], conversations: int, echo: bool
) -> tuple[Result, float]:
    """Sends at `times` without waiting for answers; the result, and how late the most
    delayed message left (the load generator's own lag, which should stay small)."""
    result = Result()
    late = 0.0
    async with client() as http:
        began = time.monotonic()
        tasks = []
        for k, at in enumerate(times):
            wait = began + at - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            late = max(late, -wait)
            n, text = said(k, conversations)
            tasks.append(
                asyncio.create_task(one_turn(http, port, connector, result, n, text, echo))
            )
        await asyncio.gather(*tasks)
        result.seconds = time.monotonic() - began
    return result, late


def describe(label: str, result: Result, late: float, lost: int | None = None) -> str:
    def ms(share: float) -> str:
        return f"{percentile(result.latencies, share) * 1000:6.0f} ms"

    line = (
        f"  {label:<22} p50 {ms(0.5)}  p95 {ms(0.95)}  p99 {ms(0.99)}  max {ms(1.0)}"
        f"  failed {result.failed}  503s {result.shed}"
    )
    if lost is not None:
        line += f"  referrals confirmed {len(result.confirmed)}, lost {lost}"
    if result.reasons:
        line += f"  ({', '.join(f'{k}: {v}' for k, v in result.reasons.items())})"
    return (
        line
        + f"  (last answer at {result.seconds:.1f} s; sender at most {late * 1000:.0f} ms late)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20, help="messages a second")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--arrivals", choices=("poisson", "even"), default="poisson")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    times = arrivals(args.rate, args.seconds, args.arrivals)
    connector = FakeConnector()
    await connector.start()
    try:
        print(
            f"Open loop: {len(times)} messages, {args.arrivals} arrivals at {args.rate:g}/s for "
            f"{args.seconds:g} s over {args.conversations} conversations (one referral in "
            f"three); load average {os.getloadavg()[0]:.1f}."
        )
        async with echo_bot("open-loop") as bot:
            result, late = await open_loop(bot.port, connector, times, args.conversations, True)
        print(describe("echo bot (floor)", result, late))
        for label, url in await engines(args.engines.split(",")):
            async with stegvis(f"open-loop-{label}", url, args.conversations) as bot:
                result, late = await open_loop(
                    bot.port, connector, times, args.conversations, False
                )
            lost, rest = await lost_writes(url, result)
            print(describe(f"Stegvis {label}", result, late, lost))
            print(f"    {rest}; log: {bot.log}")
    finally:
        await connector.close()


if __name__ == "__main__":
    asyncio.run(main())
