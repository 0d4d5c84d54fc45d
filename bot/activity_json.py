"""Outgoing activities as JSON without msrest walking every card three times.

To send a reply, msrest's `Serializer.body` first deserialises the activity in place, then
validates it, then serialises it, and each pass goes through an attachment's content (an
Adaptive Card: hundreds of nested dicts and strings) one value at a time; for content that is
plain JSON all three return what they were given. That was a quarter of a `hjälp` turn. Here
the activity goes through msrest without those contents, which are put back as they are when
json's C encoder accepts them; any other content (an SDK card model) takes msrest's path.
"""

from __future__ import annotations

import json
from typing import Any

from botbuilder.schema import Activity
from botframework.connector import models
from msrest import Serializer

_MODELS = {name: kind for name, kind in models.__dict__.items() if isinstance(kind, type)}
_Serializer: Any = Serializer  # msrest has no annotations


def _plain_json(content: Any) -> bool:
    if not isinstance(content, dict | list):
        return False
    try:
        json.dumps(content, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


class ActivitySerializer(_Serializer):
    """msrest's serialiser, with plain-JSON attachment contents passed through untouched."""

    def __init__(self) -> None:
        super().__init__(_MODELS)

    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        if data_type != "Activity" or not isinstance(data, Activity) or not data.attachments:
            return super().body(data, data_type, **kwargs)
        attachments = data.attachments
        contents = [attachment.content for attachment in attachments]
        plain = [_plain_json(content) for content in contents]
        try:
            for attachment, passed in zip(attachments, plain, strict=True):
                if passed:
                    attachment.content = None
            body = super().body(data, data_type, **kwargs)
        finally:
            for attachment, content in zip(attachments, contents, strict=True):
                attachment.content = content
        for item, content, passed in zip(body.get("attachments", []), contents, plain,
                                         strict=False):
            if passed and isinstance(item, dict):
                item["content"] = content
        return body


_SERIALIZER = ActivitySerializer()


def activity_json(activity: Activity) -> dict[str, Any]:
    """The activity as the Bot Connector receives it."""
    body: dict[str, Any] = _SERIALIZER.body(activity, "Activity")
    return body
