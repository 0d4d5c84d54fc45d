"""storage/conversations.py's per-process confirmation: a removal in this process
is not hidden by a turn that read the reference while the removal was still uncommitted."""

from __future__ import annotations

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from storage.conversations import conversation_known, forget_conversation, remember_conversation
from tests.teams import COACH_AAD, message, user

COACH = user(COACH_AAD, "Cem Coach")


async def test_a_read_during_an_uncommitted_removal_does_not_confirm_it_for_a_minute(db):
    activity = Activity().deserialize(message("hej", "http://127.0.0.1:1/", COACH))
    reference = TurnContext.get_conversation_reference(activity).serialize()
    conversation = reference["conversation"]["id"]
    async with db.session() as session:
        await remember_conversation(session, reference, conversation_type="personal",
                                    tenant_id=None, aad_object_id=COACH_AAD,
                                    user_name="Cem Coach")
    async with db.read() as session:
        assert await conversation_known(session, reference, "Cem Coach")
    # The scheduler marks it removed (Teams said the bot is gone); before that commits, a
    # message turn of the same conversation in this process reads the reference.
    async with db.session() as removing:
        await forget_conversation(removing, conversation)
        async with db.read() as session:
            await conversation_known(session, reference, "Cem Coach")
    # A message now must see the removal (and so store the reference again, as before).
    async with db.read() as session:
        assert not await conversation_known(session, reference, "Cem Coach")
