"""Reports on seeded data, on SQLite and PostgreSQL: the numbers per role, masking, filters,
the chat (card, chart, form) over HTTP, and `python -m bot report`."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlmodel import select

from dialogs.report_text import filter_lines
from storage import events
from storage.clock import clock
from storage.models import (
    ActionPoint,
    CountyPart,
    Meeting,
    Municipality,
    Participant,
    Placement,
    Programme,
    ProgressionStep,
    SteeringGroup,
)
from storage.participants import update_fields
from storage.permissions import Actor, Role
from storage.reports import (
    Mask,
    Report,
    ReportFilter,
    build_report,
    resolve_filter,
)
from storage.rules import RuleError
from storage.staff import load_actor, upsert_staff
from tests.conftest import cli
from tests.fakes import consent_invoke
from tests.teams import ADMIN_AAD, COACH_AAD, COORDINATOR_AAD, card_submit, message, user

LEAD_AAD = "4e0a6c78-9f1b-4d5c-9a7e-5b6c7d8e9f0a"
VIEWER_AAD = "5f1b7d89-0a2c-4e6d-8b8f-6c7d8e9f0a1b"
COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
COACH = user(COACH_AAD, "Cem Coach")
VIEWER = user(VIEWER_AAD, "Ebba Utvärderare")
STRANGER = user("6a2c8e90-1b3d-4f7e-9c0a-7d8e9f0a1b2c", "Okänd Person")
PERIOD = ReportFilter(start=date(2026, 1, 1), end=date(2026, 6, 30))


@pytest.fixture(autouse=True)
def july(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 7, 15, 9, 0, tzinfo=UTC))


def _people(count, municipality, gender, **values):
    return [dict(municipality=municipality, gender=gender, **values) for _ in range(count)]


# Exits in the period, in the evaluator's shape: reason, destination, gender, municipality.
_EXITED = dict(
    status="exited",
    referral_date=date(2025, 10, 1),
    exit_date=date(2026, 3, 1),
    reason="according_to_plan",
)
_SHORT = dict(_EXITED, enrolment_date=date(2025, 11, 1))  # 120 days
_LONG = dict(_EXITED, enrolment_date=date(2025, 9, 1))  # 181 days
SEED = [
    *_people(3, "Katrineholm", "woman", destination="work_unsubsidised", **_SHORT),
    *_people(2, "Katrineholm", "woman", destination="studies", **_SHORT),
    *_people(2, "Katrineholm", "woman", destination="jobseeker_af", **_LONG),
    *_people(6, "Katrineholm", "man", destination="work_unsubsidised", step="employment", **_SHORT),
    *_people(
        1, "Katrineholm", "man", destination="daily_activity", **dict(_LONG, reason="ill_health")
    ),
    *_people(5, "Eskilstuna", "woman", destination="enhanced_cooperation_af_fk", **_LONG),
    *_people(5, "Eskilstuna", "man", destination="none", **dict(_LONG, reason="own_initiative")),
    *_people(1, "Eskilstuna", "other", destination="studies", **_LONG),
    # Still enrolled: more than 12 months (one extended), new enrolments, one in Flen.
    *_people(
        2,
        "Katrineholm",
        "woman",
        status="enrolled",
        referral_date=date(2025, 4, 1),
        enrolment_date=date(2025, 5, 1),
        birth_year=2000,
        income="sickness_benefit",
        coach=True,
        step="motivation",
        placement=("af_internship", "public", "2025-06-01"),
    ),
    *_people(
        1,
        "Katrineholm",
        "woman",
        status="enrolled",
        referral_date=date(2025, 4, 1),
        enrolment_date=date(2025, 5, 1),
        birth_year=2000,
        income="sickness_benefit",
        coach=True,
        step="mapping",
        extended=True,
        placement=("non_profit", "non_profit", "2026-01-10"),
    ),
    *_people(
        1,
        "Katrineholm",
        "woman",
        status="enrolled",
        referral_date=date(2025, 4, 1),
        enrolment_date=date(2025, 5, 1),
        birth_year=2000,
        income="sickness_benefit",
        coach=True,
    ),
    *_people(
        6,
        "Katrineholm",
        "man",
        status="enrolled",
        referral_date=date(2026, 1, 15),
        enrolment_date=date(2026, 2, 1),
        birth_year=1980,
        income="social_assistance",
        coach=True,
        placement=("work_training", "private", "2026-03-01"),
    ),
    *_people(
        1,
        "Flen",
        "woman",
        status="enrolled",
        referral_date=date(2025, 12, 1),
        enrolment_date=date(2026, 3, 1),
        birth_year=1962,
        income="activity_compensation",
        coach=True,
    ),
    # Referrals in the period without a decision, and one not accepted.
    *_people(2, "Flen", "woman", status="referred", referral_date=date(2026, 6, 20), party="fk"),
    *_people(3, "Katrineholm", "man", status="waiting", referral_date=date(2026, 4, 1), party="af"),
    *_people(
        1,
        "Eskilstuna",
        "woman",
        status="not_accepted",
        referral_date=date(2026, 2, 1),
        party="region_psychiatry",
    ),
]


async def seed(db) -> None:
    """Staff, the participants above (inserted directly: reports read, they do not write),
    and meetings of the local steering group in Västra."""
    async with db.session() as session:
        await upsert_staff(
            session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR, ["vastra"]
        )
        coach = await upsert_staff(session, COACH_AAD, "Cem Coach", Role.COACH, ["vastra"])
        await upsert_staff(session, LEAD_AAD, "Lena Insatsledare", Role.PROGRAMME_LEAD, [])
        await upsert_staff(session, VIEWER_AAD, "Ebba Utvärderare", Role.VIEWER, [])
        municipalities = {m.name: m for m in (await session.exec(select(Municipality))).all()}
        sikta = (await session.exec(select(Programme).where(Programme.code == "sikta"))).one()
        for number, person in enumerate(SEED, start=1):
            where = municipalities[person["municipality"]]
            participant = Participant(
                code=f"T-{number:04d}",
                programme_id=sikta.id,
                county_part_id=where.county_part_id,
                municipality_id=where.id,
                gender=person["gender"],
                birth_year=person.get("birth_year", 1990),
                income_source_start=person.get("income", "unemployment_insurance"),
                consent=True,
                referral_date=person["referral_date"],
                referring_party=person.get("party", "municipality_labour_market"),
                status=person["status"],
                decision_date=person["referral_date"] if "enrolment_date" in person else None,
                coach_id=coach.id if person.get("coach") else None,
                enrolment_date=person.get("enrolment_date"),
                extended_until=date(2026, 9, 1) if person.get("extended") else None,
                exit_date=person.get("exit_date"),
                exit_reason=person.get("reason") if person.get("exit_date") else None,
                exit_destination=person.get("destination"),
            )
            session.add(participant)
            await session.flush()
            if person.get("step"):
                session.add(
                    ProgressionStep(
                        participant_id=participant.id,
                        step=person["step"],
                        step_date=date(2026, 2, 15),
                    )
                )
            if person.get("placement"):
                kind, sector, start = person["placement"]
                session.add(
                    Placement(
                        participant_id=participant.id,
                        placement_type=kind,
                        sector=sector,
                        employer="Arbetsplats",
                        start_date=date.fromisoformat(start),
                    )
                )
        group = (
            await session.exec(
                select(SteeringGroup).where(SteeringGroup.code == "lokal-styrgrupp-vastra")
            )
        ).one()
        for day in (date(2026, 2, 10), date(2026, 5, 12), date(2026, 9, 1)):
            session.add(Meeting(steering_group_id=group.id, meeting_date=day))
        await session.flush()
        first = (await session.exec(select(Meeting).order_by(Meeting.meeting_date))).first()
        session.add(ActionPoint(meeting_id=first.id, text="Bjuda in AF"))
        await events.record_rows(session)


async def report_for(
    db, aad: str | None, wanted: ReportFilter = PERIOD, actor: Actor | None = None
) -> Report:
    async with db.session() as session:
        actor = actor or await load_actor(session, aad)
        scope = await resolve_filter(session, actor, wanted)
        return await build_report(session, scope)


def row(report: Report, key: str, row_key: str) -> list:
    """A table row as numbers, or the mask for hidden places ("<" small, "x" complement)."""
    table = report.tables[key]
    i = len(table.rows) if row_key == "total" else table.row(row_key)
    width = len(table.columns) + (1 if table.row_totals else 0)
    marks = {Mask.SMALL: "x", Mask.COMPLEMENT: "x", Mask.WITHHELD: ".."}
    return [marks.get(table.masks.get((i, j)), table.value(i, j)) for j in range(width)]


def share(report: Report, key: str, group: str = "total"):
    found = next(s for s in report.shares if s.key == key and s.group == group)
    return None if found.value is None else (found.part, found.whole)


async def test_programme_lead_sees_every_number(db):
    await seed(db)
    report = await report_for(db, LEAD_AAD)
    assert not report.scope.masked
    # Columns: women, men, other, total.
    assert row(report, "flows", "referred") == [3, 9, 0, 12]
    assert row(report, "flows", "enrolled") == [1, 6, 0, 7]
    assert row(report, "flows", "active") == [17, 18, 1, 36]
    assert row(report, "flows", "exited") == [12, 12, 1, 25]
    assert row(report, "exits_sus", "employment") == [3, 6, 0, 9]
    assert row(report, "exits_sus", "studies") == [2, 0, 1, 3]
    assert row(report, "exits_sus", "job_seeking") == [7, 0, 0, 7]
    assert row(report, "exits_sus", "other") == [0, 6, 0, 6]
    assert row(report, "exits_sus", "total") == [12, 12, 1, 25]
    assert row(report, "exits_reason", "according_to_plan") == [12, 6, 1, 19]
    assert row(report, "exits_reason", "own_initiative") == [0, 5, 0, 5]
    assert row(report, "exits_destination", "enhanced_cooperation_af_fk") == [5, 0, 0, 5]
    # Municipality × SUS group: employment, studies, job seeking, other, total.
    assert row(report, "exits_municipality", "Katrineholm") == [9, 2, 2, 1, 14]
    assert row(report, "exits_municipality", "Eskilstuna") == [0, 1, 5, 5, 11]
    assert row(report, "exits_municipality", "Flen") == [0, 0, 0, 0, 0]
    # Referrals: awaiting decision, waiting, accepted, not accepted.
    assert row(report, "referrals", "af") == [0, 3, 0, 0, 3]
    assert row(report, "referrals", "fk") == [2, 0, 0, 0, 2]
    assert row(report, "referrals", "municipality_labour_market") == [0, 0, 6, 0, 6]
    assert row(report, "referrals", "region_psychiatry") == [0, 0, 0, 1, 1]
    assert row(report, "pending", "0_14") == [2, 0, 0, 2]
    assert row(report, "pending", "61_plus") == [0, 3, 0, 3]
    assert row(report, "active_county_part", "Västra") == [12, 13, 0, 25]
    assert row(report, "active_county_part", "Norra") == [5, 5, 1, 11]
    assert row(report, "active_age", "25_29") == [4, 0, 0, 4]
    assert row(report, "active_age", "30_39") == [12, 12, 1, 25]  # born 1990: 36 in 2026
    assert row(report, "active_age", "40_49") == [0, 6, 0, 6]
    assert row(report, "active_age", "50_64") == [1, 0, 0, 1]
    assert row(report, "active_income", "sickness_benefit") == [4, 0, 0, 4]
    assert row(report, "progression", "positive") == [2, 6, 0, 8]
    assert row(report, "past_12_months", "extended") == [1, 0, 0, 1]
    assert row(report, "past_12_months", "not_extended") == [3, 0, 0, 3]
    assert row(report, "caseload", "Cem Coach") == [5, 6, 0, 11]
    # Placements started in the period: type × private, public, non-profit, social enterprise.
    assert row(report, "placements", "work_training") == [6, 0, 0, 0, 6]
    assert row(report, "placements", "non_profit") == [0, 0, 1, 0, 1]
    assert row(report, "placements", "af_internship") == [0, 0, 0, 0, 0]
    # Under way at some time in the period: the two AF internships from 2025 too.
    assert row(report, "placements_active", "af_internship") == [0, 2, 0, 0, 2]
    assert row(report, "placements_active", "work_training") == [6, 0, 0, 0, 6]
    assert row(report, "placements_active", "total") == [6, 2, 1, 0, 9]
    # Goals: 12 of 25 to work or studies (48 % ≥ 35 %); women 5/12, men 6/12.
    assert share(report, "work_or_studies") == (12, 25)
    assert share(report, "work_or_studies", "woman") == (5, 12)
    assert share(report, "work_or_studies", "man") == (6, 12)
    assert share(report, "positive_progression") == (8, 36)
    assert share(report, "women_active") == (17, 35)
    assert share(report, "women_work_or_studies") == (5, 11)
    medians = {m.group: (m.days, m.people) for m in report.medians}
    assert medians == {
        "woman": (181, 12),
        "man": (150.5, 12),
        "other": (181, 1),
        "total": (181, 25),
    }
    meetings = {m.name: (m.held, m.planned, m.open_action_points) for m in report.meetings}
    assert meetings["Lokal styrgrupp Västra"] == (2, 3, 1)
    assert meetings["Lokal styrgrupp Norra"] == (0, 3, 0)
    assert meetings["Styrgrupp Sikta mot arbetslivet"] == (0, 2, 0)


async def test_coordinator_sees_own_county_part_unmasked(db):
    await seed(db)
    report = await report_for(db, COORDINATOR_AAD)
    assert not report.scope.masked
    assert row(report, "flows", "exited") == [7, 7, 0, 14]
    assert row(report, "exits_sus", "studies") == [2, 0, 0, 2]
    assert list(report.tables["active_county_part"].rows) == ["Västra"]
    assert "Eskilstuna" not in report.tables["exits_municipality"].rows
    meetings = {m.name for m in report.meetings}
    assert "Lokal styrgrupp Norra" not in meetings and "Lokal styrgrupp Västra" in meetings
    with pytest.raises(RuleError) as error:
        await report_for(
            db, COORDINATOR_AAD, ReportFilter(PERIOD.start, PERIOD.end, county_part="Norra")
        )
    assert error.value.code == "report_unknown_county_part"


async def test_people_outside_the_scope_count_nowhere_in_it(db):
    """Accepted and waiting for enrolment counts on the coach's caseload, but only inside the
    county parts the report covers (PostgreSQL once lost the parentheses of that OR); a
    placement in another county part counts county-wide, not for the coordinator."""
    await seed(db)
    async with db.session() as session:
        norra_coach = await upsert_staff(
            session, "7b3d9fa1-2c4e-4a8f-8d1b-8e9f0a1b2c3d", "Nils Coach", Role.COACH, ["norra"]
        )
        eskilstuna = (
            await session.exec(select(Municipality).where(Municipality.name == "Eskilstuna"))
        ).one()
        sikta = (await session.exec(select(Programme).where(Programme.code == "sikta"))).one()
        session.add(Participant(
            code="T-9001", programme_id=sikta.id, county_part_id=eskilstuna.county_part_id,
            municipality_id=eskilstuna.id, gender="woman", birth_year=1990,
            income_source_start="unemployment_insurance", consent=True,
            referral_date=date(2026, 5, 1), referring_party="af", status="accepted",
            decision_date=date(2026, 5, 20), coach_id=norra_coach.id,
        ))
        enrolled = Participant(
            code="T-9002", programme_id=sikta.id, county_part_id=eskilstuna.county_part_id,
            municipality_id=eskilstuna.id, gender="man", birth_year=1990,
            income_source_start="unemployment_insurance", consent=True,
            referral_date=date(2026, 1, 10), referring_party="af", status="enrolled",
            decision_date=date(2026, 1, 20), enrolment_date=date(2026, 2, 1),
        )
        session.add(enrolled)
        await session.flush()
        session.add(Placement(
            participant_id=enrolled.id, placement_type="work_training", sector="private",
            employer="Arbetsplats", start_date=date(2026, 3, 1),
        ))
        await session.flush()
        await events.record_rows(session)
    lead = await report_for(db, LEAD_AAD)
    assert lead.scope.county_wide
    assert row(lead, "caseload", "Nils Coach") == [1, 0, 0, 1]
    assert row(lead, "placements", "work_training") == [7, 0, 0, 0, 7]
    coordinator = await report_for(db, COORDINATOR_AAD)
    assert not coordinator.scope.county_wide
    assert list(coordinator.tables["caseload"].rows) == ["Cem Coach"]
    assert row(coordinator, "caseload", "Cem Coach") == [5, 6, 0, 11]
    assert row(coordinator, "placements", "work_training") == [6, 0, 0, 0, 6]


async def test_placements_under_way_are_those_not_ended_before_the_period(db):
    await seed(db)
    async with db.session() as session:
        someone = (
            await session.exec(select(Participant).where(Participant.status == "enrolled"))
        ).first()
        for start, end in ((date(2025, 3, 1), date(2025, 12, 31)),
                           (date(2025, 3, 1), date(2026, 2, 1))):
            session.add(Placement(
                participant_id=someone.id, placement_type="taster", sector="public",
                employer="Arbetsplats", start_date=start, end_date=end,
            ))
    report = await report_for(db, LEAD_AAD)
    assert row(report, "placements", "taster") == [0, 0, 0, 0, 0]
    assert row(report, "placements_active", "taster") == [0, 1, 0, 0, 1]


async def test_viewer_coach_and_admin_get_the_one_masked_report(db):
    """Masked reports are county-wide and alike for everyone who gets them: no count of 1–4 is
    printed, and breakdowns of fewer than 20 people are withheld ("..")."""
    await seed(db)
    async with db.session() as session:
        await upsert_staff(session, ADMIN_AAD, "Alva Admin", Role.ADMIN, [])
    reports = [await report_for(db, aad) for aad in (VIEWER_AAD, COACH_AAD, ADMIN_AAD)]
    for report in reports:
        assert report.scope.masked and report.scope.county_wide
        assert report.scope.period.code == "2026-H1"
        for table in report.tables.values():
            for position in table.positions():
                if 0 < table.value(*position) < 5:
                    assert table.is_masked(*position), (table.key, position)
        assert {k: t.masks for k, t in report.tables.items()} == {
            k: t.masks for k, t in reports[0].tables.items()}
    report = reports[0]
    # 36 active (public, printed): women 17; the one person of another gender hides the men.
    assert row(report, "flows", "active") == [17, "x", "x", 36]
    # 12 referred, 7 enrolled: fewer than 20, not broken down.
    assert row(report, "flows", "referred") == ["..", "..", "..", 12]  # zeros too
    assert report.tables["referrals"].withheld and report.tables["caseload"].withheld
    assert not report.tables["exits_sus"].withheld
    # The funders' tables share the exits' margins (by reason, by SUS group); protected
    # together with them, the men's 12 is hidden too, with the one person of another gender.
    assert row(report, "exits_sus", "total") == ["x", "x", "x", 25]
    assert share(report, "work_or_studies", "man") is None  # 6 to work, hidden with the women
    medians = {m.group: (m.days, m.people) for m in report.medians}
    assert medians["total"] == (181, 25) and medians["man"] == (None, None)


async def test_filters_narrow_the_participants(db):
    await seed(db)
    flen = await report_for(
        db, LEAD_AAD, ReportFilter(PERIOD.start, PERIOD.end, municipality="flen")
    )
    assert row(flen, "flows", "active") == [1, 0, 0, 1]
    assert row(flen, "flows", "referred") == [2, 0, 0, 2]
    assert flen.scope.labels == {"municipality": "Flen"}
    cem = await report_for(
        db, LEAD_AAD, ReportFilter(PERIOD.start, PERIOD.end, coach="cem coach", programme="sikta")
    )
    assert row(cem, "flows", "active") == [5, 6, 0, 11]
    assert cem.scope.labels == {"coach": "Cem Coach", "programme": "Sikta mot arbetslivet"}
    other = await report_for(
        db, LEAD_AAD, ReportFilter(PERIOD.start, PERIOD.end, programme="Unga på väg")
    )
    assert row(other, "flows", "active") == [0, 0, 0, 0]
    earlier = await report_for(db, LEAD_AAD, ReportFilter(date(2025, 1, 1), date(2025, 6, 30)))
    assert row(earlier, "flows", "enrolled") == [4, 0, 0, 4]
    assert row(earlier, "flows", "exited") == [0, 0, 0, 0]
    with pytest.raises(RuleError):
        await report_for(db, LEAD_AAD, ReportFilter(PERIOD.end, PERIOD.start))


# --- In the chat --------------------------------------------------------------------------


async def test_one_line_report_in_chat(bot, connector, db):
    await seed(db)
    line = "rapport från=2026-01-01 till=2026-06-30 länsdel=Västra"
    replies = await bot.say(message(line, connector.url, COORDINATOR))
    (overview,) = replies  # one card, chart and tables in it
    assert "Period: 2026-01-01 – 2026-06-30" in overview
    assert "Länsdel: Västra" in overview
    assert (
        "Andel avslutade till arbete eller studier: 79 % (11/14) – målet minst 35 % är nått"
        in overview
    )
    assert "Andel kvinnor bland aktiva: 48 % (12/25) – inom målet 40–60 %" in overview
    # The goals from the organisation file: goal, result, difference.
    assert ("Andel avslutade till arbete eller studier: minst 35 % · 79 % (11/14) · "
            "+44 procentenheter") in overview
    assert "Mediantid i insatsen (Totalt): 120 dagar (3,9 mån, 14 avslut)" in overview
    assert "Lokal styrgrupp Västra\n2\n3\n1" in overview
    assert "[Ladda ner Excel]" in overview
    # The tables behind the goals as tables; the others as lines where a table has no room.
    assert "Avslut per SUS-grupp" in overview and "förvärvsarbete\n3\n6\n0\n9" in overview
    assert ("**Deltagare per coach vid periodens slut**: Kvinnor · Män · Annat · Totalt\n"
            "Cem Coach: 5 · 6 · 0 · 11" in overview)
    assert "Fler tabeller" not in overview
    (chart,) = [element for element in
                connector.activities[-1]["attachments"][0]["content"]["body"]
                if element["type"] == "Image"]  # inside the overview card
    assert chart["altText"] == (
        "Avslut per SUS-grupp, kvinnor och män, mot målet 35 % till arbete eller studier.")
    png = base64.b64decode(chart["url"].removeprefix("data:image/png;base64,"))
    assert Image.open(io.BytesIO(png)).size == (720, 420)
    content = connector.activities[-1]["attachments"][0]["content"]
    assert content["version"] == "1.5"
    assert len(json.dumps(content)) < 28_000  # Teams' message size limit


async def test_viewer_sees_masked_numbers_in_chat(bot, connector, db):
    await seed(db)
    replies = await bot.say(
        message("rapport från=2026-01-01 till=2026-06-30", connector.url, VIEWER)
    )
    assert "Små tal: x döljer tal på 1–4 personer" in replies[0]
    assert "Period: 2026-01-01 – 2026-06-30" in replies[0]
    assert "aktiva\n17\nx\nx\n36" in replies[0]
    assert "Aktualiseringar per part och beslut**: För få för att redovisa." in replies[0]
    assert "Andel avslutade till arbete eller studier (Kvinnor): –" in replies[0]
    assert "[Ladda ner Excel]" in replies[0]
    # A masked report is for a whole period of the grid that has ended, without filters.
    assert await bot.say(message("rapport period=2026-H2", connector.url, VIEWER)) == [
        "En maskerad rapport gäller ett helt halvår som har tagit slut, t.ex. period=2026-H1. "
        "Andra perioder skulle låta den som jämför två rapporter räkna ut enskilda personer."
    ]
    replies = await bot.say(message("rapport period=2026-H1 insats=SMA", connector.url, VIEWER))
    assert replies == [
        "Maskerade rapporter gäller hela länet och kan visas för en länsdel eller kommun; "
        "avgränsning på insats eller coach finns i omaskerade rapporter, för den som får se "
        "deltagarna."
    ]
    # A municipality: the county's protected rows for it, no shares or chart of its own.
    replies = await bot.say(message("rapport period=2026-H1 kommun=Flen", connector.url, VIEWER))
    assert "Kommun: Flen" in replies[0] and "Område: Länets maskerade rapport" in replies[0]
    assert "Andel avslutade till" not in replies[0]
    # Flen has fewer than 20 active: too few to report, the filter's minimum population.
    assert "**Aktiva per kommun**: För få för att redovisa." in replies[0]
    # The funders' tables for an area: those of the county's that are by area, nothing else.
    replies = await bot.say(message("finansiärstabeller period=2026-H1 länsdel=Västra",
                                    connector.url, VIEWER))
    assert "Område: Länets maskerade rapport, visad för Västra" in replies[0]
    assert "Aktiva per kommun" in "".join(replies) and "orsak" not in "".join(replies[1:])
    replies = await bot.say(message("rapport period=2026-H1 länsdel=Norra kommun=Flen",
                                    connector.url, VIEWER))
    assert replies == ["Flen ligger i Västra, inte i Norra."]
    assert await bot.say(message("rapport period=2026-H9", connector.url, VIEWER)) == [
        "”2026-H9” är ingen period. Skriv ett år (2026), ett halvår (2026-H1), ett kvartal "
        "(2026-K2) eller en månad (2026-06)."
    ]
    replies = await bot.say(message("rapport", connector.url, VIEWER))
    card = connector.activities[-1]["attachments"][0]["content"]
    (period,) = [item for item in card["body"] if item.get("id") == "period"]
    assert period["value"] == "2026-H1" and period["choices"][1]["value"] == "2025-H2"
    replies = await bot.say(card_submit({"command": "rapport", "period": "2025-H2"},
                                        connector.url, VIEWER))
    assert "Period: 2025-07-01 – 2025-12-31" in replies[0]


async def test_form_and_submitted_form(bot, connector, db):
    await seed(db)
    replies = await bot.say(message("rapport", connector.url, COORDINATOR))
    card = connector.activities[-1]["attachments"][0]["content"]
    inputs = {item["id"]: item for item in card["body"] if item["type"].startswith("Input.")}
    assert inputs["från"]["value"] == "2026-07-01" and inputs["till"]["value"] == "2026-12-31"
    assert [c["value"] for c in inputs["länsdel"]["choices"]] == ["Västra"]
    assert [c["value"] for c in inputs["kommun"]["choices"]] == ["Flen", "Katrineholm", "Vingåker"]
    assert [c["value"] for c in inputs["coach"]["choices"]] == ["Cem Coach"]
    assert "[Visa rapport]" in replies[0]
    submitted = {
        "command": "rapport",
        "från": "2026-01-01",
        "till": "2026-06-30",
        "kommun": "Flen",
        "länsdel": "",
    }
    replies = await bot.say(card_submit(submitted, connector.url, COORDINATOR))
    assert "Kommun: Flen" in replies[0]
    assert "aktiva\n1\n0\n0\n1" in replies[0]


async def test_bad_input_and_files_and_strangers(bot, connector, db, upload):
    await seed(db)
    url = connector.url
    assert await bot.say(message("rapport från=igår2", url, COORDINATOR)) == [
        "”igår2” är inget datum. Skriv t.ex. 2026-01-01."
    ]
    assert await bot.say(message("rapport kommun=Eskilstuna", url, COORDINATOR)) == [
        "Kommunen ”Eskilstuna” finns inte, eller ingår inte i det du får se."
    ]
    assert await bot.say(message("rapport format=pdf", url, COORDINATOR)) == [
        "Formatet ”pdf” finns inte. Välj csv, xlsx eller json."
    ]
    before = len(connector.activities)
    await bot.say(message("rapport från=2026-01-01 till=2026-06-30 format=xlsx", url, COORDINATOR))
    (consent,) = connector.activities[before:]
    attachment = consent["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
    assert attachment["name"] == "stegvis-rapport-2026-01-01--2026-06-30.xlsx"
    context = attachment["content"]["acceptContext"]
    accepted = consent_invoke(message("", url, COORDINATOR), "accept", context, upload.url("r"))
    response = await bot.post(accepted)
    assert response.status == 200
    ((headers, body),) = upload.received
    assert body[:2] == b"PK"  # an XLSX file is a zip
    assert headers["Content-Range"] == f"bytes 0-{len(body) - 1}/{len(body)}"
    assert connector.activities[-1]["attachments"][0]["contentType"] == (
        "application/vnd.microsoft.teams.card.file.info"
    )
    stranger = consent_invoke(message("", url, STRANGER), "accept", context, upload.url("s"))
    await bot.post(stranger)
    assert len(upload.received) == 1  # rebuilt with the stranger's permissions: nothing
    assert await bot.say(message("rapport", url, STRANGER)) == [
        "Du är inte registrerad som personal i Stegvis. Be en administratör lägga till dig."
    ]


# --- On the command line -------------------------------------------------------------------


async def test_cli_report_is_masked_unless_asked(cli_env, capsys, db, tmp_path):
    await seed(db)
    period = ("--from", "2026-01-01", "--to", "2026-06-30")
    code, out, _ = await cli(capsys, "report", "--format", "json", *period)
    assert code == 0
    document = json.loads(out)
    assert document["masked"] is True
    assert document["tables"]["flows"]["rows"]["exited"] == {
        "woman": "x",
        "man": "x",
        "other": "x",
        "total": 25,
    }
    assert document["tables"]["referrals"]["rows"]["af"]["waiting"] == ".."
    code, _, err = await cli(capsys, "report", "--format", "json", "--period", "2026-K1")
    assert code == 2 and "ett helt halvår" in err
    code, out, _ = await cli(capsys, "report", "--format", "json")
    assert json.loads(out)["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    code, out, _ = await cli(
        capsys, "report", "--format", "json", "--unmasked", *period, "--county-part", "vastra"
    )
    document = json.loads(out)
    assert document["masked"] is False
    assert document["filter"] == {"county_part": "Västra"}
    assert document["tables"]["exits_sus"]["rows"]["studies"]["total"] == 2
    assert document["median_days_in_programme"]["total"] == 120

    code, out, _ = await cli(capsys, "report", "--format", "csv", *period)
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["tabell", "rad", "kolumn", "värde"]
    assert ["Avslut per SUS-grupp", "Totalt", "Män", "x"] in rows
    assert ["Avslut per SUS-grupp", "förvärvsarbete", "Män", "x"] in rows
    code, _, err = await cli(capsys, "report", "--format", "csv", *period,
                             "--coach", "Cem Coach")
    assert code == 2 and "Maskerade rapporter gäller hela länet" in err
    # A municipality is a view of the county's report: its rows, as the county's report has them.
    code, out, _ = await cli(capsys, "report", "--format", "csv", *period,
                             "--municipality", "Katrineholm")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff")), delimiter=";"))
    assert code == 0 and {r[0] for r in rows[1:]} - {"Översikt"} == {
        "Aktiva per kommun", "Avslut per kommun och SUS-grupp"}

    target = tmp_path / "rapport.xlsx"
    code, out, _ = await cli(
        capsys, "report", "--format", "xlsx", *period, "--unmasked", "--out", str(target)
    )
    assert code == 0 and str(target) in out
    book = load_workbook(target)
    sheet = book["Avslut per SUS-grupp"]
    assert [c.value for c in sheet[2]] == ["förvärvsarbete", 3, 6, 0, 9]
    assert book["Översikt"]["A1"].value == "Rapport"
    # Long titles are cut after a whole word; the sheet's first row has them in full.
    placements = book["Pågående placeringar under"]
    assert placements["A1"].value == "Pågående placeringar under perioden, per typ och sektor"
    assert all(len(name) <= 31 and name == name.strip() for name in book.sheetnames)

    code, _, err = await cli(capsys, "report", "--format", "json", "--unmasked",
                             "--county-part", "Gotland")
    assert code == 2 and "Länsdelen ”Gotland” finns inte" in err


async def test_a_correction_after_the_period_is_counted_and_said(db):
    """A past period's report gives the same figures whenever it is run, unless something
    about it was recorded after it ended: then it says how many changes."""
    await seed(db)
    before = await report_for(db, COORDINATOR_AAD)
    assert before.late_changes == 0
    async with db.session() as session:
        actor = await load_actor(session, COORDINATOR_AAD)
        await update_fields(session, actor, "T-0001", {"exit_date": "2026-02-01"})
    after = await report_for(db, COORDINATOR_AAD)
    assert after.late_changes == 1
    lines = dict(filter_lines(after, "sv"))
    assert lines["Ändringar i efterhand"] == "1 st. registrerade efter periodens slut"
    assert "Ändringar i efterhand" not in dict(filter_lines(before, "sv"))


async def test_state_on_a_date_in_chat(bot, connector, db):
    """`rapport datum=…`: the state on one date, for those who see individuals; its caseload
    is the period report's caseload at the period's end."""
    await seed(db)
    line = "rapport datum=2026-06-30 länsdel=Västra"
    replies = await bot.say(message(line, connector.url, COORDINATOR))
    (overview,) = replies
    tables = overview
    assert "Datum: 2026-06-30" in overview and "Länsdel: Västra" in overview
    assert "Mediantid i insatsen (Totalt): 149 dagar (4,9 mån, 11 inskrivna)" in overview
    assert "[Ladda ner Excel]" in overview
    assert "Inskrivna per länsdel\nKvinnor\nMän\nAnnat\nTotalt\nVästra\n5\n6\n0\n11" in tables
    assert "Cem Coach\n5\n6\n0\n11" in tables
    period = await report_for(db, COORDINATOR_AAD,
                              ReportFilter(PERIOD.start, PERIOD.end, county_part="Västra"))
    assert row(period, "caseload", "Cem Coach") == [5, 6, 0, 11]
    refused = await bot.say(message("rapport datum=2026-06-30", connector.url, VIEWER))
    assert refused == [
        "Läget ett visst datum visas bara för dem som får se enskilda deltagare (omaskerat). "
        "Maskerade rapporter gäller hela perioder."
    ]


async def test_a_report_kept_under_the_data_version_follows_meetings_and_the_organisation(db):
    """The exact figures are kept while the participants' data is unchanged (build.py): a
    meeting held, an action point done, a county part renamed still show at once."""
    await seed(db)
    before = await report_for(db, LEAD_AAD)
    held = {m.name: (m.held, m.open_action_points) for m in before.meetings}
    assert held["Lokal styrgrupp Västra"] == (2, 1)
    async with db.session() as session:
        point = (await session.exec(select(ActionPoint))).one()
        point.done_at = datetime.now(UTC)
        session.add(point)
        group = (await session.exec(
            select(SteeringGroup).where(SteeringGroup.code == "lokal-styrgrupp-vastra"))).one()
        session.add(Meeting(steering_group_id=group.id, meeting_date=date(2026, 6, 1)))
        part = (await session.exec(select(CountyPart).where(CountyPart.code == "vastra"))).one()
        part.name = "Väst"
        session.add(part)
    after = await report_for(db, LEAD_AAD)
    held = {m.name: (m.held, m.open_action_points) for m in after.meetings}
    assert held["Lokal styrgrupp Västra"] == (3, 0)
    assert "Väst" in after.tables["active_county_part"].rows
    assert "Västra" not in after.tables["active_county_part"].rows
