"""The Teams activity handler: remembers conversations, greets, and routes text to dialogs."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from botbuilder.core import ConversationState, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.dialogs import DialogContext, DialogSet
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount
from botbuilder.schema.teams import FileConsentCardResponse, TeamInfo, TeamsChannelAccount

from bot.activity_json import model_json
from bot.config import Settings
from bot.graph import GraphClient, GraphSettings
from bot.inbound import consent_answer, conversation_type, inbound
from bot.locale import read_locale, use_locale, user_of
from bot.once import UNDELIVERED, TurnLogic, once, turn_key
from bot.personal_chat import in_personal_chat
from bot.privacy import holds_personal_number, redact_replies, refuse
from bot.replies import sendable, to_activity, to_attachment
from bot.state import prefetch
from bot.wire import text_without_bot_mention
from dialogs.cards import ANSWER_KEY, submitted_card
from dialogs.commands import (
    Command,
    card_answer,
    clean_text,
    command_from_card,
    parse_command,
)
from dialogs.files import accept_file, decline_file
from dialogs.forms import ACTOR_KEY
from dialogs.help import HELP_WORDS, HelpRoutes, welcome_message
from dialogs.registry import conversation_dialogs, conversation_routes, file_builders
from dialogs.router import Router, Turn
from dialogs.texts import t
from storage.conversations import (
    conversation_known,
    forget_conversation,
    remember_conversation,
)
from storage.db import Database
from storage.opening import opening
from storage.org import county_part_names
from storage.permissions import Actor
from storage.staff import ensure_bootstrap_admin, load_actor

log = logging.getLogger(__name__)

# How long the greeting waits for Teams to tell a new user's name.
MEMBER_LOOKUP_SECONDS = 5.0
CANCEL_WORDS = frozenset({"avbryt", "cancel", "stopp", "sluta"})


def tenant_of(activity: Activity) -> str | None:
    """Teams puts the tenant in channelData; other channels in conversation.tenantId."""
    data = activity.channel_data or {}
    tenant = data.get("tenant") if isinstance(data, dict) else None
    if isinstance(tenant, dict) and tenant.get("id"):
        return str(tenant["id"])
    tenant_id: str | None = getattr(activity.conversation, "tenant_id", None)
    return tenant_id if activity.conversation else None


def message_text(activity: Activity) -> str:
    """What the user said: typed text (mention removed) or the command of a card button."""
    if activity.text:  # prompts read activity.text later: it must be without the mention too
        bot_id = activity.recipient.id if activity.recipient else None
        activity.text = text_without_bot_mention(activity.text, activity.entities, bot_id)
    text = activity.text or ""
    if not clean_text(text) and isinstance(activity.value, dict):
        text = str(activity.value.get("command") or "")
    return text or ""


def _answer_of(activity: Activity) -> str | None:
    """The choice of a submitted question card; None for typed text and other cards."""
    if activity.type != ActivityTypes.message or clean_text(activity.text):
        return None
    return card_answer(activity.value)


def offered_answers(dialog_context: DialogContext) -> frozenset[str]:
    """The answers the open question offers (its suggested actions or its list), lower-cased:
    typed, such an answer is an answer even where it is also a command word (the role "coach",
    the placement type "arbetsträning")."""
    instance = dialog_context.active_dialog
    inner = instance.state.get("dialogs") if instance and isinstance(instance.state, dict) else None
    stack = getattr(inner, "dialog_stack", None) or []
    state = stack[0].state if stack and isinstance(stack[0].state, dict) else {}
    prompt = getattr(state.get("options"), "prompt", None)
    if not isinstance(prompt, Activity):
        return frozenset()
    offered = [action.value for action in getattr(prompt.suggested_actions, "actions", None) or []]
    for attachment in prompt.attachments or []:
        content = attachment.content if isinstance(attachment.content, dict) else {}
        for element in content.get("body") or []:
            if isinstance(element, dict) and element.get("id") == ANSWER_KEY:
                offered += [choice.get("value") for choice in element.get("choices") or []]
    return frozenset(str(value).casefold() for value in offered if value)


class StegvisBot(TeamsActivityHandler):
    def __init__(self, settings: Settings, db: Database, conversation_state: ConversationState):
        self._settings = settings
        self._db = db
        self._conversation_state = conversation_state
        self._dialogs = DialogSet(conversation_state.create_property("DialogState"))
        self._file_builders = file_builders()
        for dialog in conversation_dialogs(db):
            self._dialogs.add(dialog)
        self._help = HelpRoutes()
        self.router = Router([*self._help.routes(), *conversation_routes()])
        self._help.router = self.router
        graph = GraphSettings.from_settings(settings)
        self._graph = GraphClient(graph) if graph else None

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if holds_personal_number(activity):
            # Refused before anything of it is read or written: the open form stays at its
            # question, and nothing of the message reaches state, tables or the log.
            await read_locale(turn_context, self._db)
            await refuse(turn_context, t("personal_number_refused", activity.locale))
            return
        turn_context.on_send_activities(redact_replies)
        if (
            activity.type == ActivityTypes.message
            and conversation_type(activity) != "personal"
            and _answer_of(activity) is None
        ):
            command = command_from_card(parse_command(message_text(activity)), activity.value)
            found = self.router.match(command)
            if found is not None and found[0].is_private(await self._actor(turn_context)):
                await read_locale(turn_context, self._db)
                await self._remember(turn_context)
                await self._answer_in_personal_chat(turn_context, command)
                return
        saved = await self._once(turn_context, turn_key(activity), self._turn)
        if saved is not None:
            await self._close_card(turn_context, saved)

    async def _once(
        self, turn_context: TurnContext, key: str | None, turn: TurnLogic
    ) -> list[Activity] | None:
        """A message is handled once however often it is delivered (bot/once.py)."""
        if key is None:
            await read_locale(turn_context, self._db)
            await turn(turn_context)
            return None
        lease = timedelta(seconds=self._settings.turn_lease_seconds)
        return await once(turn_context, self._db, key, turn, self._opened, lease)

    async def _opened(self, turn_context: TurnContext, key: str) -> bool:
        """What a message's turn reads first, in one statement (storage/opening.py): whether
        `key` was seen, the user's language (bot/locale.py), the conversation's state (bot/
        state.py) and the sender (`_actor`; a bootstrap admin's row may be written first)."""
        user = turn_context.activity.from_property or ChannelAccount()
        try:
            state_key: str | None = str(self._conversation_state.get_storage_key(turn_context))
        except TypeError:  # no conversation: the state is not loaded either
            state_key = None
        aad = (user.aad_object_id or "").lower()
        start = await opening(
            self._db, key, user_id=user_of(turn_context), state_key=state_key, aad=aad,
            display_name=user.name or "",
        )
        use_locale(turn_context, start.locale)
        if state_key is not None:
            prefetch({state_key: start.state})
        if ACTOR_KEY not in turn_context.turn_state and aad not in self._settings.bootstrap_admins:
            turn_context.turn_state[ACTOR_KEY] = start.actor
        return start.seen

    async def _close_card(self, turn_context: TurnContext, replies: list[Activity]) -> None:
        """A card whose submit changed a record becomes a read-only summary with an undo
        button, so the chat shows what was done and the old buttons are gone. Best effort:
        the Playground or an old client may not update cards; the key refuses a second submit
        anyway."""
        activity = turn_context.activity
        if not (isinstance(activity.value, dict) and activity.reply_to_id):
            return
        summary = next((reply.text for reply in replies if reply.text), None)
        if not summary:
            return
        update = Activity(
            type=ActivityTypes.message,
            id=activity.reply_to_id,
            attachments=[to_attachment(submitted_card(activity.locale, summary))],
        )
        try:
            await turn_context.update_activity(update)
        except Exception:
            log.info("the submitted card could not be updated", exc_info=True)

    async def _turn(self, turn_context: TurnContext) -> None:
        await super().on_turn(turn_context)
        await self._conversation_state.save_changes(turn_context)

    async def _remember(self, turn_context: TurnContext, *, fresh: bool = False) -> bool:
        """Store where we can reach this conversation; True the first time we see it. An
        install reads the stored reference (`fresh`); a message may trust this process' recent
        reading of it (storage/conversations.py)."""
        activity = turn_context.activity
        user = activity.from_property or ChannelAccount()
        kind = activity.conversation.conversation_type if activity.conversation else None
        reference = model_json(TurnContext.get_conversation_reference(activity))
        async with self._db.read() as session:
            if await conversation_known(session, reference, user.name, fresh=fresh):
                return False
        async with self._db.session(user_data=False) as session:
            return await remember_conversation(
                session,
                reference,
                conversation_type=kind or "personal",
                tenant_id=tenant_of(activity),
                aad_object_id=user.aad_object_id if (kind or "personal") == "personal" else None,
                user_name=user.name,
            )

    async def _actor(self, turn_context: TurnContext) -> Actor:
        """The sender, loaded once per turn; the forms the turn runs reuse it (ACTOR_KEY)."""
        known = turn_context.turn_state.get(ACTOR_KEY)
        if isinstance(known, Actor):
            return known
        user = turn_context.activity.from_property or ChannelAccount()
        aad = (user.aad_object_id or "").lower()
        if aad and aad in self._settings.bootstrap_admins:
            async with self._db.session(user_data=False) as session:
                await ensure_bootstrap_admin(session, aad, user.name or "")
        async with self._db.read() as session:
            actor = await load_actor(session, aad, user.name or "")
        turn_context.turn_state[ACTOR_KEY] = actor
        return actor

    async def _sender_name(self, turn_context: TurnContext) -> str:
        """The user's name. Install events may come without it (the Agents Playground's do):
        then Teams' member look-up; no name is no reason not to greet."""
        sender = turn_context.activity.from_property
        if sender is None or sender.name or not sender.id:
            return (sender.name if sender else "") or ""
        try:
            member = await asyncio.wait_for(
                TeamsInfo.get_member(turn_context, sender.id), MEMBER_LOOKUP_SECONDS
            )
        except Exception as error:  # the greeting goes out without a name
            log.info("no name for the new user: %s", type(error).__name__)
            return ""
        name: str = member.name or ""
        sender.name = name
        return name

    async def _welcome(self, turn_context: TurnContext) -> None:
        name = await self._sender_name(turn_context)
        actor = await self._actor(turn_context)
        async with self._db.read() as session:
            names = await county_part_names(session, actor.county_parts)
        await turn_context.send_activity(
            to_activity(welcome_message(turn_context.activity.locale, actor, names, name))
        )

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """The bot was installed (personal, chat or team): greet once per conversation."""
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(m.id == bot_id for m in members_added) and await self._remember(
            turn_context, fresh=True
        ):
            await self._welcome(turn_context)

    async def on_teams_members_added(
        self,
        teams_members_added: list[TeamsChannelAccount],
        team_info: TeamInfo,
        turn_context: TurnContext,
    ) -> None:
        await self.on_members_added_activity(teams_members_added, turn_context)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        if await self._remember(turn_context, fresh=True):
            await self._welcome(turn_context)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        async with self._db.session() as session:
            await forget_conversation(session, turn_context.activity.conversation.id)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await self._remember(turn_context)
        activity = turn_context.activity
        answer = _answer_of(activity)
        if answer is not None:
            await self._answer_question(turn_context, answer)
            return
        command = command_from_card(parse_command(message_text(activity)), activity.value)
        await self._handle_message(turn_context, command)

    async def _answer_question(self, turn_context: TurnContext, answer: str) -> None:
        """A question card was submitted: its choice answers the open question as if typed
        (prompts read `activity.text`). It is never read as a command: a role called "coach"
        is an answer here, not the `coach` command."""
        turn_context.activity.text = answer
        dialog_context = await self._dialogs.create_context(turn_context)
        if dialog_context.active_dialog is None:
            await turn_context.send_activity(
                t("choice_no_question", turn_context.activity.locale)
            )
            return
        await dialog_context.continue_dialog()

    async def _answer_in_personal_chat(self, turn_context: TurnContext, command: Command) -> None:
        """Run the command in the asker's personal chat, once; leave only a pointer here."""

        async def turn(personal: TurnContext) -> None:
            await self._remember(personal)
            await self._handle_message(personal, command)
            await self._conversation_state.save_changes(personal)

        async def logic(personal: TurnContext) -> None:
            personal.on_send_activities(redact_replies)
            await self._once(personal, turn_key(turn_context.activity), turn)
            if personal.turn_state.get(UNDELIVERED):  # the asker's request answers 503
                turn_context.turn_state[UNDELIVERED] = True

        moved = await in_personal_chat(turn_context, self._db, self._settings.APP_ID, logic)
        if turn_context.turn_state.get(UNDELIVERED):
            return  # the pointer goes out with the redelivery, once the answer has
        key = "answered_in_personal_chat" if moved else "personal_chat_unavailable"
        await turn_context.send_activity(t(key, turn_context.activity.locale))

    async def _handle_message(self, turn_context: TurnContext, command: Command) -> None:
        dialog_context = await self._dialogs.create_context(turn_context)
        locale = turn_context.activity.locale

        if command.text in CANCEL_WORDS:
            if dialog_context.active_dialog is not None:
                await dialog_context.cancel_all_dialogs()
                await turn_context.send_activity(t("cancelled", locale))
            else:
                await turn_context.send_activity(t("nothing_to_cancel", locale))
            return

        turn = Turn(
            inbound(turn_context, self._graph),
            dialog_context,
            await self._actor(turn_context),
            command,
            self._db,
            send=lambda message: turn_context.send_activity(sendable(message)),
        )
        if dialog_context.active_dialog is not None:
            # A command word while a form is open starts that command; the form is kept on the
            # stack below only when the command is a question like "hjälp".
            if self.router.match(command) is None or command.raw.casefold() in offered_answers(
                dialog_context
            ):
                await dialog_context.continue_dialog()
                return
            if command.text in HELP_WORDS:
                await self.router.dispatch(turn)
                await turn_context.send_activity(t("saved_for_later", locale))
                return
            await dialog_context.cancel_all_dialogs()

        if not command.raw:
            return
        if not await self.router.dispatch(turn):
            await self._help.suggest(turn)

    async def on_teams_file_consent_accept(
        self, turn_context: TurnContext, file_consent_card_response: FileConsentCardResponse
    ) -> None:
        """The user let the bot put a file in their OneDrive (personal chat): upload it now."""
        actor = await self._actor(turn_context)
        await accept_file(
            inbound(turn_context, self._graph),
            self._db,
            actor,
            consent_answer(file_consent_card_response),
            self._file_builders,
            self._settings.file_upload_hosts,
            lambda message: turn_context.send_activity(sendable(message)),
        )

    async def on_teams_file_consent_decline(
        self, turn_context: TurnContext, file_consent_card_response: FileConsentCardResponse
    ) -> None:
        await decline_file(
            inbound(turn_context, self._graph),
            self._db,
            consent_answer(file_consent_card_response),
            lambda message: turn_context.send_activity(sendable(message)),
        )
