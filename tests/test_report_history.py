"""Reports and the participants' history, on SQLite and PostgreSQL: a felregistrering counts
nowhere (checked against a count written out here, on generated data), and doing or undoing
one moves every figure it touched; a past period keeps the decisions and extensions it had
when it ended."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bench.report_bench import load
from storage.clock import clock
from storage.models import Participant, Placement
from storage.participants import (
    ExitInput,
    PlacementInput,
    add_placement,
    decide,
    enrol,
    exit_participant,
    extend,
    register_referral,
    undo_last,
    update_fields,
)
from storage.permissions import Actor, Role
from storage.reports import ReportFilter, ReportScope, build_report, clear_cache, resolve_filter
from storage.reports.period import parse_period
from storage.reports.queries import count_report
from storage.reports.result import Report
from storage.reports.split import count_period
from storage.rules import DESTINATIONS, Status, SusGroup
from tests.test_events import at_noon, coordinator, referral  # noqa: F401  (a fixture)

LEAD = Actor("lead", Role.PROGRAMME_LEAD)
VASTRA = Actor("coordinator", Role.COORDINATOR, frozenset({"vastra"}))
GENDERS = ("woman", "man", "other")
WORK_OR_STUDIES = {d for d, g in DESTINATIONS.items() if g in (SusGroup.EMPLOYMENT,
                                                                 SusGroup.STUDIES)}


@pytest.fixture(autouse=True)
def autumn(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 15, 9, 0, tzinfo=UTC))
    clear_cache()


async def _report(db, actor: Actor, start: date, end: date) -> Report:
    async with db.session() as session:
        scope = await resolve_filter(session, actor, ReportFilter(start, end))
        return await build_report(session, scope)


def _total(report: Report, key: str, row: str | None = None) -> int:
    table = report.tables[key]
    i = len(table.rows) if row is None else table.row(row)
    return table.value(i, table.column("total"))


def _by_gender(report: Report, key: str, row: str) -> dict[str, int]:
    table = report.tables[key]
    return {g: table.value(table.row(row), table.column(g)) for g in GENDERS}


def _share(report: Report, key: str) -> tuple[int | None, int | None]:
    found = next(s for s in report.shares if s.key == key and s.group == "total")
    return found.part, found.whole


async def _expected(db, parts: set[int] | None, start: date, end: date) -> dict:
    """The figures counted here in Python from every row, felregistreringar left out."""
    async with db.read() as session:
        people = (await session.exec(select(Participant))).all()
        placements = (await session.exec(select(Placement))).all()

    def inside(day: date | None) -> bool:
        return day is not None and start <= day <= end

    mistaken = [p for p in people if p.status == Status.EXITED
                and p.exit_reason == "registration_error"
                and (parts is None or p.county_part_id in parts)]
    kept = {p.id: p for p in people if p not in mistaken
            and (parts is None or p.county_part_id in parts)}
    exits = [p for p in kept.values() if inside(p.exit_date)]
    active = [p for p in kept.values() if p.referral_date <= end and p.enrolment_date
              and p.enrolment_date <= end and (p.exit_date is None or p.exit_date >= start)]
    days = [(p.exit_date - p.enrolment_date).days for p in exits if p.enrolment_date]
    return {
        "mistaken_exits": sum(inside(p.exit_date) for p in mistaken),
        "referred": Counter(p.gender for p in kept.values() if inside(p.referral_date)),
        "enrolled": Counter(p.gender for p in kept.values() if inside(p.enrolment_date)),
        "active": Counter(p.gender for p in active),
        "exited": Counter(p.gender for p in exits),
        "according_to_plan": Counter(p.gender for p in exits
                                     if p.exit_reason == "according_to_plan"),
        "work_or_studies": (sum(p.exit_destination in WORK_OR_STUDIES for p in exits),
                            len(exits)),
        "median": float(statistics.median(days)) if days else None,
        "placements": sum(inside(pl.start_date) for pl in placements
                          if pl.participant_id in kept),
        "placements_active": sum(pl.start_date <= end and (pl.end_date is None
                                                           or pl.end_date >= start)
                                 for pl in placements if pl.participant_id in kept),
    }


def _found(report: Report) -> dict:
    median = next((m.days for m in report.medians if m.group == "total"), None)
    return {
        **{flow: Counter({g: n for g, n in _by_gender(report, "flows", flow).items() if n})
           for flow in ("referred", "enrolled", "active", "exited")},
        "according_to_plan": Counter({g: n for g, n in _by_gender(
            report, "exits_reason", "according_to_plan").items() if n}),
        "work_or_studies": _share(report, "work_or_studies"),
        "median": median,
        "placements": _total(report, "placements"),
        "placements_active": _total(report, "placements_active"),
    }


@pytest.mark.parametrize(("actor", "parts"), [(LEAD, None), (VASTRA, "vastra")],
                         ids=["county", "county_part"])
async def test_felregistreringar_count_nowhere(db, actor, parts):
    """Generated data with felregistreringar among the exits: every measure and denominator
    of the unmasked report (county-wide, and one county part, where placements join the
    participants) equals the count written out above; the masked report's counts agree."""
    await load(db, 1400, date(2024, 7, 1), 730, seed=31, quiet=True)
    async with db.read() as session:
        scope = await resolve_filter(session, actor, ReportFilter(date(2024, 7, 1),
                                                                  date(2024, 7, 2)))
    wanted = None if parts is None else set(scope.county_part_ids)
    for start, end in ((date(2025, 1, 1), date(2025, 6, 30)),
                       (date(2025, 7, 1), date(2025, 12, 31)),
                       (date(2024, 7, 1), date(2026, 6, 30))):
        expected = await _expected(db, wanted, start, end)
        assert expected["mistaken_exits"] > 3  # the data has some to leave out
        report = await _report(db, actor, start, end)
        assert not report.scope.masked
        assert "registration_error" not in report.tables["exits_reason"].rows
        mistaken = expected.pop("mistaken_exits")
        assert _found(report) == expected, (start, end, mistaken)
        for key in ("exits_reason", "exits_destination", "exits_sus", "exits_municipality"):
            assert _total(report, key) == sum(expected["exited"].values()), key
        assert _total(report, "referrals") == sum(expected["referred"].values())
    # The figures a masked report is protected from: the same counts, table by table.
    period_start, period_end = date(2025, 7, 1), date(2025, 12, 31)
    async with db.session() as session:
        exact = await count_report(session, await resolve_filter(
            session, LEAD, ReportFilter(period_start, period_end)))
        counts = await count_period(session, parse_period("2025-H2"))
    names = {"parts": exact.tables["active_county_part"].rows,
             "towns": exact.tables["exits_municipality"].rows}
    block = counts.block(ReportScope(period_start, period_end, (), False, 5),
                         sorted(set(counts.counts) | set(counts.days)), names)
    for key, table in exact.tables.items():
        assert block.tables[key].counts == table.counts, key
    assert block.medians == exact.medians


async def test_a_felregistrering_and_its_undo_move_every_figure(db, coordinator,  # noqa: F811
                                                                monkeypatch):
    """Two people through the write paths, both exited to work in the first half of 2026; one
    is then marked a felregistrering (`ändra … orsak=felregistrering`): they leave the flows,
    the exits, the goal share, the median and the placements. `ångra` brings them back."""
    monkeypatch.setattr(clock, "now", lambda: at_noon(date(2026, 2, 1)))
    async with db.session() as session:
        codes = []
        for enrolled in (date(2026, 1, 12), date(2026, 1, 22)):
            p = await register_referral(session, coordinator, referral(date(2026, 1, 5)))
            await decide(session, coordinator, p.code, Status.ACCEPTED, day=date(2026, 1, 8),
                         coach="Cem Coach")
            await enrol(session, coordinator, p.code, enrolled)
            await add_placement(session, coordinator, p.code, PlacementInput(
                "work_training", "private", "Verkstaden", date(2026, 2, 1)))
            codes.append(p.code)
    monkeypatch.setattr(clock, "now", lambda: at_noon(date(2026, 5, 31)))
    async with db.session() as session:
        for code in codes:
            await exit_participant(session, coordinator, code, ExitInput(
                date(2026, 5, 31), "according_to_plan", "work_unsubsidised", "unknown"))
    monkeypatch.setattr(clock, "now", lambda: at_noon(date(2026, 7, 2)))
    half = (date(2026, 1, 1), date(2026, 6, 30))

    async def figures() -> dict:
        clear_cache()
        found = {}
        for actor in (LEAD, coordinator):
            report = await _report(db, actor, *half)
            found[actor.role] = _found(report)
        return found

    both = await figures()
    assert both[Role.PROGRAMME_LEAD] == both[Role.COORDINATOR]
    assert both[Role.COORDINATOR] == {
        "referred": Counter(woman=2), "enrolled": Counter(woman=2), "active": Counter(woman=2),
        "exited": Counter(woman=2), "according_to_plan": Counter(woman=2),
        "work_or_studies": (2, 2), "median": 134.0, "placements": 2, "placements_active": 2,
    }
    async with db.session() as session:
        await update_fields(session, coordinator, codes[1], {"exit_reason": "registration_error"})
    one = await figures()
    assert one[Role.PROGRAMME_LEAD] == one[Role.COORDINATOR] == {
        "referred": Counter(woman=1), "enrolled": Counter(woman=1), "active": Counter(woman=1),
        "exited": Counter(woman=1), "according_to_plan": Counter(woman=1),
        "work_or_studies": (1, 1), "median": 139.0, "placements": 1, "placements_active": 1,
    }
    async with db.session() as session:
        await undo_last(session, coordinator)
    assert await figures() == both


async def test_a_past_month_keeps_its_decisions_and_extensions(db, coordinator,  # noqa: F811
                                                               monkeypatch):
    """February 2025's report, run on its last day and again in April: a decision and an
    extension recorded in March (when they took effect) leave it as it was; March's report
    has them."""
    def on(day: date) -> None:
        monkeypatch.setattr(clock, "now", lambda: at_noon(day))

    on(date(2024, 1, 10))
    async with db.session() as session:
        long = await register_referral(session, coordinator, referral(date(2024, 1, 2)))
        await decide(session, coordinator, long.code, Status.ACCEPTED, day=date(2024, 1, 5),
                     coach="Cem Coach")
        await enrol(session, coordinator, long.code, date(2024, 1, 8))
    on(date(2025, 2, 20))
    async with db.session() as session:
        new = await register_referral(session, coordinator, referral(date(2025, 2, 20)))
    february, march = (date(2025, 2, 1), date(2025, 2, 28)), (date(2025, 3, 1),
                                                               date(2025, 3, 31))

    async def figures(period: tuple[date, date]) -> tuple:
        report = await _report(db, coordinator, *period)
        referrals, long_table = report.tables["referrals"], report.tables["past_12_months"]
        decisions = {c: referrals.value(len(referrals.rows), referrals.column(c))
                     for c in referrals.columns}
        return (decisions, _by_gender(report, "past_12_months", "extended")["woman"],
                _by_gender(report, "past_12_months", "not_extended")["woman"],
                report.late_changes, long_table.rows)

    on(date(2025, 2, 28))
    before = await figures(february)
    assert before[0]["referred"] == 1 and before[1:4] == (0, 1, 0)
    on(date(2025, 3, 3))
    async with db.session() as session:
        await decide(session, coordinator, new.code, Status.ACCEPTED, day=date(2025, 3, 3),
                     coach="Cem Coach")
    on(date(2025, 3, 15))
    async with db.session() as session:
        await extend(session, coordinator, long.code, date(2025, 12, 31),
                     "Arbetsträningen behöver tid")
    on(date(2025, 4, 2))
    assert await figures(february) == before
    after = await figures(march)
    assert after[0]["referred"] == 0 and after[1:4] == (1, 0, 0)
