"""The evaluator's extract on a large population, against the report for the same period.

    .venv/bin/python -m bench.evaluator_bench [--participants 100000] [--runs 3]
        [--engines sqlite,postgresql]

Loads the report benchmark's population (bench/report_bench.py: five years of participants,
placements, steps and their events), then times the extract for one half-year and for two,
with the XLSX written, beside an unmasked county-wide report of the same half-year built in the
same run (the baseline). Prints medians and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench.report_bench import _postgres_url, load
from dialogs.evaluator_files import to_xlsx
from storage.db import Database
from storage.evaluator import evaluator_extract, parse_periods
from storage.permissions import Actor, Role
from storage.reports import ReportFilter, build_report, resolve_filter
from storage.reports.period import parse_period

ADMIN = Actor("bench-admin", Role.ADMIN)
LEAD = Actor("bench-lead", Role.PROGRAMME_LEAD)
TODAY = parse_period("2026-H2").start


async def _report_ms(db: Database, runs: int) -> float:
    period = parse_period("2026-H1")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        async with db.read() as session:
            scope = await resolve_filter(session, LEAD, ReportFilter(period.start, period.end))
            await build_report(session, scope)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def _extract_ms(db: Database, text: str, runs: int) -> tuple[float, int]:
    periods = parse_periods(text, TODAY, "half")
    times, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        async with db.read() as session:
            extract = await evaluator_extract(session, ADMIN, periods)
        to_xlsx(extract)
        times.append((time.perf_counter() - started) * 1000)
        rows = len(extract.rows)
    return statistics.median(times), rows


async def bench(name: str, url: str, count: int, runs: int) -> None:
    db = Database(url)
    try:
        print(f"{name}:")
        await load(db, count, quiet=True)
        baseline = await _report_ms(db, runs)
        print(f"  baseline: unmasked county-wide report 2026-H1: {baseline:.0f} ms")
        for text in ("2026-H1", "2025-H2,2026-H1"):
            ms, rows = await _extract_ms(db, text, runs)
            print(f"  extract {text} with XLSX: {rows:,} rows in {ms:.0f} ms "
                  f"= {ms / baseline:.1f} × the report")
    finally:
        await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    engines = args.engines.split(",")
    if "sqlite" in engines:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            await bench("SQLite", f"sqlite+aiosqlite:///{path}", args.participants, args.runs)
    if "postgresql" in engines:
        postgres = _postgres_url()
        if postgres:
            await bench("PostgreSQL", postgres, args.participants, args.runs)


if __name__ == "__main__":
    asyncio.run(main())
