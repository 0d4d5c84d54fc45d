"""The employer register in the chat: `ny arbetsgivare`, `ändra arbetsgivare`, `arbetsgivare`,
`kontakt <arbetsgivare>: …`, `platser <arbetsgivare> <antal>` and `arbetsgivarrapport`.
Rules in `storage.employers`."""

from __future__ import annotations

from dialogs.commands import parse_date
from dialogs.minutes import positional
from dialogs.router import Route, Turn
from dialogs.vocab import label, parse_vocab
from storage.clock import clock
from storage.employers import (
    EmployerDetail,
    EmployerInput,
    EmployerReport,
    EmployerRow,
    add_contact,
    add_employer,
    employer_detail,
    employer_report,
    list_employers,
    set_slots,
    update_employer,
)
from storage.permissions import Action
from storage.rules import RuleError

FIELDS = {
    "name": ("namn", "name"),
    "org_number": ("orgnr", "organisationsnummer", "org"),
    "sector": ("sektor", "sector"),
    "municipality": ("kommun", "municipality"),
    "contact_role": ("kontakt", "roll", "contact"),
    "contact_name": ("kontaktnamn", "contact_name"),
    "contact_phone": ("telefon", "tel", "phone"),
    "date": ("datum", "date"),
}
LIST_LIMIT = 30


def _field(turn: Turn, slot: str) -> str | None:
    fields = turn.command.fields
    return next((fields[a] for a in FIELDS[slot] if a in fields), None)


def _input(turn: Turn, name: str | None) -> EmployerInput:
    sector_text = _field(turn, "sector")
    sector = parse_vocab("sector", sector_text) if sector_text else None
    if sector_text and sector is None:
        raise RuleError("employer_bad_sector")
    return EmployerInput(
        name=name,
        org_number=_field(turn, "org_number"),
        sector=sector,
        municipality=_field(turn, "municipality"),
        contact_role=_field(turn, "contact_role"),
        contact_name=_field(turn, "contact_name"),
        contact_phone=_field(turn, "contact_phone"),
    )


def _line(turn: Turn, row: EmployerRow) -> str:
    employer = row.employer
    line = turn.text(
        "employer_line",
        id=employer.id,
        name=employer.name,
        sector=label("sector", employer.sector, turn.locale),
        municipality=row.municipality,
        slots=employer.open_slots,
        placements=row.placements,
    )
    return line


async def new_employer(turn: Turn) -> None:
    name = _field(turn, "name") or " ".join(positional(turn))
    if not name and not turn.command.fields:
        await turn.reply(turn.text("employer_usage"))
        return
    data = _input(turn, name)
    async with turn.db.session() as session:
        employer = await add_employer(session, turn.actor, data)
    await turn.reply(turn.text("employer_saved", id=employer.id, name=employer.name))


async def edit_employer(turn: Turn) -> None:
    words = positional(turn)
    if not words or not turn.command.fields:
        await turn.reply(turn.text("employer_edit_usage"))
        return
    data = _input(turn, _field(turn, "name"))
    async with turn.db.session() as session:
        employer = await update_employer(session, turn.actor, " ".join(words), data)
    await turn.reply(turn.text("employer_updated", id=employer.id, name=employer.name))


def _detail(turn: Turn, detail: EmployerDetail) -> str:
    employer, row = detail.row.employer, detail.row
    lines = [f"**{employer.name}** (#{employer.id})", ""]
    facts = [
        (turn.text("employer_f_sector"), label("sector", employer.sector, turn.locale)),
        (turn.text("employer_f_municipality"), f"{row.municipality} ({row.county_part})"),
        (turn.text("employer_f_org_number"), employer.org_number or "–"),
        (turn.text("employer_f_slots"), str(employer.open_slots)),
        (turn.text("employer_f_placements"),
         turn.text("employer_placements", placements=row.placements, work=row.led_to_work)),
    ]
    contact = ", ".join(
        part for part in (employer.contact_role, employer.contact_name, employer.contact_phone)
        if part
    )
    facts.append((turn.text("employer_f_contact"), contact or "–"))
    lines += [f"- {name}: {value}" for name, value in facts]
    if detail.contacts:
        lines += ["", f"**{turn.text('employer_contacts')}**"]
        lines += [f"- {c.contact_date.isoformat()}: {c.text}" for c in detail.contacts]
    return "\n".join(lines)


async def employers(turn: Turn) -> None:
    """`arbetsgivare` lists, `arbetsgivare ICA` searches, `arbetsgivare 4` shows one."""
    words = positional(turn)
    async with turn.db.session() as session:
        if len(words) == 1 and words[0].lstrip("#").isdecimal():
            detail = await employer_detail(session, turn.actor, words[0])
            await turn.reply(_detail(turn, detail))
            return
        rows = await list_employers(session, turn.actor, " ".join(words))
    if not rows:
        await turn.reply(turn.text("employer_none"))
        return
    lines = [f"**{turn.text('employer_list_title')}**", ""]
    lines += ["- " + _line(turn, row) for row in rows[:LIST_LIMIT]]
    if len(rows) > LIST_LIMIT:
        lines.append(turn.text("employer_more", count=len(rows) - LIST_LIMIT))
    lines += ["", turn.text("employer_list_hint")]
    await turn.reply("\n".join(lines))


async def contact(turn: Turn) -> None:
    """`kontakt ICA Flen: möte om två platser [datum=…]`."""
    typed = " ".join(positional(turn))
    who, colon, note = typed.partition(":")
    if not colon or not who.strip() or not note.strip():
        await turn.reply(turn.text("employer_contact_usage"))
        return
    day_text = _field(turn, "date")
    day = parse_date(day_text, clock.today()) if day_text else None
    if day_text and day is None:
        raise RuleError("employer_bad_date")
    async with turn.db.session() as session:
        employer, row = await add_contact(session, turn.actor, who, note, day)
    await turn.reply(
        turn.text("employer_contact_saved", name=employer.name, date=row.contact_date.isoformat())
    )


async def slots(turn: Turn) -> None:
    """`platser ICA Flen 2`: open placement slots at the employer."""
    words = positional(turn)
    if len(words) < 2 or not words[-1].isdecimal() or len(words[-1]) > 4:
        await turn.reply(turn.text("employer_slots_usage"))
        return
    async with turn.db.session() as session:
        employer = await set_slots(
            session, turn.actor, " ".join(words[:-1]), int(words[-1])
        )
    await turn.reply(
        turn.text("employer_slots_saved", name=employer.name, slots=employer.open_slots)
    )


def render_report(turn: Turn, report: EmployerReport) -> str:
    title_key = "employer_report_title_year" if report.year else "employer_report_title"
    lines = [f"**{turn.text(title_key, year=report.year)}**", ""]
    sectors = sorted({sector for sector, _ in report.by_sector_and_part})
    if not sectors:
        lines.append(turn.text("employer_none"))
    header = [turn.text("employer_f_sector"), *report.parts, turn.text("employer_total")]
    if sectors:
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for sector in sectors:
        counts = [report.by_sector_and_part.get((sector, part), 0) for part in report.parts]
        lines.append(
            "| " + " | ".join([label("sector", sector, turn.locale), *map(str, counts),
                               str(sum(counts))]) + " |"
        )
    if report.per_employer is not None:
        lines += ["", f"**{turn.text('employer_report_placements')}**"]
        lines += [
            "- " + turn.text("employer_report_line", name=row.employer.name,
                             placements=row.placements, work=row.led_to_work)
            for row in report.per_employer[:LIST_LIMIT]
        ] or [turn.text("employer_report_no_placements")]
        with_work = [r for r in report.per_employer if r.led_to_work]
        lines += ["", turn.text("employer_report_with_work", count=len(with_work))]
    return "\n".join(lines)


async def report(turn: Turn) -> None:
    """`arbetsgivarrapport [år]`."""
    words = positional(turn)
    year = None
    if words:
        if not (words[0].isdecimal() and 2000 <= int(words[0]) <= 2100):
            await turn.reply(turn.text("employer_report_usage"))
            return
        year = int(words[0])
    async with turn.db.session() as session:
        found = await employer_report(session, turn.actor, year)
    await turn.reply(render_report(turn, found))


ROUTES = [
    Route(("ny arbetsgivare", "new employer"), new_employer, "help_cmd_employer_new",
          Action.MANAGE_EMPLOYERS),
    Route(("ändra arbetsgivare", "edit employer"), edit_employer, "help_cmd_employer_edit",
          Action.MANAGE_EMPLOYERS),
    Route(("arbetsgivare", "employers"), employers, "help_cmd_employers",
          Action.MANAGE_EMPLOYERS),
    Route(("kontakt", "contact"), contact, "help_cmd_employer_contact",
          Action.MANAGE_EMPLOYERS),
    Route(("platser", "slots"), slots, "help_cmd_employer_slots", Action.MANAGE_EMPLOYERS),
    Route(("arbetsgivarrapport", "employer report"), report, "help_cmd_employer_report",
          Action.READ_REPORT),
]
