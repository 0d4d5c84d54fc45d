"""The evaluator's extract: admins only, a file over the real endpoint (FileConsentCard) and on
the command line, coded cells only, fresh keys every time, row counts against independent
counts, and one audit row without the rows. Both engines."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlmodel import select

from dialogs.evaluator_files import to_xlsx
from storage import events, pii
from storage.clock import clock
from storage.evaluator import (
    COLUMN_NAMES,
    COLUMNS,
    INVALID,
    KEY_LENGTH,
    EvaluatorExtract,
    build_rows,
    parse_periods,
)
from storage.models import AuditEntry, Municipality, Participant, Programme
from storage.permissions import Role
from storage.reports.period import parse_period
from storage.rules import DESTINATIONS, VOCABULARIES
from storage.staff import upsert_staff
from tests.conftest import cli
from tests.fakes import consent_invoke
from tests.teams import ADMIN_AAD, COACH_AAD, COORDINATOR_AAD, message, user
from tests.test_report import LEAD_AAD, SEED, VIEWER_AAD, seed

ADMIN = user(ADMIN_AAD, "Alva Admin")
COACH = user(COACH_AAD, "Cem Coach")
COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
LEAD = user(LEAD_AAD, "Lena Insatsledare")
VIEWER = user(VIEWER_AAD, "Ebba Utvärderare")
H1 = parse_period("2026-H1")


@pytest.fixture(autouse=True)
def july(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 7, 15, 9, 0, tzinfo=UTC))


def independent_count(people: list[dict], start: date, end: date) -> int:
    """Who should be in a period, counted from the seed's own plain values."""
    total = 0
    for person in people:
        if not person.get("consent", True) or person.get("reason") == "registration_error":
            continue
        if person["referral_date"] > end:
            continue
        if person.get("exit_date") and person["exit_date"] < start:
            continue
        total += 1
    return total


async def with_extras(db) -> None:
    """The report's seed, an admin, and three who must never be in a row: no consent, a
    felregistrering, one who left before the period; plus one whose gender column holds text
    written outside the bot (a name)."""
    await seed(db)
    async with db.session() as session:
        await upsert_staff(session, ADMIN_AAD, "Alva Admin", Role.ADMIN, [])
        flen = (await session.exec(select(Municipality).where(Municipality.name == "Flen"))).one()
        sikta = (await session.exec(select(Programme).where(Programme.code == "sikta"))).one()
        common = dict(programme_id=sikta.id, county_part_id=flen.county_part_id,
                      municipality_id=flen.id, birth_year=1985,
                      income_source_start="sickness_benefit", referring_party="fk")
        session.add_all([
            Participant(code="X-0001", consent=False, gender="woman", status="referred",
                        referral_date=date(2026, 3, 1), **common),
            Participant(code="X-0002", consent=True, gender="man", status="exited",
                        referral_date=date(2026, 1, 5), decision_date=date(2026, 1, 6),
                        enrolment_date=date(2026, 1, 7), exit_date=date(2026, 1, 8),
                        exit_reason="registration_error", exit_destination="unknown", **common),
            Participant(code="X-0003", consent=True, gender="man", status="exited",
                        referral_date=date(2025, 1, 5), decision_date=date(2025, 1, 6),
                        enrolment_date=date(2025, 1, 7), exit_date=date(2025, 12, 30),
                        exit_reason="moved", exit_destination="none", **common),
            Participant(code="X-0004", consent=True, gender="Anna Andersson", status="waiting",
                        referral_date=date(2026, 5, 1), **common),
        ])
        await session.flush()
        await events.record_rows(session)


def data_rows(book) -> list[dict]:
    header, *rows = list(book["Data"].iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


async def test_admin_gets_the_file_others_a_kind_no_and_the_audit_keeps_no_rows(
    bot, connector, db, upload
):
    await with_extras(db)
    url = connector.url
    for who in (COACH, COORDINATOR, LEAD, VIEWER):
        (answer,) = await bot.say(message("utvärderingsuttag period=2026-H1", url, who))
        assert answer.startswith("Utvärderingsuttaget innehåller en rad per deltagare")
        assert "`rapport`" in answer
    assert await bot.say(message("utvärderingsuttag period=2026-H2", url, ADMIN)) == [
        "Perioden 2026-H2 har inte tagit slut än. Uttaget gäller perioder som har tagit slut, "
        "så att det inte ändras under tiden."
    ]
    (answer,) = await bot.say(message("utvärderingsuttag period=2026-X9", url, ADMIN))
    assert answer.startswith("”2026-X9” är ingen period.")
    assert await bot.say(message("utvärderingsuttag format=pdf", url, ADMIN)) == [
        "”pdf” är inget format för uttaget. Välj xlsx, csv eller json."]

    before = len(connector.activities)
    await bot.say(message("utvärderingsuttag period=2026-H1", url, ADMIN))
    (consent,) = connector.activities[before:]
    attachment = consent["attachments"][0]
    assert attachment["name"] == "stegvis-utvarderingsuttag-2026-H1.xlsx"
    context = attachment["content"]["acceptContext"]
    async with db.session() as session:  # offered, not handed over: nothing logged yet
        assert (await session.exec(
            select(AuditEntry).where(AuditEntry.entity == "evaluator_extract"))).all() == []
    # Someone else pressing Allow gets nothing.
    await bot.post(consent_invoke(message("", url, COACH), "accept", context, upload.url("c")))
    assert upload.received == []
    await bot.post(consent_invoke(message("", url, ADMIN), "accept", context, upload.url("a")))
    ((_, body),) = upload.received
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Data", "Datadefinitioner"]
    rows = data_rows(book)
    assert len(rows) == independent_count(SEED, H1.start, H1.end) + 1  # and X-0004
    assert {r["period"] for r in rows} == {"2026-H1"}
    assert tuple(rows[0]) == COLUMN_NAMES
    # The report's own counts, from its SQL, agree with the rows.
    assert sum(1 for r in rows if r["exit_month"] and r["exit_month"] >= "2026-01") == 25
    assert sum(1 for r in rows if r["referral_month"] >= "2026-01") == 12 + 1
    assert sum(1 for r in rows if r["sus_group"] in ("employment", "studies")) == 12
    # The state at the period's end, from the events, as the seed has it.
    assert Counter(r["status_at_end"] for r in rows) == {
        "exited": 25, "enrolled": 11, "waiting": 3 + 1, "referred": 2, "not_accepted": 1}
    assert sum(1 for r in rows if r["in_placement_at_end"]) == 2 + 1 + 6
    # The text in the gender column never travels.
    assert sorted({r["gender"] for r in rows}) == ["invalid", "man", "other", "woman"]
    everything = json.dumps(rows, default=str)
    for code in ("T-0001", "X-0004", "Anna", "Andersson", "1985", "1990", "Cem"):
        assert code not in everything
    dictionary = list(book["Datadefinitioner"].iter_rows(values_only=True))
    assert dictionary[0] == ("Kolumn", "Betydelse", "Typ", "Möjliga värden")
    assert [row[0] for row in dictionary[1:len(COLUMNS) + 1]] == list(COLUMN_NAMES)
    gender = next(row for row in dictionary if row[0] == "gender")
    assert gender[3] == "woman = kvinna; man = man; other = annat"
    notes = " ".join(str(row[0]) for row in dictionary[len(COLUMNS) + 1:] if row[0])
    assert "kopplingen sparas inte" in notes and "födelseår" in notes

    async with db.session() as session:
        (entry,) = (await session.exec(
            select(AuditEntry).where(AuditEntry.entity == "evaluator_extract"))).all()
    assert (entry.action, entry.actor_aad_object_id) == ("extract", ADMIN_AAD)
    assert entry.participant_id is None and entry.participant_code is None
    assert entry.changes is None
    assert json.loads(entry.details) == {"periods": ["2026-H1"], "rows": len(rows),
                                         "format": "xlsx"}


async def test_in_a_channel_the_file_comes_in_personal_chat(bot, connector, db):
    await with_extras(db)
    url = connector.url
    (help_text,) = await bot.say(message("hjälp", url, ADMIN))
    assert "utvärderingsuttag" in help_text
    (help_text,) = await bot.say(message("hjälp", url, COACH))
    assert "utvärderingsuttag" not in help_text
    in_channel = message("utvärderingsuttag", url, ADMIN,
                         conversation_id="19:general@thread.tacv2")
    in_channel["conversation"]["conversationType"] = "channel"
    before = len(connector.activities)
    await bot.say(in_channel)
    sent = connector.activities[before:]
    channel = [a for a in sent if a["_conversation"].startswith("19:general")]
    assert len(channel) == 1 and "till din personliga chatt" in channel[0]["text"]
    offered = [a for a in sent if a["_conversation"].startswith("a:personal")]
    assert offered[0]["attachments"][0]["name"] == "stegvis-utvarderingsuttag-2026-H1.xlsx"


async def test_two_extracts_of_the_same_data_share_no_key(db, cli_env, capsys, tmp_path):
    await with_extras(db)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (first, second):
        code, printed, _ = await cli(capsys, "utvarderingsuttag", "--period", "2025-H2,2026-H1",
                                     "--format", "csv", "--out", str(out))
        assert code == 0 and "är loggat" in printed
    runs = [list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
            for path in (first, second)]
    keys = [{r["key"] for r in rows} for rows in runs]
    assert keys[0] and not keys[0] & keys[1]
    assert all(len(k) == KEY_LENGTH and k.isalpha() and k.islower() for k in keys[0])
    # Within one extract a person keeps their key across its periods; rows are the same
    # apart from the keys.
    by_period = {p: {r["key"] for r in runs[0] if r["period"] == p} for p in ("2025-H2", "2026-H1")}
    assert by_period["2025-H2"] & by_period["2026-H1"]
    assert sorted(tuple(v for k, v in r.items() if k != "key") for r in runs[0]) == sorted(
        tuple(v for k, v in r.items() if k != "key") for r in runs[1])
    h2 = parse_period("2025-H2")
    counts = [sum(1 for r in runs[0] if r["period"] == p.code) for p in (h2, H1)]
    extra_h2 = 1  # X-0003 left on 2025-12-30: in 2025-H2, not in 2026-H1
    assert counts == [independent_count(SEED, h2.start, h2.end) + extra_h2,
                      independent_count(SEED, H1.start, H1.end) + 1]
    async with db.session() as session:
        entries = (await session.exec(
            select(AuditEntry).where(AuditEntry.entity == "evaluator_extract"))).all()
    assert [(e.actor_aad_object_id, json.loads(e.details)["periods"]) for e in entries] == [
        ("cli", ["2025-H2", "2026-H1"])] * 2

    code, out, _ = await cli(capsys, "utvarderingsuttag", "--format", "json", "--out", "-")
    document = json.loads(out)
    assert code == 0 and document["periods"] == ["2026-H1"]
    assert [c["column"] for c in document["columns"]] == list(COLUMN_NAMES)
    code, _, err = await cli(capsys, "utvarderingsuttag", "--period", "2026-H2")
    assert code == 2 and "har inte tagit slut" in err


# --- every cell is coded, whatever the register holds ----------------------------------------

TEXT = st.text(max_size=30)
ANY_CODE = lambda vocabulary: st.one_of(st.sampled_from(VOCABULARIES[vocabulary]), TEXT)  # noqa: E731
DAYS = st.dates(date(2018, 1, 1), date(2026, 7, 14))
NAMES = {"programme": {1: "sikta"}, "county_part": {1: "vastra", 2: "norra"},
         "municipality": {1: "Flen", 2: "Katrineholm", 3: "Eskilstuna"}}


@st.composite
def participants(draw):
    referral = draw(DAYS)
    later = st.dates(referral, date(2026, 7, 14))
    enrolment = draw(st.none() | later)
    exit_day = draw(st.none() | st.dates(enrolment, date(2026, 7, 14))) if enrolment else None
    return SimpleNamespace(
        id=draw(st.integers(1, 10**6)),
        programme_id=draw(st.integers(0, 2)), county_part_id=draw(st.integers(0, 3)),
        municipality_id=draw(st.integers(0, 4)),
        gender=draw(ANY_CODE("gender")), birth_year=draw(st.integers(1900, 2026)),
        income_source_start=draw(ANY_CODE("income")), referring_party=draw(ANY_CODE("party")),
        consent=draw(st.booleans()), referral_date=referral,
        status=draw(st.sampled_from(["referred", "waiting", "accepted", "not_accepted",
                                     "enrolled", "exited"]) | TEXT),
        decision_date=draw(st.none() | later), not_accepted_reason=draw(ANY_CODE("not_accepted")),
        enrolment_date=enrolment, extended_until=draw(st.none() | later),
        exit_date=exit_day, exit_reason=draw(ANY_CODE("exit_reason")),
        exit_destination=draw(ANY_CODE("destination")),
        income_source_exit=draw(ANY_CODE("income")),
        survey_enrolment_done=draw(st.booleans()), survey_exit_done=draw(st.booleans()),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(participants(), max_size=12, unique_by=lambda p: p.id),
       text=st.sampled_from(["2025-H2", "2026-H1", "2025-H2,2026-H1", "2026-K1", "2025"]))
def test_every_cell_is_a_code_the_guard_lets_through(people, text):
    periods = parse_periods(text, date(2026, 7, 15), "half")
    placements = {p.id: [SimpleNamespace(start_date=p.referral_date, end_date=None)]
                  for p in people[::2]}
    steps = {p.id: [SimpleNamespace(step="motivation", step_date=p.referral_date)]
             for p in people[1::2]}
    rows = build_rows(people, periods, NAMES, placements, steps)
    allowed = {c.name: set(c.values) for c in COLUMNS if c.kind == "code"}
    for name, values in NAMES.items():
        allowed[name] = set(values.values())
    allowed["sus_group"] = {g.value for g in set(DESTINATIONS.values())}
    for row in rows:
        assert tuple(row) == COLUMN_NAMES
        for column in COLUMNS:
            value = row[column.name]
            if isinstance(value, str):
                pii.check(value, pii.Policy.NO_NAMES)  # neither a number nor a name
            if value is None or value == INVALID:
                continue
            if column.kind == "code":
                assert value in allowed[column.name], (column.name, value)
            elif column.kind in ("count", "flag"):
                assert isinstance(value, int) and value >= 0
            elif column.kind == "month":
                assert len(value) == 7 and value[4] == "-" and value[:4].isdigit()
    assert len(rows) == sum(
        1 for period in periods for p in people
        if p.consent and p.exit_reason != "registration_error"
        and p.referral_date <= period.end and not (p.exit_date and p.exit_date < period.start)
        and not (p.status == "not_accepted" and p.decision_date
                 and p.decision_date < period.start)
    )
    # A key stands for one person within the extract, never for two.
    owners: dict[str, set] = {}
    for row in rows:
        owners.setdefault(row["key"], set()).add(row["period"])
    assert sum(len(v) for v in owners.values()) == len(rows)


def test_periods_are_checked():
    today = date(2026, 7, 15)
    assert [p.code for p in parse_periods("", today, "quarter")] == ["2026-K2"]
    assert [p.code for p in parse_periods("2026-H1, 2025-H2,2026-H1", today, "half")] == [
        "2025-H2", "2026-H1"]


def test_a_name_from_the_organisation_file_is_never_a_formula():
    row = dict.fromkeys(COLUMN_NAMES)
    row.update(key="abcdefghij", period="2026-H1", municipality='=HYPERLINK("x")',
               extended=True, placements_started=2)
    extract = EvaluatorExtract((H1,), "2026-07-15T09:00:00+00:00", [row],
                               {"municipality": ('=HYPERLINK("x")',)})
    book = load_workbook(io.BytesIO(to_xlsx(extract)))
    sheet = book["Data"]
    cell = sheet.cell(2, COLUMN_NAMES.index("municipality") + 1)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x")', "s")
    assert sheet.cell(2, COLUMN_NAMES.index("extended") + 1).value == 1
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    dictionary = dict((r[0], r[3]) for r in book["Datadefinitioner"].iter_rows(values_only=True)
                      if r and r[0] in COLUMN_NAMES)
    assert dictionary["municipality"] == '=HYPERLINK("x")'
