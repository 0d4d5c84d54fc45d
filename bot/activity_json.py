"""Outgoing activities as JSON without msrest's three passes.

To send a reply, msrest's `Serializer.body` first deserialises the activity in place, then
validates it, then serialises it, each pass through every attribute of every nested model and
through an attachment's content (an Adaptive Card: hundreds of nested dicts and strings) one
value at a time. For what Stegvis sends, the first two change nothing (the Bot Framework's
models declare no constraints) and the third returns plain values as they are. Here the
activity is walked once over its models' attribute maps: plain strings, numbers and booleans
and plain-JSON contents (checked by json's C encoder) are taken as they are, nested models are
walked, and anything else (an enum, a date, content that is not plain JSON) is serialised by
msrest, value by value. A shape msrest would first have to build models from (a dict where a
model belongs) sends the whole activity through msrest as before. Tests compare the result with
msrest's own over generated activities and every reply of real turns.
"""

from __future__ import annotations

import json
from typing import Any

from botbuilder.schema import Activity
from botframework.connector import models
from msrest import Serializer
from msrest.serialization import Model

_MODELS = {name: kind for name, kind in models.__dict__.items() if isinstance(kind, type)}
_Serializer: Any = Serializer  # msrest has no annotations
_PLAIN = {"str": str, "bool": bool, "int": int, "float": float}


class _Unusual(Exception):
    """A shape left to msrest's own body()."""


def _plain_json(content: Any) -> bool:
    if not isinstance(content, dict | list):
        return False
    try:
        json.dumps(content, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


class ActivitySerializer(_Serializer):
    """msrest's serialiser, with activities walked once (see the module text)."""

    def __init__(self) -> None:
        super().__init__(_MODELS)

    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        if data_type == "Activity" and isinstance(data, Activity) and not kwargs:
            try:
                return self._walk(data)
            except _Unusual:
                pass
        return super().body(data, data_type, **kwargs)

    def _walk(self, model: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for attr, spec in model._attribute_map.items():
            key = spec["key"]
            if attr == "additional_properties" and key == "":
                if model.additional_properties is not None:
                    out.update(model.additional_properties)
                continue
            value = getattr(model, attr, None)
            if value is not None:
                out[key] = self._value(value, spec["type"])
        return out

    def _value(self, value: Any, kind: str) -> Any:
        plain = _PLAIN.get(kind)
        if plain is not None and type(value) is plain:
            return value
        if kind == "object":
            if isinstance(value, Model):
                return self._walk(value)
            if type(value) in (str, bool, int) or _plain_json(value):
                return value
            return self.serialize_data(value, kind)
        model = self.dependencies.get(kind)
        if isinstance(model, type) and issubclass(model, Model):
            if not isinstance(value, Model):
                raise _Unusual
            return self._walk(value)
        if kind.startswith("[") and kind.endswith("]"):
            if not isinstance(value, list):
                raise _Unusual
            return [None if item is None else self._value(item, kind[1:-1]) for item in value]
        return self.serialize_data(value, kind)


_SERIALIZER = ActivitySerializer()


def activity_json(activity: Activity) -> dict[str, Any]:
    """The activity as the Bot Connector receives it."""
    body: dict[str, Any] = _SERIALIZER.body(activity, "Activity")
    return body


def model_json(model: Any) -> dict[str, Any]:
    """Any Bot Framework model as its `serialize()` gives it (a conversation reference, each
    turn), in the same one walk."""
    try:
        return _SERIALIZER._walk(model)
    except _Unusual:
        document: dict[str, Any] = model.serialize()
        return document
