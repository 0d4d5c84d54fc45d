"""storage.participants on real SQL: codes, the path, permissions, audit and undo."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlmodel import select

from storage.models import AuditEntry, Placement
from storage.participants import (
    ExitInput,
    PlacementInput,
    ReferralInput,
    add_placement,
    decide,
    enrol,
    exit_participant,
    extend,
    get_participant,
    register_referral,
    undo_last,
)
from storage.permissions import Action, Role
from storage.rules import RuleError, Status
from storage.staff import load_actor, upsert_staff

COORD, COACH, LEAD = (
    "1b7d3f45-6c8e-4a2f-8d4b-2e3f4a5b6c7d",
    "2c8e4a56-7d9f-4b3a-9e5c-3f4a5b6c7d8e",
    "5f1b7d89-0a2c-4e6d-9b8f-6c7d8e9f0a1b",
)


def referral(municipality: str = "Flen", **overrides) -> ReferralInput:
    values = dict(referral_date=date(2026, 10, 1), referring_party="fk",
                  municipality=municipality, gender="woman", birth_year=1980,
                  income_source="sickness_benefit", consent=True)
    values.update(overrides)
    return ReferralInput(**values)


@pytest.fixture
async def actors(db):
    async with db.session() as session:
        await upsert_staff(session, COORD, "Sara", Role.COORDINATOR, ["vastra"])
        await upsert_staff(session, COACH, "Cem Coach", Role.COACH, ["vastra"])
        await upsert_staff(session, LEAD, "Lena", Role.PROGRAMME_LEAD, [])
        return {aad: await load_actor(session, aad) for aad in (COORD, COACH, LEAD)}


async def test_codes_are_unique_under_concurrency(db, actors):
    async def one() -> str:
        async with db.session() as session:
            return (await register_referral(session, actors[COORD], referral())).code

    codes = []
    for _ in range(4):  # SQLite serialises writers; four rounds of three keep it quick
        codes += await asyncio.gather(one(), one(), one())
    assert sorted(codes) == [f"V-2026-{n:04d}" for n in range(1, 13)]


async def test_coordinator_cannot_register_outside_own_area(db, actors):
    async with db.session() as session:
        with pytest.raises(RuleError, match="not_your_area"):
            await register_referral(session, actors[COORD], referral("Nyköping"))
        lead_code = (await register_referral(session, actors[LEAD], referral("Nyköping"))).code
    assert lead_code == "S-2026-0001"


async def test_path_exit_closes_open_placements(db, actors, monkeypatch):
    async with db.session() as session:
        code = (await register_referral(session, actors[COORD], referral())).code
        await decide(session, actors[COORD], code, Status.ACCEPTED, day=date(2026, 10, 5),
                     coach="cem")
        with pytest.raises(RuleError, match="rule_transition"):
            await exit_participant(session, actors[COACH], code,
                                   ExitInput(date(2026, 10, 6), "other", "none", "unknown"))
        await enrol(session, actors[COACH], code, date(2026, 10, 6))
        await add_placement(session, actors[COACH], code, PlacementInput(
            "work_training", "public", "Kommunens park", date(2026, 10, 10)))
        await exit_participant(session, actors[COACH], code, ExitInput(
            date(2026, 11, 1), "according_to_plan", "work_unsubsidised", "salary"))
        placement = (await session.exec(select(Placement))).one()
    assert placement.end_date == date(2026, 11, 1)


async def test_extension_needs_enrolment_and_motivation(db, actors):
    async with db.session() as session:
        code = (await register_referral(session, actors[COORD], referral())).code
        with pytest.raises(RuleError, match="extension_needs_enrolment"):
            await extend(session, actors[COORD], code, date(2028, 1, 1), "Mer tid behövs nu")
        await decide(session, actors[COORD], code, Status.ACCEPTED, day=date(2026, 10, 2),
                     coach="Cem Coach")
        await enrol(session, actors[COORD], code, date(2026, 10, 3))
        with pytest.raises(RuleError, match="rule_full_name"):
            await extend(session, actors[COORD], code, date(2028, 1, 1),
                         "Handledaren Eva Lund vill ha mer tid")
        participant = await extend(session, actors[COORD], code, date(2028, 1, 1),
                                   "Arbetsträningen behöver fortsätta")
    assert participant.extended_until == date(2028, 1, 1)


async def test_coach_reads_only_own_caseload_and_denials_are_audited(db, actors):
    async with db.session() as session:
        code = (await register_referral(session, actors[COORD], referral())).code
        with pytest.raises(RuleError, match="participant_not_found"):
            await get_participant(session, actors[COACH], code)
        await decide(session, actors[COORD], code, Status.ACCEPTED, day=date(2026, 10, 2),
                     coach="Cem Coach")
    async with db.session() as session:
        coach = await load_actor(session, COACH)
        assert (await get_participant(session, coach, code)).code == code
        await get_participant(session, coach, code, Action.WRITE_PARTICIPANT)
        entries = (await session.exec(select(AuditEntry.action, AuditEntry.actor_aad_object_id)
                                      .order_by(AuditEntry.id))).all()
    assert ("denied", COACH) in entries
    assert ("read", COACH) in entries
    assert ("create", COORD) in entries


async def test_undo_restores_the_previous_values(db, actors):
    async with db.session() as session:
        code = (await register_referral(session, actors[COORD], referral())).code
        await decide(session, actors[COORD], code, Status.WAITING, day=date(2026, 10, 2))
        result = await undo_last(session, actors[COORD])
        participant = await get_participant(session, actors[COORD], code)
    assert (result.entity, result.action) == ("participant", "update")
    assert participant.status == "referred" and participant.decision_date is None
    async with db.session() as session:
        with pytest.raises(RuleError, match="nothing_to_undo"):
            await undo_last(session, actors[LEAD])
