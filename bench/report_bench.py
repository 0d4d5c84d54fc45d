"""Report benchmark: 100,000 participants over five years, then the report, timed.

    .venv/bin/python -m bench.report_bench [--participants 100000] [--runs 5]

SQLite in a temporary file always; PostgreSQL too when BENCH_POSTGRES_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/stegvis_bench) answers; the database is created
if missing and emptied first. Checks an unmasked report's totals against plain counts, then
prints the median of warm runs and its ratio to the 300 ms goal, with the first (uncached:
counted, and for masked reports protected) run beside it; warm runs check the data version
and read the counted figures from the cache. An unmasked report is timed as the
`rapport` card asks for it (without the funders' tables) and, beside it, with the funders'
tables, as `finansiärstabeller`, the files and the annual follow-up ask for it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import make_url

from bot.config import normalise_database_url
from storage import events
from storage.db import Database
from storage.migrate import upgrade
from storage.models import (
    CountyPart,
    Municipality,
    Participant,
    ParticipantEvent,
    ParticipantSpan,
    Placement,
    Programme,
    ProgressionStep,
    Staff,
    StaffCountyPart,
)
from storage.org import ensure_org
from storage.permissions import Actor, Role
from storage.reports import ReportFilter, build_report, clear_cache, resolve_filter
from storage.rules import (
    DESTINATIONS,
    EXIT_REASONS,
    GENDERS,
    INCOME_SOURCES,
    PLACEMENT_TYPES,
    PROGRESSION_STEPS,
    REFERRING_PARTIES,
    SECTORS,
)

GOAL_MS = 300
FIRST_DAY = date(2021, 7, 1)
DAYS = 5 * 365
CHUNK = 5_000
COACHES_PER_PART = 6


def participants(
    rng: random.Random, count: int, org: dict, first_day: date = FIRST_DAY, days: int = DAYS
) -> tuple[list, list, list]:
    """Rows for bulk insert: the path's dates in order, most people enrolled, most exited."""
    people, placements, steps = [], [], []
    for number in range(1, count + 1):
        municipality = rng.choice(org["municipalities"])
        part = municipality.county_part_id
        referred = first_day + timedelta(days=rng.randrange(days))
        row = {
            "id": number,
            "code": f"B-{number:06d}",
            "programme_id": rng.choice(org["programmes"]),
            "county_part_id": part,
            "municipality_id": municipality.id,
            "gender": rng.choices(GENDERS, weights=(52, 46, 2))[0],
            "birth_year": referred.year - rng.randint(18, 64),
            "income_source_start": rng.choice(INCOME_SOURCES),
            "consent": True,
            "referral_date": referred,
            "referring_party": rng.choice(REFERRING_PARTIES),
            "referring_unit": "",
            "status": "referred",
            "decision_date": None,
            "not_accepted_reason": None,
            "coach_id": None,
            "enrolment_date": None,
            "extended_until": None,
            "extension_motivation": None,
            "exit_date": None,
            "exit_reason": None,
            "exit_destination": None,
            "income_source_exit": None,
            "survey_enrolment_done": False,
            "survey_exit_done": False,
            "created_by": None,
            "created_at": org["now"],
            "updated_at": org["now"],
        }
        last_day = first_day + timedelta(days=days)
        fate = rng.random()
        decided = referred + timedelta(days=rng.randint(3, 40))
        if fate < 0.08 or decided > last_day:
            row["status"] = rng.choice(("referred", "waiting"))
        elif fate < 0.2:
            row.update(status="not_accepted", decision_date=decided,
                       not_accepted_reason="outside_target_group")
        else:
            enrolled = decided + timedelta(days=rng.randint(0, 20))
            row.update(decision_date=decided, coach_id=rng.choice(org["coaches"][part]))
            if enrolled > last_day:
                row["status"] = "accepted"
            else:
                row.update(status="enrolled", enrolment_date=enrolled)
                exited = enrolled + timedelta(days=rng.randint(60, 480))
                if exited <= last_day:
                    row.update(status="exited", exit_date=exited,
                               exit_reason=rng.choice(EXIT_REASONS),
                               exit_destination=rng.choice(tuple(DESTINATIONS)),
                               income_source_exit=rng.choice(INCOME_SOURCES))
                # Nothing after the last day: the population is as it stood that day.
                for _ in range(rng.choice((0, 1, 1, 2))):
                    started = enrolled + timedelta(days=rng.randint(7, 60))
                    if started > last_day:
                        continue
                    placements.append({
                        "participant_id": number,
                        "placement_type": rng.choice(PLACEMENT_TYPES),
                        "sector": rng.choice(SECTORS),
                        "employer": "Arbetsplats",
                        "occupation_area": "",
                        "start_date": started,
                        "created_at": org["now"],
                    })
                for k in range(rng.randint(0, 3)):
                    stepped = enrolled + timedelta(days=30 * (k + 1))
                    if stepped > last_day:
                        continue
                    steps.append({
                        "participant_id": number,
                        "step": PROGRESSION_STEPS[min(k * 2, len(PROGRESSION_STEPS) - 1)],
                        "step_date": stepped,
                        "created_at": org["now"],
                    })
        people.append(row)
    return people, placements, steps


async def load(
    db: Database, count: int, first_day: date = FIRST_DAY, days: int = DAYS, seed: int = 2026,
    quiet: bool = False,
) -> None:
    """Empty the participant tables, then bulk-insert in chunks of executemany."""
    await upgrade(db)
    async with db.session() as session:
        await ensure_org(session)
        for model in (ParticipantSpan, ParticipantEvent, ProgressionStep, Placement, Participant,
                      StaffCountyPart, Staff):
            await session.exec(delete(model))
        parts = (await session.exec(select(CountyPart))).scalars().all()
        coaches: dict[int, list[int]] = {}
        for part in parts:
            for k in range(COACHES_PER_PART):
                coach = Staff(aad_object_id=f"00000000-0000-4000-8000-{part.id:04d}{k:08d}",
                              display_name=f"Coach {part.name} {k + 1}", role=Role.COACH)
                session.add(coach)
                await session.flush()
                session.add(StaffCountyPart(staff_id=coach.id, county_part_id=part.id))
                coaches.setdefault(part.id, []).append(coach.id)
        org = {
            "municipalities": (await session.exec(select(Municipality))).scalars().all(),
            "programmes": (
                await session.exec(select(Programme.id).where(Programme.takes_participants))
            ).scalars().all(),
            "coaches": coaches,
            "now": Staff().created_at,
        }
    people, placements, steps = participants(random.Random(seed), count, org, first_day, days)
    for model, rows in ((Participant, people), (Placement, placements),
                        (ProgressionStep, steps)):
        async with db.begin() as connection:
            for start in range(0, len(rows), CHUNK):
                await connection.execute(model.__table__.insert(), rows[start : start + CHUNK])
    async with db.session() as session:
        await events.record_rows(session)
    if db.is_sqlite:
        async with db.begin() as connection:  # SQLite writes go through the write lock
            await connection.execute(text("ANALYZE"))
    else:
        async with db.connect() as connection:
            # Statistics, and the dead rows of an earlier run vacuumed away (as autovacuum
            # would have done in a running system): VACUUM wants no transaction.
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("VACUUM ANALYZE"))
            await autocommit.execute(text(
                "SELECT setval('participant_id_seq', (SELECT max(id) FROM participant))"
            ))
    if not quiet:
        print(f"  loaded {len(people):,} participants, {len(placements):,} placements, "
              f"{len(steps):,} progression steps")


async def check_totals(db: Database, actor: Actor, wanted: ReportFilter) -> None:
    """A fast report that counts wrong is worth nothing: compare an unmasked report's totals
    with plain counts of the same people (filters other than the county part not used here)."""
    async with db.session() as session:
        scope = await resolve_filter(session, actor, wanted)
        if scope.masked:
            return
        report = await build_report(session, scope)
        # A felregistrering counts nowhere (written out here, not taken from the report code).
        mistaken = (Participant.status == "exited") & (
            func.coalesce(Participant.exit_reason, "") == "registration_error")
        parts = Participant.county_part_id.in_(scope.county_part_ids) & ~mistaken

        async def count(statement: Any) -> int:
            return (await session.exec(statement)).one()[0]

        def between(column: Any) -> Any:
            return column.between(wanted.start, wanted.end)

        expected = {
            "referrals": await count(select(func.count()).where(
                parts, between(Participant.referral_date))),
            "exits_sus": await count(select(func.count()).where(
                parts, between(Participant.exit_date))),
            "placements": await count(
                select(func.count()).select_from(Placement)
                .join(Participant, Participant.id == Placement.participant_id)
                .where(parts, between(Placement.start_date))),
        }
    for key, number in expected.items():
        table = report.tables[key]
        total = table.value(len(table.rows), len(table.columns))
        if total != number:
            raise SystemExit(f"{key}: the report counts {total}, plain SQL {number}")


async def time_report(
    db: Database, actor: Actor, wanted: ReportFilter, runs: int, funders: bool = False
) -> tuple[float, float]:
    """(first, median of the warm runs) wall time in ms of resolve + build (every measure,
    protection included; the funders' tables when `funders`). The report caches are emptied
    first, so the first run is the cold one: counting (and for a masked report protecting);
    warm runs read the cache after checking the data version."""
    clear_cache()
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        async with db.session() as session:
            scope = await resolve_filter(session, actor, wanted)
            await build_report(session, scope, funders=funders)
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times[1:])


async def check_masked(db: Database, actor: Actor, wanted: ReportFilter) -> None:
    """A protected report prints the exact counts where it prints anything, and never 1–4."""
    async with db.session() as session:
        scope = await resolve_filter(session, actor, wanted)
        if not scope.masked:
            return
        masked = await build_report(session, scope)
        exact = await build_report(session, replace(scope, masked=False))
    hidden = 0
    for key, table in masked.tables.items():
        if table.counts != exact.tables[key].counts:
            raise SystemExit(f"{key}: the protected report counts differently")
        for place in table.positions():
            if table.is_masked(*place):
                hidden += 1
            elif 0 < table.value(*place) < scope.threshold:
                raise SystemExit(f"{key}{place}: a small count is printed")
    print(f"    protected: {hidden} places hidden or withheld")


CASES = [
    ("county-wide, half-year, masked (viewer)", Actor("bench", Role.VIEWER),
     ReportFilter(date(2026, 1, 1), date(2026, 6, 30))),
    ("county-wide, five years, unmasked (lead)", Actor("bench", Role.PROGRAMME_LEAD),
     ReportFilter(FIRST_DAY, date(2026, 6, 30))),
    ("one county part, half-year, unmasked (coordinator)",
     Actor("bench", Role.COORDINATOR, frozenset({"vastra"})),
     ReportFilter(date(2026, 1, 1), date(2026, 6, 30))),
    ("county-wide, half-year 2025-H2, masked (viewer)", Actor("bench", Role.VIEWER),
     ReportFilter(date(2025, 7, 1), date(2025, 12, 31))),
]


async def bench(name: str, url: str, count: int, runs: int) -> None:
    db = Database(url)
    try:
        print(f"{name}:")
        started = time.perf_counter()
        await load(db, count)
        print(f"  load took {time.perf_counter() - started:.1f} s")
        for label, actor, wanted in CASES:
            await check_totals(db, actor, wanted)
            first, ms = await time_report(db, actor, wanted, runs)
            line = (f"  {label}: {ms:.0f} ms = {ms / GOAL_MS:.2f} × the {GOAL_MS} ms goal "
                    f"(first run {first:.0f} ms)")
            if "unmasked" in label:
                cold, full = await time_report(db, actor, wanted, runs, funders=True)
                line += f"; with the funders' tables {full:.0f} ms (first run {cold:.0f} ms)"
            print(line)
            await check_masked(db, actor, wanted)
    finally:
        await db.dispose()


def _postgres_url() -> str | None:
    """The benchmark's own PostgreSQL database (created when missing), or None if unreachable."""
    url = normalise_database_url(os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/stegvis_bench"
    ))
    try:
        import psycopg

        target = make_url(url)
        admin = target.set(drivername="postgresql", database="postgres")
        dsn = admin.render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True, connect_timeout=3) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{target.database}"')
    except Exception as error:  # any failure means "skip PostgreSQL"
        print(f"PostgreSQL skipped: {error}")
        return None
    return url


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        await bench("SQLite", f"sqlite+aiosqlite:///{path}", args.participants, args.runs)
    postgres = _postgres_url()
    if postgres:
        await bench("PostgreSQL", postgres, args.participants, args.runs)


if __name__ == "__main__":
    asyncio.run(main())
