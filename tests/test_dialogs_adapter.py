"""The staff dialog through botbuilder's TestAdapter, with state in SqlStorage."""

from __future__ import annotations

from botbuilder.core import ConversationState, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botbuilder.schema import ChannelAccount

from dialogs.staff import StaffDialog
from storage.bot_state import SqlStorage
from storage.permissions import Role
from storage.staff import load_actor, upsert_staff
from tests.teams import ADMIN_AAD, COACH_AAD


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
    step = await step.assert_reply(lambda a, _: a.text.startswith("Vilken roll ska Cem Coach"))
    step = await step.send("coach")
    step = await step.assert_reply(lambda a, _: "Vilka länsdelar" in a.text)
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
    await step.assert_reply(lambda a, _: a.text.startswith("Vilken roll ska Cem Coach"))
