"""The participant survey through the real HTTP endpoint: the card, answers stored apart from
the participant, once; who may give it and when; and results that show no small group, checked
against an independent count on generated answers."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect
from sqlmodel import select

from storage.clock import clock
from storage.models import Participant, SurveyAnswer, SurveyResponse
from storage.participants import (
    ExitInput,
    ReferralInput,
    decide,
    enrol,
    exit_participant,
    register_referral,
)
from storage.privacy import erase_participant, participant_extract
from storage.rules import Status
from storage.staff import load_actor
from storage.surveys import save_survey
from tests.people import (
    ADMIN,
    COACH,
    COORDINATOR,
    LEAD,
    LEAD_AAD,
    NORRA_COACH,
    SODRA_COACH,
    VIEWER,
    add_staff,
)
from tests.teams import ADMIN_AAD, card_submit, message
from tests.test_choice_cards import check_every_message

TOWNS = {"vastra": ("Flen", "Cem Coach"), "norra": ("Eskilstuna", "Nils Norra"),
         "sodra": ("Nyköping", "Stina Södra")}


def at(monkeypatch, day: date) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(day.year, day.month, day.day, 9, 0,
                                                       tzinfo=UTC))


@pytest.fixture(autouse=True)
def june(monkeypatch) -> None:
    at(monkeypatch, date(2026, 6, 15))


async def staff(db) -> None:
    await add_staff(db, COORDINATOR, COACH, NORRA_COACH, SODRA_COACH, LEAD, VIEWER)


async def participant(db, part: str = "vastra", exited: bool = True) -> str:
    async with db.session() as session:
        lead = await load_actor(session, LEAD_AAD)
        town, coach = TOWNS[part]
        referral = ReferralInput(date(2026, 1, 12), "fk", town, "woman", 1990,
                                 "sickness_benefit", True)
        code = (await register_referral(session, lead, referral)).code
        await decide(session, lead, code, Status.ACCEPTED, day=date(2026, 1, 20), coach=coach)
        await enrol(session, lead, code, date(2026, 2, 2))
        if exited:
            await exit_participant(session, lead, code, ExitInput(
                date(2026, 6, 1), "according_to_plan", "studies", "no_public"))
    return code


async def responses(db) -> list[SurveyResponse]:
    async with db.session() as session:
        return list((await session.exec(select(SurveyResponse))).all())


async def test_card_answers_stored_apart_and_once(bot, connector, db):
    await staff(db)
    code = await participant(db)
    url = connector.url
    await bot.say(message(f"enkät {code} utskrivning", url, COACH))
    card = connector.activities[-1]["attachments"][0]["content"]
    questions = [item for item in card["body"] if item["type"] == "Input.ChoiceSet"]
    assert [q["label"] for q in questions] == [
        "Jag känner mig lyssnad på och bemött med respekt.",
        "Jag har kommit närmare arbete eller studier.",
        "Jag har haft nytta av stödet jag har fått.",
    ]
    assert all(q["style"] == "expanded" and len(q["choices"]) == 6 for q in questions)
    check_every_message(connector)
    (button,) = card["actions"]
    submit = card_submit({**button["data"], "q_listened_to": "5", "q_progression": "4",
                          "q_benefit": "skip"}, url, COACH)
    assert await bot.say(submit) == [
        f"Tack! Utskrivningsenkäten för {code} är sparad (2 av 3 frågor besvarade), utan "
        "koppling till deltagaren."
    ]
    await bot.post(submit)  # a double tap: the same card's button again
    (response,) = await responses(db)
    columns = {c.key for c in inspect(SurveyResponse).columns}
    assert columns == {"id", "moment", "programme_id", "county_part_id", "period", "gender",
                       "age_band"}
    assert (response.moment, response.period, response.gender, response.age_band) == (
        "exit", "2026-H1", "woman", "30_39")
    async with db.session() as session:
        answers = (await session.exec(select(SurveyAnswer))).all()
        record = (await session.exec(select(Participant).where(Participant.code == code))).one()
    assert sorted((a.question_code, a.value) for a in answers) == [
        ("listened_to", 5), ("progression", 4)]
    assert record.survey_exit_done and not record.survey_enrolment_done
    assert code not in response.id
    assert await bot.say(message(f"enkät {code} utskrivning", url, COACH)) == [
        f"Utskrivningsenkäten för {code} är redan gjord."
    ]


async def test_who_when_and_bad_answers(bot, connector, db):
    await staff(db)
    code = await participant(db)
    ongoing = await participant(db, exited=False)
    url = connector.url
    assert await bot.say(message(f"enkät {ongoing} utskrivning", url, COACH)) == [
        f"{ongoing} är inte utskriven, så utskrivningsenkäten kan inte göras ännu."
    ]
    (reply,) = await bot.say(message(f"enkät {code} utskrivning", url, NORRA_COACH))
    assert "Enkät" not in reply
    assert await bot.say(message("enkät", url, COACH)) == [
        "Skriv `enkät <kod> inskrivning` eller `enkät <kod> utskrivning`, till exempel "
        "`enkät V-2026-0042 utskrivning`."
    ]
    await bot.say(message(f"enkät {code} ut", url, COACH))
    (button,) = connector.activities[-1]["attachments"][0]["content"]["actions"]
    for answers, expected in (
        ({"q_listened_to": "7"}, "Svaren ska vara 1–5"),
        ({"q_listened_to": "skip", "q_progression": "", "q_benefit": "skip"}, "Ingen fråga"),
        ({"q_listened_to": "4", "q_invented": "4"}, "Enkätens frågor har ändrats"),
        ({"q_listened_to": "Kalle"}, "Svaren ska vara 1–5"),
    ):
        (reply,) = await bot.say(card_submit({**button["data"], **answers}, url, COACH))
        assert expected in reply, reply
    assert await responses(db) == []
    async with db.session() as session:
        record = (await session.exec(select(Participant).where(Participant.code == code))).one()
    assert not record.survey_exit_done


async def test_results_hide_small_groups_and_match_a_recount(bot, connector, db, monkeypatch):
    await staff(db)
    rng = random.Random(1201)
    sizes = {"vastra": 9, "norra": 6, "sodra": 3}
    expected: dict[str, list[int]] = {"listened_to": [], "progression": [], "benefit": []}
    per_part: dict[str, list[int]] = {part: [] for part in sizes}
    for part, size in sizes.items():
        for _ in range(size):
            code = await participant(db, part)
            answers = {q: rng.choice([1, 2, 3, 4, 5, None]) for q in expected}
            answers["listened_to"] = rng.randint(1, 5)
            async with db.session() as session:
                await save_survey(session, await load_actor(session, LEAD_AAD), code, "exit",
                                  answers)
            for q, v in answers.items():
                if v is not None:
                    expected[q].append(v)
            per_part[part].append(answers["listened_to"])
    url = connector.url
    assert await bot.say(message("enkätresultat utskrivning 2026-H1", url, LEAD)) == [
        "Enkätresultat visas för halvår som är slut, till exempel 2025-H2, så att ett nytt svar "
        "aldrig syns som en skillnad."
    ]
    at(monkeypatch, date(2026, 7, 2))
    (view,) = await bot.say(message("enkätresultat", url, VIEWER))
    assert "**Enkäten vid utskrivning, 2026-H1**" in view
    assert "18 besvarade enkäter." in view
    for q, values in expected.items():
        agree = round(100 * sum(v >= 4 for v in values) / len(values))
        assert f"**{agree} % instämmer ({len(values)} svar)**" in view, q
    # Södra has 3 answers: no county part is shown, and Västra's samordnare sees no total.
    assert "Västra:" not in view and "Södra:" not in view
    (coordinator_view,) = await bot.say(message("enkätresultat", url, COORDINATOR))
    assert "för få svar för att redovisa" in coordinator_view
    assert "% instämmer" not in coordinator_view

    at(monkeypatch, date(2026, 6, 20))
    for _ in range(2):
        code = await participant(db, "sodra")
        async with db.session() as session:
            await save_survey(session, await load_actor(session, LEAD_AAD), code, "exit",
                              {"listened_to": 5})
        per_part["sodra"].append(5)
    at(monkeypatch, date(2026, 7, 2))
    (view,) = await bot.say(message("enkätresultat ut 2026-H1", url, VIEWER))
    for part, name in (("vastra", "Västra"), ("norra", "Norra"), ("sodra", "Södra")):
        values = per_part[part]
        agree = round(100 * sum(v >= 4 for v in values) / len(values))
        assert f"  - {name}: {agree} % instämmer ({len(values)} svar)" in view, name
    (coordinator_view,) = await bot.say(message("enkätresultat", url, COORDINATOR))
    values = per_part["vastra"]
    assert f"{round(100 * sum(v >= 4 for v in values) / len(values))} % instämmer" in (
        coordinator_view)


async def test_no_extract_or_erasure_reaches_the_answers(bot, connector, db):
    """The register extract holds that the survey was done, never the answers; erasing the
    participant leaves the anonymous answers as they are."""
    await staff(db)
    await add_staff(db, ADMIN)
    code = await participant(db)
    async with db.session() as session:
        lead = await load_actor(session, LEAD_AAD)
        await save_survey(session, lead, code, "exit",
                          {"listened_to": 2, "progression": 5, "benefit": 1})
        admin = await load_actor(session, ADMIN_AAD)
        extract = await participant_extract(session, admin, code, file_format="json",
                                            audited=False)
    (response,) = await responses(db)
    text = json.dumps(extract, ensure_ascii=False, default=str)
    assert response.id not in text
    assert not any(f'"{word}"' in text for word in ("listened_to", "progression", "benefit"))
    assert "survey_answer" not in text and "survey_response" not in text
    async with db.session() as session:
        await erase_participant(session, await load_actor(session, ADMIN_AAD), code)
    assert [r.id for r in await responses(db)] == [response.id]
