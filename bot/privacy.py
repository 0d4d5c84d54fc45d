"""Where personal data meets the process: the turn gate, outgoing replies and the log.

The guard itself (what counts as a personnummer or a name) is storage/pii.py; this module puts
it on the three edges the storage layer cannot see.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse

from storage.pii import has_personal_number, has_personal_number_in, redact


def holds_personal_number(activity: Activity) -> bool:
    """Whether anything the user typed or submitted in this activity reads as a personnummer.

    Checked before the turn does anything, so that a refused value reaches no table, no dialog
    state, no audit row and no log line.
    """
    return has_personal_number(activity.text or "") or has_personal_number_in(activity.value)


async def refuse(turn_context: TurnContext, message: str) -> None:
    """Answer a refused activity; an invoke also gets its invoke response."""
    if turn_context.activity.type == ActivityTypes.invoke:
        await turn_context.send_activity(
            Activity(
                type=ActivityTypes.invoke_response,
                value=InvokeResponse(
                    status=200,
                    body={
                        "statusCode": 200,
                        "type": "application/vnd.microsoft.activity.message",
                        "value": message,
                    },
                ),
            )
        )
    await turn_context.send_activity(message)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_value(item) for item in value]
    return value


async def redact_replies(
    _context: TurnContext,
    activities: list[Activity],
    send: Callable[[], Awaitable[list[ResourceResponse]]],
) -> list[ResourceResponse]:
    """The last line: no reply carries a personnummer, whatever produced it."""
    for activity in activities:
        if activity.text:
            activity.text = redact(activity.text)
        for attachment in activity.attachments or []:
            if isinstance(attachment.content, dict | list):
                attachment.content = _redact_value(attachment.content)
    return await send()


class _RedactingFactory:
    """Wraps the log record factory: messages and tracebacks lose any personnummer before a
    handler formats them (exception messages can carry what a user typed)."""

    def __init__(self, inner: Callable[..., logging.LogRecord]) -> None:
        self.inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.inner(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
        return record


def install_log_redaction() -> None:
    """Once per process; later calls do nothing."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _RedactingFactory):
        logging.setLogRecordFactory(_RedactingFactory(factory))

