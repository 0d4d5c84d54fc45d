"""The project's replies (dialogs/reply.py) as Bot Framework activities. The conversion itself
is dialogs/forms.py's `to_activity`, the one place a message's shape on the wire is decided: a
botbuilder prompt sends its question itself, so the forms need it before bot/ sees the reply."""

from __future__ import annotations

from typing import Any

from dialogs import reply as plain
from dialogs.forms import to_activity, to_attachment

__all__ = ["sendable", "to_activity", "to_attachment"]


def sendable(message: Any) -> Any:
    """What `TurnContext.send_activity` takes: a project reply converted, anything else as is."""
    return to_activity(message) if isinstance(message, plain.Reply) else message
