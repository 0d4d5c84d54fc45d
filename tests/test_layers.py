"""Dependencies flow down: a module imports only from its own package and the layers below.

bot -> scheduler -> dialogs -> storage; manifest stands alone. The scheduler sits above dialogs
because it renders reminder cards; nothing below imports anything above it. A new upward import
fails here, naming the file, the line and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What each top-level package may import from the project besides itself.
ALLOWED: dict[str, frozenset[str]] = {
    "bot": frozenset({"scheduler", "dialogs", "storage", "manifest"}),
    "scheduler": frozenset({"dialogs", "storage"}),
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


def upward_imports(root: Path) -> list[str]:
    """Every import of a project package its layer may not use, as `path:line: a -> b`."""
    problems = []
    for package, allowed in ALLOWED.items():
        for path in sorted((root / package).rglob("*.py")):
            for line, target in imported_packages(path.read_text(encoding="utf-8")):
                if target in ALLOWED and target != package and target not in allowed:
                    relative = path.relative_to(root)
                    problems.append(f"{relative}:{line}: {package} -> {target}")
    return problems


def test_no_module_imports_from_a_layer_above_it() -> None:
    assert upward_imports(ROOT) == []


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
        ("storage/x.py", "from storage.clock import clock\nimport botbuilder.schema\n"),
        ("scheduler/x.py", "from dialogs.reminders import reminder_card\n"),
    ],
)
def test_downward_own_and_library_imports_pass(tmp_path: Path, path: str, source: str) -> None:
    (tmp_path / path).parent.mkdir(parents=True)
    (tmp_path / path).write_text(source, encoding="utf-8")
    assert upward_imports(tmp_path) == []
