"""Exit documentation (`slutdokument <kod>`) through the real HTTP endpoint: the card, the file
offered and uploaded after Allow, made from the record with the coach's recommendations; who may
ask; refused text; and nothing of the recommendations left behind."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from docx import Document
from sqlmodel import select

from storage.clock import clock
from storage.models import FileOffer
from storage.org import DEFAULT_ORG_FILE, OrgConfigError, apply_org, load_org_file
from storage.participants import (
    ExitInput,
    PlacementInput,
    ReferralInput,
    add_placement,
    decide,
    enrol,
    exit_participant,
    record_step,
    register_referral,
)
from storage.permissions import Role
from storage.privacy import erase_participant
from storage.rules import Status
from storage.staff import load_actor, upsert_staff
from tests.fakes import consent_invoke
from tests.people import ADMIN, COACH, COORDINATOR, VIEWER, add_staff
from tests.teams import ADMIN_AAD, COORDINATOR_AAD, card_submit, message, user

OTHER_COACH_AAD = "6a2c8e90-1b3d-4f7e-9c0a-7d8e9f0a1b2c"
OTHER_COACH = user(OTHER_COACH_AAD, "Olle Coach")
ADVICE = "Fortsatt arbetsträning med stöd.\nKontakt med Arbetsförmedlingen om lönestöd."


@pytest.fixture(autouse=True)
def monday(monkeypatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC))


async def setup(db) -> tuple[str, str]:
    """One participant with a step, a placement and an exit; one only referred."""
    await add_staff(db, COORDINATOR, COACH, VIEWER, ADMIN)
    async with db.session() as session:
        # A second coach in Västra: the same county part, not this participant's coach.
        await upsert_staff(session, OTHER_COACH_AAD, "Olle Coach", Role.COACH, ["vastra"])
        actor = await load_actor(session, COORDINATOR_AAD)
        referral = ReferralInput(date(2026, 1, 12), "fk", "Flen", "woman", 1985,
                                 "sickness_benefit", True)
        code = (await register_referral(session, actor, referral)).code
        await decide(session, actor, code, Status.ACCEPTED, day=date(2026, 1, 20),
                     coach="Cem Coach")
        await enrol(session, actor, code, date(2026, 2, 2))
        await record_step(session, actor, code, "job_search", date(2026, 3, 10))
        await add_placement(session, actor, code,
                            PlacementInput("work_training", "private", "Coop Flen",
                                           date(2026, 4, 1)))
        await exit_participant(session, actor, code, ExitInput(
            date(2026, 11, 20), "according_to_plan", "work_unsubsidised", "salary"))
        referred = (await register_referral(session, actor, referral)).code
    return code, referred


async def offers(db) -> list[FileOffer]:
    async with db.session() as session:
        return list((await session.exec(select(FileOffer))).all())


async def test_card_then_file_after_allow(bot, connector, db, upload):
    code, _ = await setup(db)
    url = connector.url
    await bot.say(message(f"slutdokument {code}", url, COACH))
    form = connector.activities[-1]["attachments"][0]["content"]
    shown = json.dumps(form, ensure_ascii=False)
    assert f"Slutdokumentation {code}" in shown
    assert "2026-02-02 – 2026-11-20" in shown and "9 månader" in shown
    (button,) = form["actions"]

    await bot.post(card_submit(
        {**button["data"], "recommendations": ADVICE,
         "recipient": "handläggare på Försäkringskassan"}, url, COACH))
    attachment = connector.activities[-1]["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
    assert attachment["name"] == f"Slutdokumentation {code} 2026-11-30.docx"
    (offer,) = await offers(db)
    assert "lönestöd" in offer.params  # held only until the offer is used

    context = attachment["content"]["acceptContext"]
    invoke = consent_invoke(message("", url, COACH), "accept", context, upload.url("s.docx"))
    assert (await bot.post(invoke)).status == 200
    ((_, body),) = upload.received
    document = Document(io.BytesIO(body))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for row in document.tables[0].rows for c in row.cells)
    assert "Slutdokumentation – Sikta mot arbetslivet" in text
    assert "Till: handläggare på Försäkringskassan" in text
    assert "2026-03-10: jobbsökande" in text
    assert "Coop Flen" in text
    assert "Fortsatt arbetsträning med stöd." in text and "lönestöd." in text
    assert code in cells and "(fylls i för hand)" in cells and "9 månader" in cells
    (offer,) = await offers(db)
    assert offer.params == "{}" and offer.used_at is not None


async def test_one_line_and_who_may_ask(bot, connector, db):
    code, referred = await setup(db)
    url = connector.url
    await bot.say(message(f'slutdokument {code} rekommendationer="Studier på komvux"', url,
                          COORDINATOR))
    assert connector.activities[-1]["attachments"][0]["name"].startswith("Slutdokumentation")
    for sender in (OTHER_COACH, VIEWER):
        (reply,) = await bot.say(message(f"slutdokument {code}", url, sender))
        assert "Slutdokumentation" not in reply
    assert await bot.say(message(f"slutdokument {referred}", url, COORDINATOR)) == [
        f"{referred} har inte blivit aktuell i insatsen, så det finns ingen slutdokumentation "
        "att göra."
    ]
    assert await bot.say(message("slutdokument", url, COACH)) == [
        "Skriv `slutdokument <kod>`, till exempel `slutdokument V-2026-0042`."
    ]
    assert len(await offers(db)) == 1


async def test_a_name_in_the_recommendations_comes_back_without_it(bot, connector, db):
    code, _ = await setup(db)
    url = connector.url
    await bot.say(message(f"slutdokument {code}", url, COACH))
    (button,) = connector.activities[-1]["attachments"][0]["content"]["actions"]
    await bot.post(card_submit(
        {**button["data"], "recommendations": "Kalle Karlsson bör fortsätta hos Coop"}, url,
        COACH))
    form = connector.activities[-1]["attachments"][0]["content"]
    shown = json.dumps(form, ensure_ascii=False)
    assert form["type"] == "AdaptiveCard" and "Kalle" not in shown
    assert await offers(db) == []
    await bot.post(card_submit({**button["data"], "recommendations": "x" * 3001}, url, COACH))
    assert await offers(db) == []


async def test_erasure_takes_an_unused_offer_with_it(bot, connector, db):
    code, _ = await setup(db)
    url = connector.url
    await bot.say(message(f'slutdokument {code} rekommendationer="Studier"', url, COACH))
    assert len(await offers(db)) == 1
    async with db.session() as session:
        admin = await load_actor(session, ADMIN_AAD)
        await erase_participant(session, admin, code)
    assert await offers(db) == []


async def test_the_organisation_files_template_is_the_start(bot, connector, db, upload, tmp_path):
    code, _ = await setup(db)
    letterhead = Document()
    letterhead.add_paragraph("Samordningsförbundet RAR i Sörmland – brevhuvud")
    letterhead.save(tmp_path / "mall.docx")
    org_file = tmp_path / "org.toml"
    org_file.write_text(
        DEFAULT_ORG_FILE.read_text(encoding="utf-8")
        + '\n[exit_document]\ntemplate = "mall.docx"\n',
        encoding="utf-8",
    )
    async with db.session() as session:
        await apply_org(session, load_org_file(org_file))
    url = connector.url
    await bot.say(message(f'slutdokument {code} rekommendationer="Studier"', url, COACH))
    context = connector.activities[-1]["attachments"][0]["content"]["acceptContext"]
    invoke = consent_invoke(message("", url, COACH), "accept", context, upload.url("s.docx"))
    assert (await bot.post(invoke)).status == 200
    ((_, body),) = upload.received
    paragraphs = [p.text for p in Document(io.BytesIO(body)).paragraphs]
    assert paragraphs[0] == "Samordningsförbundet RAR i Sörmland – brevhuvud"
    assert "Slutdokumentation – Sikta mot arbetslivet" in paragraphs

    (tmp_path / "mall.docx").write_text("inte en Word-fil", encoding="utf-8")
    with pytest.raises(OrgConfigError, match="ingen Word-fil"):
        load_org_file(org_file)
    (tmp_path / "mall.docx").unlink()
    with pytest.raises(OrgConfigError, match="går inte att läsa"):
        load_org_file(org_file)


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: no conversion to PDF")
async def test_libreoffice_opens_the_file(bot, connector, db, upload, tmp_path):
    """Word is not here; LibreOffice reading the file and writing it as PDF is the nearest
    check that it opens outside python-docx."""
    code, _ = await setup(db)
    url = connector.url
    await bot.say(message(f'slutdokument {code} rekommendationer="Studier på komvux"', url,
                          COACH))
    context = connector.activities[-1]["attachments"][0]["content"]["acceptContext"]
    invoke = consent_invoke(message("", url, COACH), "accept", context, upload.url("s.docx"))
    assert (await bot.post(invoke)).status == 200
    ((_, body),) = upload.received
    source = tmp_path / "slutdokument.docx"
    source.write_bytes(body)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=180)
    assert (tmp_path / "slutdokument.pdf").read_bytes().startswith(b"%PDF")
