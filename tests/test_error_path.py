"""The one error path: a `RuleError` raised anywhere below a command handler becomes the user's
reply in the router (dialogs/router.py), in their language, and what the refused block wrote is
undone. Handlers do not catch it themselves."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlmodel import select

import dialogs.participants
from dialogs.texts import en, sv
from storage.models import Participant
from storage.rules import RuleError
from tests.teams import message
from tests.test_participants_http import COORDINATOR, REFERRAL, staff

ROOT = Path(__file__).resolve().parent.parent


async def birth_year(db) -> int:
    async with db.read() as session:
        return (await session.exec(select(Participant.birth_year))).one()


async def test_a_rule_refused_deep_in_a_handler_is_answered_by_the_router(
    bot, connector, db, monkeypatch
):
    """The storage call has already written when the rule refuses: the reply is the refusal's
    Swedish text (English for an English user), and the write is undone."""
    await staff(db)
    url = connector.url
    await bot.say(message(REFERRAL, url, COORDINATOR))
    real = dialogs.participants.update_fields

    async def refused_after_writing(session, actor, code, changes):
        await real(session, actor, code, changes)
        await session.flush()
        raise RuleError("rule_date_future", value="2030-01-01")

    monkeypatch.setattr(dialogs.participants, "update_fields", refused_after_writing)
    replies = await bot.say(message("ändra V-2026-0001 född=1986", url, COORDINATOR))
    assert replies == [sv.TEXTS["rule_date_future"].format(value="2030-01-01")]
    assert await birth_year(db) == 1985

    await bot.say(message("språk en", url, COORDINATOR))
    replies = await bot.say(message("ändra V-2026-0001 född=1986", url, COORDINATOR))
    assert replies == [en.TEXTS["rule_date_future"].format(value="2030-01-01")]
    assert await birth_year(db) == 1985


def _replies_with_error_text(handler: ast.ExceptHandler) -> bool:
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"reply", "send_activity"}
        and any(
            isinstance(arg, ast.Call)
            and isinstance(arg.func, ast.Name)
            and arg.func.id == "error_text"
            for arg in node.args
        )
        for node in ast.walk(handler)
    )


# Where a RuleError is still turned into words outside the router, and why:
# the form machinery's waterfall step and the staff dialog's last step run inside
# `continue_dialog`, not under the router, and must end their dialog; a file offer is accepted
# in an invoke, which has no router.
OUTSIDE_ROUTER = {"forms.py", "staff.py", "files.py"}


def test_command_handlers_leave_refused_rules_to_the_router():
    """No handler repeats the try/except-RuleError-and-reply block."""
    offenders = []
    for path in sorted((ROOT / "dialogs").glob("*.py")):
        if path.name in OUTSIDE_ROUTER | {"router.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and _replies_with_error_text(node):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
