"""The participant survey's results in the report, through the real HTTP endpoint: the `rapport`
card and its CSV, XLSX and JSON files carry the shares who agree with the protection
`enkätresultat` has (ended half-years, no share under the threshold, county parts only when
every part is large enough, none for a filter the answers cannot follow), checked against an
independent count of generated answers; the lägesrapport shows the same figures as the report;
no file holds a participant code."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlmodel import select

from storage.models import CountyPart, Programme, SurveyAnswer, SurveyResponse
from storage.staff import load_actor
from storage.surveys import save_survey
from tests.fakes import consent_invoke
from tests.people import ADMIN, COORDINATOR, LEAD, LEAD_AAD, VIEWER, add_staff
from tests.teams import message
from tests.test_surveys import at, participant, staff

QUESTIONS = ("listened_to", "progression", "benefit")  # at exit, in this order
ASKED = {"exit": QUESTIONS, "enrolment": ("listened_to", "knows_plan")}
TEXTS = {
    "listened_to": "Jag känner mig lyssnad på och bemött med respekt.",
    "progression": "Jag har kommit närmare arbete eller studier.",
    "benefit": "Jag har haft nytta av stödet jag har fått.",
}
NAMES = {"vastra": "Västra", "norra": "Norra", "sodra": "Södra"}


class Answers:
    """What was answered, kept apart from the bot, to count shares independently."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str, str], list[int]] = {}  # (moment, part, question)
        self.codes: list[str] = []

    def add(self, moment: str, part: str, answers: dict[str, int | None]) -> None:
        for question, value in answers.items():
            if value is not None:
                self.values.setdefault((moment, part, question), []).append(value)

    def of(self, moment: str, question: str, parts: tuple[str, ...] = tuple(NAMES)) -> list[int]:
        return [v for p in parts for v in self.values.get((moment, p, question), [])]

    def cell(self, moment: str, question: str, parts: tuple[str, ...] = tuple(NAMES)) -> str:
        values = self.of(moment, question, parts)
        if len(values) < 5:
            return "för få svar"
        agree = round(100 * sum(v >= 4 for v in values) / len(values))
        return f"{agree} % ({len(values)} svar)"

    def parts_shown(self, moment: str, question: str) -> bool:
        """Every county part has enough answers to the statement."""
        return all(len(self.of(moment, question, (part,))) >= 5 for part in NAMES)

    def row(self, moment: str, question: str) -> list[str]:
        """A county-wide reader's row: the total, then Norra, Södra, Västra (or "–")."""
        shown = self.parts_shown(moment, question)
        return [TEXTS[question], self.cell(moment, question)] + [
            self.cell(moment, question, (part,)) if shown else "–"
            for part in ("norra", "sodra", "vastra")]

    def own_part(self, moment: str, question: str, part: str) -> str:
        """What a reader who sees only `part` gets."""
        if not self.parts_shown(moment, question):
            return "för få svar"
        return self.cell(moment, question, (part,))


async def answered(db, answers: Answers, part: str, count: int, rng: random.Random) -> None:
    """`count` participants of `part` exit and answer the exit survey; every other one the
    enrolment survey too."""
    async with db.session() as session:
        lead = await load_actor(session, LEAD_AAD)
    for n in range(count):
        code = await participant(db, part)
        answers.codes.append(code)
        for moment in ("exit", "enrolment") if n % 2 else ("exit",):
            given: dict[str, int | None] = {q: rng.choice([1, 2, 3, 4, 5, None])
                                            for q in ASKED[moment]}
            given["listened_to"] = rng.randint(1, 5)
            async with db.session() as session:
                await save_survey(session, lead, code, moment, given)
            answers.add(moment, part, given)


@pytest.fixture
async def spring(db, monkeypatch) -> Answers:
    """Västra 9, Norra 6 and Södra 3 exit surveys in 2026-H1; read on 2 July."""
    at(monkeypatch, date(2026, 6, 15))
    await staff(db)
    await add_staff(db, ADMIN)
    answers, rng = Answers(), random.Random(1712)
    for part, count in (("vastra", 9), ("norra", 6), ("sodra", 3)):
        await answered(db, answers, part, count, rng)
    at(monkeypatch, date(2026, 7, 2))
    return answers


def survey_reply(replies: list[str]) -> str:
    (found,) = [r for r in replies if r.startswith("Deltagarenkäten\n")]
    return found


async def accepted_file(bot, connector, upload, sender: dict[str, str]) -> bytes:
    """Allow on the file card just sent: the file as uploaded."""
    context = connector.activities[-1]["attachments"][0]["content"]["acceptContext"]
    before = len(upload.received)
    invoke = consent_invoke(message("", connector.url, sender), "accept", context,
                            upload.url("f"))
    assert (await bot.post(invoke)).status == 200
    return upload.received[before][1]


async def test_the_card_has_the_shares_enkatresultat_has(bot, connector, db, spring,
                                                         monkeypatch):
    answers, url = spring, connector.url
    (alone,) = await bot.say(message("enkätresultat utskrivning 2026-H1", url, VIEWER))
    for reader in (VIEWER, LEAD):
        card = survey_reply(await bot.say(message("rapport period=2026-H1", url, reader)))
        assert "Enkäten vid utskrivning, 2026-H1 (18 besvarade enkäter)" in card
        assert "Enkäten vid inskrivning, 2026-H1 (8 besvarade enkäter)" in card
        for question in QUESTIONS:
            exit_cell = answers.cell("exit", question)
            assert f"{TEXTS[question]}\n{exit_cell}" in card, question
            percent, count = exit_cell.split(" (")
            assert f"{percent} instämmer ({count}" in alone  # the same as enkätresultat
        # Södra has 3 exit answers: no county part is shown, to anyone.
        assert not any(name in card for name in NAMES.values()), reader
    # Västra's samordnare sees Västra only: a part's total only when every part is large.
    card = survey_reply(await bot.say(message("rapport period=2026-H1", url, COORDINATOR)))
    assert card.count("för få svar") == 2 + 3 and "%" not in card.split("Andel som svarat")[0]

    replies = await bot.say(message("rapport period=2026-H1 insats=sikta", url, LEAD))
    assert "Deltagarenkäten: Enkätresultat visas bara i rapporter utan filter" in replies[0]
    assert not any(r.startswith("Deltagarenkäten\n") for r in replies)
    replies = await bot.say(message("rapport period=2026-H2", url, LEAD))  # running
    assert "Deltagarenkäten: Enkätresultat redovisas för hela halvår som är slut" in replies[0]
    replies = await bot.say(message("rapport period=2025-H2", url, VIEWER))
    assert "Deltagarenkäten: Inga enkätsvar under rapportens halvår." in replies[0]

    at(monkeypatch, date(2026, 6, 20))  # two more in Södra: every part is large enough
    await answered(db, answers, "sodra", 2, random.Random(7))
    at(monkeypatch, date(2026, 7, 2))
    card = survey_reply(await bot.say(message("rapport period=2026-H1", url, LEAD)))
    header = "Påstående: andel som instämmer\nTotalt\nNorra\nSödra\nVästra"
    assert header in card
    assert answers.parts_shown("exit", "listened_to")  # always answered: 5 in Södra now
    for question in QUESTIONS:
        assert "\n".join(answers.row("exit", question)) in card, question
    card = survey_reply(await bot.say(message("rapport period=2026-H1", url, COORDINATOR)))
    assert "% (" in card
    for question in QUESTIONS:
        own = answers.own_part("exit", question, "vastra")
        assert f"{TEXTS[question]}\n{own}" in card, question
    year = survey_reply(await bot.say(message("rapport period=2026", url, LEAD)))
    assert "Enkäten vid utskrivning, 2026-H1" in year and "2026-H2" not in year


async def test_files_carry_the_same_figures_and_no_code(bot, connector, db, upload, spring):
    answers, url = spring, connector.url
    card = survey_reply(await bot.say(message("rapport period=2026-H1", url, VIEWER)))

    await bot.say(message("rapport period=2026-H1 format=json", url, VIEWER))
    document = json.loads(await accepted_file(bot, connector, upload, VIEWER))
    surveys = document["surveys"]
    assert surveys["note"] is None
    by_moment = {r["moment"]: r for r in surveys["results"]}
    assert (by_moment["exit"]["period"], by_moment["exit"]["responses"]) == ("2026-H1", 18)
    for moment, result in by_moment.items():
        for item in result["questions"]:
            values = answers.of(moment, item["code"])
            agree = sum(v >= 4 for v in values)
            big = len(values) >= 5
            assert (item["answered"], item["agree"]) == (len(values), agree if big else None)
            assert item["share"] == (round(agree / len(values), 4) if big else None)
            assert item["by_county_part"] is None  # Södra is too small

    await bot.say(message("rapport period=2026-H1 format=xlsx", url, VIEWER))
    book = load_workbook(io.BytesIO(await accepted_file(bot, connector, upload, VIEWER)))
    sheet = book["Deltagarenkäten"]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    for question in QUESTIONS:
        assert [TEXTS[question], answers.cell("exit", question)] in rows
        assert answers.cell("exit", question) in card

    await bot.say(message("rapport period=2026-H1 format=csv", url, VIEWER))
    text = (await accepted_file(bot, connector, upload, VIEWER)).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    title = "Enkäten vid utskrivning, 2026-H1 (18 besvarade enkäter)"
    for question in QUESTIONS:
        assert [title, TEXTS[question], "Totalt", answers.cell("exit", question)] in lines

    everything = json.dumps(document, ensure_ascii=False) + text + json.dumps(rows, default=str)
    assert not any(code in everything for code in answers.codes)


async def status_document(bot, connector, upload, sender: dict[str, str]) -> Any:
    await bot.say(message('lägesrapport grupp="Lokal styrgrupp Västra"', connector.url, sender))
    return Document(io.BytesIO(await accepted_file(bot, connector, upload, sender)))


def survey_tables(document: Any) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables
            if table.rows[0].cells[0].text == "Påstående: andel som instämmer"]


async def test_the_status_report_shows_the_reports_survey_figures(bot, connector, db, upload,
                                                                  spring, monkeypatch):
    answers, url = spring, connector.url
    at(monkeypatch, date(2026, 6, 20))
    await answered(db, answers, "sodra", 2, random.Random(7))
    at(monkeypatch, date(2026, 7, 2))
    # The samordnare's copy: Västra's own shares, as her report has them.
    (enrolment_table, exit_table) = survey_tables(
        await status_document(bot, connector, upload, COORDINATOR))
    await bot.say(message("rapport period=2026-H1 länsdel=Västra format=json", url, COORDINATOR))
    report = json.loads(await accepted_file(bot, connector, upload, COORDINATOR))
    exit_result = next(r for r in report["surveys"]["results"] if r["moment"] == "exit")
    assert exit_table[0] == ["Påstående: andel som instämmer", "Totalt"]
    for row, item in zip(exit_table[1:], exit_result["questions"], strict=True):
        cell = answers.own_part("exit", item["code"], "vastra")
        assert row == [item["text"], cell]
        if item["share"] is not None:
            assert cell == f"{round(100 * item['share'])} % ({item['answered']} svar)"
    assert enrolment_table[1][1] == "för få svar"  # Västra has 4 enrolment answers

    # The evaluator's copy: masked and county-wide, with the county parts.
    (_, exit_table) = survey_tables(await status_document(bot, connector, upload, VIEWER))
    assert exit_table[0] == ["Påstående: andel som instämmer", "Totalt", "Norra", "Södra",
                             "Västra"]
    assert [row[0] for row in exit_table[1:]] == [TEXTS[q] for q in QUESTIONS]
    for row, question in zip(exit_table[1:], QUESTIONS, strict=True):
        assert row == answers.row("exit", question)


def docx_tables(document: Any) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


def sheet_rows(book: Any) -> dict[str, list[list[str]]]:
    """Each sheet as strings (empty cells dropped), by its first cell."""
    found = {}
    for sheet in book.worksheets:
        rows = [["" if c is None else str(c) for c in row]
                for row in sheet.iter_rows(values_only=True)]
        rows = [row[:max(i for i, c in enumerate(row) if c) + 1] for row in rows if any(row)]
        found[rows[0][0]] = rows
    return found


@pytest.mark.parametrize("reader", [COORDINATOR, VIEWER], ids=["unmasked", "masked"])
async def test_the_status_reports_tables_are_the_reports(bot, connector, db, upload, spring,
                                                         reader):
    """Every table of the lägesrapport is the table of the report of the same scope as a
    spreadsheet (the funders' tables there have a share beside each count: the counts match),
    and so are its goal lines."""
    document = await status_document(bot, connector, upload, reader)
    area = " länsdel=Västra" if reader is COORDINATOR else ""
    await bot.say(message(f"rapport period=2026-H1{area} format=xlsx", connector.url, reader))
    sheets = sheet_rows(load_workbook(io.BytesIO(await accepted_file(bot, connector, upload,
                                                                     reader))))
    matched = 0
    for table in docx_tables(document):
        sheet = sheets.get(table[0][0])
        if sheet is None:
            continue
        if sheet[0] != table[0]:  # counts and their shares side by side: every other column
            sheet = [[row[0], *row[1::2]] for row in sheet]
        assert sheet == table, table[0][0]
        matched += 1
    assert matched >= 20
    overview = sheets["Rapport"]
    shares = next(t for t in docx_tables(document) if t[0][0].startswith("Andel avslutade"))
    assert len(shares) > 5 and all(row in overview for row in shares)
    surveys = [row for t in survey_tables(document) for row in t]
    assert len(surveys) == 2 + 3 + 2 and all(row in sheets["Deltagarenkäten"] for row in surveys)
    def bold(table: Any) -> bool:
        return any(run.bold for run in table.rows[0].cells[0].paragraphs[0].runs)

    first_cells = {t.rows[0].cells[0].text: t for t in document.tables}
    assert not bold(first_cells[shares[0][0]]) and not bold(first_cells["Period"])
    assert bold(first_cells["Flöde under perioden"])  # a header: bold
    hidden = {c for t in docx_tables(document) for row in t for c in row[1:]} & {"x", ".."}
    assert bool(hidden) == (reader is VIEWER)


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: no conversion to PDF")
async def test_libreoffice_opens_the_status_report(bot, connector, db, upload, spring,
                                                   tmp_path):
    document = await status_document(bot, connector, upload, VIEWER)
    source = tmp_path / "lagesrapport.docx"
    document.save(source)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=180)
    assert (tmp_path / "lagesrapport.pdf").read_bytes().startswith(b"%PDF")


def test_only_the_survey_modules_read_the_answers():
    """The answers reach reports, exports and extracts only as the shares
    storage/reports/surveys.py counts: no other module names their tables (a new export that
    did would have to pass the same protection, and fails here first)."""
    root = Path(__file__).resolve().parents[1]
    names = re.compile(r"\bSurvey(Answer|Response)\b|\bsurvey_(answer|response)\b(?!s)")
    readers = {
        path.relative_to(root).as_posix()
        for folder in ("bot", "dialogs", "scheduler", "storage")
        for path in (root / folder).rglob("*.py")
        if "migrations" not in path.parts and names.search(path.read_text(encoding="utf-8"))
    }
    assert readers == {
        "storage/models/__init__.py",
        "storage/models/_programme.py",
        "storage/surveys.py",
        "storage/reports/surveys.py",
    }


async def test_a_long_period_shows_the_latest_half_years_on_the_card(bot, connector, db,
                                                                      upload, spring):
    """Every ended half-year with answers is in the files; the card has the latest two (Teams
    takes no message over 28 KB) and says where the others are."""
    async with db.session() as session:
        parts = {p.code: p.id for p in (await session.exec(select(CountyPart))).all()}
        programme = (await session.exec(select(Programme))).first()
        for period in ("2024-H1", "2024-H2", "2025-H1", "2025-H2"):
            for n in range(6):
                response = SurveyResponse(
                    id=f"{period}-{n}", moment="exit", programme_id=programme.id,
                    county_part_id=parts["vastra"], period=period, gender="man",
                    age_band="30_39")
                session.add(response)
                await session.flush()
                session.add(SurveyAnswer(response_id=response.id, question_code="listened_to",
                                         value=1 + n % 5))
    url = connector.url
    line = "rapport från=2024-01-01 till=2026-06-30"
    card = survey_reply(await bot.say(message(line, url, LEAD)))
    assert "2026-H1" in card and "Enkäten vid utskrivning, 2025-H2 (6 besvarade" in card
    assert "2025-H1" not in card and "2024" not in card
    assert "Enkätresultat för 3 tidigare halvår finns i filerna" in card
    await bot.say(message(f"{line} format=json", url, LEAD))
    document = json.loads(await accepted_file(bot, connector, upload, LEAD))
    periods = [(r["period"], r["moment"]) for r in document["surveys"]["results"]]
    assert periods == [("2024-H1", "exit"), ("2024-H2", "exit"), ("2025-H1", "exit"),
                       ("2025-H2", "exit"), ("2026-H1", "enrolment"), ("2026-H1", "exit")]
