"""Small-cell masking, property style: for many random tables no hidden count can be worked
out from what is shown, checked two ways that do not share code with the masking."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from storage.reports import CountTable, Mask, mask_table


def random_table(rng: random.Random, rows: int, columns: int, **flags: bool) -> CountTable:
    """Counts the way reports have them: many zeros and small numbers, some larger ones."""
    weights = [0] * 4 + list(range(1, 5)) * 2 + list(range(5, 40))
    counts = tuple(tuple(rng.choice(weights) for _ in range(columns)) for _ in range(rows))
    return CountTable(
        key="t",
        row_vocab=None,
        rows=tuple(f"r{i}" for i in range(rows)),
        column_vocab=rng.choice([None, "gender"]),
        columns=tuple(f"c{j}" for j in range(columns)),
        counts=counts,
        **flags,
    )


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    found = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((r for r in range(found, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(found + 1, len(rows)):
            factor = rows[r][column] / rows[found][column]
            rows[r] = [a - factor * b for a, b in zip(rows[r], rows[found], strict=True)]
        found += 1
    return found


def exposed_by_rank(table: CountTable) -> list[tuple[int, int]]:
    """Hidden places whose unit vector is in the row space of the equations over the hidden
    places (adding it does not raise the rank): those follow from the shown numbers."""
    hidden = sorted(p for p, mask in table.masks.items() if mask != Mask.SHOWN)
    matrix = []
    for addends, total in table.equations():
        row = [Fraction((p in addends) - (p == total)) for p in hidden]
        if any(row):
            matrix.append(row)
    base = rank(matrix)
    exposed = []
    for k, place in enumerate(hidden):
        unit = [Fraction(int(i == k)) for i in range(len(hidden))]
        if rank([*matrix, unit]) == base:
            exposed.append(place)
    return exposed


SHAPES = [
    (rows, columns, flags)
    for rows, columns in [(1, 1), (1, 3), (2, 2), (3, 4), (4, 3), (11, 4), (9, 3), (7, 5)]
    for flags in (
        {},
        {"column_totals": False},
        {"row_totals": False},
    )
]


@pytest.mark.parametrize("threshold", [3, 5, 10])
@pytest.mark.parametrize(("rows", "columns", "flags"), SHAPES)
def test_no_hidden_count_follows_from_the_totals(rows, columns, flags, threshold):
    rng = random.Random(f"{rows}x{columns}{flags}{threshold}")
    for _ in range(8):
        table = mask_table(random_table(rng, rows, columns, **flags), threshold)
        for place in table.positions():
            value = table.value(*place)
            if 0 < value < threshold:
                assert table.masks[place] == Mask.SMALL
            elif place in table.masks:
                assert table.masks[place] == Mask.COMPLEMENT
        # The rule of thumb: no line with a shown total has exactly one hidden member ...
        for addends, total in table.equations():
            hidden = [p for p in (*addends, total) if p in table.masks]
            assert len(hidden) != 1, (table.counts, table.masks)
        # ... and the exact check: nothing follows from any combination of lines.
        assert exposed_by_rank(table) == [], (table.counts, table.masks)


def test_small_tables_by_brute_force():
    """For 2×2 and 2×3 tables with totals, every small cell can take at least two values in
    tables of counts 0–12 that show exactly the same numbers (non-negativity included)."""
    rng = random.Random(4)
    checked = 0
    for shape in [(2, 2)] * 60 + [(2, 3)] * 20:
        rows, columns = shape
        counts = tuple(tuple(rng.choice([0, 1, 2, 3, 4, 5, 6, 8]) for _ in range(columns))
                       for _ in range(rows))
        table = mask_table(CountTable("t", None, ("a", "b"), None, ("x", "y", "z")[:columns],
                                      counts), 5)
        hidden = [p for p in table.masks if p[0] < rows and p[1] < columns]
        if not hidden or len(hidden) > 4:
            continue
        checked += 1
        shown = {p: table.value(*p) for p in table.positions() if p not in table.masks}
        seen: dict[tuple[int, int], set[int]] = {p: set() for p in hidden}
        for guess in itertools.product(range(13), repeat=len(hidden)):
            grid = [list(r) for r in counts]
            for (i, j), value in zip(hidden, guess, strict=True):
                grid[i][j] = value
            sums = {(i, columns): sum(grid[i]) for i in range(rows)}
            sums |= {(rows, j): sum(r[j] for r in grid) for j in range(columns)}
            sums[(rows, columns)] = sum(map(sum, grid))
            if all((grid[p[0]][p[1]] if p in hidden or (p[0] < rows and p[1] < columns)
                    else sums[p]) == v for p, v in shown.items()):
                for place, value in zip(hidden, guess, strict=True):
                    seen[place].add(value)
        for place, values in seen.items():
            if table.masks[place] == Mask.SMALL:  # a hidden zero may be pinned; it is no one
                assert len(values) >= 2, (counts, table.masks, place, values)
    assert checked > 20


def test_unmasked_numbers_are_left_alone():
    table = CountTable(
        "t", None, ("a", "b"), "gender", ("woman", "man", "other"), ((12, 12, 1), (20, 7, 0))
    )
    masked = mask_table(table, 5)
    # The 1 is small; in a gender table the row's total hides it, then the column's complement.
    assert masked.masks[(0, 2)] == Mask.SMALL
    assert masked.masks[(0, 3)] == Mask.COMPLEMENT
    assert masked.value(0, 0) == 12 and (0, 0) not in masked.masks
    assert mask_table(table, 1).masks == {}
