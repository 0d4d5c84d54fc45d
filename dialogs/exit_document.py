"""`slutdokument <kod>`: the participant's exit documentation as a Word file the coach completes
and hands to the participant and the referring officer.

A card asks for the coach's recommendations and the recipient (a role, never a name); its
submit, or the same fields typed on one line, offers the file (FileConsentCard). The file is
made from the record again when the user accepts it; see `storage.exit_document` for what is
kept (nothing beyond the record).
"""

from __future__ import annotations

import io
from typing import Any

from dialogs.cards import card, card_message, facts, heading, paragraph
from dialogs.files import FileExport, offer_file
from dialogs.forms import CODE
from dialogs.router import Route, Turn
from dialogs.texts import error_text, t
from dialogs.vocab import label
from storage.db import Database
from storage.exit_document import ExitDocument, check_free_text, exit_document
from storage.permissions import Action, Actor
from storage.rules import RuleError

FILE_KIND = "exit_document"
SUBMIT_COMMAND = "slutdokument skapa"
FIELDS = {
    "recommendations": ("rekommendationer", "recommendations"),
    "recipient": ("mottagare", "recipient"),
}


def _period(doc: ExitDocument, locale: str | None) -> str:
    start = doc.enrolment_date.isoformat() if doc.enrolment_date else "–"
    end = doc.exit_date.isoformat() if doc.exit_date else t("exit_doc_ongoing", locale)
    return f"{start} – {end}"


def _facts(doc: ExitDocument, locale: str | None) -> list[tuple[str, str]]:
    rows = [
        (t("exit_doc_code", locale), doc.code),
        (t("exit_doc_name", locale), t("exit_doc_name_blank", locale)),
        (t("f_programme", locale), doc.programme),
        (t("f_municipality", locale), f"{doc.municipality} ({doc.county_part})"),
        (t("exit_doc_period", locale), _period(doc, locale)),
        (t("exit_doc_referred_by", locale), label("party", doc.referring_party, locale)),
        (t("f_coach", locale), doc.coach or "–"),
        (t("f_income_start", locale), label("income", doc.income_start, locale)),
    ]
    if doc.months is not None:
        rows.insert(5, (t("exit_doc_months_label", locale), t("exit_doc_months", locale,
                                                               months=doc.months)))
    if doc.exit_date and doc.exit_reason and doc.destination:
        rows.append(
            (
                t("exit_doc_exit", locale),
                f"{label('exit_reason', doc.exit_reason, locale)} → "
                f"{label('destination', doc.destination, locale)}",
            )
        )
    if doc.income_exit:
        rows.append((t("exit_doc_income_exit", locale), label("income", doc.income_exit, locale)))
    return rows


def _sections(doc: ExitDocument, locale: str | None) -> list[tuple[str, list[str]]]:
    steps = [f"{s.step_date.isoformat()}: {label('step', s.step, locale)}" for s in doc.steps]
    placements = [
        t(
            "exit_doc_placement",
            locale,
            type=label("placement_type", p.placement_type, locale),
            sector=label("sector", p.sector, locale),
            employer=p.employer,
            start=p.start_date.isoformat(),
            end=p.end_date.isoformat() if p.end_date else t("exit_doc_ongoing", locale),
        )
        + (f", {p.occupation_area}" if p.occupation_area else "")
        for p in doc.placements
    ]
    return [
        (t("exit_doc_steps", locale), steps),
        (t("exit_doc_placements", locale), placements),
    ]


def _style(item: Any, name: str) -> None:
    """A style the template may lack: then the template's default stays."""
    try:
        item.style = name
    except KeyError:
        return


def _heading(document: Any, text: str, level: int) -> None:
    """A heading, or bold text where the template defines no heading styles."""
    try:
        document.add_heading(text, level=level)
    except KeyError:
        document.add_paragraph().add_run(text).bold = True


def render_docx(
    doc: ExitDocument, recommendations: str, recipient: str, locale: str | None
) -> bytes:
    """The document, laid out with headings the coach can edit in Word. python-docx is
    imported here, on first use."""
    from docx import Document

    document = Document(io.BytesIO(doc.template)) if doc.template else Document()
    title = t("exit_doc_title", locale, programme=doc.programme)
    document.core_properties.title = title
    document.core_properties.language = "sv-SE" if (locale or "sv").startswith("sv") else "en"
    _heading(document, title, 1)
    if recipient:
        document.add_paragraph(t("exit_doc_to", locale, recipient=recipient))
    table = document.add_table(rows=0, cols=2)
    _style(table, "Table Grid")
    for name, value in _facts(doc, locale):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = name, value
    for name, entries in _sections(doc, locale):
        _heading(document, name, 2)
        for entry in entries:
            _style(document.add_paragraph(entry), "List Bullet")
        if not entries:
            document.add_paragraph("–")
    _heading(document, t("exit_doc_recommendations", locale), 2)
    for line in recommendations.splitlines() or [t("exit_doc_fill_in", locale)]:
        document.add_paragraph(line)
    document.add_paragraph(t("exit_doc_footer", locale, date=doc.made_on.isoformat()))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _file_name(doc: ExitDocument, locale: str | None) -> str:
    return t("exit_doc_file_name", locale, code=doc.code, date=doc.made_on.isoformat())


async def _build(
    db: Database, actor: Actor, values: dict[str, Any], locale: str | None
) -> FileExport:
    recommendations = check_free_text(str(values.get("recommendations") or ""))
    recipient = check_free_text(str(values.get("recipient") or ""))
    async with db.session() as session:
        doc = await exit_document(session, actor, str(values.get("code") or ""))
    return FileExport(_file_name(doc, locale), render_docx(doc, recommendations, recipient, locale))


async def exit_document_file(
    db: Database, actor: Actor, values: dict[str, Any], locale: str | None
) -> FileExport:
    """The accepted file, made again with the accepting user's permissions at that moment."""
    return await _build(db, actor, values, locale)


def _form(turn: Turn, doc: ExitDocument, values: dict[str, str], error: str | None) -> Any:
    locale = turn.locale
    body: list[dict[str, Any]] = [heading(t("exit_doc_card_title", locale, code=doc.code))]
    if error:
        body.append({"type": "TextBlock", "text": error, "wrap": True, "color": "Attention"})
    body += [
        paragraph(t("exit_doc_card_intro", locale), subtle=True),
        facts(_facts(doc, locale)),
        {
            "type": "Input.Text",
            "id": "recommendations",
            "label": t("exit_doc_recommendations", locale),
            "isMultiline": True,
            "maxLength": 3000,
            "placeholder": t("exit_doc_recommendations_hint", locale),
            "value": values.get("recommendations", ""),
        },
        {
            "type": "Input.Text",
            "id": "recipient",
            "label": t("exit_doc_recipient", locale),
            "maxLength": 200,
            "placeholder": t("exit_doc_recipient_hint", locale),
            "value": values.get("recipient", ""),
        },
    ]
    actions = [
        {
            "type": "Action.Submit",
            "title": t("exit_doc_button", locale),
            "data": {"command": SUBMIT_COMMAND, "code": doc.code},
        }
    ]
    return card_message(card(body, actions), t("exit_doc_card_title", locale, code=doc.code))


async def _offer(turn: Turn, values: dict[str, str]) -> None:
    """Offer the file; a refused text brings the card back without the refused field."""
    try:
        export = await _build(turn.db, turn.actor, values, turn.locale)
    except RuleError as error:
        kept = {k: v for k, v in values.items() if k == "code"}
        async with turn.db.session() as session:
            try:
                doc = await exit_document(session, turn.actor, values["code"])
            except RuleError:
                doc = None
        if doc is None or error.code.startswith("exit_doc_not"):
            raise
        await turn.reply(_form(turn, doc, kept, error_text(error, turn.locale)))
        return
    description = turn.text("exit_doc_file_description", code=values["code"])
    await offer_file(turn, FILE_KIND, values, export, description)


def _field(turn: Turn, slot: str) -> str | None:
    fields = turn.command.fields
    return next((fields[a] for a in FIELDS[slot] if a in fields), None)


async def start(turn: Turn) -> None:
    """`slutdokument <kod>`: the card; with `rekommendationer=` (and `mottagare=`) the file."""
    code = turn.args[0].upper() if turn.args and CODE.match(turn.args[0]) else None
    if code is None:
        await turn.reply(turn.text("exit_doc_usage"))
        return
    recommendations, recipient = _field(turn, "recommendations"), _field(turn, "recipient")
    if recommendations is not None or recipient is not None:
        await _offer(
            turn, {"code": code, "recommendations": recommendations or "",
                   "recipient": recipient or ""}
        )
        return
    async with turn.db.session() as session:
        doc = await exit_document(session, turn.actor, code)
    await turn.reply(_form(turn, doc, {}, None))


async def submit(turn: Turn) -> None:
    """The card's button: its inputs and the code it was made for."""
    value = turn.inbound.value
    code = str(value.get("code") or "").upper()
    if not CODE.match(code):
        await turn.reply(turn.text("exit_doc_usage"))
        return
    await _offer(
        turn,
        {
            "code": code,
            "recommendations": str(value.get("recommendations") or ""),
            "recipient": str(value.get("recipient") or ""),
        },
    )


ROUTES = [
    Route(("slutdokument", "slutdokumentation", "exit document"), start, "help_cmd_exit_doc",
          Action.WRITE_PARTICIPANT),
    Route((SUBMIT_COMMAND,), submit, None, Action.WRITE_PARTICIPANT),
]
