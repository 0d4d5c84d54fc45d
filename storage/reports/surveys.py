"""The participant survey's results: shares of those who agree (4 or 5 on the 1–5 scale) per
statement, for one moment (enrolment or exit) and one ended half-year, within a set of county
parts. `storage.surveys.survey_results` (the `enkätresultat` command) and the report
(`report_surveys`, carried by `result.Report.surveys`) both count here, so the same rules
protect both:

- ended half-years only, whatever the reader's role: a running period would show each new
  answer as a difference between two readings;
- a group smaller than the association's threshold shows no share (a coach must not be able to
  read one participant's answers);
- county parts are shown (as a breakdown, or as the total of a reader who sees only some)
  only when every county part is large enough, so no part can be worked out from the
  county-wide total and the others.

The answers carry programme, county part, half-year, gender and age band, never a participant:
nothing here can be joined to a code. A report filtered by programme, municipality or coach
shows no survey results (the answers have no municipality or coach, and a programme's share
next to the total would give away the other programmes' small groups).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.models import (
    Association,
    CountyPart,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    key_of,
)
from storage.reports.period import GridPeriod
from storage.reports.scope import ReportScope

MOMENTS = ("enrolment", "exit")
AGREE = frozenset({4, 5})


@dataclass(frozen=True)
class Question:
    code: str
    text: str


@dataclass(frozen=True)
class Share:
    """Those who agree among those who answered; `agree` None when the group is too small."""

    answered: int
    agree: int | None

    @property
    def value(self) -> float | None:
        if self.agree is None or not self.answered:
            return None
        return self.agree / self.answered

    @property
    def percent(self) -> int | None:
        return None if self.value is None else round(100 * self.value)


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    total: Share
    by_county_part: dict[str, Share] | None


@dataclass(frozen=True)
class SurveyResults:
    period: GridPeriod
    moment: str
    responses: int
    threshold: int
    questions: list[QuestionResult]


@dataclass(frozen=True)
class ReportSurveys:
    """A report's survey results: one `SurveyResults` per ended half-year in its period and
    moment with answers; `note` says why there are none ("filtered", "no_half_year",
    "no_answers")."""

    results: tuple[SurveyResults, ...]
    note: str | None = None


def _share(values: list[int], threshold: int) -> Share:
    agree = sum(v in AGREE for v in values)
    return Share(len(values), agree if len(values) >= threshold else None)


@dataclass(frozen=True)
class _Answers:
    """What the shares are counted from: the settings, county parts and statements, and the
    answers of one or more half-years (moment, period code, county part, statement, value)."""

    threshold: int
    parts: dict[int, CountyPart]
    questions: tuple[SurveyQuestion, ...]
    answers: tuple[tuple[str, str, int, str, int], ...]
    responses: tuple[tuple[str, str, int], ...]


async def _answers(session: AsyncSession, periods: list[GridPeriod]) -> _Answers:
    """Everything the shares of these half-years need, in five statements however many."""
    association = (await session.exec(select(Association))).first()
    codes = [p.code for p in periods]
    in_periods = col(SurveyResponse.period).in_(codes)
    # Five columns: more than SQLModel's `select` types, so SQLAlchemy's, run with `execute`.
    answers = (
        await session.execute(
            sqlalchemy.select(col(SurveyResponse.moment), col(SurveyResponse.period),
                              col(SurveyResponse.county_part_id),
                              col(SurveyAnswer.question_code), col(SurveyAnswer.value))
            .join(SurveyAnswer, col(SurveyAnswer.response_id) == SurveyResponse.id)
            .where(in_periods)
        )
    ).all()
    responses = (
        await session.exec(
            select(SurveyResponse.moment, SurveyResponse.period, SurveyResponse.county_part_id)
            .where(in_periods)
        )
    ).all()
    questions = (
        await session.exec(select(SurveyQuestion).order_by(col(SurveyQuestion.position)))
    ).all()
    return _Answers(
        threshold=association.small_cell_threshold if association else 5,
        parts={key_of(p): p for p in (await session.exec(select(CountyPart))).all()},
        questions=tuple(questions),
        answers=tuple((m, c, p, q, v) for m, c, p, q, v in answers),
        responses=tuple((m, c, p) for m, c, p in responses),
    )


async def survey_shares(
    session: AsyncSession, moment: str, period: GridPeriod, county_part_ids: frozenset[int]
) -> SurveyResults:
    """Shares per statement for an ended half-year, within these county parts (the reader's,
    or the report's): the one count every output of survey results comes from."""
    return _shares(await _answers(session, [period]), moment, period, county_part_ids)


def _shares(
    found: _Answers, moment: str, period: GridPeriod, county_part_ids: frozenset[int]
) -> SurveyResults:
    threshold, parts = found.threshold, found.parts
    mine = {i for i in parts if i in county_part_ids}
    everyone = mine == set(parts)
    rows = [(p, c, v) for m, code, p, c, v in found.answers
            if m == moment and code == period.code]
    asked = Counter(code for _, code, _ in rows)
    results = []
    for q in found.questions:
        if not asked[q.code] and not (q.active and moment in q.moments.split(",")):
            continue
        per_part = {
            i: _share([v for p, c, v in rows if c == q.code and p == i], threshold) for i in parts
        }
        # Every county part large enough, or a part's figure follows from the others.
        parts_ok = all(s.agree is not None for s in per_part.values())
        total = _share([v for p, c, v in rows if c == q.code and p in mine], threshold)
        if not everyone and not parts_ok:
            total = Share(total.answered, None)
        breakdown = (
            {parts[i].name: per_part[i] for i in sorted(mine, key=lambda i: parts[i].name)}
            if parts_ok and len(mine) > 1
            else None
        )
        results.append(QuestionResult(Question(q.code, q.text), total, breakdown))
    count = sum(m == moment and code == period.code and part in mine
                for m, code, part in found.responses)
    return SurveyResults(period, moment, count, threshold, results)


def ended_half_years(start: date, end: date, today: date) -> list[GridPeriod]:
    """The half-years wholly inside start–end that have ended, in order."""
    found = []
    for year in range(start.year, end.year + 1):
        for month in (1, 7):
            half = GridPeriod(date(year, month, 1), "half")
            if start <= half.start and half.end <= end and half.has_ended(today):
                found.append(half)
    return found


async def report_surveys(session: AsyncSession, scope: ReportScope) -> ReportSurveys:
    """The survey results a report for `scope` shows: its county parts, each ended half-year
    of its period, both moments; none for a filter the answers cannot follow."""
    if any(i is not None for i in (scope.programme_id, scope.municipality_id, scope.coach_id)):
        return ReportSurveys((), "filtered")
    halves = ended_half_years(scope.start, scope.end, clock.today())
    if not halves:
        return ReportSurveys((), "no_half_year")
    parts = frozenset(scope.county_part_ids)
    answers = await _answers(session, halves)
    found = []
    for half in halves:
        for moment in MOMENTS:
            results = _shares(answers, moment, half, parts)
            if results.responses:
                found.append(results)
    return ReportSurveys(tuple(found), None if found else "no_answers")
