"""Property-based fuzzing of /api/messages and the command parser (issue 11, point 10).

Random activities, built from a real Teams message and broken in every way JSON allows, and
random commands (every command word of the router with random fields and texts) go to the real
HTTP endpoint. Whatever comes in: no 500 and no other 5xx than 501 (an invoke the bot does not
handle), no traceback in the answer or any reply, no turn that crashes into the generic error
message, and each request done within a second (a correctness bound, not a benchmark).

CI runs STEGVIS_FUZZ_EXAMPLES (default 150) examples per test; run thousands locally with e.g.
`STEGVIS_FUZZ_EXAMPLES=3000 .venv/bin/python -m pytest -q tests/test_wire_fuzz.py`.
"""

from __future__ import annotations

import copy
import os
import shlex
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.wire import MAX_TEXT_CHARS
from dialogs.commands import clean_text, parse_command, split_words
from dialogs.help import HelpRoutes
from dialogs.registry import conversation_routes
from dialogs.texts import sv
from storage.permissions import Role
from storage.staff import upsert_staff
from tests.teams import (
    ADMIN_AAD,
    BOT_ID,
    COACH_AAD,
    COORDINATOR_AAD,
    card_submit,
    installed,
    message,
    user,
)

# Wall-clock bounds: run alone, after the parallel part of the suite (make test).
pytestmark = pytest.mark.serial

EXAMPLES = int(os.environ.get("STEGVIS_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the per-request bound is asserted below; hypothesis' own would be flaky
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # no example database in the working tree; failures print their example
)
ALLOWED_STATUSES = {200, 201, 400, 413, 501}
CRASHED = sv.TEXTS["error_generic"][:30]  # the start of what on_turn_error tells the user
SENDERS = [
    user(ADMIN_AAD, "Alva Admin"),
    user(COORDINATOR_AAD, "Sara Samordnare"),
    user(COACH_AAD, "Cem Coach"),
    user("7a7a7a7a-0000-4000-8000-000000000000", "Okänd Person"),
]

# --- strategies ------------------------------------------------------------------------------

PHRASES = sorted(
    {p for route in [*HelpRoutes().routes(), *conversation_routes()] for p in route.phrases}
)
KEYS = [
    "kod", "kommun", "kön", "född", "försörjning", "från", "samtycke", "datum", "coach", "typ",
    "sektor", "arbetsgivare", "start", "slut", "orsak", "till", "format", "länsdel", "grupp",
    "närvarande", "id", "namn", "roll", "text", "klar", "ansvarig", "motivering", "placering",
    "enkät", "dagar", "mottagare", "regel", "titel", "$type", "command", "msteams",
]
ODD_VALUES = [
    "", "V-2026-0001", "v-2026-9999", "Flen", "9999-12-25", "0001-01-01", "2026-02-30",
    "31/12", "idag", "-1", "1e309", "NaN", "0", "18446744073709551617", "ja", "nej",
    "Anna Berg", '"', "'", "\\", "<at>Stegvis</at>", "<b>fet</b>", "\u202e", "\x00", "🙂" * 10,
    "a" * 300, "19850101-1234", "<" * 50, "=" * 20,
]
units = st.sampled_from(
    ["<", ">", '"', "'", "\\", "=", " ", "a", "å", "a=b ", '"x', "<a", "<at>", "\u00a0", "\n"]
)
long_text = st.builds(lambda unit, count: unit * count, units, st.integers(1, MAX_TEXT_CHARS + 50))
short_text = st.text(max_size=60) | st.sampled_from(ODD_VALUES)
value_text = short_text | long_text.map(lambda text: text[:500])


@st.composite
def commands(draw: st.DrawFn) -> str:
    """A command word of the router, then random words and key=value fields, some quoted."""
    parts = [draw(st.sampled_from(PHRASES))]
    for _ in range(draw(st.integers(0, 5))):
        value = draw(value_text)
        kind = draw(st.sampled_from(["word", "field", "quoted"]))
        if kind == "word":
            parts.append(value)
        elif kind == "field":
            parts.append(f"{draw(st.sampled_from(KEYS))}={value}")
        else:
            parts.append(f'{draw(st.sampled_from(KEYS))}="{value}"')
    return " ".join(parts)


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | short_text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)

FIELDS = [
    "type", "id", "name", "text", "textFormat", "locale", "serviceUrl", "channelId", "from",
    "recipient", "conversation", "entities", "attachments", "channelData", "value",
    "membersAdded", "membersRemoved", "reactionsAdded", "timestamp", "replyToId", "action",
    "suggestedActions", "historyDisclosed", "localTimezone", "x-unknown",
]
SUBFIELDS = {
    "from": ["id", "name", "aadObjectId", "role"],
    "recipient": ["id", "name"],
    "conversation": ["id", "conversationType", "tenantId", "isGroup"],
    "channelData": [
        "tenant", "eventType", "channel", "team", "meeting", "notification", "settings",
        "onBehalfOf",
    ],
    "membersAdded": [0],
}
TYPES = [
    "message", "invoke", "conversationUpdate", "installationUpdate", "messageReaction",
    "messageUpdate", "messageDelete", "event", "typing", "endOfConversation", "trace",
]
INVOKES = [
    "fileConsent/invoke", "adaptiveCard/action", "task/fetch", "task/submit",
    "composeExtension/query", "signin/verifyState", "config/fetch",
    "actionableMessage/executeAction",
]


@st.composite
def mutations(draw: st.DrawFn, activity: dict[str, Any]) -> dict[str, Any]:
    """`activity` with a few members replaced, removed or nested oddly."""
    activity = copy.deepcopy(activity)
    if draw(st.booleans()):
        activity["type"] = draw(st.sampled_from(TYPES) | short_text)
    if activity["type"] == "invoke" or draw(st.booleans()):
        activity["name"] = draw(st.sampled_from(INVOKES) | short_text)
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(FIELDS))
        action = draw(st.sampled_from(["set", "delete", "set inside"]))
        if action == "delete":
            activity.pop(name, None)
        elif action == "set inside" and name in SUBFIELDS:
            inner, key = activity.get(name), draw(st.sampled_from(SUBFIELDS[name]))
            if isinstance(inner, dict) and isinstance(key, str) or (
                isinstance(inner, list) and isinstance(key, int) and len(inner) > key
            ):
                inner[key] = draw(json_values)
        else:
            activity[name] = draw(json_values)
    if draw(st.booleans()):
        activity["value"] = draw(
            st.fixed_dictionaries(
                {"action": st.sampled_from(["accept", "decline"]) | json_values},
                optional={"context": json_values, "uploadInfo": json_values},
            )
            | json_values
        )
    if draw(st.integers(0, 9)) == 0:
        activity["entities"] = [
            {"type": "mention", "mentioned": {"id": BOT_ID}, "text": draw(short_text)}
        ]
    return activity


# --- the endpoint ----------------------------------------------------------------------------


@pytest.fixture
async def staffed(bot, db) -> Any:
    async with db.session() as session:
        await upsert_staff(session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR,
                           ["vastra"])
        await upsert_staff(session, COACH_AAD, "Cem Coach", Role.COACH, ["vastra"])
    return bot


async def post_once(bot, activity: Any) -> float:
    """Post and check the answer and the replies; the seconds it took."""
    connector = bot.connector
    before = len(connector.activities)
    started = time.perf_counter()
    response = await bot.post(activity)
    body = await response.text()
    elapsed = time.perf_counter() - started
    replies = connector.texts()[before:]
    event(f"HTTP {response.status}")  # --hypothesis-show-statistics shows the mix
    assert response.status in ALLOWED_STATUSES, (response.status, body)
    assert "Traceback" not in body and 'File "' not in body
    for reply in replies:
        assert "Traceback" not in reply and 'File "' not in reply, reply
        assert not reply.startswith(CRASHED), "a turn crashed"
    return elapsed


async def post_and_check(bot, activity: Any) -> None:
    """As post_once, and the request is done within a second. The machine running the suite
    may be busy: an input over the bound is tried again, and fails only if slow both times
    (input that makes the bot do too much work is slow every time)."""
    elapsed = await post_once(bot, activity)
    if elapsed >= 1.0:
        event("over a second on the first try")
        elapsed = min(elapsed, await post_once(bot, activity))
    assert elapsed < 1.0, f"{elapsed:.2f} s, twice"


@FUZZ
@given(data=st.data())
async def test_random_activities_never_get_a_500_or_a_traceback(staffed, data):
    sender = data.draw(st.sampled_from(SENDERS))
    url = staffed.connector.url
    base = data.draw(
        st.sampled_from([message(data.draw(short_text), url, sender), installed(url, sender)])
    )
    await post_and_check(staffed, data.draw(mutations(base)))


@FUZZ
@given(data=st.data())
async def test_random_commands_and_card_submits_are_answered_in_time(staffed, data):
    sender = data.draw(st.sampled_from(SENDERS))
    url = staffed.connector.url
    text = data.draw(commands() | long_text)
    if data.draw(st.integers(0, 3)) == 0:
        values = data.draw(st.dictionaries(st.sampled_from(KEYS), value_text, max_size=6))
        activity = card_submit({"command": text, **values}, url, sender)
    else:
        activity = message(text, url, sender)
    await post_and_check(staffed, activity)


# --- the parser ------------------------------------------------------------------------------


@settings(max_examples=EXAMPLES * 10, database=None)
@given(st.text(alphabet=" \t\"'\\=ab<>å\n", max_size=40))
def test_split_words_is_shlex_split(text):
    try:
        expected: Any = shlex.split(text)
    except ValueError:
        expected = ValueError
    try:
        found: Any = split_words(text)
    except ValueError:
        found = ValueError
    assert found == expected


@settings(max_examples=EXAMPLES * 4, database=None, deadline=None)
@given(commands() | long_text | st.text())
def test_parse_command_takes_any_text(text):
    started = time.perf_counter()
    command = parse_command(text)
    assert time.perf_counter() - started < 1.0
    assert command.raw == clean_text(text)
    assert all(word == word.casefold() for word in command.words)
    assert all(key == key.casefold() and key for key in command.fields)


def _fastest(text: str, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        parse_command(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("unit", ['"', "'", "<", "\\", "a=b ", '"x', "<at>", "x"])
def test_parsing_is_linear_far_past_the_message_limit(unit):
    """600 KB (30 times what the HTTP layer lets through) parses in well under the 5.7 s that
    froze the server, and four times the text takes about four times as long (quadratic
    parsing, as with shlex or the old tag pattern, would take sixteen)."""
    small, large = unit * (150_000 // len(unit)), unit * (600_000 // len(unit))
    large_time = _fastest(large, repeats=2)
    assert large_time < 5.0
    assert large_time / max(_fastest(small), 0.01) < 10
