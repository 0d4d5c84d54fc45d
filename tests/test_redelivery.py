"""The reply path after "send held replies as they are": what a redelivery sends
(from processed_turn.replies) is what the first delivery tried to send, cards included."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes import Answer
from tests.teams import message
from tests.test_participants_http import COORDINATOR, staff

_VOLATILE = ("_conversation", "id", "timestamp", "localTimestamp")


def _wire(activity: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in activity.items() if k not in _VOLATILE},
                      sort_keys=True, ensure_ascii=False)


async def _redelivered_equals_first(bot, connector, db, text: str) -> None:
    await staff(db)
    await bot.say(message("hjälp", connector.url, COORDINATOR))  # remembers the conversation
    connector.clear()
    # Every attempt of the first delivery reaches the connector (recorded) but answers 500.
    connector.answers.extend(Answer(500, accepted=True) for _ in range(4))
    sent = message(text, connector.url, COORDINATOR)
    assert (await bot.post(sent)).status == 503
    first = [_wire(a) for a in connector.activities]
    assert len(first) == 4 and len(set(first)) == 1, "each retry sends the same JSON"
    connector.clear()
    assert (await bot.post(sent)).status == 201
    again = [_wire(a) for a in connector.activities]
    assert again and again[0] == first[0]
    assert any(json.loads(a).get("attachments") for a in first + again) or text == "hjälp"


async def test_a_read_turns_card_is_redelivered_as_first_sent(bot, connector, db):
    await _redelivered_equals_first(bot, connector, db, "hjälp")


async def test_a_write_turns_form_card_is_redelivered_as_first_sent(bot, connector, db):
    await _redelivered_equals_first(bot, connector, db, "ny aktualisering")


async def test_the_second_of_two_replies_is_redelivered_once_and_unchanged(bot, connector, db):
    """A turn with two replies (a form card and its question), the second failing: the
    redelivery sends only it, once, as it was first tried."""
    await staff(db)
    await bot.say(message("hjälp", connector.url, COORDINATOR))
    connector.clear()
    await bot.say(message("ny aktualisering", connector.url, COORDINATOR))
    count = len(connector.activities)
    connector.clear()
    assert count == 2, connector.texts()
    connector.answers.extend([Answer(200, accepted=True),
                              *(Answer(429, {"Retry-After": "0"}, accepted=True)
                                for _ in range(4))])
    sent = message("ny aktualisering", connector.url, COORDINATOR)
    assert (await bot.post(sent)).status == 503
    first = [_wire(a) for a in connector.activities]
    connector.clear()
    assert (await bot.post(sent)).status == 201
    again = [_wire(a) for a in connector.activities]
    assert again == [first[-1]]
    connector.clear()
    assert (await bot.post(sent)).status == 201
    assert connector.activities == []


async def test_every_reply_of_real_turns_is_serialised_as_msrest_alone_would(
    bot, connector, db, monkeypatch
):
    """The bot's own cards (help, forms, question cards, a saved referral, a participant's
    card) go out as msrest alone would send them."""
    import copy

    from msrest import Serializer

    from bot.activity_json import _MODELS, ActivitySerializer
    from tests.test_participants_http import REFERRAL

    seen: list[tuple[str, str]] = []
    body = ActivitySerializer.body

    def checked(self, data, data_type, **kwargs):  # type: ignore[no-untyped-def]
        reference = Serializer(_MODELS).body(copy.deepcopy(data), data_type, **kwargs)
        ours = body(self, data, data_type, **kwargs)
        seen.append((json.dumps(ours, sort_keys=True), json.dumps(reference, sort_keys=True)))
        return ours

    monkeypatch.setattr(ActivitySerializer, "body", checked)
    await staff(db)
    for text in ("hjälp", "ny aktualisering", "avbryt", REFERRAL, "visa V-2026-0001",
                 "vem är jag", "rapport", "ångra"):
        await bot.say(message(text, connector.url, COORDINATOR))
    assert any('"attachments"' in ours for ours, _ in seen)
    assert all(ours == reference for ours, reference in seen)
