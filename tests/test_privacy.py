"""Register extract and erasure per participant code, end to end: in the chat (admins, personal
chat, FileConsentCard, explicit confirmation) and on the command line, in both erasure modes.
Everything that refers to the participant is checked: its rows, reminders, saved dialog state,
the audit log and minutes that mention the code."""

from __future__ import annotations

import io
import json
import string
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import inspect
from sqlmodel import col, select

from dialogs.privacy_files import to_xlsx
from storage.clock import clock
from storage.models import (
    AuditEntry,
    BotStateItem,
    Meeting,
    Participant,
    Placement,
    PlacementNote,
    ProgressionStep,
    ReminderOutbox,
    SteeringGroup,
)
from storage.permissions import Role
from storage.privacy import erase_participant, mentions_code
from storage.reports import ReportFilter, build_report, resolve_filter
from storage.staff import load_actor, upsert_staff
from tests.conftest import cli, repo_root
from tests.fakes import consent_invoke
from tests.teams import ADMIN_AAD, COACH_AAD, COORDINATOR_AAD, message
from tests.test_participants_http import ADMIN, COACH, COORDINATOR, staff
from tests.test_reminders import NOW, add_participant

CODE = "V-2026-0001"
FREE = ("soc öst", "Coop Flen", "lager och logistik", "trivs bra, vill öka tiden")
LEAD_AAD = "5f1b7d89-0a2c-4e6d-9b8f-6c7d8e9f0a1b"


async def a_participant_with_everything(bot, connector, db) -> int:
    """V-2026-0001 with a placement, a note, a step, a planned reminder, a half-filled form
    and a meeting whose minutes name the code."""
    await staff(db)
    url = connector.url
    for line, who in (
        ("ny aktualisering kommun=Flen kön=kvinna född=1985 försörjning=sjukpenning från=FK "
         f'samtycke=ja datum=2026-11-02 enhet="{FREE[0]}"', COORDINATOR),
        (f'aktuell {CODE} coach="Cem Coach" datum=2026-11-05', COORDINATOR),
        (f"skriv in {CODE} datum=2026-11-10", COACH),
        (f'ny placering {CODE} typ=arbetsträning sektor=privat arbetsgivare="{FREE[1]}" '
         f'yrke="{FREE[2]}" start=2026-11-16', COACH),
        (f"uppföljning {CODE} {FREE[3]}", COACH),
        (f"steg {CODE} arbetsgivarkontakt datum=2026-11-18", COACH),
        (f"skriv ut {CODE}", COORDINATOR),  # a form left half-filled, saved in bot_state
    ):
        replies = await bot.say(message(line, url, who))
        assert CODE in replies[0], (line, replies)
    async with db.session() as session:
        participant = (await session.exec(select(Participant))).one()
        group = (await session.exec(select(SteeringGroup))).first()
        session.add(ReminderOutbox(
            idempotency_key=f"no_placement:participant:{participant.id}:2026-12-22:{COACH_AAD}",
            rule_code="no_placement", subject_ref=f"participant:{participant.id}",
            params=json.dumps({"watch": "no_placement", "label": CODE, "date": "2026-11-10",
                               "days": "42", "send_time": "08:00"}),
            remind_on=date(2026, 12, 22), recipient=COACH_AAD, next_attempt_at=NOW,
        ))
        session.add(Meeting(steering_group_id=group.id, meeting_date=date(2026, 11, 20),
                            items=f"Genomgång av ärenden, bland annat {CODE.lower()}."))
        session.add(Meeting(steering_group_id=group.id, meeting_date=date(2026, 11, 21),
                            items=f"{CODE}1 är en annan kod."))
        return participant.id


async def counts_report(db) -> str:
    """The whole report county-wide up to yesterday, as the programme lead sees it."""
    async with db.session() as session:
        await upsert_staff(session, LEAD_AAD, "Lena Ledare", Role.PROGRAMME_LEAD, [])
        lead = await load_actor(session, LEAD_AAD)
        scope = await resolve_filter(
            session, lead, ReportFilter(date(2026, 1, 1), clock.today() - timedelta(days=1))
        )
        report = await build_report(session, scope)
    return json.dumps({k: (t.rows, t.columns, t.counts) for k, t in report.tables.items()},
                      default=str)


async def all_text(db, model) -> str:
    columns = [c.key for c in inspect(model).columns]
    async with db.session() as session:
        rows = (await session.exec(select(model))).all()
    return " ".join(str(getattr(r, c)) for r in rows for c in columns)


# --- extract ---------------------------------------------------------------------------------


async def test_extract_in_chat_holds_everything_and_is_audited_when_sent(
    bot, connector, db, upload
):
    await a_participant_with_everything(bot, connector, db)
    url = connector.url
    await bot.say(message("hjälp", url, ADMIN))
    assert await bot.say(message(f"utdrag {CODE}", url, COACH)) == [
        "Det har du inte behörighet till med rollen coach."
    ]
    assert await bot.say(message("utdrag V-2026-0999", url, ADMIN)) == [
        "Det finns ingen deltagare V-2026-0999 i Stegvis (den kan redan vara raderad)."
    ]
    assert await bot.say(message(f"utdrag {CODE} format=pdf", url, ADMIN)) == [
        "”pdf” är inget format för utdrag. Välj xlsx eller json."
    ]
    # Asked in a channel: only a pointer there; the file is offered in personal chat.
    in_channel = message(f"utdrag {CODE}", url, ADMIN, conversation_id="19:general@thread.tacv2")
    in_channel["conversation"]["conversationType"] = "channel"
    before = len(connector.activities)
    await bot.say(in_channel)
    sent = connector.activities[before:]
    channel = [a for a in sent if a["_conversation"].startswith("19:general")]
    assert len(channel) == 1 and "till din personliga chatt" in channel[0]["text"]
    assert CODE not in channel[0]["text"]
    offered = [a for a in sent if a["_conversation"].startswith("a:personal")]
    assert offered and "attachments" in offered[0], [a.get("text") for a in offered]
    assert offered[0]["attachments"][0]["contentType"] == (
        "application/vnd.microsoft.teams.card.file.consent"
    )

    before = len(connector.activities)
    await bot.say(message(f"utdrag {CODE.lower()} format=json", url, ADMIN))
    (consent,) = connector.activities[before:]
    attachment = consent["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
    assert attachment["name"] == f"stegvis-registerutdrag-{CODE}.json"
    context = attachment["content"]["acceptContext"]
    async with db.session() as session:
        assert (await session.exec(select(AuditEntry).where(AuditEntry.action == "extract"))
                ).all() == []  # offered, not yet sent
    # Someone else pressing Allow gets nothing: the file is made again with their rights.
    await bot.post(consent_invoke(message("", url, COACH), "accept", context, upload.url("c")))
    assert upload.received == []
    await bot.post(consent_invoke(message("", url, ADMIN), "accept", context, upload.url("a")))
    ((_, body),) = upload.received
    extract = json.loads(body)
    assert extract["code"] == CODE
    assert extract["participant"]["referring_unit"] == FREE[0]
    assert extract["participant"]["coach"] == "Cem Coach"
    assert extract["participant"]["municipality"] == "Flen"
    assert extract["placements"][0]["employer"] == FREE[1]
    assert extract["placements"][0]["number"] == 1
    assert [n["note"].endswith(FREE[3]) for n in extract["notes"]] == [True]
    assert [s["step"] for s in extract["steps"]] == ["employer_contact"]
    actions = [(e["action"], e["entity"]) for e in extract["audit"]]
    assert ("create", "participant") in actions and ("read", "participant") in actions
    assert all(e["actor_name"] for e in extract["audit"])
    assert [r["rule_code"] for r in extract["reminders"]] == ["no_placement"]
    assert [s["key"].endswith(COORDINATOR["id"]) or CODE in s["document"]
            for s in extract["dialog_state"]] == [True]
    assert [(m["kind"], m["meeting_date"]) for m in extract["minutes"]] == [
        ("meeting", "2026-11-20")
    ]
    async with db.session() as session:
        (entry,) = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "extract"))
        ).all()
    assert (entry.actor_aad_object_id, entry.participant_code) == (ADMIN_AAD, CODE)
    assert json.loads(entry.details) == {"format": "json"}

    before = len(connector.activities)
    await bot.say(message(f"utdrag {CODE}", url, ADMIN))
    context = connector.activities[before]["attachments"][0]["content"]["acceptContext"]
    await bot.post(consent_invoke(message("", url, ADMIN), "accept", context, upload.url("x")))
    book = load_workbook(io.BytesIO(upload.received[-1][1]))
    assert book.sheetnames == ["Deltagare", "Placeringar", "Uppföljningar", "Steg", "Logg",
                               "Påminnelser", "Sparade formulär", "Minnesanteckningar"]
    fields = {row[0]: row[1:] for row in book["Deltagare"].iter_rows(values_only=True)}
    assert fields["code"][0] == CODE
    assert fields["gender"] == ("woman", "kvinna")
    assert fields["referring_unit"][0] == FREE[0]
    assert book["Placeringar"]["A1"].value == "number"


# --- erasure in the chat ---------------------------------------------------------------------


async def test_erasure_in_chat_asks_first_then_anonymises_everything_about_the_code(
    bot, connector, db
):
    participant_id = await a_participant_with_everything(bot, connector, db)
    report_before = await counts_report(db)
    url = connector.url
    await bot.say(message("hjälp", url, ADMIN))
    assert await bot.say(message(f"radera {CODE}", url, COACH)) == [
        "Det har du inte behörighet till med rollen coach."
    ]
    (preview,) = await bot.say(message(f"radera {CODE}", url, ADMIN))
    assert preview.startswith(f"Radera {CODE}?")
    assert "1 uppföljningsanteckningar" in preview
    assert "1 påminnelser och 1 sparade formulär" in preview
    assert "Koden nämns i 1 minnesanteckningar." in preview
    assert "Deltagaren är inte avslutad." in preview  # enrolled: closed today
    assert f"[Ja, radera {CODE}]" in preview
    button = connector.activities[-1]["attachments"][0]["content"]["actions"][0]
    assert button["data"]["command"] == f"radera {CODE} bekräfta"
    async with db.session() as session:  # asking changed nothing
        assert (await session.get(Participant, participant_id)).code == CODE

    assert await bot.say(message(button["data"]["command"], url, ADMIN)) == [
        f"Klart: {CODE} är anonymiserad. Raderingen är loggad utan innehållet."
    ]
    # A second confirmation (a redelivery, a double click) finds nothing to erase.
    assert await bot.say(message(button["data"]["command"], url, ADMIN)) == [
        f"Det finns ingen deltagare {CODE} i Stegvis (den kan redan vara raderad)."
    ]

    async with db.session() as session:
        row = await session.get(Participant, participant_id)
        placement = (await session.exec(select(Placement))).one()
        notes = (await session.exec(select(PlacementNote))).all()
        steps = (await session.exec(select(ProgressionStep))).all()
        reminders = (await session.exec(select(ReminderOutbox))).all()
        states = (await session.exec(select(BotStateItem))).all()
        entries = (await session.exec(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert row.code.startswith("ANON-") and row.anonymised_at is not None
    assert (row.gender, row.birth_year, row.enrolment_date) == ("woman", 1985, date(2026, 11, 10))
    # Nobody can exit it any more: it is closed today, so it stops counting as active.
    assert (row.status, row.exit_date, row.exit_reason, row.exit_destination) == (
        "exited", clock.today(), "other", "unknown")
    assert (row.referring_unit, row.extension_motivation, row.created_by) == ("", None, None)
    assert row.coach_id is not None  # the caseload report counts per coach
    assert (placement.employer, placement.occupation_area, placement.placement_type) == (
        "", "", "work_training")
    assert placement.end_date == clock.today()
    assert notes == [] and [s.step for s in steps] == ["employer_contact"]
    assert steps[0].created_by is None
    assert reminders == []
    assert all(CODE not in s.document for s in states)
    # The log keeps who did what and when, and the code; no values and no link to the row.
    about = [e for e in entries if e.participant_code == CODE]
    assert {e.participant_id for e in about} == {None}
    assert {e.entity_id for e in about if e.entity != "staff"} == {None}
    for entry in about:
        assert all(v is None for v in json.loads(entry.changes or "{}").values())
    erased = [e for e in entries if e.action == "erase"]
    assert len(erased) == 1 and erased[0].actor_aad_object_id == ADMIN_AAD
    assert json.loads(erased[0].details) == {
        "mode": "anonymise", "participants": 1, "placements": 1, "notes": 1, "steps": 1,
        "reminders": 1, "dialog_states": 1, "audit_rows": len(about) - 1,
        "minutes_mentions": 1,
    }
    everything = " ".join([await all_text(db, m) for m in (
        Participant, Placement, PlacementNote, ReminderOutbox, BotStateItem, AuditEntry)])
    for text in FREE:
        assert text not in everything
    assert CODE not in await all_text(db, Participant)
    # Report counts stay; the participant cannot be reached, listed or undone any more.
    assert await counts_report(db) == report_before
    assert await bot.say(message(f"visa {CODE}", url, COORDINATOR)) == [
        f"Jag hittar ingen deltagare {CODE} som du har behörighet till."
    ]
    assert await bot.say(message("mina deltagare", url, COORDINATOR)) == [
        "Du har inga pågående deltagare."
    ]
    assert await bot.say(message("ångra", url, COACH)) == [
        "Du har inget att ångra från det senaste dygnet."
    ]
    # Minutes are archive records: the mention stays.
    assert CODE.lower() in await all_text(db, Meeting)


# --- on the command line, and the other mode --------------------------------------------------


async def test_cli_extract_and_erasure_delete_mode(bot, connector, db, cli_env, capsys, tmp_path):
    participant_id = await a_participant_with_everything(bot, connector, db)
    code, out, _ = await cli(capsys, "utdrag", CODE.lower(), "--format", "json")
    assert code == 0
    assert json.loads(out)["placements"][0]["employer"] == FREE[1]
    target = tmp_path / "utdrag.xlsx"
    code, out, _ = await cli(capsys, "utdrag", CODE, "--format", "xlsx", "--out", str(target))
    assert code == 0 and f"Registerutdraget för {CODE} är skrivet till {target}." in out
    assert "Logg" in load_workbook(target).sheetnames
    code, _, err = await cli(capsys, "utdrag", "V-2026-0999")
    assert code == 2 and "Det finns ingen deltagare V-2026-0999" in err

    # The association chooses deletion in its organisation file.
    org = (repo_root() / "storage" / "org_default.toml").read_text(encoding="utf-8")
    changed = tmp_path / "org.toml"
    changed.write_text(org.replace('participant_removal = "anonymise"',
                                   'participant_removal = "delete"'), encoding="utf-8")
    code, _, _ = await cli(capsys, "org", "load", str(changed))
    assert code == 0

    # Without --yes it asks; no answer (no terminal) erases nothing.
    code, out, err = await cli(capsys, "radera", CODE)
    assert code == 1 and "Inget raderades." in err
    assert f"Radera {CODE}?" in out and "Deltagaren tas bort helt, med 1 placeringar" in out
    async with db.session() as session:
        assert await session.get(Participant, participant_id) is not None

    code, out, _ = await cli(capsys, "radera", CODE, "--yes")
    assert code == 0 and f"Klart: {CODE} är borttagen." in out
    async with db.session() as session:
        assert await session.get(Participant, participant_id) is None
        for model in (Placement, PlacementNote, ProgressionStep, ReminderOutbox):
            assert (await session.exec(select(model))).all() == []
        erased = (await session.exec(select(AuditEntry).where(AuditEntry.action == "erase"))
                  ).one()
        extracts = (await session.exec(
            select(AuditEntry.actor_aad_object_id).where(AuditEntry.action == "extract"))).all()
        left = (await session.exec(select(AuditEntry).where(
            col(AuditEntry.participant_id) == participant_id))).all()
    assert (erased.actor_aad_object_id, erased.participant_code) == ("cli", CODE)
    assert json.loads(erased.details)["mode"] == "delete"
    assert extracts == ["cli", "cli"]
    assert left == []
    code, _, err = await cli(capsys, "radera", CODE, "--yes")
    assert code == 2 and "Det finns ingen deltagare" in err


async def test_the_confirmation_checks_the_rights_again(bot, connector, db):
    await a_participant_with_everything(bot, connector, db)
    url = connector.url
    await bot.say(message("hjälp", url, ADMIN))
    (preview,) = await bot.say(message(f"radera {CODE}", url, ADMIN))
    assert f"[Ja, radera {CODE}]" in preview
    async with db.session() as session:  # between the question and the button
        await upsert_staff(session, COORDINATOR_AAD, "Sara Samordnare", Role.ADMIN, [])
        await upsert_staff(session, ADMIN_AAD, "Alva Admin", Role.VIEWER, [])
    assert await bot.say(message(f"radera {CODE} bekräfta", url, ADMIN)) == [
        "Det har du inte behörighet till med rollen läsare (endast sammanställningar)."
    ]
    async with db.session() as session:
        assert (await session.exec(select(Participant.code))).all() == [CODE]


# --- the file and the code search, on their own ---------------------------------------------


def test_xlsx_extract_keeps_text_as_text():
    extract = {
        "code": CODE, "generated_at": "2026-11-23T09:00:00+00:00",
        "participant": {"code": CODE, "status": "exited", "referring_unit": "=HYPERLINK(\"x\")"},
        "placements": [], "steps": [], "audit": [], "reminders": [], "dialog_state": [],
        "minutes": [],
        "notes": [{"note": "rad\x00ett\x1frad två", "list": [1, "a"]}, {"note": "x" * 40_000}],
    }
    book = load_workbook(io.BytesIO(to_xlsx(extract)))
    fields = {row[0]: row[1:] for row in book["Deltagare"].iter_rows(values_only=True)}
    assert fields["referring_unit"][0] == '=HYPERLINK("x")'  # text, never a formula
    assert fields["status"] == ("exited", "utskriven")
    rows = list(book["Uppföljningar"].iter_rows(values_only=True))
    assert rows[0] == ("note", "list")
    assert rows[1] == ("rad\x00ett\x1frad två".replace("\x00", "").replace("\x1f", ""), '[1, "a"]')
    assert len(rows[2][0]) == 32_767 and rows[2][0].endswith("…")
    assert book["Steg"]["A1"].value == "Inget sparat."


@given(
    before=st.text(alphabet=string.ascii_letters + " .,:;()", max_size=20),
    after=st.text(alphabet=string.ascii_letters + " .,:;()", max_size=20),
    digit=st.sampled_from("0123456789"),
)
def test_a_code_is_found_as_a_whole_code_only(before, after, digit):
    text = f"{before} {CODE.lower()} {after}"
    assert mentions_code(text, CODE)
    assert not mentions_code(f"{before} {CODE}{digit} {after}", CODE)
    assert not mentions_code(f"{before} X{CODE} {after}", CODE)


async def test_saved_forms_are_found_however_the_code_was_written(db):
    """A county part may have the prefix Ö; JSON may escape it, SQLite does not fold its case."""
    await add_participant(db, "Ö-2026-0001")
    async with db.session() as session:
        for key, document in (
            ("escaped", json.dumps({"text": "skriv ut ö-2026-0001"})),
            ("literal", json.dumps({"text": "visa Ö-2026-0001"}, ensure_ascii=False)),
            ("other", json.dumps({"text": "visa Ö-2026-00011"}, ensure_ascii=False)),
        ):
            session.add(BotStateItem(key=key, document=document, etag=key))
        await upsert_staff(session, ADMIN_AAD, "Alva Admin", Role.ADMIN, [])
        admin = await load_actor(session, ADMIN_AAD)
        done = await erase_participant(session, admin, "ö-2026-0001")
    assert done.counts.dialog_states == 2
    async with db.session() as session:
        assert (await session.exec(select(BotStateItem.key))).all() == ["other"]
