"""No module over 500 lines: a file that long does more than one job, and the next team reads
it whole before changing any of it. Split it by responsibility (a package whose `__init__`
re-exports the public names, one private module per job, as storage/participants/ does).

The texts (dialogs/texts/) are one table of strings per language, and migrations are history:
both may grow past the limit.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "dialogs", "storage", "scheduler", "manifest")
LIMIT = 500

def exempt(path: str) -> bool:
    """Texts and migrations may be long (see the module docstring)."""
    return path.startswith(("dialogs/texts/", "storage/migrations/"))


def line_counts(root: Path) -> dict[str, int]:
    """Lines per Python module of the project's packages under `root`, by relative path."""
    return {
        path.relative_to(root).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for package in PACKAGES
        for path in sorted((root / package).rglob("*.py"))
    }


def too_long(counts: dict[str, int]) -> list[str]:
    return sorted(
        f"{path}: {lines} lines"
        for path, lines in counts.items()
        if lines > LIMIT and not exempt(path)
    )


def test_no_module_over_the_limit():
    assert too_long(line_counts(ROOT)) == []


def test_the_check_sees_a_long_module_and_spares_texts_and_migrations(tmp_path):
    for name in ("storage/long.py", "dialogs/texts/sv.py", "storage/migrations/versions/x.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n" * (LIMIT + 1), encoding="utf-8")
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "short.py").write_text("x = 1\n" * LIMIT, encoding="utf-8")
    assert too_long(line_counts(tmp_path)) == [f"storage/long.py: {LIMIT + 1} lines"]
