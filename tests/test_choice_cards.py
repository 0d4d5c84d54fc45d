"""Choices in Teams: at most 3 suggested actions per message, longer option lists as a card with
an Input.ChoiceSet, whose submit answers the open question as if it had been typed.

A whole conversation is driven the way a user clicks (first choice of every list, first
suggested action), and every message the bot sent is checked: suggested actions, the Adaptive
Cards 1.5 schema (tests/schemas) and Teams' 28 KB message limit.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from jsonschema.validators import validator_for
from sqlmodel import select

from dialogs.cards import ANSWER_KEY, LONG_LIST, MAX_SUGGESTED
from storage.models import Participant, Staff
from storage.permissions import Role
from storage.staff import upsert_staff
from tests.fakes import FakeConnector, activity_text
from tests.teams import ADMIN_AAD, COACH_AAD, COORDINATOR_AAD, card_submit, installed, message, user

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "adaptive-card-1.5.json").read_text(encoding="utf-8")
)
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
MAX_MESSAGE_BYTES = 28 * 1024  # Teams refuses a bot message larger than this

ADMIN = user(ADMIN_AAD, "Alva Admin")
COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
COACH = user(COACH_AAD, "Cem Coach")
NEW_PERSON = "4e0a6c78-9f1b-4d5c-9a7e-5b6c7d8e9f0a"

# Questions a list cannot answer, and what the user types.
TYPED = {
    "Vilket år är personen född?": "1985",
    "Vilken arbetsgivare": "Coop Flen",
    "Vilket yrkesområde": "lager",
    "Vad kom fram vid uppföljningen?": "Trivs bra och vill öka tiden",
    "Vilken placering gäller det": "1",
    "Vem ska läggas till eller ändras?": NEW_PERSON,
    "Vilket namn ska visas för personen?": "Nina Ny",
}

# Where the first choice would not do: the coordinator works in Västra.
CHOSEN = {"Vilken kommun bor personen i?": "Flen"}


async def staff(db) -> None:
    async with db.session() as session:
        await upsert_staff(session, ADMIN_AAD, "Alva Admin", Role.ADMIN, [])
        await upsert_staff(
            session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR, ["vastra"]
        )
        await upsert_staff(session, COACH_AAD, "Cem Coach", Role.COACH, ["vastra"])


def question_card(activity: dict[str, Any]) -> dict[str, Any] | None:
    """The content of a question card (dialogs/cards.py: choices_message), if this is one."""
    for attachment in activity.get("attachments") or []:
        content = attachment.get("content") or {}
        if any(element.get("id") == ANSWER_KEY for element in content.get("body", [])):
            return content
    return None


def click(activity: dict[str, Any], sender: dict[str, str], url: str) -> dict[str, Any] | None:
    """What a user who clicks does with the bot's last message: the first choice of a question
    card, the first suggested action, or the typed answer to a question without options."""
    card = question_card(activity)
    if card is not None:
        [choice_set] = [e for e in card["body"] if e.get("id") == ANSWER_KEY]
        data = dict(card["actions"][0]["data"])  # the one-time token
        data[ANSWER_KEY] = CHOSEN.get(card["body"][0]["text"], choice_set["choices"][0]["value"])
        return card_submit(data, url, sender)
    actions = (activity.get("suggestedActions") or {}).get("actions")
    if actions:
        return message(actions[0]["value"], url, sender)
    text = activity_text(activity)
    for question, answer in TYPED.items():
        if question in text:
            return message(answer, url, sender)
    return None


async def converse(bot, connector: FakeConnector, text: str, sender: dict[str, str]) -> str:
    """Send `text`, then answer every question by clicking; the last reply's text."""
    activity: dict[str, Any] | None = message(text, connector.url, sender)
    for _ in range(20):
        assert activity is not None
        replies = await bot.say(activity)
        assert replies, activity
        activity = click(connector.activities[-1], sender, connector.url)
        if activity is None:
            return replies[-1]
    raise AssertionError(f"`{text}` kept asking: {connector.texts()[-3:]}")


def checked_card(content: dict[str, Any]) -> dict[str, Any]:
    """The card as the 1.5 schema sees it. `"style": "filtered"` (a list with a search box) is
    what Teams documents for long lists in 1.5 cards, and the Playground renders it, but the
    schema file (ChoiceInputStyle: compact, expanded) does not have it: it is allowed on a long
    Input.ChoiceSet only, and otherwise validated as `compact`."""
    checked = copy.deepcopy(content)

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("style") == "filtered":
                assert node.get("type") == "Input.ChoiceSet", node
                assert len(node["choices"]) > LONG_LIST, node
                node["style"] = "compact"
            for item in node.values():
                walk(item)

    walk(checked)
    return checked


def check_every_message(connector: FakeConnector) -> dict[str, int]:
    """Each message: ≤ 3 suggested actions, valid 1.5 cards, under 28 KB. Returns counts."""
    validator = validator_for(SCHEMA)(SCHEMA)
    seen = {"cards": 0, "question_cards": 0, "filtered": 0, "suggested": 0}
    for activity in connector.activities:
        actions = (activity.get("suggestedActions") or {}).get("actions") or []
        assert len(actions) <= MAX_SUGGESTED, activity_text(activity)
        seen["suggested"] += bool(actions)
        size = len(json.dumps(activity, ensure_ascii=False).encode("utf-8"))
        assert size < MAX_MESSAGE_BYTES, (size, activity_text(activity)[:200])
        for attachment in activity.get("attachments") or []:
            if attachment.get("contentType") != ADAPTIVE_CARD:
                continue
            content = attachment["content"]
            errors = [
                f"{list(error.absolute_path)}: {error.message[:200]}"
                for error in validator.iter_errors(checked_card(content))
            ]
            assert errors == [], activity_text(activity)[:200]
            seen["cards"] += 1
            seen["question_cards"] += question_card(activity) is not None
            seen["filtered"] += json.dumps(content).count('"style": "filtered"')
    return seen


async def test_a_whole_conversation_by_clicking(bot, connector, db):
    await staff(db)
    url = connector.url
    await bot.say(installed(url, COORDINATOR))
    for text in ("hej", "?", "organisation", "vem är jag", "xyzzy"):
        await converse(bot, connector, text, COORDINATOR)

    reply = await converse(bot, connector, "ny aktualisering", COORDINATOR)
    assert reply.startswith("Registrerat **V-2026-0001**"), reply
    reply = await converse(bot, connector, "aktuell V-2026-0001", COORDINATOR)
    assert reply.startswith("**V-2026-0001** är aktuell med Cem Coach"), reply
    reply = await converse(bot, connector, "skriv in V-2026-0001", COACH)
    assert reply.startswith("**V-2026-0001** är inskriven"), reply
    reply = await converse(bot, connector, "ny placering V-2026-0001", COACH)
    assert reply.startswith("Placering 1 för **V-2026-0001**"), reply
    reply = await converse(bot, connector, "uppföljning V-2026-0001", COACH)
    assert reply.startswith("Uppföljningen är sparad"), reply
    await converse(bot, connector, "steg V-2026-0001", COACH)
    reply = await converse(bot, connector, "avsluta placering V-2026-0001", COACH)
    assert "avslutades" in reply, reply
    reply = await converse(bot, connector, "skriv ut V-2026-0001", COACH)
    assert reply.startswith("**V-2026-0001** är utskriven"), reply
    for text in ("visa V-2026-0001", "mina deltagare alla", "belastning", "rapport"):
        await converse(bot, connector, text, COORDINATOR)
    for text in ("nytt möte", "protokoll", "åtgärder", "mina påminnelser"):
        await converse(bot, connector, text, COORDINATOR)

    # The first role in the list is "coach": chosen on the card it is an answer, not the
    # `coach` command, and the parts are one multi-select card.
    reply = await converse(bot, connector, "personal lägg till", ADMIN)
    assert reply.startswith("Klart: Nina Ny är nu coach"), reply
    for text in ("personal", "påminnelser regler", "påminnelser kalender"):
        await converse(bot, connector, text, ADMIN)
    await converse(bot, connector, "språk en", ADMIN)
    await converse(bot, connector, "help", ADMIN)
    await converse(bot, connector, "new referral", ADMIN)

    seen = check_every_message(connector)
    assert seen["question_cards"] >= 8 and seen["filtered"] >= 3, seen
    assert seen["suggested"] >= 3 and seen["cards"] >= 20, seen
    async with db.read() as session:
        assert len((await session.exec(select(Participant))).all()) == 1
        new = (await session.exec(select(Staff).where(Staff.aad_object_id == NEW_PERSON))).one()
    assert new.role == Role.COACH


async def test_a_question_card_answers_only_its_open_question(bot, connector, db):
    await staff(db)
    url = connector.url
    await bot.say(message("ny aktualisering", url, COORDINATOR))
    card = question_card(connector.activities[-1])
    assert card is not None and card["body"][0]["text"] == "Vilken kommun bor personen i?"
    [choice_set] = [e for e in card["body"] if e.get("id") == ANSWER_KEY]
    assert choice_set["type"] == "Input.ChoiceSet" and choice_set["style"] == "filtered"
    assert {"title": "Flen", "value": "Flen"} in choice_set["choices"]
    assert [a["type"] for a in card["actions"]] == ["Action.Submit"]
    token = card["actions"][0]["data"]["once"]
    assert len(token) == 32

    replies = await bot.say(card_submit({"once": token, ANSWER_KEY: "Flen"}, url, COORDINATOR))
    assert replies[0].startswith("Vilket kön har personen?")
    assert connector.activities[-1]["suggestedActions"]["actions"][0]["value"] == "kvinna"
    # The same card again (a double tap): handled once, nothing asked twice.
    again = await bot.say(card_submit({"once": token, ANSWER_KEY: "Flen"}, url, COORDINATOR))
    assert not any(text.startswith("Vilket kön") for text in again)

    await bot.say(message("avbryt", url, COORDINATOR))
    stale = {"once": "f" * 32, ANSWER_KEY: "Katrineholm"}
    assert await bot.say(card_submit(stale, url, COORDINATOR)) == [
        "Den frågan är redan besvarad eller avbruten, så inget sparades. Skriv kommandot igen "
        "om du vill börja om."
    ]


async def test_an_answer_typed_instead_of_chosen_still_counts(bot, connector, db):
    await staff(db)
    url = connector.url
    await bot.say(message("ny aktualisering", url, COORDINATOR))
    assert question_card(connector.activities[-1]) is not None
    replies = await bot.say(message("vingåker", url, COORDINATOR))
    assert replies[0].startswith("Vilket kön har personen?")


async def test_a_typed_answer_that_is_also_a_command_word_answers_the_question(bot, connector, db):
    """"coach" is a role and a command, "arbetsträning" a placement type and a command: typed at
    a question that offers them, they answer it (the form is not left for the command)."""
    await staff(db)
    url = connector.url
    await bot.say(message(f"personal lägg till id={NEW_PERSON} namn=\"Nina Ny\"", url, ADMIN))
    replies = await bot.say(message("Coach", url, ADMIN))
    assert replies[0].startswith("Vilka länsdelar arbetar Nina Ny i?"), replies
    await bot.say(message("Västra", url, ADMIN))
    assert (await bot.say(message("ja", url, ADMIN)))[0].startswith("Klart: Nina Ny är nu coach")

    await bot.say(message("ny aktualisering kommun=Flen kön=kvinna född=1985 försörjning=lön "
                          "från=FK samtycke=ja", url, COORDINATOR))
    await bot.say(message('aktuell V-2026-0001 coach="Cem Coach"', url, COORDINATOR))
    await bot.say(message("skriv in V-2026-0001", url, COACH))
    await bot.say(message("ny placering V-2026-0001", url, COACH))
    replies = await bot.say(message("arbetsträning", url, COACH))
    assert replies[0].startswith("Vilken sektor hör arbetsplatsen till?"), replies
    # A command that is not among the offered answers still leaves the form for the command.
    replies = await bot.say(message("mina deltagare", url, COACH))
    assert "Pågående deltagare" in replies[0]
