"""The funders' and evaluator's tables, goals as data and the annual follow-up, on SQLite and
PostgreSQL: every table against a count made here from the rows (plain Python over the
participants, placements and steps), in chat (cards under 28 KB, Adaptive Cards 1.5), as CSV,
XLSX and JSON, on the command line, masked and unmasked."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema.validators import validator_for
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import select

from bench.report_bench import load
from dialogs.annual import parse_year, to_annual_json
from dialogs.report import SECTIONS
from dialogs.report_files import to_csv, to_json, to_xlsx
from dialogs.texts import t
from storage.clock import clock
from storage.db import Database
from storage.goals import Goal, GoalError, goal_for, goals_from_json, goals_to_json, parse_goals
from storage.migrate import upgrade
from storage.models import (
    Association,
    CountyPart,
    Municipality,
    Participant,
    Placement,
    ProgressionStep,
)
from storage.org import OrgConfigError, load_org_file, parse_org
from storage.participants import update_fields
from storage.permissions import Actor, Role
from storage.reports import (
    GoalResult,
    ReportFilter,
    Share,
    build,
    build_report,
    clear_cache,
    parse_period,
    resolve_filter,
)
from storage.reports.result import NOT_RECORDED, TOTAL
from storage.rules import DESTINATIONS, RuleError
from storage.staff import load_actor, upsert_staff
from tests.conftest import cli
from tests.fakes import consent_invoke
from tests.teams import COORDINATOR_AAD, channel_message, message, user
from tests.test_audit import audit_rows

LEAD = Actor("lead", Role.PROGRAMME_LEAD)
VIEWER = Actor("viewer", Role.VIEWER)
VIEWER_AAD = "5f1b7d89-0a2c-4e6d-8b8f-6c7d8e9f0a1b"
LEAD_AAD = "4e0a6c78-9f1b-4d5c-9a7e-5b6c7d8e9f0a"
SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "adaptive-card-1.5.json").read_text(encoding="utf-8"))
CARD_LIMIT = 28 * 1024


@pytest.fixture(autouse=True)
def spring(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    clear_cache()


async def _population(db, grain: str = "half") -> None:
    """900 people referred over two years (fixed seed), and staff to ask for reports."""
    await load(db, 900, date(2024, 1, 1), 790, seed=31, quiet=True)
    async with db.session() as session:
        association = (await session.exec(select(Association))).one()
        association.report_grid = grain
        session.add(association)
        await upsert_staff(session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR,
                           ["vastra"])
        await upsert_staff(session, LEAD_AAD, "Lena Insatsledare", Role.PROGRAMME_LEAD, [])
        await upsert_staff(session, VIEWER_AAD, "Ebba Utvärderare", Role.VIEWER, [])


async def _report(db, actor, wanted: ReportFilter):
    async with db.session() as session:
        scope = await resolve_filter(session, actor, wanted)
        return await build_report(session, scope)


def _band(end: date, born: int) -> str:
    age = end.year - born
    for band, (low, high) in {"18_24": (18, 24), "25_29": (25, 29), "30_39": (30, 39),
                              "40_49": (40, 49), "50_64": (50, 64)}.items():
        if low <= age <= high:
            return band
    return "outside"


async def _independent(db, start: date, end: date, part: str | None = None) -> dict:
    """The funders' tables counted from the rows, one person (placement, step) at a time."""
    async with db.session() as session:
        parts = {p.id: p.name for p in (await session.exec(select(CountyPart))).all()}
        towns = {m.id: m.name for m in (await session.exec(select(Municipality))).all()}
        people = (await session.exec(select(Participant))).all()
        placements = (await session.exec(select(Placement))).all()
        steps = (await session.exec(select(ProgressionStep))).all()
    # A felregistrering (exited as a registration error) counts nowhere.
    chosen = {
        p.id: p for p in people
        if (part is None or parts[p.county_part_id] == part)
        and not (p.status == "exited" and p.exit_reason == "registration_error")
    }
    found = {key: Counter() for key in (
        "exits_reason_destination", "exits_reason_sus", "exits_income", "active_municipality",
        "active_part_age", "placements_gender", "steps")}
    for p in chosen.values():
        if p.exit_date and start <= p.exit_date <= end:
            found["exits_reason_destination"][(p.exit_reason, p.exit_destination)] += 1
            found["exits_reason_sus"][(p.exit_reason, DESTINATIONS[p.exit_destination].value)] += 1
            found["exits_income"][(p.income_source_start,
                                   p.income_source_exit or NOT_RECORDED)] += 1
        if (p.enrolment_date and p.enrolment_date <= end and p.referral_date <= end
                and (p.exit_date is None or p.exit_date >= start)):
            found["active_municipality"][(towns[p.municipality_id], p.gender)] += 1
            found["active_part_age"][(f"{parts[p.county_part_id]}|{p.gender}",
                                      _band(end, p.birth_year))] += 1
    for placement in placements:
        person = chosen.get(placement.participant_id)
        if person and start <= placement.start_date <= end:
            found["placements_gender"][(f"{placement.placement_type}|{placement.sector}",
                                        person.gender)] += 1
    for step in steps:
        person = chosen.get(step.participant_id)
        if person and start <= step.step_date <= end:
            found["steps"][(step.step, person.gender)] += 1
    return found


def _cells(table) -> Counter:
    return Counter({(r, c): table.counts[i][j] for i, r in enumerate(table.rows)
                    for j, c in enumerate(table.columns) if table.counts[i][j]})


async def test_funder_tables_against_an_independent_count(db):
    """Unmasked, county-wide and for one county part, and the exact figures a masked report is
    protected from: each table equals the count made here, cell by cell."""
    await _population(db)
    period = parse_period("2025-H2")
    for part in (None, "Västra"):
        wanted = ReportFilter(period.start, period.end, county_part=part)
        report = await _report(db, LEAD, wanted)
        expected = await _independent(db, period.start, period.end, part)
        for key, counts in expected.items():
            assert _cells(report.tables[key]) == counts, (part, key)
            assert sum(counts.values()) > 0, key
        # Shared margins: the same people as the report's other tables.
        exits = report.tables["exits_reason"]
        both = report.tables["exits_reason_destination"]
        assert [exits.value(i, len(exits.columns)) for i in range(len(exits.rows))] == [
            both.value(i, len(both.columns)) for i in range(len(both.rows))]
        active = report.tables["flows"]
        ages = report.tables["active_part_age"]
        assert ages.value(len(ages.rows), len(ages.columns)) == active.value(
            active.row("active"), active.column(TOTAL))
    masked = await _report(db, VIEWER, ReportFilter(period.start, period.end))
    assert masked.scope.masked
    expected = await _independent(db, period.start, period.end)
    for key, counts in expected.items():
        table = masked.tables[key]
        assert _cells(table) == counts, key  # the exact counts behind the protection
        for place in table.positions():
            value = table.value(*place)
            if 0 < value < masked.scope.threshold:
                assert table.is_masked(*place), (key, place, value)
        assert any(table.is_masked(*place) for place in table.positions()), key


async def test_every_output_format_has_the_tables_with_percentages(db):
    """CSV, XLSX and JSON of one protected report: the same tables, each count with its share
    of the column; a hidden count's share is not printed either."""
    await _population(db)
    period = parse_period("2025-H2")
    report = await _report(db, VIEWER, ReportFilter(period.start, period.end))
    document = json.loads(to_json(report))
    table = report.tables["active_municipality"]
    data = document["tables"]["active_municipality"]
    for town in table.rows:
        for gender in table.columns:
            printed, share = data["rows"][town][gender], data["percent_of_column"][town][gender]
            total = document["tables"]["active_municipality"]["total"][gender]
            if printed == "x" or total == "x" or not total:
                assert share is None
            else:
                assert share == round(printed / total, 4)
    assert any(data["rows"][t][g] == "x" for t in table.rows for g in table.columns)
    sheets = load_workbook(io.BytesIO(to_xlsx(report)))
    sheet = sheets["Aktiva per kommun"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Aktiva per kommun", "Kvinnor", "Kvinnor %", "Män", "Män %"]
    rows = {r[0].value: [c.value for c in r[1:]] for r in sheet.iter_rows(min_row=2)}
    for town in table.rows:
        count, share = rows[town][0], data["percent_of_column"][town]["woman"]
        assert count == data["rows"][town]["woman"]
        assert rows[town][1] == ("–" if share is None else f"{round(share * 100)} %")
    overview = [[c.value for c in r] for r in sheets["Översikt"].iter_rows()]
    assert any(r[0] == "Andel avslutade till arbete eller studier"
               and "minst 35 %" in str(r[1]) and "procentenheter" in str(r[1])
               for r in overview)
    text = to_csv(report).decode("utf-8").lstrip("\ufeff")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    titled = {row[0] for row in lines}
    for title in ("Avslut per avslutsorsak och status vid avslut", "Aktiva per länsdel, kön och "
                  "åldersgrupp", "Påbörjade placeringar per typ, sektor och kön",
                  "Stegförflyttningar under perioden per steg och kön"):
        assert title in titled
    assert any(row[2] == "Kvinnor %" for row in lines)
    assert any(row[:2] == ["Mål (mål · resultat · skillnad)", "Andel kvinnor bland aktiva"]
               and row[3].startswith("40–60 % · ") for row in lines)


async def test_the_report_is_one_card_with_its_chart_for_a_population(bot, connector, db):
    """`rapport` on 900 people: one message, valid Adaptive Cards 1.5 under 28 KB, the chart
    inside it, and every table of the report in it (as a table, as lines, or named for the
    files when neither fits), masked for the evaluator and exact for the programme lead."""
    await _population(db)
    validator = validator_for(SCHEMA)(SCHEMA)
    lines = ("rapport period=2025-H2", "rapport från=2024-01-01 till=2026-02-28")
    for who, line in ((user(VIEWER_AAD, "Ebba Utvärderare"), lines[0]),
                      (user(LEAD_AAD, "Lena Insatsledare"), lines[1])):
        (reply,) = await bot.say(message(line, connector.url, who))
        activity = connector.activities[-1]
        content = activity["attachments"][0]["content"]
        assert len(json.dumps(activity).encode("utf-8")) < CARD_LIMIT
        validator.validate(content)
        (chart,) = [item for item in content["body"] if item["type"] == "Image"]
        assert chart["url"].startswith("data:image/png;base64,")
        for key in (key for keys in SECTIONS.values() for key in keys):
            assert t(f"report_table.{key}", "sv") in reply, key
        tables = [item["rows"][0]["cells"][0]["items"][0]["text"]
                  for item in content["body"] if item["type"] == "Table"]
        assert "Flöde under perioden" in tables  # the flows, a table


async def test_funder_tables_in_chat(bot, connector, db):
    """`finansiärstabeller`: the goals and the tables in cards, each under 28 KB and valid
    Adaptive Cards 1.5; masked for the evaluator, exact for the coordinator's county part."""
    await _population(db)
    validator = validator_for(SCHEMA)(SCHEMA)
    viewer = user(VIEWER_AAD, "Ebba Utvärderare")
    before = len(connector.activities)
    replies = await bot.say(message("finansiärstabeller period=2025-H2", connector.url, viewer))
    assert len(replies) >= 3
    assert "Tabeller för finansiärer och utvärderare" in replies[0]
    assert "Små tal: x döljer" in replies[0]
    assert "Andel kvinnor bland aktiva: 40–60 % · " in replies[0]
    joined = "\n".join(replies)
    for title in ("Avslut per avslutsorsak och status vid avslut", "Aktiva per kommun",
                  "Avslutade: försörjning vid start", "Stegförflyttningar under perioden"):
        assert title in joined
    assert "\nx\n" in joined and " %)" in joined
    for activity in connector.activities[before:]:
        content = activity["attachments"][0]["content"]
        assert content["version"] == "1.5"
        assert len(json.dumps(activity).encode("utf-8")) < CARD_LIMIT
        validator.validate(content)
    coordinator = user(COORDINATOR_AAD, "Sara Samordnare")
    replies = await bot.say(message("rapport finansiär från=2025-07-01 till=2025-12-31",
                                    connector.url, coordinator))
    assert "Visas omaskerade" in replies[0]  # the coordinator's own county part, exact
    assert "Västra, Kvinnor" in "\n".join(replies)
    assert "Norra" not in "\n".join(replies[1:])
    assert await bot.say(message("finansiärstabeller period=2025-K3", connector.url, viewer)) \
        == ["En maskerad rapport gäller ett helt halvår som har tagit slut, t.ex. "
            "period=2025-H2. Andra perioder skulle låta den som jämför två rapporter räkna ut "
            "enskilda personer."]


# --- Goals as data ---------------------------------------------------------------------


def test_goals_in_the_organisation_file():
    programmes = {"sikta", "spira"}
    goals = parse_goals([
        {"measure": "work_or_studies", "from": date(2024, 1, 1), "at_least": 0.35},
        {"measure": "work_or_studies", "from": date(2026, 1, 1), "at_least": 0.4},
        {"measure": "work_or_studies", "programme": "sikta", "from": date(2024, 1, 1),
         "to": date(2025, 12, 31), "at_least": 0.5},
        {"measure": "women_active", "from": date(2024, 1, 1), "at_least": 0.4, "at_most": 0.6},
    ], programmes)
    assert goal_for(goals, "work_or_studies", date(2025, 6, 30), None).at_least == 0.35
    assert goal_for(goals, "work_or_studies", date(2026, 6, 30), None).at_least == 0.4
    assert goal_for(goals, "work_or_studies", date(2025, 6, 30), "sikta").at_least == 0.5
    # The programme's goal ended: the association's applies again.
    assert goal_for(goals, "work_or_studies", date(2026, 6, 30), "sikta").at_least == 0.4
    assert goal_for(goals, "work_or_studies", date(2023, 12, 31), None) is None
    assert goal_for(goals, "positive_progression", date(2025, 6, 30), None) is None
    for bad, words in [
        ({"measure": "happiness", "from": date(2024, 1, 1), "at_least": 0.3}, "measure"),
        ({"measure": "work_or_studies", "from": date(2024, 1, 1), "at_least": 35}, "0.35"),
        ({"measure": "work_or_studies", "from": date(2024, 1, 1), "at_least": True}, "0.35"),
        ({"measure": "work_or_studies", "from": date(2024, 1, 1)}, "at_least, at_most"),
        ({"measure": "women_active", "from": date(2024, 1, 1), "at_least": 0.6,
          "at_most": 0.4}, "större"),
        ({"measure": "work_or_studies", "from": "2024", "at_least": 0.3}, "datum"),
        ({"measure": "work_or_studies", "from": date(2024, 1, 1), "to": date(2023, 1, 1),
          "at_least": 0.3}, "före"),
        ({"measure": "work_or_studies", "programme": "gotland", "from": date(2024, 1, 1),
          "at_least": 0.3}, "okänd insats"),
        ({"measure": "work_or_studies", "from": date(2024, 1, 1), "at_least": 0.3,
          "target": 1}, "okänd nyckel"),
    ]:
        with pytest.raises(GoalError) as error:
            parse_goals([bad], programmes)
        assert words in str(error.value)
    default = load_org_file()
    assert [(g.measure, g.at_least, g.at_most) for g in default.goals] == [
        ("work_or_studies", 0.35, None), ("women_active", 0.4, 0.6),
        ("women_work_or_studies", 0.4, 0.6)]
    with pytest.raises(OrgConfigError):
        parse_org({"association": {"name": "X"}, "county_parts": [],
                   "goals": [{"measure": "x"}]})


def test_goal_result_difference():
    def result(low, high, part, whole):
        return GoalResult("m", TOTAL, low, high, Share("m", TOTAL, part, whole))

    assert result(0.35, None, 41, 100).difference == pytest.approx(0.06)
    assert result(0.35, None, 30, 100).difference == pytest.approx(-0.05)
    assert result(0.4, 0.6, 50, 100).difference == 0.0
    assert result(0.4, 0.6, 62, 100).difference == pytest.approx(0.02)
    assert result(0.4, 0.6, 38, 100).difference == pytest.approx(-0.02)
    assert result(None, 0.1, 5, 100).reached is True
    assert result(0.35, None, None, None).difference is None
    assert result(0.35, None, None, None).reached is None


async def test_a_programme_goal_and_a_period_goal_reach_the_report(db):
    """Goals come from the organisation's data: change them, and the report shows the new
    goal, its result and the difference; a report for one programme takes that programme's."""
    await _population(db)
    goals = (Goal("work_or_studies", date(2024, 1, 1), None, None, 0.35),
             Goal("work_or_studies", date(2025, 7, 1), None, None, 0.45),
             Goal("work_or_studies", date(2024, 1, 1), None, "sikta", 0.9))
    async with db.session() as session:
        association = (await session.exec(select(Association))).one()
        association.goals = goals_to_json(goals)
        session.add(association)
    first = await _report(db, LEAD, ReportFilter(date(2025, 1, 1), date(2025, 6, 30)))
    second = await _report(db, LEAD, ReportFilter(date(2025, 7, 1), date(2025, 12, 31)))
    sikta = await _report(db, LEAD, ReportFilter(date(2025, 7, 1), date(2025, 12, 31),
                                                 programme="sikta"))
    masked = await _report(db, VIEWER, ReportFilter(date(2025, 7, 1), date(2025, 12, 31)))
    (a,), (b,), (c,), (d,) = first.goals, second.goals, sikta.goals, masked.goals
    assert (a.low, b.low, c.low, d.low) == (0.35, 0.45, 0.9, 0.45)
    share = next(s for s in second.shares if s.key == "work_or_studies" and s.group == TOTAL)
    assert b.share == share and b.difference == pytest.approx(share.value - 0.45)
    exits = second.tables["exits_sus"]
    column = exits.column(TOTAL)
    work = exits.value(exits.row("employment"), column) + exits.value(exits.row("studies"),
                                                                      column)
    assert (share.part, share.whole) == (work, exits.value(len(exits.rows), column))
    assert json.loads(to_json(second))["goals"][0]["at_least"] == 0.45


# --- The annual follow-up --------------------------------------------------------------


async def test_annual_follow_up_against_an_independent_count(db):
    """The year's figures (participants by gender and age band, new, exits by destination,
    time in the programme, share to work or studies) counted here from the rows."""
    await _population(db)
    report = await _report(db, LEAD, ReportFilter(date(2025, 1, 1), date(2025, 12, 31)))
    document = json.loads(to_annual_json(report, 2025))
    async with db.session() as session:
        people = (await session.exec(select(Participant))).all()
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    active = Counter()
    new = Counter()
    exits = Counter()
    days = []
    for p in people:
        if p.status == "exited" and p.exit_reason == "registration_error":
            continue  # a felregistrering counts nowhere
        if (p.enrolment_date and p.enrolment_date <= end and p.referral_date <= end
                and (p.exit_date is None or p.exit_date >= start)):
            active[(_band(end, p.birth_year), p.gender)] += 1
        if p.enrolment_date and start <= p.enrolment_date <= end:
            new[p.gender] += 1
        if p.exit_date and start <= p.exit_date <= end:
            exits[(p.exit_destination, p.gender)] += 1
            days.append((p.exit_date - p.enrolment_date).days)
    ages = document["participants_by_age_band"]["rows"]
    assert {(b, g): n for b, row in ages.items() for g, n in row.items()
            if g != TOTAL and n} == dict(active)
    assert document["flows"]["rows"]["enrolled"] == {**{g: new[g] for g in
                                                        ("woman", "man", "other")},
                                                     TOTAL: sum(new.values())}
    destinations = document["exits_by_destination"]["rows"]
    assert {(d, g): n for d, row in destinations.items() for g, n in row.items()
            if g != TOTAL and n} == dict(exits)
    days.sort()
    middle = (days[(len(days) - 1) // 2] + days[len(days) // 2]) / 2
    assert document["median_days_in_programme"][TOTAL] == {"days": middle,
                                                           "exits": len(days)}
    work = sum(n for (d, _), n in exits.items() if DESTINATIONS[d].value in ("employment",
                                                                            "studies"))
    assert document["work_or_studies"][TOTAL]["part"] == work
    assert document["work_or_studies"][TOTAL]["whole"] == len(days)
    assert document["goals"][0]["measure"] == "work_or_studies"


async def test_annual_follow_up_in_chat_and_on_the_command_line(bot, connector, db, upload,
                                                               cli_env, capsys, tmp_path):
    await _population(db)
    lead = user(LEAD_AAD, "Lena Insatsledare")
    before = len(connector.activities)
    await bot.say(message("årsuppföljning 2025", connector.url, lead))
    (consent,) = connector.activities[before:]
    attachment = consent["attachments"][0]
    assert attachment["name"] == "stegvis-arsuppfoljning-2025.xlsx"
    context = attachment["content"]["acceptContext"]
    accepted = consent_invoke(message("", connector.url, lead), "accept", context,
                              upload.url("a"))
    assert (await bot.post(accepted)).status == 200
    ((_, body),) = upload.received
    (entry,) = [e for e in await audit_rows(db) if e.entity == "annual"]
    assert (entry.action, entry.actor_aad_object_id) == ("export", LEAD_AAD)
    sheet = load_workbook(io.BytesIO(body))["Uppföljning Finsam"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][0] == "Årsuppföljning 2025 (Uppföljning Finsam)"
    titles = [row[0] for row in cells if row[0] and str(row[0])[:2] in ("1.", "2.", "3.",
                                                                          "4.", "5.")]
    assert titles == ["1. Deltagare under året per kön och åldersgrupp", "2. Nya under året",
                      "3. Avslutade under året per status vid avslut",
                      "4. Tid i insatsen (avslutade under året)",
                      "5. Andel avslutade till arbete eller studier"]
    (goal,) = [r for r in cells if r[0] == "Mål (mål · resultat · skillnad)"]
    assert goal[1].startswith("minst 35 % · ") and "procentenheter" in goal[1]
    report = await _report(db, LEAD, ReportFilter(date(2025, 1, 1), date(2025, 12, 31)))
    ages = report.tables["active_age"]
    (row,) = [r for r in cells if r[0] == "18–24 år"]
    assert row[1:5] == [ages.value(ages.row("18_24"), j) for j in range(4)]

    viewer = user(VIEWER_AAD, "Ebba Utvärderare")
    # On a grid of half-years a masked year would overlap its halves: refused, clearly.
    assert await bot.say(message("årsuppföljning 2025", connector.url, viewer)) == [
        "Årsuppföljningen kan visas maskerad bara när förbundets maskerade rapporter gäller "
        "kalenderår (report_grid = \"year\" i organisationsfilen); annars skulle året och dess "
        "halvår tillsammans avslöja små tal. En samordnare, insatsledaren eller insatsägaren kan "
        "ta fram den omaskerad."]
    assert await bot.say(message("årsuppföljning 1999", connector.url, lead)) == [
        "”1999” är inget år att följa upp. Skriv ett år från 2000 till 2026, t.ex. "
        "`årsuppföljning 2025`."]
    assert await bot.say(message("årsuppföljning 2025 format=pdf", connector.url, lead)) == [
        "Formatet ”pdf” finns inte för årsuppföljningen. Välj xlsx eller json."]
    assert await bot.say(channel_message("årsuppföljning 2025", connector.url, lead)) == [
        "Filer skickar jag i den personliga chatten med Stegvis. Skriv samma kommando där."]

    async with db.session() as session:
        association = (await session.exec(select(Association))).one()
        association.report_grid = "year"
        session.add(association)
    code, out, _ = await cli(capsys, "annual", "--year", "2025", "--format", "json")
    assert code == 0
    masked = json.loads(out)
    assert masked["masked"] is True
    flat = [v for row in masked["participants_by_age_band"]["rows"].values()
            for v in row.values()]
    assert "x" in flat and not any(isinstance(v, int) and 0 < v < 5 for v in flat)
    code, out, _ = await cli(capsys, "annual", "--year", "2025", "--format", "json",
                             "--unmasked")
    exact = json.loads(out)
    assert exact["masked"] is False
    assert exact["flows"]["rows"]["enrolled"][TOTAL] == masked["flows"]["rows"]["enrolled"][
        TOTAL]
    target = tmp_path / "arsuppfoljning.xlsx"
    code, out, _ = await cli(capsys, "annual", "--year", "2025", "--out", str(target))
    assert code == 0 and str(target) in out
    assert load_workbook(target)["Uppföljning Finsam"]["A1"].value.startswith("Årsuppföljning")
    code, _, err = await cli(capsys, "annual", "--year", "2026")
    assert code == 2 and "helt kalenderår som har tagit slut" in err
    code, out, _ = await cli(capsys, "report", "--format", "json", "--period", "2025")
    tables = json.loads(out)["tables"]
    assert {"exits_reason_destination", "active_part_age", "steps"} <= set(tables)


async def test_the_migration_keeps_the_goals_that_were_constants(database_url, tmp_path):
    """An association from before goals were data keeps 35 % and 40/60 until its file says
    otherwise (migration 0014)."""
    sqlite = database_url.startswith("sqlite")
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}" if sqlite else database_url)
    try:
        if not sqlite:
            async with db.begin() as connection:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        await upgrade(db, "0013_participant_event")
        async with db.begin() as connection:
            await connection.execute(text(
                "INSERT INTO association (name, short_name, small_cell_threshold) "
                "VALUES ('Förbundet', 'F', 5)"))
        await upgrade(db)
        async with db.session() as session:
            stored = (await session.exec(select(Association))).one().goals
    finally:
        if not sqlite:
            await upgrade(db)
        await db.dispose()
    goals = goals_from_json(stored)
    assert [(g.measure, g.start, g.programme, g.at_least, g.at_most) for g in goals] == [
        ("work_or_studies", date(2024, 1, 1), None, 0.35, None),
        ("women_active", date(2024, 1, 1), None, 0.4, 0.6),
        ("women_work_or_studies", date(2024, 1, 1), None, 0.4, 0.6)]
    assert goals == load_org_file().goals  # the default file says the same


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.floats(-1, 2),
                    st.text(max_size=12), st.dates(date(1990, 1, 1), date(2040, 1, 1)))


# Generating nested tables is slow on a busy machine: that is no failure of the parser.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(
    st.sampled_from(["measure", "programme", "from", "to", "at_least", "at_most", "mål"]),
    st.one_of(_VALUES, st.sampled_from(["work_or_studies", "women_active", "sikta"])),
    max_size=7), max_size=4))
def test_any_goals_table_is_read_or_refused_in_words(entries):
    """Whatever an edited [[goals]] holds: goals that round-trip through the database, or a
    GoalError that says where, never another exception."""
    try:
        goals = parse_goals(entries, {"sikta"})
    except GoalError as error:
        assert str(error).startswith("goals[")
        return
    assert goals_from_json(goals_to_json(goals)) == goals
    for goal in goals:
        assert goal.at_least is not None or goal.at_most is not None


@given(st.one_of(st.text(max_size=12), st.sampled_from(["²⁰²⁵", "2025 ", "٢٠٢٥", "99999"])))
def test_any_typed_year_is_a_year_or_a_clear_refusal(typed):
    today = date(2026, 3, 10)
    try:
        year = parse_year(typed, today)
    except RuleError as error:
        assert error.code == "annual_bad_year"
        return
    assert 2000 <= year <= 2026



async def test_a_scope_is_counted_once_while_nothing_changes(db, monkeypatch):
    """The card, its files and the funders' tables ask for the same scope one after the
    other: counted once while the data and the day are the same; a correction that is no
    event (a gender) or the next day counts it again."""
    await _population(db)
    counted = []
    real = build.count_report

    async def counting(session, scope):
        counted.append(scope.end)
        return await real(session, scope)

    monkeypatch.setattr(build, "count_report", counting)
    lead = Actor("lead", Role.PROGRAMME_LEAD)
    wanted = ReportFilter(date(2024, 1, 1), date(2026, 2, 28))
    first = await _report(db, lead, wanted)
    again = await _report(db, lead, wanted)
    assert len(counted) == 1 and again.tables == first.tables
    async with db.session() as session:
        enrolled = (await session.exec(select(Participant).where(
            Participant.status == "enrolled", Participant.gender == "woman",
            Participant.enrolment_date <= date(2026, 1, 31)))).first()
        editor = await load_actor(session, LEAD_AAD)
        await update_fields(session, editor, enrolled.code, {"gender": "man"})
    corrected = await _report(db, lead, wanted)
    assert len(counted) == 2

    def active(report, gender: str) -> int:
        table = report.tables["active_municipality"]
        return table.value(table.row(TOTAL), table.column(gender))

    assert active(corrected, "woman") == active(first, "woman") - 1
    assert active(corrected, "man") == active(first, "man") + 1
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 11, 9, 0, tzinfo=UTC))
    await _report(db, lead, wanted)
    assert len(counted) == 3
