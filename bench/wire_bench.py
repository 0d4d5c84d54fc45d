"""Input-bound benchmark: the largest message /api/messages accepts, timed end to end while
/healthz is polled, against a small message measured in the same run.

    .venv/bin/python -m bench.wire_bench [--runs 15]

Runs the real app on 127.0.0.1 (SQLite in a temporary file, a fake Bot Connector that
records replies) and posts Teams message activities: "hjälp" as the baseline, then texts of
MAX_TEXT_CHARS characters built to be hard on a parser (HTML-like runs, an unclosed quote,
thousands of fields), then bodies of 600 KB and 4 MB (refused with 413). Prints the median and
worst time per kind, its ratio to the 100 ms goal and to the baseline, and the slowest
/healthz answer seen while each kind was being handled.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.config import Settings
from bot.wire import MAX_TEXT_CHARS
from dialogs.commands import parse_command
from storage.db import Database
from storage.migrate import upgrade
from storage.org import ensure_org
from tests.fakes import FakeConnector
from tests.teams import ADMIN_AAD, message, user

GOAL_MS = 100
ADMIN = user(ADMIN_AAD, "Alva Admin")
KINDS = {
    "words": ("ord " * MAX_TEXT_CHARS)[:MAX_TEXT_CHARS],
    "open tags": "<" * MAX_TEXT_CHARS,
    "tag starts": "<a" * (MAX_TEXT_CHARS // 2),
    "unclosed quote": '"' + "a " * (MAX_TEXT_CHARS // 2 - 1),
    "quotes": '"x' * (MAX_TEXT_CHARS // 2),
    "fields": "a=b " * (MAX_TEXT_CHARS // 4),
    "backslashes": "\\" * (MAX_TEXT_CHARS - 1) + '"',
    "one word": "å" * MAX_TEXT_CHARS,
}


async def timed_posts(client: TestClient, activity: dict[str, Any], runs: int) -> tuple[
    list[float], float, set[int]
]:
    """Post `activity` `runs` times; per post the seconds taken. /healthz is asked again and
    again meanwhile; the slowest answer it gave is returned too."""
    times: list[float] = []
    slowest_health = 0.0
    statuses: set[int] = set()
    for _ in range(runs):
        started = time.perf_counter()
        pending = asyncio.ensure_future(client.post("/api/messages", json=activity))
        while not pending.done():
            asked = time.perf_counter()
            health = await client.get("/healthz")
            await health.read()
            slowest_health = max(slowest_health, time.perf_counter() - asked)
        response = await pending
        await response.read()
        times.append(time.perf_counter() - started)
        statuses.add(response.status)
    return times, slowest_health, statuses


def row(name: str, times: list[float], health: float, baseline: float, status: str) -> str:
    median = statistics.median(times) * 1000
    return (
        f"{name:<16} {median:8.1f} {max(times) * 1000:8.1f} {median / GOAL_MS:8.2f} "
        f"{median / baseline:8.1f} {health * 1000:10.1f}  {status}"
    )


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        db = Database(url)
        await upgrade(db)
        async with db.session() as session:
            await ensure_org(session)
        await db.dispose()
        connector = FakeConnector()
        await connector.start()
        settings = Settings(database_url=url, bootstrap_admins=frozenset({ADMIN_AAD}))
        client = TestClient(TestServer(create_app(settings), host="127.0.0.1"))
        await client.start_server()
        try:
            print(f"MAX_TEXT_CHARS={MAX_TEXT_CHARS}, {runs} runs per kind, goal {GOAL_MS} ms")
            print(f"{'kind':<16} {'median':>8} {'worst':>8} {'÷goal':>8} {'÷small':>8} "
                  f"{'healthz max':>10}  status (ms)")
            await timed_posts(client, message("hjälp", connector.url, ADMIN), 3)  # warm up
            base, health, statuses = await timed_posts(
                client, message("hjälp", connector.url, ADMIN), runs
            )
            baseline = statistics.median(base) * 1000
            print(row("small (hjälp)", base, health, baseline, str(sorted(statuses))))
            for name, text in KINDS.items():
                times, health, statuses = await timed_posts(
                    client, message(text, connector.url, ADMIN), runs
                )
                print(row(name, times, health, baseline, str(sorted(statuses))))
            for size in (600_000, 4_000_000):
                times, health, statuses = await timed_posts(
                    client, message("a" * size, connector.url, ADMIN), max(runs // 3, 1)
                )
                print(row(f"{size // 1000} KB body", times, health, baseline,
                          str(sorted(statuses))))
            print("\nparse_command alone on the largest accepted text (median of runs, ms):")
            for name, text in KINDS.items():
                spent = []
                for _ in range(runs):
                    started = time.perf_counter()
                    parse_command(text)
                    spent.append(time.perf_counter() - started)
                print(f"  {name:<16} {statistics.median(spent) * 1000:7.2f}")
        finally:
            await client.close()
            await connector.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    asyncio.run(main(parser.parse_args().runs))
