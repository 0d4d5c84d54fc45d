"""What `/api/messages` accepts, checked on the raw JSON before the SDK or a dialog sees it.

The Bot Framework SDK deserialises activities leniently (an integer where a string belongs
becomes a string, a null member list crashes a handler later), so anything it would choke on is
refused here with 400 and a short reason. Bounds keep every request's work small: the body is
read only up to MAX_BODY_BYTES, JSON may nest MAX_DEPTH levels, and the text a user typed is at
most MAX_TEXT_CHARS characters (longer messages get a short answer and are not parsed at all).
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping
from typing import Any

from azure.core.exceptions import DeserializationError
from botbuilder.core.serializer_helper import deserializer_helper
from botbuilder.schema.teams import FileConsentCardResponse, TeamsChannelData

# Teams caps a message at about 28 KB of HTML and the activity around it is a few KB more, so
# 256 KiB leaves a wide margin for real traffic; aiohttp's default would be 1 MiB, ours was 4.
MAX_BODY_BYTES = 256 * 1024
# Real activities nest 6–8 levels (an Adaptive Card in an attachment a few more).
MAX_DEPTH = 32
# What a user may type (or submit through a card) in one message, in characters.
MAX_TEXT_CHARS = 20_000
# Identifiers end up in keys and indexed columns; Teams' longest are around 200 characters.
MAX_ID_CHARS = 512
# Mentions of the bot removed from a message; Teams sends one.
MAX_BOT_MENTIONS = 8


class InvalidActivity(ValueError):
    """The request body is not an activity this endpoint will process (answer 400)."""


# --- JSON ------------------------------------------------------------------------------------


def _no_constants(name: str) -> float:
    raise InvalidActivity(f"'{name}' is not JSON")


def depth_of(value: Any, limit: int) -> int:
    """Nesting depth of parsed JSON, without recursion; stops counting past `limit`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_json(body: bytes) -> Any:
    """The body as JSON, or InvalidActivity; NaN/Infinity and nesting past MAX_DEPTH refused."""
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_no_constants)
    except InvalidActivity:
        raise
    except RecursionError as error:
        raise InvalidActivity(f"JSON nested deeper than {MAX_DEPTH} levels") from error
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidActivity("the body is not valid JSON") from error
    if depth_of(value, MAX_DEPTH) > MAX_DEPTH:
        raise InvalidActivity(f"JSON nested deeper than {MAX_DEPTH} levels")
    return value


# --- shape -----------------------------------------------------------------------------------

# A spec is a Python type (str, bool, dict, list: the JSON value must be one, or null), a dict
# of member specs (an object whose listed members have those specs; others are free), or a
# one-element list [spec] (an array whose items all match spec). ANY accepts every value.
ANY = object()
Spec = Any

_ID = ("id", MAX_ID_CHARS)
_ACCOUNT: dict[str, Spec] = {
    "id": _ID,
    "name": str,
    "aadObjectId": str,
    "role": str,
}
_CONVERSATION: dict[str, Spec] = {
    "id": _ID,
    "name": str,
    "conversationType": str,
    "tenantId": str,
    "isGroup": bool,
    "aadObjectId": str,
    "role": str,
}
_CHANNEL_DATA: dict[str, Spec] = {
    "tenant": {"id": str},
    "eventType": str,
    "channel": {"id": str, "name": str},
    "team": {"id": str, "name": str, "aadGroupId": str},
    "notification": {"alert": bool},
    "meeting": {"id": str},
    "settings": dict,
}
_ENTITY: dict[str, Spec] = {"type": str, "mentioned": _ACCOUNT, "text": str}
_ATTACHMENT: dict[str, Spec] = {
    "contentType": str,
    "contentUrl": str,
    "name": str,
    "thumbnailUrl": str,
    "content": ANY,
}
ACTIVITY: dict[str, Spec] = {
    "type": ("type", 64),
    "id": _ID,
    "name": ("name", 256),
    "serviceUrl": ("serviceUrl", 2048),
    "channelId": ("channelId", 64),
    "locale": ("locale", 64),
    "replyToId": _ID,
    "text": str,
    "textFormat": str,
    "action": str,
    "topicName": str,
    "summary": str,
    "speak": str,
    "inputHint": str,
    "attachmentLayout": str,
    "valueType": str,
    "label": str,
    "code": str,
    "importance": str,
    "deliveryMode": str,
    "callerId": str,
    "localTimezone": str,
    "historyDisclosed": bool,
    "from": _ACCOUNT,
    "recipient": _ACCOUNT,
    "conversation": _CONVERSATION,
    "membersAdded": [_ACCOUNT],
    "membersRemoved": [_ACCOUNT],
    "reactionsAdded": [{"type": str}],
    "reactionsRemoved": [{"type": str}],
    "entities": [_ENTITY],
    "attachments": [_ATTACHMENT],
    "channelData": _CHANNEL_DATA,
    "suggestedActions": dict,
    "relatesTo": dict,
    "semanticAction": dict,
    "conversationReference": dict,
    "listenFor": [str],
    "textHighlights": [dict],
    "value": ANY,
}

FILE_CONSENT = "fileConsent/invoke"
_SCHEMA = {"TeamsChannelData": TeamsChannelData, "FileConsentCardResponse": FileConsentCardResponse}
ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
# Invoke values the SDK turns into models before a handler runs: their shape is checked here.
_INVOKE_VALUES: dict[str, dict[str, Spec]] = {
    FILE_CONSENT: {
        "type": str,
        "action": str,
        "context": dict,
        "uploadInfo": {
            "name": str,
            "uploadUrl": ("uploadUrl", 4096),
            "contentUrl": str,
            "uniqueId": str,
            "fileType": str,
        },
    },
    ADAPTIVE_CARD_ACTION: {
        "action": {"type": str, "id": str, "verb": str, "data": ANY},
        "authentication": dict,
        "state": str,
    },
}
_JSON_NAMES = {str: "a string", bool: "true or false", dict: "an object", list: "an array"}


def _check(value: Any, spec: Spec, path: str) -> None:
    if spec is ANY or value is None:
        return
    if isinstance(spec, tuple):  # (label, maximum length): a bounded string
        if not isinstance(value, str):
            raise InvalidActivity(f"'{path}' must be a string")
        if len(value) > spec[1]:
            raise InvalidActivity(f"'{path}' is longer than {spec[1]} characters")
        return
    if isinstance(spec, type):
        # bool is an int in Python, and an int is no bool in JSON: compare types exactly.
        if type(value) is not spec:
            raise InvalidActivity(f"'{path}' must be {_JSON_NAMES[spec]}")
        return
    if isinstance(spec, list):
        if not isinstance(value, list):
            raise InvalidActivity(f"'{path}' must be an array")
        for index, item in enumerate(value):
            if item is None:
                raise InvalidActivity(f"'{path}[{index}]' must not be null")
            _check(item, spec[0], f"{path}[{index}]")
        return
    if not isinstance(value, dict):
        raise InvalidActivity(f"'{path}' must be an object")
    for name, member in spec.items():
        if name in value:
            _check(value[name], member, f"{path}.{name}" if path else name)


def check_activity(body: Any) -> dict[str, Any]:
    """The body if it is an activity the SDK and the bot can take apart; else InvalidActivity."""
    if not isinstance(body, dict):
        raise InvalidActivity("the body must be a JSON object")
    _check(body, ACTIVITY, "")
    if not body.get("type"):
        raise InvalidActivity("'type' is required")
    for members in ("membersAdded", "membersRemoved"):
        if any(not member.get("id") for member in body.get(members) or []):
            raise InvalidActivity(f"every member in '{members}' needs an 'id'")
    for entity in body.get("entities") or []:
        if not entity.get("type"):
            raise InvalidActivity("every entity needs a 'type'")
        if str(entity["type"]).casefold() == "mention" and not isinstance(
            entity.get("mentioned"), dict
        ):
            raise InvalidActivity("a mention needs 'mentioned'")
    if body["type"] == "invoke":
        _check_invoke(body)
    if (
        body["type"] == "conversationUpdate"
        and body.get("channelId") == "msteams"
        and not isinstance(body.get("channelData"), dict)
    ):
        # Teams always sends it; the SDK's Teams handler reads channelData.team unguarded.
        raise InvalidActivity("a Teams conversationUpdate needs 'channelData'")
    _check_models(body)
    return body


def _check_models(body: dict[str, Any]) -> None:
    """Build the models the SDK builds from channelData and a file consent in mid-turn, where
    a value msrest cannot convert (a string for a boolean, an object for a list) crashed the
    turn; here it is a 400. The data are copied: the SDK cleans what it deserialises."""
    wanted: list[tuple[str, Any]] = []
    if isinstance(body.get("channelData"), dict):
        wanted.append(("TeamsChannelData", body["channelData"]))
    if body["type"] == "invoke" and body.get("name") == FILE_CONSENT:
        wanted.append(("FileConsentCardResponse", body["value"]))
    for model, data in wanted:
        try:
            deserializer_helper(_SCHEMA[model], copy.deepcopy(data))
        except (DeserializationError, ValueError, TypeError, AttributeError, KeyError) as error:
            raise InvalidActivity(f"'{model}' cannot be read: {type(error).__name__}") from error


def _check_invoke(body: dict[str, Any]) -> None:
    value = body.get("value")
    if not isinstance(value, dict):
        raise InvalidActivity("an invoke's 'value' must be an object")
    name = body.get("name")
    spec = _INVOKE_VALUES.get(name or "")
    if spec is not None:
        _check(value, spec, "value")
    if name == ADAPTIVE_CARD_ACTION and not isinstance(value.get("action"), dict):
        raise InvalidActivity("'value.action' must be an object")
    if name == FILE_CONSENT:
        if value.get("action") not in {"accept", "decline"}:
            raise InvalidActivity("'value.action' must be accept or decline")
        upload = value.get("uploadInfo")
        if value["action"] == "accept" and not (
            isinstance(upload, dict) and isinstance(upload.get("uploadUrl"), str)
        ):
            raise InvalidActivity("an accepted file consent needs 'value.uploadInfo.uploadUrl'")


# --- size of what the user typed -------------------------------------------------------------


def typed_length(body: Mapping[str, Any]) -> int:
    """Characters the user typed: the text plus every string in a submitted card's value.

    Counted on the raw activity, so an oversized message is refused before any parsing."""
    total = len(body.get("text") or "")
    stack = [body.get("value")]
    while stack and total <= MAX_TEXT_CHARS:
        node = stack.pop()
        if isinstance(node, str):
            total += len(node)
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return total


def is_oversized(body: Mapping[str, Any]) -> bool:
    return typed_length(body) > MAX_TEXT_CHARS


# --- mentions --------------------------------------------------------------------------------


def text_without_bot_mention(
    text: str | None, entities: list[Any] | None, bot_id: str | None
) -> str:
    """The message text with the bot's @-mention (`<at>Stegvis</at>`) taken out.

    The SDK's remove_recipient_mention compiles the mention's text as a regular expression, so
    a crafted mention could make it backtrack for minutes; this replaces the literal text."""
    text = text or ""
    removed = 0
    for entity in entities or []:
        data = entity if isinstance(entity, dict) else _entity_dict(entity)
        mentioned = data.get("mentioned")
        if (
            str(data.get("type") or "").casefold() != "mention"
            or not isinstance(mentioned, dict)
            or not bot_id
            or mentioned.get("id") != bot_id
        ):
            continue
        mention_text = data.get("text")
        if isinstance(mention_text, str) and mention_text:
            text = text.replace(mention_text, " ")
        removed += 1
        if removed >= MAX_BOT_MENTIONS:
            break
    return text


def _entity_dict(entity: Any) -> dict[str, Any]:
    """An SDK Entity keeps unknown members (mentioned, text) in additional_properties."""
    extra = getattr(entity, "additional_properties", None) or {}
    return {"type": getattr(entity, "type", None), **extra}


# --- invoke responses ------------------------------------------------------------------------


def json_body(body: Any) -> Any:
    """An invoke response body as plain JSON. msrest's own serialiser fails on some of the SDK's
    error bodies (an Exception where a dict belongs), which made aiohttp answer 500."""
    if body is None or isinstance(body, str | bool | int):
        return body
    if isinstance(body, float):
        return body if math.isfinite(body) else None
    if isinstance(body, dict):
        return {str(key): json_body(value) for key, value in body.items()}
    if isinstance(body, list | tuple):
        return [json_body(item) for item in body]
    attributes = getattr(body, "_attribute_map", None)
    if isinstance(attributes, dict):  # an msrest model: its JSON names, each value walked
        return {
            spec["key"]: json_body(getattr(body, name))
            for name, spec in attributes.items()
            if spec.get("key") and getattr(body, name, None) is not None
        }
    if isinstance(body, BaseException):
        return {"code": type(body).__name__, "message": " ".join(str(a) for a in body.args)}
    if hasattr(body, "__dict__"):
        return json_body({k: v for k, v in vars(body).items() if not k.startswith("_")})
    return str(body)
