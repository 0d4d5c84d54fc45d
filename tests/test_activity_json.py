"""bot/activity_json.py: the outgoing JSON is msrest's own for plain-JSON cards, and
what it does differently for other Python values (documented here, not a failure)."""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from enum import Enum, IntEnum
from typing import Any

from botbuilder.schema import (
    Activity,
    Attachment,
    CardAction,
    ChannelAccount,
    ConversationAccount,
    HeroCard,
    SuggestedActions,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msrest import Serializer

from bot.activity_json import _MODELS, ActivitySerializer

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=30,
)
_content = st.one_of(st.dictionaries(st.text(max_size=8), _json, max_size=5),
                     st.lists(_json, max_size=4), st.text(), st.none())


def _reference(activity: Activity) -> Any:
    return Serializer(_MODELS).body(copy.deepcopy(activity), "Activity")


def _activity(contents: list[Any], text: str | None, hero: bool) -> Activity:
    attachments = [Attachment(content_type="application/vnd.microsoft.card.adaptive", content=c)
                   for c in contents]
    if hero:
        attachments.append(Attachment(content_type="application/vnd.microsoft.card.hero",
                                      content=HeroCard(title="t", buttons=[
                                          CardAction(type="imBack", title="a", value="a")])))
    return Activity(
        type="message", text=text, attachments=attachments or None,
        from_property=ChannelAccount(id="b", name="Stegvis"),
        conversation=ConversationAccount(id="a:1", conversation_type="personal"),
        suggested_actions=SuggestedActions(actions=[CardAction(type="imBack", value="x")]),
        channel_data={"k": [1, "2"]}, value={"v": 1},
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(contents=st.lists(_content, max_size=3), text=st.none() | st.text(), hero=st.booleans())
def test_plain_json_cards_serialise_as_msrest_alone_does(
    contents: list[Any], text: str | None, hero: bool
) -> None:
    activity = _activity(contents, text, hero)
    before = copy.deepcopy(activity)
    body = ActivitySerializer().body(activity, "Activity")
    assert json.dumps(body, sort_keys=True) == json.dumps(_reference(before), sort_keys=True)
    # The activity itself is left as it was (contents put back).
    assert activity.as_dict() == before.as_dict()


class _Mixed(str, Enum):  # noqa: UP042 (the mixin is the point: str() differs)
    A = "a"


class _Number(IntEnum):
    ONE = 1


def test_non_json_python_values_in_a_card_differ_from_msrest() -> None:
    """Not identical to msrest alone for values json encodes but msrest stringifies; the new
    output is the JSON one (what the card meant), msrest's was a Python repr."""
    for content, ours, theirs in [
        ({"a": (1, 2)}, [1, 2], "(1, 2)"),
        ({"a": _Mixed.A}, "a", "_Mixed.A"),
        ({"a": _Number.ONE}, 1, "1"),
        ({"x": OrderedDict(a=1)}, {"a": 1}, "OrderedDict([('a', 1)])"),
    ]:
        activity = _activity([content], "t", False)
        body = json.loads(json.dumps(ActivitySerializer().body(activity, "Activity")))
        ref = json.loads(json.dumps(_reference(activity)))
        key = next(iter(content))
        assert body["attachments"][0]["content"][key] == ours
        assert ref["attachments"][0]["content"][key] == theirs


def test_a_stored_reply_revived_for_redelivery_keeps_its_mention() -> None:
    """A redelivery sends `_revived(_stored(...))`: a mention's own fields (`mentioned`,
    `text`) go out again as the first delivery sent them."""
    from botbuilder.schema import Mention

    from bot.activity_json import activity_json
    from bot.once import _revived, _stored

    activity = Activity(type="message", text="<at>Bo</at> hej", entities=[Mention(
        mentioned=ChannelAccount(id="29:x", name="Bo"), text="<at>Bo</at>", type="mention")])
    (revived,) = _revived(_stored([activity]))
    assert activity_json(revived)["entities"] == activity_json(activity)["entities"]


def test_a_reply_is_walked_once_and_equals_msrest_for_enums_dates_and_mentions(
    monkeypatch,
) -> None:
    """The usual reply takes the one walk (msrest's body() is never called), and what it
    gives equals msrest's: an enum for the type, a date, a mention among the entities, a list
    of recipients, suggested actions, a hero card model as content."""
    from datetime import UTC, datetime

    from botbuilder.schema import ActivityTypes, Mention

    activity = _activity([{"type": "AdaptiveCard", "body": [{"text": "å"}]}], "hej", hero=True)
    activity.type = ActivityTypes.message
    activity.timestamp = datetime(2026, 12, 2, 9, 30, 5, 123000, tzinfo=UTC)
    activity.entities = [Mention(mentioned=ChannelAccount(id="29:x", name="Bo"),
                                 text="<at>Bo</at>", type="mention")]
    activity.members_added = [ChannelAccount(id="1"), None]
    expected = _reference(activity)

    def no_body(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("msrest's body() was used")

    monkeypatch.setattr(Serializer, "body", no_body)
    got = ActivitySerializer().body(activity, "Activity")
    assert json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True)


def test_a_dict_where_a_model_belongs_goes_through_msrest_as_before() -> None:
    activity = _activity([], "hej", hero=False)
    activity.from_property = {"id": "b", "name": "Stegvis"}  # msrest builds the model first
    expected = _reference(activity)
    got = ActivitySerializer().body(copy.deepcopy(activity), "Activity")
    assert json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True)


def test_a_conversation_reference_is_stored_as_msrest_serialises_it() -> None:
    """bot/handler.py keeps where a conversation can be reached with `model_json`; the
    proactive path reads it back with msrest, so it must be msrest's own `serialize()`."""
    from botbuilder.core import TurnContext
    from botbuilder.schema import ConversationReference

    from bot.activity_json import model_json
    from tests.teams import message, user

    activity = Activity().deserialize(message("hej", "http://127.0.0.1:1/", user("6a-1", "Å Ö")))
    reference = TurnContext.get_conversation_reference(activity)
    assert model_json(reference) == reference.serialize()
    again = ConversationReference().deserialize(model_json(reference))
    assert again.serialize() == reference.serialize()
