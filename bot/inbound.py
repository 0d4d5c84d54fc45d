"""The inbound turn as dialogs see it (dialogs/inbound.py), read off the Bot Framework activity:
the one place a command handler's view of the message is taken from the SDK's types."""

from __future__ import annotations

import asyncio

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity
from botbuilder.schema.teams import FileConsentCardResponse
from msrest.exceptions import ClientException

from dialogs.channel_files import ChannelFiles, GraphError
from dialogs.files import ConsentAnswer
from dialogs.inbound import Inbound


def conversation_type(activity: Activity) -> str:
    """The conversation's kind ("personal", "groupChat", "channel"); unsaid is personal."""
    conversation = activity.conversation
    kind: str = (conversation.conversation_type if conversation else None) or "personal"
    return kind


def inbound(turn_context: TurnContext, graph: ChannelFiles | None) -> Inbound:
    activity = turn_context.activity
    sender = activity.from_property
    value, data = activity.value, activity.channel_data

    def use_locale(locale: str) -> None:
        # What bot/ says after the handler (an apology, a closed card) reads the activity's.
        activity.locale = locale

    async def team_group_id() -> str:
        return await _team_group_id(turn_context)

    return Inbound(
        locale=activity.locale,
        conversation_id=(activity.conversation.id if activity.conversation else None) or "",
        conversation_type=conversation_type(activity),
        sender_id=(sender.id if sender else None) or "",
        sender_name=sender.name if sender else None,
        sender_aad_id=((sender.aad_object_id if sender else None) or "").lower(),
        value=value if isinstance(value, dict) else {},
        channel_data=data if isinstance(data, dict) else {},
        graph=graph,
        team_group_id=team_group_id,
        on_locale=use_locale,
    )


async def _team_group_id(context: TurnContext) -> str:
    """The team's Microsoft 365 group id, from the Bot Connector when channelData lacks it.

    The connector's Teams client is blocking, so it runs in a worker thread.
    """
    try:
        connector = await TeamsInfo.get_teams_connector_client(context)
        details = await asyncio.to_thread(
            connector.teams.get_team_details, TeamsInfo.get_team_id(context)
        )
    except (ClientException, TypeError, ValueError) as error:  # not in a team, or no answer
        raise GraphError(0, f"team details: {error}") from error
    return str(details.aad_group_id)


def consent_answer(response: FileConsentCardResponse) -> ConsentAnswer:
    """A file consent card's answer as plain values (dialogs/files.py)."""
    info = response.upload_info
    if info is None:
        return ConsentAnswer(response.context)
    return ConsentAnswer(
        response.context,
        upload_url=info.upload_url,
        name=info.name,
        content_url=info.content_url,
        unique_id=info.unique_id,
        file_type=info.file_type,
    )
