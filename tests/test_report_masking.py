"""Disclosure control of masked reports, tested as an attacker would attack it.

The attacker reads what a viewer can download (the JSON of every masked report), writes down
every relation the report's definitions imply, and asks an integer program for the least and
the greatest value each hidden count can have. None may be pinned to an interval narrower than
the threshold. The attacker's relations are written here from the report's definitions, not
taken from storage/reports (which builds its own), so a relation the protection forgot fails.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime

import highspy
import numpy as np
import pytest
from sqlmodel import select

from bench.report_bench import load
from dialogs.report_files import to_json
from storage.clock import clock
from storage.models import (
    Association,
    CountyPart,
    Municipality,
    Participant,
    Placement,
    Staff,
)
from storage.participants import end_placement, update_fields
from storage.permissions import Actor, Role
from storage.reports import (
    ReportFilter,
    ReportScope,
    build_report,
    clear_cache,
    grid_period,
    latest_ended,
    parse_period,
    resolve_filter,
)
from storage.reports.build import data_version
from storage.reports.period import GridPeriod
from storage.reports.protection import Relation, System, protect
from storage.reports.queries import count_report
from storage.reports.split import count_period
from storage.rules import DESTINATIONS, RuleError
from storage.staff import load_actor, upsert_staff

THRESHOLD, MINIMUM = 5, 20
VIEWER = Actor("viewer", Role.VIEWER)
LEAD_AAD = "4e0a6c78-9f1b-4d5c-9a7e-5b6c7d8e9f0a"
LEAD = Actor("lead", Role.PROGRAMME_LEAD)


@pytest.fixture(autouse=True)
def autumn(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 15, 9, 0, tzinfo=UTC))
    clear_cache()


# --- The grid --------------------------------------------------------------------------------


def test_periods_on_the_grid():
    assert parse_period("2026-H1") == GridPeriod(date(2026, 1, 1), "half")
    assert parse_period("2026-k2").end == date(2026, 6, 30)
    assert parse_period("2026 Q4").start == date(2026, 10, 1)
    assert parse_period("2026-02").end == date(2026, 2, 28)
    assert parse_period("2026").end == date(2026, 12, 31)
    for bad in ("2026-13", "2026-H3", "26-01", "igår", "2026-01-01"):
        assert parse_period(bad) is None
    assert grid_period(date(2026, 1, 1), date(2026, 6, 30)).code == "2026-H1"
    assert grid_period(date(2026, 1, 1), date(2026, 6, 29)) is None
    today = date(2026, 9, 15)
    assert [latest_ended(today, g).code for g in ("month", "quarter", "half", "year")] == [
        "2026-08", "2026-K2", "2026-H1", "2025"]
    assert latest_ended(date(2026, 1, 1), "half").code == "2025-H2"


# --- The solver on its own -------------------------------------------------------------------


SETTLED = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded)


def _attack(values, relations, shown, bounds, hidden):
    """(min, max) of each hidden figure over every non-negative integer assignment that
    agrees with the shown figures, the relations and the bounds. LP first; where its optimum is
    not whole, the integer program."""
    keys = sorted(values, key=repr)
    index = {k: i for i, k in enumerate(keys)}
    lower = np.array([float(values[k]) if k in shown else float(bounds.get(k, (0, None))[0])
                      for k in keys])
    upper = np.array([float(values[k]) if k in shown else
                      (highspy.kHighsInf if bounds.get(k, (0, None))[1] is None
                       else float(bounds[k][1])) for k in keys])
    starts, columns, coefficients, low, high = [0], [], [], [], []
    for terms, sense in relations:
        for key, c in terms:
            columns.append(index[key])
            coefficients.append(float(c))
        starts.append(len(columns))
        low.append(0.0 if sense == "=" else -highspy.kHighsInf)
        high.append(0.0)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(keys), len(low)
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = np.zeros(len(keys)), lower, upper
    lp.row_lower_, lp.row_upper_ = np.array(low), np.array(high)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(columns, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(coefficients)
    # One model per kind, kept: only the objective changes from one figure to the next, so
    # each LP starts from the last one's basis (a new model each time took 2-4x as long).
    solvers = []
    for integer in (False, True):
        if integer:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * len(keys)
        solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        solver.passModel(lp)
        solvers.append(solver)
    found = {}
    for key in hidden:
        ends = []
        for direction in (1.0, -1.0):
            for integer, solver in enumerate(solvers):
                solver.changeColCost(index[key], direction)
                solver.run()
                if solver.getModelStatus() not in SETTLED:  # the last basis led it astray
                    solver.clearSolver()
                    solver.run()
                status, solution = solver.getModelStatus(), solver.getSolution().col_value
                solver.changeColCost(index[key], 0.0)  # forgets the status, not the basis
                if status == highspy.HighsModelStatus.kUnbounded:
                    ends.append(float("inf") if direction < 0 else float("-inf"))
                    break
                assert status == highspy.HighsModelStatus.kOptimal, (key, status)
                if integer or all(abs(v - round(v)) < 1e-7 for v in solution):
                    ends.append(solution[index[key]])
                    break
        found[key] = (ends[0], ends[1])  # cost +1: the least; cost -1: the greatest
    return found


def _table_system(rng, tables, linked):
    """Random count tables with row and column totals; with `linked`, all share one column
    total vector (as the report's tables split by gender share the gender totals)."""
    values, relations = {}, []
    marginal = None
    for t in range(tables):
        rows, columns = rng.randint(2, 6), rng.randint(2, 4)
        weights = [0] * 3 + [1, 2, 3, 4] * 2 + list(range(5, 30))
        cells = [[rng.choice(weights) for _ in range(columns)] for _ in range(rows)]
        if linked and marginal is not None:
            columns = len(marginal)
            cells = [[0] * columns for _ in range(rows)]
            for j, total in enumerate(marginal):
                for _ in range(total):
                    cells[rng.randrange(rows)][j] += 1
        for i in range(rows):
            for j in range(columns):
                values[(t, i, j)] = cells[i][j]
        for i in range(rows):
            values[(t, i, "T")] = sum(cells[i])
            relations.append(Relation(
                tuple([((t, i, "T"), 1)] + [((t, i, j), -1) for j in range(columns)])))
        column_key = (lambda j: ("M", j)) if linked else (lambda j, t=t: (t, "T", j))
        for j in range(columns):
            values[column_key(j)] = sum(cells[i][j] for i in range(rows))
            relations.append(Relation(tuple([(column_key(j), 1)]
                                            + [((t, i, j), -1) for i in range(rows)])))
        if linked and marginal is None:
            marginal = [values[column_key(j)] for j in range(columns)]
    return values, relations


@pytest.mark.parametrize("linked", [False, True])
def test_no_hidden_count_can_be_narrowed(linked):
    """Random tables, alone or sharing their column totals: every hidden count keeps an integer
    interval at least the threshold wide, and no small count is printed."""
    rng = random.Random(f"tables-{linked}")
    for _ in range(6):
        values, relations = _table_system(rng, 3, linked)
        outcome = protect(System(values, relations), THRESHOLD)
        hidden = outcome.small | outcome.complements
        assert not outcome.withheld
        for key, value in values.items():
            if 0 < value < THRESHOLD:
                assert key in outcome.small
        shown = {k for k in values if k not in hidden}
        plain = [([(k, c) for k, c in r.terms], "=") for r in relations]
        bounds = {k: (1, None) for k in hidden}
        for key, (low, high) in _attack(values, plain, shown, bounds, hidden).items():
            assert high - low >= THRESHOLD, (key, values[key], low, high)


# --- Masked reports on a generated population ----------------------------------------------


async def _population(db, grain: str) -> None:
    """1,400 people referred over two years in three county parts (fixed seed)."""
    await load(db, 1400, date(2024, 7, 1), 730, seed=12, quiet=True)
    async with db.session() as session:
        association = (await session.exec(select(Association))).one()
        association.report_grid = grain
        association.small_cell_threshold, association.report_min_population = THRESHOLD, MINIMUM
        session.add(association)


async def _editor(db) -> Actor:
    """Someone who corrects records as staff do: through the storage functions, audited."""
    async with db.session() as session:
        await upsert_staff(session, LEAD_AAD, "Lena Insatsledare", Role.PROGRAMME_LEAD, [])
        return await load_actor(session, LEAD_AAD)


async def _correct_a_destination(session, editor: Actor, period: GridPeriod) -> None:
    """One exit of the period corrected to studies (a correction, audited like any)."""
    person = (await session.exec(select(Participant).where(
        Participant.exit_date.between(period.start, period.end),
        Participant.exit_destination != "studies"))).first()
    await update_fields(session, editor, person.code, {"exit_destination": "studies"})


async def _report(db, actor, period: GridPeriod):
    async with db.session() as session:
        scope = await resolve_filter(session, actor, ReportFilter(period.start, period.end))
        return await build_report(session, scope)


async def test_split_counts_agree_with_the_report_queries(db):
    """The counts the protection starts from are the unmasked report's, table by table."""
    await _population(db, "half")
    for code in ("2025-H1", "2025-K3", "2026-02"):
        period = parse_period(code)
        async with db.session() as session:
            scope = await resolve_filter(session, LEAD, ReportFilter(period.start, period.end))
            exact = await count_report(session, scope)
            counts = await count_period(session, period)
        names = {
            "parts": exact.tables["active_county_part"].rows,
            "towns": exact.tables["exits_municipality"].rows,
        }
        cells = sorted(set(counts.counts) | set(counts.days))
        block = counts.block(ReportScope(period.start, period.end, (), False, THRESHOLD),
                             cells, names)
        for key, table in exact.tables.items():
            assert block.tables[key].rows == table.rows, key
            assert block.tables[key].counts == table.counts, key
        assert block.medians == exact.medians


def _name(period: str, table: str, row: str, column: str) -> tuple[str, str, str, str]:
    return (period, table, row, column)


def _reader_system(documents: dict[str, dict], publics: dict[str, dict[str, int]],
                   geography: dict[str, list[str]]):
    """What a reader can write down from the downloaded JSON of masked reports (and the
    organisation: which municipalities make up each county part): every number with the
    relations between them. Returns (values known, relations, hidden, withheld)."""
    known: dict[tuple, int] = {}
    hidden, withheld, relations, bounds = set(), set(), [], {}
    minimum = None
    for period, document in documents.items():
        minimum = document["min_population"]
        tables = document["tables"]
        for table, data in tables.items():
            places = {}
            for row, cells in data["rows"].items():
                for column, value in cells.items():
                    places[(row, column)] = value
            for column, value in data.get("total", {}).items():
                places[("total", column)] = value
            for (row, column), value in places.items():
                name = _name(period, table, row, column)
                if value == "x":
                    hidden.add(name)
                elif value == "..":
                    withheld.add(name)
                else:
                    known[name] = value
            rows = list(data["rows"])
            columns = [c for c in next(iter(data["rows"].values())) if c != "total"]
            has_row_totals = "total" in next(iter(data["rows"].values()))
            has_column_totals = "total" in data
            every_row = rows + (["total"] if has_column_totals else [])
            if has_row_totals:
                for row in every_row:
                    relations.append(([(_name(period, table, row, "total"), 1)]
                                      + [(_name(period, table, row, c), -1) for c in columns],
                                      "="))
            if has_column_totals:
                for column in columns + (["total"] if has_row_totals else []):
                    relations.append(([(_name(period, table, "total", column), 1)]
                                      + [(_name(period, table, r, column), -1) for r in rows],
                                      "="))
                grand = _name(period, table, "total", "total")
                inner = [_name(period, table, r, c) for r in rows for c in columns]
                if has_row_totals and grand not in known and table not in (
                        "exits_municipality", "active_county_part", "active_municipality"):
                    # A table broken down counts at least the minimum; one withheld, fewer.
                    if not any(k in hidden or known.get(k, 0) > 0 for k in inner):
                        bounds[grand] = (0, minimum - 1)
                    else:
                        bounds[grand] = (minimum, None)
        # The same counts in several tables.
        genders = ("woman", "man", "other", "total")
        same = [[("flows", "active", g), ("active_county_part", "total", g),
                 ("active_age", "total", g), ("active_income", "total", g),
                 ("progression", "total", g)] for g in genders]
        same += [[("flows", "exited", g), ("exits_reason", "total", g),
                  ("exits_destination", "total", g), ("exits_sus", "total", g)]
                 for g in genders]
        same += [[("flows", "referred", "total"), ("referrals", "total", "total")],
                 [("flows", "exited", "total"), ("exits_municipality", "total", "total")]]
        same += [[("exits_sus", s, "total"), ("exits_municipality", "total", s)]
                 for s in ("employment", "studies", "job_seeking", "other")]
        # The funders' tables: the same margins as the tables above.
        reasons = list(tables["exits_reason"]["rows"])
        destinations, sus_groups = list(DESTINATIONS), list(tables["exits_sus"]["rows"])
        for reason in reasons:
            same.append([("exits_reason", reason, "total"),
                         ("exits_reason_destination", reason, "total"),
                         ("exits_reason_sus", reason, "total")])
            for group in sus_groups:  # a SUS group is the sum of its destinations, per reason
                members = [d for d, g in DESTINATIONS.items() if g.value == group]
                relations.append(([(_name(period, "exits_reason_sus", reason, group), 1)]
                                  + [(_name(period, "exits_reason_destination", reason, d), -1)
                                     for d in members], "="))
        same += [[("exits_destination", d, "total"), ("exits_reason_destination", "total", d)]
                 for d in destinations]
        same += [[("exits_sus", g, "total"), ("exits_reason_sus", "total", g)]
                 for g in sus_groups]
        same += [[("flows", "exited", "total"), (t, "total", "total")]
                 for t in ("exits_reason_destination", "exits_reason_sus", "exits_income")]
        same += [[("flows", "active", g), ("active_municipality", "total", g)]
                 for g in genders]
        same += [[("flows", f, "total"), ("flows_county_part", f, "total")]
                 for f in ("referred", "enrolled", "active", "exited")]
        same += [[("active_age", age, "total"), ("active_part_age", "total", age)]
                 for age in tables["active_age"]["rows"]]
        same.append([("flows", "active", "total"), ("active_part_age", "total", "total")])
        for part, towns in geography.items():
            # The flow by county part: a part's active are its active by gender, its exits
            # those of its municipalities, and who enrolled in it was active in it.
            same.append([("active_county_part", part, "total"),
                         ("flows_county_part", "active", part)])
            relations.append(([(_name(period, "flows_county_part", "exited", part), 1)]
                              + [(_name(period, "exits_municipality", town, "total"), -1)
                                 for town in towns], "="))
            relations.append(([(_name(period, "flows_county_part", "enrolled", part), 1),
                               (_name(period, "flows_county_part", "active", part), -1)],
                              "<="))
            for gender in genders:
                # A county part is the sum of its municipalities.
                relations.append(([(_name(period, "active_county_part", part, gender), 1)]
                                  + [(_name(period, "active_municipality", town, gender), -1)
                                     for town in towns], "="))
            for gender in genders[:-1]:
                same.append([("active_county_part", part, gender),
                             ("active_part_age", f"{part}|{gender}", "total")])
        for gender in genders[:-1]:
            for age in tables["active_age"]["rows"]:
                # The county is the sum of its parts, by age band and gender.
                relations.append(([(_name(period, "active_age", age, gender), 1)]
                                  + [(_name(period, "active_part_age", f"{part}|{gender}", age),
                                      -1) for part in geography], "="))
        for kind, cells in tables["placements"]["rows"].items():
            for sector in cells:
                if sector != "total":
                    same.append([("placements", kind, sector),
                                 ("placements_gender", f"{kind}|{sector}", "total")])
        same.append([("placements", "total", "total"), ("placements_gender", "total", "total")])
        for group in same:
            first = _name(period, *group[0])
            for other in group[1:]:
                relations.append(([(first, 1), (_name(period, *other), -1)], "="))
        # A SUS group is the sum of its destinations.
        for group in ("employment", "studies", "job_seeking", "other"):
            members = [d for d, g in DESTINATIONS.items() if g.value == group]
            for gender in genders:
                relations.append(([(_name(period, "exits_sus", group, gender), 1)]
                                  + [(_name(period, "exits_destination", d, gender), -1)
                                     for d in members], "="))
        # Who enrolled in the period was active in it; a placement started was under way.
        for gender in genders:
            relations.append(([(_name(period, "flows", "enrolled", gender), 1),
                               (_name(period, "flows", "active", gender), -1)], "<="))
        for row, cells in tables["placements"]["rows"].items():
            for column in cells:
                relations.append(([(_name(period, "placements", row, column), 1),
                                   (_name(period, "placements_active", row, column), -1)],
                                  "<="))
        # Shares print a part and a whole: two more sums.
        for item in document["shares"]:
            if item["part"] is None:
                continue
            key = _name(period, "share", item["measure"], item["group"])
            known[key + ("part",)] = item["part"]
            known[key + ("whole",)] = item["whole"]
        # Public totals: the reader knows them even where the report hides them, wherever
        # they are printed.
        alike = {"referred": ["referrals"],
                 "active": ["active_county_part", "active_age", "active_income", "progression",
                            "active_municipality", "active_part_age"],
                 "exited": ["exits_reason", "exits_destination", "exits_sus",
                            "exits_municipality", "exits_reason_destination",
                            "exits_reason_sus", "exits_income"]}
        for flow, value in publics[period].items():
            names = [_name(period, "flows", flow, "total"),
                     _name(period, "flows_county_part", flow, "total")]
            names += [_name(period, t, "total", "total") for t in alike.get(flow, [])]
            for name in names:
                known[name] = value
                hidden.discard(name)
                withheld.discard(name)
    for name in hidden:  # zeros are printed, except in a withheld group: at least 1
        bounds.setdefault(name, (1, None))
        low, high = bounds[name]
        bounds[name] = (max(low, 1), high)
    relations = [r for r in relations if all(k in known or k in hidden or k in withheld
                                              for k, _ in r[0])]
    return known, relations, hidden, withheld, bounds


@pytest.mark.parametrize("grain", ["month", "quarter", "half", "year"])
async def test_attacker_recovers_no_hidden_count(db, grain):
    """For each grain: the latest ended periods' masked reports (the report and its adjacent
    periods; masked reports take no filter), attacked together."""
    await _population(db, grain)
    latest = latest_ended(clock.today(), grain)
    periods = [latest]
    while len(periods) < 2 and periods[-1].start > date(2024, 7, 1):
        previous = latest_ended(periods[-1].start, grain)
        periods.append(previous)
    documents, publics, exact = {}, {}, {}
    for period in periods:
        masked = await _report(db, VIEWER, period)
        unmasked = await _report(db, LEAD, period)
        assert masked.scope.masked and not unmasked.scope.masked
        documents[period.code] = json.loads(to_json(masked))
        flows = unmasked.tables["flows"]
        publics[period.code] = {f: flows.value(flows.row(f), flows.column("total"))
                                for f in flows.rows}
        for key, table in masked.tables.items():
            other = unmasked.tables[key]
            assert table.rows == other.rows and table.counts == other.counts, key
            for place in table.positions():
                value = table.value(*place)
                if not table.is_masked(*place):
                    assert not 0 < value < THRESHOLD, (key, place, value)
            exact[(period.code, key)] = other
    async with db.session() as session:
        parts = {p.id: p.name for p in (await session.exec(select(CountyPart))).all()}
        geography = {name: [] for name in parts.values()}
        for town in (await session.exec(select(Municipality))).all():
            geography[parts[town.county_part_id]].append(town.name)
    known, relations, hidden, withheld, bounds = _reader_system(documents, publics, geography)
    truth = dict(known)
    for (period, table, row, column) in hidden | withheld:
        counts = exact[(period, table)]
        truth[(period, table, row, column)] = counts.value(counts.row(row), counts.column(column))
    for terms, sense in relations:
        total = sum(c * truth[k] for k, c in terms)
        assert total == 0 if sense == "=" else total <= 0, (terms, sense)
    for name, (low, high) in bounds.items():
        assert low <= truth[name] and (high is None or truth[name] <= high), (name, truth[name])
    shown = set(known)
    # A small count withheld with its group must not be worked out either.
    attacked = hidden | {k for k in withheld if truth[k] < THRESHOLD}
    found = _attack(truth, relations, shown, bounds, sorted(attacked))
    # A withheld count is safe too when it may be 0: no one can tell whether anyone is there.
    narrow = {k: v for k, v in found.items() if v[1] - v[0] < THRESHOLD
              and not (k in withheld and v[0] == 0)}
    assert not narrow, narrow
    assert len(hidden) > 10  # the population has small counts to hide


async def test_masked_reports_take_no_filter_and_stay_on_the_grid(db):
    await _population(db, "half")
    async with db.session() as session:
        for wanted, code in [
            (ReportFilter(date(2026, 1, 1), date(2026, 6, 30), programme="SMA"),
             "report_masked_no_filter"),
            (ReportFilter(date(2026, 1, 1), date(2026, 6, 30), county_part="Norra",
                          municipality="Flen"), "report_view_wrong_part"),
            (ReportFilter(date(2026, 1, 1), date(2026, 6, 30), county_part="Nordöstra"),
             "report_unknown_county_part"),
            (ReportFilter(date(2026, 1, 1), date(2026, 6, 30), coach="Coach Norra 1"),
             "report_masked_no_filter"),
            (ReportFilter(date(2026, 1, 1), date(2026, 3, 31)), "report_masked_grid"),
            (ReportFilter(date(2026, 1, 1), date(2026, 6, 29)), "report_masked_grid"),
            (ReportFilter(date(2026, 7, 1), date(2026, 12, 31)), "report_masked_grid"),
        ]:
            with pytest.raises(RuleError) as error:
                await resolve_filter(session, VIEWER, wanted)
            assert error.value.code == code
        # Typed in a hurry: fullwidth letters, a zero-width space, other case.
        scope = await resolve_filter(session, VIEWER, ReportFilter(
            date(2026, 1, 1), date(2026, 6, 30), county_part=" ｎｏｒ\u200bＲＡ "))
        assert scope.view_part == "Norra"
        coach = Actor("coach", Role.COACH, frozenset({"vastra"}))
        scope = await resolve_filter(session, coach, ReportFilter(
            date(2026, 1, 1), date(2026, 6, 30), default_period=True))
    assert scope.masked and scope.county_wide and scope.period.code == "2026-H1"


async def test_the_cache_follows_the_data(db):
    """A protected period is reused until something a report counts changes, on any instance
    (the data version is read from the database, not kept in memory)."""
    await _population(db, "half")
    period = parse_period("2026-H1")
    first = await _report(db, VIEWER, period)
    assert (await _report(db, VIEWER, period)).tables["exits_sus"] is not None
    editor = await _editor(db)
    async with db.session() as session:
        before = await data_version(session)
        placement = (await session.exec(select(Placement).where(
            Placement.end_date.is_(None), Placement.start_date < date(2026, 5, 1)))).first()
        owner = await session.get(Participant, placement.participant_id)
        number = [p.id for p in (await session.exec(
            select(Placement).where(Placement.participant_id == owner.id)
            .order_by(Placement.start_date, Placement.id))).all()].index(placement.id) + 1
        await end_placement(session, editor, owner.code, number, date(2026, 5, 31))
    async with db.session() as session:
        assert await data_version(session) != before
        await _correct_a_destination(session, editor, period)
    second = await _report(db, VIEWER, period)
    exits = first.tables["exits_sus"], second.tables["exits_sus"]
    total = [t.value(t.row("studies"), t.column("total")) for t in exits]
    assert total[1] == total[0] + 1


async def test_an_area_view_prints_only_what_the_county_report_prints(db):
    """A masked report for a county part or a municipality is the county's protected report,
    printed for that area: every figure and mark it prints is the county report's at the same
    place, so it tells an attacker nothing the attack above has not had."""
    await _population(db, "month")
    period = latest_ended(clock.today(), "month")
    county = json.loads(to_json(await _report(db, VIEWER, period)))["tables"]
    async with db.session() as session:
        parts = {p.id: p.name for p in (await session.exec(select(CountyPart))).all()}
        towns = {m.name: parts[m.county_part_id]
                 for m in (await session.exec(select(Municipality))).all()}
    seen_tables = set()
    for part in sorted(set(towns.values())):
        for town in [None, *sorted(t for t, p in towns.items() if p == part)]:
            async with db.session() as session:
                scope = await resolve_filter(session, VIEWER, ReportFilter(
                    period.start, period.end, county_part=part, municipality=town))
                report = await build_report(session, scope)
            assert scope.masked and scope.county_wide and scope.view_part == part
            assert not report.shares and not report.medians and not report.goals
            document = json.loads(to_json(report))
            assert document["filter"]["county_part"] == part
            for table, data in document["tables"].items():
                seen_tables.add(table)
                assert "total" not in data  # the county's totals are not the area's
                for row, cells in data["rows"].items():
                    if table == "flows_county_part":
                        assert town is None and list(cells) == [part]
                    else:
                        assert row in (part, town) or row.startswith(part + "|") or (
                            town is None and towns[row] == part)
                    for column, value in cells.items():
                        assert county[table]["rows"][row][column] == value, (table, row, column)
    assert seen_tables == {"flows_county_part", "active_county_part", "active_part_age",
                           "active_municipality", "exits_municipality"}


async def test_a_change_after_the_period_reuses_its_protection(db, monkeypatch):
    """Work today changes the data version but not an ended period's figures: the report is
    counted again and the pattern, which those figures alone decide, is reused, not solved
    again; a change to the period's figures is protected anew."""
    from storage.reports import build

    await _population(db, "half")
    period = parse_period("2026-H1")
    solved = []
    real = build.protect
    monkeypatch.setattr(build, "protect", lambda *a, **k: solved.append(1) or real(*a, **k))
    first = await _report(db, VIEWER, period)
    async with db.session() as session:
        before = await data_version(session)
        someone = (await session.exec(select(Staff))).first()
        someone.updated_at = datetime.now(UTC)  # e.g. a coach's languages edited today
        session.add(someone)
    async with db.session() as session:
        assert await data_version(session) != before
    second = await _report(db, VIEWER, period)
    assert len(solved) == 1
    assert {k: (t.counts, t.masks) for k, t in first.tables.items()} == {
        k: (t.counts, t.masks) for k, t in second.tables.items()}
    editor = await _editor(db)
    async with db.session() as session:
        await _correct_a_destination(session, editor, period)
    await _report(db, VIEWER, period)
    assert len(solved) == 2


async def test_a_transaction_in_flight_is_part_of_the_data_version(db):
    """PostgreSQL hands out ids when rows are written, not when they are committed: a
    transaction still writing when a report is kept may commit below the latest ids. Its
    commit changes the data version all the same (SQLite has one writer at a time)."""
    if db.is_sqlite:
        pytest.skip("SQLite writes one transaction at a time")
    from sqlalchemy import update

    await _population(db, "half")
    async with db.engine.connect() as connection:
        transaction = await connection.begin()
        await connection.execute(update(Participant).where(Participant.id == 1)
                                 .values(gender="other"))
        async with db.read() as session:
            during = await data_version(session)
        await transaction.commit()
    async with db.read() as session:
        after = await data_version(session)
    assert during != after
