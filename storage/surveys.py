"""The participant survey at enrolment and exit, and its results.

The coach fills in the card with the participant present. The answers are stored without the
participant: a response holds programme, county part, half-year, gender and age band, a random
id and no time, so no report, export or extract can join it to a code. Only the participant's
"survey done" flag records that it happened (audited like any change of the record).

Results are counted by `storage.reports.surveys`, for `enkätresultat` here and for every report
alike: shares of those who agree, for ended half-years only, no figures for a group smaller than
the association's threshold, county parts only when every county part is large enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.models import (
    CountyPart,
    Programme,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from storage.participants import get_participant, update_fields
from storage.permissions import Action, Actor, is_allowed, visible_county_parts
from storage.pii import opaque_token
from storage.reports.period import GridPeriod, latest_ended
from storage.reports.split import age_band
from storage.reports.surveys import MOMENTS, Question, SurveyResults, survey_shares
from storage.rules import RuleError, Status

SCALE = (1, 2, 3, 4, 5)
_FLAG = {"enrolment": "survey_enrolment_done", "exit": "survey_exit_done"}
_STATUSES = {
    "enrolment": frozenset({Status.ENROLLED, Status.EXITED}),
    "exit": frozenset({Status.EXITED}),
}


@dataclass(frozen=True)
class SurveyForm:
    code: str
    moment: str
    questions: list[Question]


def half_year(day: date) -> str:
    return GridPeriod(date(day.year, 1 if day.month <= 6 else 7, 1), "half").code


async def _questions(session: AsyncSession, programme_code: str, moment: str) -> list[Question]:
    rows = (
        await session.exec(
            select(SurveyQuestion).where(SurveyQuestion.active).order_by(col(SurveyQuestion.position))
        )
    ).all()
    return [
        Question(q.code, q.text)
        for q in rows
        if moment in q.moments.split(",")
        and (not q.programmes or programme_code in q.programmes.split(","))
    ]


async def start_survey(session: AsyncSession, actor: Actor, code: str, moment: str) -> SurveyForm:
    """The questions for this participant and moment, if the survey may be given now: by
    someone who writes the record, at the right stage, not already done."""
    if moment not in MOMENTS:
        raise RuleError("survey_usage")
    participant = await get_participant(session, actor, code, Action.WRITE_PARTICIPANT)
    if Status(participant.status) not in _STATUSES[moment]:
        raise RuleError(f"survey_not_{moment}", code=participant.code)
    if getattr(participant, _FLAG[moment]):
        raise RuleError(f"survey_done_{moment}", code=participant.code)
    programme = await session.get(Programme, participant.programme_id)
    questions = await _questions(session, programme.code if programme else "", moment)
    if not questions:
        raise RuleError("survey_no_questions")
    return SurveyForm(participant.code, moment, questions)


async def save_survey(
    session: AsyncSession, actor: Actor, code: str, moment: str, answers: dict[str, int | None]
) -> int:
    """Store the answers apart from the participant and mark the survey done; returns how many
    questions were answered. A skipped question (None) stores nothing."""
    form = await start_survey(session, actor, code, moment)
    wanted = {q.code for q in form.questions}
    if set(answers) - wanted:
        raise RuleError("survey_changed")
    given = {k: v for k, v in answers.items() if v is not None}
    if any(v not in SCALE for v in given.values()):
        raise RuleError("survey_bad_value")
    if not given:
        raise RuleError("survey_empty")
    participant = await get_participant(session, actor, code, Action.WRITE_PARTICIPANT)
    today = clock.today()
    response = SurveyResponse(
        id=opaque_token(),
        moment=moment,
        programme_id=participant.programme_id,
        county_part_id=participant.county_part_id,
        period=half_year(today),
        gender=participant.gender,
        age_band=age_band(today, participant.birth_year),
    )
    session.add(response)
    await session.flush()
    session.add_all(
        SurveyAnswer(response_id=response.id, question_code=k, value=v) for k, v in given.items()
    )
    await update_fields(session, actor, form.code, {_FLAG[moment]: "ja"})
    return len(given)


async def survey_results(
    session: AsyncSession, actor: Actor, moment: str, period: GridPeriod | None = None
) -> SurveyResults:
    """Shares per statement for an ended half-year (default: the latest), within the county
    parts the reader may see."""
    if moment not in MOMENTS:
        raise RuleError("survey_results_usage")
    if not is_allowed(actor, Action.READ_REPORT):
        raise RuleError("survey_not_allowed_read")
    today = clock.today()
    period = period or latest_ended(today, "half")
    if period.grain != "half" or not period.has_ended(today):
        raise RuleError("survey_results_period", latest=latest_ended(today, "half").code)
    parts = (await session.exec(select(CountyPart))).all()
    visible = visible_county_parts(actor, frozenset(p.code for p in parts))
    mine = frozenset(p.id for p in parts if p.id is not None and p.code in visible)
    return await survey_shares(session, moment, period, mine)
