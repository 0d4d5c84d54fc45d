"""The participant survey in the chat: `enkät <kod> inskrivning|utskrivning` shows a card the
coach fills in with the participant present; `enkätresultat` shows the shares who agree. What
is stored, and why it cannot be traced back, is in `storage.surveys`."""

from __future__ import annotations

from typing import Any

from dialogs.cards import card, card_message, heading, paragraph, table
from dialogs.forms import CODE
from dialogs.reply import Reply
from dialogs.report_text import survey_grids, survey_notes
from dialogs.router import Route, Turn
from dialogs.texts import t
from storage.permissions import Action
from storage.reports import Report
from storage.reports.period import parse_period
from storage.reports.surveys import SurveyResults
from storage.rules import RuleError
from storage.surveys import (
    SCALE,
    SurveyForm,
    save_survey,
    start_survey,
    survey_results,
)

SUBMIT_COMMAND = "enkät spara"
SKIP = "skip"
MOMENT_WORDS = {
    "inskrivning": "enrolment", "in": "enrolment", "start": "enrolment", "enrolment": "enrolment",
    "utskrivning": "exit", "ut": "exit", "avslut": "exit", "exit": "exit",
}
PREFIX = "q_"


def _moment(words: list[str] | tuple[str, ...]) -> str | None:
    return next((MOMENT_WORDS[w] for w in words if w in MOMENT_WORDS), None)


def survey_card(turn: Turn, form: SurveyForm) -> Any:
    locale = turn.locale
    title = t(f"survey_title_{form.moment}", locale, code=form.code)
    choices = [
        {"title": t(f"survey_scale_{value}", locale), "value": str(value)} for value in SCALE
    ] + [{"title": t("survey_skip", locale), "value": SKIP}]
    body: list[dict[str, Any]] = [heading(title), paragraph(t("survey_intro", locale), subtle=True)]
    for question in form.questions:
        body.append(
            {
                "type": "Input.ChoiceSet",
                "id": PREFIX + question.code,
                "label": question.text,
                "style": "expanded",
                "isRequired": True,
                "errorMessage": t("survey_choose", locale),
                "choices": choices,
            }
        )
    actions = [
        {
            "type": "Action.Submit",
            "title": t("survey_button", locale),
            "data": {"command": SUBMIT_COMMAND, "code": form.code, "moment": form.moment},
        }
    ]
    return card_message(card(body, actions), title)


async def start(turn: Turn) -> None:
    """`enkät <kod> inskrivning|utskrivning`."""
    code = next((a.upper() for a in turn.args if CODE.match(a)), None)
    moment = _moment(turn.args)
    if code is None or moment is None:
        await turn.reply(turn.text("survey_usage"))
        return
    async with turn.db.session() as session:
        form = await start_survey(session, turn.actor, code, moment)
    await turn.reply(survey_card(turn, form))


def _answers(value: dict[str, Any]) -> dict[str, int | None]:
    """The card's inputs: a scale value, `skip`, or (a field left out) skipped as well."""
    found: dict[str, int | None] = {}
    for key, raw in value.items():
        if not key.startswith(PREFIX):
            continue
        text = str(raw).strip()
        if text in {"", SKIP}:
            found[key[len(PREFIX):]] = None
        elif text.isdecimal() and len(text) == 1:
            found[key[len(PREFIX):]] = int(text)
        else:
            raise RuleError("survey_bad_value")
    return found


async def submit(turn: Turn) -> None:
    value = turn.inbound.value
    code, moment = str(value.get("code") or "").upper(), str(value.get("moment") or "")
    if not CODE.match(code) or moment not in MOMENT_WORDS.values():
        await turn.reply(turn.text("survey_usage"))
        return
    answers = _answers(value)
    async with turn.db.session() as session:
        answered = await save_survey(session, turn.actor, code, moment, answers)
    await turn.reply(
        turn.text(f"survey_saved_{moment}", code=code, answered=answered, asked=len(answers))
    )


def render_results(locale: str | None, results: SurveyResults) -> str:
    lines = [
        "**"
        + t(f"survey_results_title_{results.moment}", locale, period=results.period.code)
        + "**",
        t("survey_results_count", locale, count=results.responses),
        "",
    ]
    for item in results.questions:
        share = item.total
        if share.percent is None:
            figure = t("survey_too_few", locale, threshold=results.threshold)
        else:
            figure = t("survey_share", locale, percent=share.percent, answered=share.answered)
        lines.append(f"- {item.question.text} **{figure}**")
        for name, part in (item.by_county_part or {}).items():
            lines.append(
                f"  - {name}: "
                + t("survey_share", locale, percent=part.percent, answered=part.answered)
            )
    lines += ["", t("survey_results_note", locale, threshold=results.threshold)]
    return "\n".join(lines)


# Half-years the report's survey card shows at most, the latest: more would pass Teams' 28 KB for
# a message; the files have every half-year.
CARD_HALF_YEARS = 2


def report_survey_card(report: Report, locale: str | None) -> Reply | None:
    """The report's survey results (`Report.surveys`) as one card of the report, a table per
    half-year and moment; None when there are none (the overview then says why)."""
    if report.surveys is None or not report.surveys.results:
        return None
    title = t("report_survey_section", locale)
    body: list[dict[str, Any]] = [heading(title)]
    halves = sorted({r.period for r in report.surveys.results})
    shown = set(halves[-CARD_HALF_YEARS:])
    grids = survey_grids(report, locale)
    for results, (caption, grid) in zip(report.surveys.results, grids, strict=True):
        if results.period in shown:
            body += [paragraph(f"**{caption}**"), table(grid)]
    if len(halves) > len(shown):
        body.append(paragraph(t("report_survey_more", locale, count=len(halves) - len(shown))))
    body += [paragraph(line, subtle=True) for line in survey_notes(report, locale)]
    return card_message(card(body), title)


def report_survey_none(report: Report, locale: str | None) -> list[dict[str, Any]]:
    """For the report's overview: why it has no survey results, if so."""
    if report.surveys is None or report.surveys.results:
        return []
    return [paragraph(f"{t('report_survey_section', locale)}: {line}", subtle=True)
            for line in survey_notes(report, locale)]


async def results(turn: Turn) -> None:
    """`enkätresultat [inskrivning|utskrivning] [2026-H1]`: the latest ended half-year and the
    exit survey unless told otherwise."""
    moment = _moment(turn.args) or "exit"
    typed = [a for a in turn.args if a not in MOMENT_WORDS]
    period = parse_period(typed[0]) if typed else None
    if typed and period is None:
        await turn.reply(turn.text("survey_results_usage"))
        return
    async with turn.db.session() as session:
        found = await survey_results(session, turn.actor, moment, period)
    await turn.reply(render_results(turn.locale, found))


ROUTES = [
    Route(("enkät", "enkat", "survey"), start, "help_cmd_survey", Action.WRITE_PARTICIPANT),
    Route((SUBMIT_COMMAND, "enkat spara"), submit, None, Action.WRITE_PARTICIPANT),
]
RESULT_ROUTES = [
    Route(("enkätresultat", "enkatresultat", "survey results"), results, "help_cmd_survey_results",
          Action.READ_REPORT),
]
