"""Dependencies flow down: a module imports only from its own package and the layers below.

bot -> dialogs -> storage and bot -> scheduler -> storage; manifest stands alone. The scheduler
and dialogs know nothing of each other: bot/ hands the scheduler the reminder card to send
(bot/scheduling.py). A new upward or sideways import fails here, naming the file, the line and
the import.

The Bot Framework SDK (botbuilder, botframework, and msrest under them) is known only to bot/
and to dialogs/forms.py, the one home of botbuilder.dialogs (docs/architecture.md, "The SDK
seam"), so that a move to the Agents SDK changes one folder and one module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What each top-level package may import from the project besides itself.
ALLOWED: dict[str, frozenset[str]] = {
    "bot": frozenset({"scheduler", "dialogs", "storage", "manifest"}),
    "scheduler": frozenset({"storage"}),
    "dialogs": frozenset({"storage"}),
    "storage": frozenset(),
    "manifest": frozenset(),
}


def imported_packages(source: str) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import, also those inside functions and
    `if TYPE_CHECKING:` blocks: a type-only upward import is still a dependency a reader sees."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


# History: the 0008 migration converted the old pickled dialog state once, with the codec that
# knows the dialog stack's SDK types (bot/state_codec.py). It runs only on a database that old.
HISTORY = {("storage/migrations/versions/0008_wire.py", "bot")}

SDK = frozenset({"botbuilder", "botframework", "msrest"})

# botbuilder.dialogs (waterfalls, prompts, their stored state) stays behind this one dialogs
# module, with the activity a reply becomes (a prompt sends its question itself): replacing
# them costs more than it saves (docs/architecture.md, "The SDK seam").
DIALOGS_FRAMEWORK = "dialogs/forms.py"


def upward_imports(root: Path) -> list[str]:
    """Every import of a project package its layer may not use, as `path:line: a -> b`."""
    problems = []
    for package, allowed in ALLOWED.items():
        for path in sorted((root / package).rglob("*.py")):
            for line, target in imported_packages(path.read_text(encoding="utf-8")):
                if (path.relative_to(root).as_posix(), target) in HISTORY:
                    continue
                if target in ALLOWED and target != package and target not in allowed:
                    relative = path.relative_to(root)
                    problems.append(f"{relative}:{line}: {package} -> {target}")
    return problems


def test_no_module_imports_from_a_layer_above_it() -> None:
    assert upward_imports(ROOT) == []


def sdk_imports(root: Path) -> dict[str, list[int]]:
    """{path: lines} of every module outside bot/ that imports the Bot Framework SDK."""
    found: dict[str, list[int]] = {}
    for package in ALLOWED:
        if package == "bot":
            continue
        for path in sorted((root / package).rglob("*.py")):
            lines = [
                line
                for line, target in imported_packages(path.read_text(encoding="utf-8"))
                if target in SDK
            ]
            if lines:
                found[path.relative_to(root).as_posix()] = lines
    return found


def test_only_bot_knows_the_bot_framework() -> None:
    found = sdk_imports(ROOT)
    assert {path: lines for path, lines in found.items() if path != DIALOGS_FRAMEWORK} == {}


def test_an_sdk_import_outside_bot_is_named(tmp_path: Path) -> None:
    for path, source in [
        ("storage/x.py", "import botbuilder.schema\n"),
        ("scheduler/x.py", "def f():\n    from botframework.connector import ConnectorClient\n"),
        ("bot/x.py", "from botbuilder.core import TurnContext\n"),
    ]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(source, encoding="utf-8")
    assert sdk_imports(tmp_path) == {"scheduler/x.py": [2], "storage/x.py": [1]}


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        (
            "storage/x.py",
            "from scheduler.rules import Watch\n",
            "storage/x.py:1: storage -> scheduler",
        ),
        ("dialogs/x.py", "import bot.graph\n", "dialogs/x.py:1: dialogs -> bot"),
        (
            "storage/x.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from dialogs import cards\n",
            "storage/x.py:3: storage -> dialogs",
        ),
        (
            "scheduler/x.py",
            "def f():\n    from bot.app import x\n",
            "scheduler/x.py:2: scheduler -> bot",
        ),
        ("manifest/x.py", "from storage import db\n", "manifest/x.py:1: manifest -> storage"),
        (
            "scheduler/x.py",
            "from dialogs.reminders import reminder_card\n",
            "scheduler/x.py:1: scheduler -> dialogs",
        ),
    ],
)
def test_an_upward_import_is_named(tmp_path: Path, path: str, source: str, expected: str) -> None:
    (tmp_path / path).parent.mkdir(parents=True)
    (tmp_path / path).write_text(source, encoding="utf-8")
    assert upward_imports(tmp_path) == [expected]


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("bot/x.py", "from dialogs.texts import t\nfrom scheduler import service\n"),
        ("dialogs/x.py", "from storage.db import Database\nfrom .cards import card\n"),
        ("storage/x.py", "from storage.clock import clock\nimport sqlalchemy\n"),
        ("scheduler/x.py", "from storage.reminders import claim_due\n"),
    ],
)
def test_downward_own_and_library_imports_pass(tmp_path: Path, path: str, source: str) -> None:
    (tmp_path / path).parent.mkdir(parents=True)
    (tmp_path / path).write_text(source, encoding="utf-8")
    assert upward_imports(tmp_path) == []
