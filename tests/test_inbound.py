"""The inbound turn as dialogs see it: read off the activity as the handlers used to read it,
and a language chosen mid-turn reaches what bot/ says after the handler."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity
from botbuilder.schema.teams import FileConsentCardResponse, FileUploadInfo

from bot.inbound import consent_answer, inbound
from dialogs.channel_files import GraphError
from dialogs.inbound import Inbound


def context(**fields: Any) -> TurnContext:
    return TurnContext(TestAdapter(), Activity.deserialize({"type": "message", **fields}))


def test_the_activity_read_as_plain_values() -> None:
    turn = context(
        locale="sv-SE",
        conversation={"id": "19:abc@thread.tacv2", "conversationType": "channel"},
        **{"from": {"id": "29:1", "name": "Anna", "aadObjectId": "ABC-DEF"}},
        value={"code": "V-2026-0001"},
        channelData={"team": {"aadGroupId": "g"}},
    )
    seen = inbound(turn, None)
    assert (seen.locale, seen.conversation_id, seen.conversation_type) == (
        "sv-SE",
        "19:abc@thread.tacv2",
        "channel",
    )
    assert (seen.sender_id, seen.sender_name, seen.sender_aad_id) == ("29:1", "Anna", "abc-def")
    assert seen.value == {"code": "V-2026-0001"}
    assert seen.channel_data == {"team": {"aadGroupId": "g"}}
    assert not seen.personal


def test_what_an_activity_does_not_say_is_a_personal_chat_with_nobody_known() -> None:
    seen = inbound(context(value="not a card"), None)
    assert seen.personal and seen.conversation_id == ""
    assert (seen.sender_id, seen.sender_name, seen.sender_aad_id) == ("", None, "")
    assert seen.value == {} and seen.channel_data == {}


def test_a_language_chosen_mid_turn_is_the_activitys_too() -> None:
    turn = context(locale="sv-SE")
    seen = inbound(turn, None)
    seen.use_locale("en-US")
    assert seen.locale == turn.activity.locale == "en-US"


async def test_outside_a_team_there_is_no_team_to_ask_for() -> None:
    seen = Inbound("sv-SE", "a:1", "personal", "29:1", None, "")
    with pytest.raises(GraphError):
        await seen.team_group_id()


def test_a_consent_answer_carries_the_card_context_and_where_to_upload() -> None:
    accepted = FileConsentCardResponse(
        action="accept",
        context={"offer": "t0ken"},
        upload_info=FileUploadInfo(
            name="a.docx",
            upload_url="https://contoso.sharepoint.com/up",
            content_url="https://contoso.sharepoint.com/a.docx",
            unique_id="u1",
            file_type="docx",
        ),
    )
    answer = consent_answer(accepted)
    assert answer.token == "t0ken"
    assert (answer.upload_url, answer.name, answer.unique_id) == (
        "https://contoso.sharepoint.com/up",
        "a.docx",
        "u1",
    )
    declined = consent_answer(FileConsentCardResponse(action="decline", context="odd"))
    assert declined.token is None and declined.upload_url is None
