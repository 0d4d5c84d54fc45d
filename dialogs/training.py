"""Staff training in the chat: `ny utbildning`, `ändra utbildning`, `utbildningsenkät` and the
progress overview `utbildningar`. Counts only, never who attended; rules in `storage.training`."""

from __future__ import annotations

import re

from dialogs.commands import parse_date, parse_id
from dialogs.minutes import positional
from dialogs.router import Route, Turn
from dialogs.texts import t
from dialogs.vocab import label, labels, parse_vocab
from storage.clock import clock
from storage.permissions import Action
from storage.rules import RuleError
from storage.training import (
    SessionInput,
    SessionRow,
    TrainingOverview,
    record_session,
    record_survey,
    training_overview,
    update_session,
)

FIELDS = {
    "date": ("datum", "date"),
    "theme": ("tema", "theme"),
    "attendance": ("deltagare", "attendees"),
    "returning": ("återkommande", "aterkommande", "returning"),
    "title": ("namn", "title"),
    "programme": ("insats", "programme"),
    "responses": ("svar", "responses"),
    "useful": ("användbar", "anvandbar", "useful"),
}
_ORG_COUNT = re.compile(r"^(.*?)[\s:=]+(\d{1,6})$")


def _field(turn: Turn, slot: str) -> str | None:
    fields = turn.command.fields
    return next((fields[a] for a in FIELDS[slot] if a in fields), None)


def _count(text: str | None, slot: str) -> int | None:
    """A whole number as typed, None when absent; anything else is refused by name."""
    if text is None:
        return None
    value = text.strip()
    if not value.isdecimal() or len(value) > 6:
        raise RuleError("training_bad_number", field=FIELDS[slot][0])
    return int(value)


def parse_attendance(text: str) -> dict[str, int]:
    """ "AF 12, FK 5, kommun 8" → {"af": 12, "fk": 5, "municipality": 8}; one organisation
    named twice is added up."""
    found: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]", text))):
        match = _ORG_COUNT.match(part)
        code = parse_vocab("training_org", match.group(1)) if match else None
        if match is None or code is None:
            raise RuleError("training_bad_attendance")
        found[code] = found.get(code, 0) + int(match.group(2))
    return found


def _input(turn: Turn) -> SessionInput:
    day_text, theme_text = _field(turn, "date"), _field(turn, "theme")
    attendance_text = _field(turn, "attendance")
    day = parse_date(day_text, clock.today()) if day_text else None
    if day_text and day is None:
        raise RuleError("training_bad_date")
    theme = parse_vocab("training_theme", theme_text) if theme_text else None
    if theme_text and theme is None:
        raise RuleError(
            "training_bad_theme",
            choices=", ".join(labels("training_theme", turn.locale)),
        )
    return SessionInput(
        held_on=day,
        theme=theme,
        attendance=parse_attendance(attendance_text) if attendance_text else None,
        returning=_count(_field(turn, "returning"), "returning"),
        title=_field(turn, "title"),
    )


def _session_line(locale: str | None, row: SessionRow) -> str:
    line = t(
        "training_session_line",
        locale,
        id=row.id,
        date=row.held_on.isoformat(),
        theme=label("training_theme", row.theme, locale),
        attendees=row.attendees,
    )
    if row.title:
        line += f" – {row.title}"
    if row.survey_responses is not None:
        line += " " + t(
            "training_survey_part",
            locale,
            responses=row.survey_responses,
            useful=row.survey_useful,
        )
    return line


async def new_session(turn: Turn) -> None:
    """`ny utbildning datum=… tema=… deltagare="AF 12, FK 5" [återkommande=…] [namn=…]`."""
    if not turn.command.fields:
        await turn.reply(turn.text("training_usage"))
        return
    data = _input(turn)
    if data.theme is None or data.attendance is None:
        raise RuleError("training_missing")
    async with turn.db.session() as session:
        row = await record_session(session, turn.actor, data, _field(turn, "programme"))
    await turn.reply(turn.text("training_saved", line=_session_line(turn.locale, row)))


async def edit_session(turn: Turn) -> None:
    """`ändra utbildning <nr> [fält=…]`: only the fields given change."""
    words = positional(turn)
    session_id = parse_id(words[0]) if words else None
    if session_id is None or not turn.command.fields:
        await turn.reply(turn.text("training_edit_usage"))
        return
    data = _input(turn)
    async with turn.db.session() as session:
        row = await update_session(session, turn.actor, session_id, data)
    await turn.reply(turn.text("training_updated", line=_session_line(turn.locale, row)))


async def survey(turn: Turn) -> None:
    """`utbildningsenkät <nr> svar=20 användbar=19`."""
    words = positional(turn)
    session_id = parse_id(words[0]) if words else None
    responses = _count(_field(turn, "responses"), "responses")
    useful = _count(_field(turn, "useful"), "useful")
    if session_id is None or responses is None or useful is None:
        await turn.reply(turn.text("training_survey_usage"))
        return
    async with turn.db.session() as session:
        row = await record_survey(session, turn.actor, session_id, responses, useful)
    await turn.reply(turn.text("training_survey_saved", line=_session_line(turn.locale, row)))


def render_overview(locale: str | None, view: TrainingOverview) -> str:
    """Progress as the project reports it: people trained against the target, the survey's
    share against its goal, then by theme and organisation, and the latest sessions."""
    title_key = "training_title_year" if view.year else "training_title"
    lines = [f"**{t(title_key, locale, programme=view.programme, year=view.year)}**", ""]
    if view.target:
        lines.append(
            t(
                "training_progress_target",
                locale,
                trained=view.trained,
                target=view.target,
                percent=view.target_percent,
            )
        )
    else:
        lines.append(t("training_progress", locale, trained=view.trained))
    lines.append(
        t(
            "training_sessions_summary",
            locale,
            sessions=view.sessions,
            attendances=view.attendances,
            returning=view.attendances - view.trained,
        )
    )
    if view.useful_percent is None:
        lines.append(t("training_no_survey", locale))
    else:
        key = "training_useful_goal" if view.useful_goal else "training_useful"
        lines.append(
            t(
                key,
                locale,
                percent=view.useful_percent,
                responses=view.survey_responses,
                goal=view.useful_goal,
            )
        )
    if view.by_theme:
        lines += ["", f"**{t('training_by_theme', locale)}**"]
        lines += [
            "- "
            + t(
                "training_theme_line",
                locale,
                theme=label("training_theme", theme, locale),
                sessions=sessions,
                attendances=people,
            )
            for theme, (sessions, people) in sorted(view.by_theme.items())
        ]
    if view.by_organisation:
        lines += ["", f"**{t('training_by_organisation', locale)}**"]
        lines += [
            f"- {label('training_org', org, locale)}: {count}"
            for org, count in sorted(view.by_organisation.items(), key=lambda i: -i[1])
        ]
    if view.recent:
        lines += ["", f"**{t('training_recent', locale)}**"]
        lines += ["- " + _session_line(locale, row) for row in view.recent]
    return "\n".join(lines)


async def overview(turn: Turn) -> None:
    """`utbildningar [år]`: progress towards the training programme's goals."""
    words = positional(turn)
    year = None
    if words:
        if not (words[0].isdecimal() and 2000 <= int(words[0]) <= 2100):
            await turn.reply(turn.text("training_overview_usage"))
            return
        year = int(words[0])
    async with turn.db.session() as session:
        view = await training_overview(session, turn.actor, year, _field(turn, "programme"))
    await turn.reply(render_overview(turn.locale, view))


ROUTES = [
    Route(("ny utbildning", "new training"), new_session, "help_cmd_training_new",
          Action.RECORD_TRAINING),
    Route(("ändra utbildning", "edit training"), edit_session, "help_cmd_training_edit",
          Action.RECORD_TRAINING),
    Route(("utbildningsenkät", "utbildningsenkat", "training survey"), survey,
          "help_cmd_training_survey", Action.RECORD_TRAINING),
    Route(("utbildningar", "trainings"), overview, "help_cmd_training", Action.READ_REPORT),
]
