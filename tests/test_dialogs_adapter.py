"""The staff dialog through botbuilder's TestAdapter, with state in SqlStorage."""

from __future__ import annotations

from botbuilder.core import ConversationState, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botbuilder.schema import ChannelAccount
from sqlmodel import select

from bot.state import SqlStorage
from dialogs import referral
from dialogs.staff import StaffDialog
from storage.models import Participant
from storage.permissions import Role
from storage.staff import load_actor, upsert_staff
from tests.teams import ADMIN_AAD, COACH_AAD, COORDINATOR_AAD


def starts(prefix: str):
    """An assert_reply inspector that fails (botbuilder ignores an inspector's return value)."""

    def inspect(activity, _description) -> None:
        shown = activity.text or activity.summary  # a question card is summed up by its question
        assert shown.startswith(prefix), shown

    return inspect


def contains(part: str):
    def inspect(activity, _description) -> None:
        shown = activity.text or activity.summary
        assert part in shown, shown

    return inspect


def adapter_for(db) -> TestAdapter:
    state = ConversationState(SqlStorage(db))
    dialogs = DialogSet(state.create_property("DialogState"))
    dialogs.add(StaffDialog(db))

    async def logic(context: TurnContext) -> None:
        context.activity.from_property = ChannelAccount(
            id="29:admin", name="Alva Admin", aad_object_id=ADMIN_AAD
        )
        dialog_context = await dialogs.create_context(context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog(StaffDialog.ID, {"person": COACH_AAD})
        await state.save_changes(context)

    return TestAdapter(logic)


async def test_staff_dialog_with_test_adapter(db):
    async with db.session() as session:
        await upsert_staff(session, ADMIN_AAD, "Alva Admin", Role.ADMIN, [])
    adapter = adapter_for(db)
    step = await adapter.send("start")
    step = await step.assert_reply("Vilket namn ska visas för personen?")
    step = await step.send("Cem Coach")
    step = await step.assert_reply(starts("Vilken roll ska Cem Coach"))
    step = await step.send("coach")
    step = await step.assert_reply(contains("Vilka länsdelar"))
    step = await step.send("Norra och Västra")
    step = await step.assert_reply("Spara Cem Coach som coach i Norra och Västra?")
    step = await step.send("ja")
    await step.assert_reply("Klart: Cem Coach är nu coach i Norra och Västra.")
    async with db.session() as session:
        coach = await load_actor(session, COACH_AAD)
    assert coach.role == Role.COACH and coach.county_parts == {"norra", "vastra"}


async def test_a_new_adapter_continues_the_stored_dialog(db):
    """Two adapters over one database stand for two processes (or a restart)."""
    async with db.session() as session:
        await upsert_staff(session, ADMIN_AAD, "Alva Admin", Role.ADMIN, [])
    step = await adapter_for(db).send("start")
    await step.assert_reply("Vilket namn ska visas för personen?")
    step = await adapter_for(db).send("Cem Coach")
    await step.assert_reply(starts("Vilken roll ska Cem Coach"))


def form_adapter(db, form_id: str, options: dict) -> TestAdapter:
    """A TestAdapter running one participant form, as the coordinator."""
    state = ConversationState(SqlStorage(db))
    dialogs = DialogSet(state.create_property("DialogState"))
    for dialog in referral.dialogs(db):
        dialogs.add(dialog)

    async def logic(context: TurnContext) -> None:
        context.activity.from_property = ChannelAccount(
            id="29:coordinator", name="Sara", aad_object_id=COORDINATOR_AAD
        )
        dialog_context = await dialogs.create_context(context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog(form_id, options)
        await state.save_changes(context)

    return TestAdapter(logic)


async def test_referral_form_with_test_adapter(db, on_23_november_2026):
    async with db.session() as session:
        await upsert_staff(session, COORDINATOR_AAD, "Sara", Role.COORDINATOR, ["sodra"])
    given = {"values": {"municipality": "Trosa", "gender": "man", "party": "af"}}
    step = await form_adapter(db, referral.ReferralForm.ID, given).send("start")
    step = await step.assert_reply(starts("Vilket år är personen född?"))
    step = await step.send("85")
    step = await step.assert_reply(starts("Skriv födelseåret med fyra"))
    step = await step.send("1985")
    step = await step.assert_reply(starts("Vilken försörjning"))
    step = await step.send("aktivitetsstöd")
    step = await step.assert_reply(starts("Har personen samtyckt"))
    step = await step.send("nej")
    await step.assert_reply(starts("Utan samtycke kan personen inte"))
    async with db.session() as session:
        assert (await session.exec(select(Participant))).all() == []

    step = await form_adapter(db, referral.ReferralForm.ID, given).send("start")
    step = await step.assert_reply(starts("Vilket år"))
    step = await step.send("1985")
    step = await step.assert_reply(starts("Vilken försörjning"))
    step = await step.send("aktivitetsstöd")
    step = await step.assert_reply(starts("Har personen samtyckt"))
    step = await step.send("ja")
    await step.assert_reply(starts("Registrerat **S-2026-0001**: man"))
