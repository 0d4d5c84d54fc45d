"""Secondary cell suppression over linked tables, with the HiGHS solver (through `highspy`).

The input is a system of counts ("figures") and the linear relations a reader knows between
them (sums within tables, across filters and grid periods, counts present in a period against
its sub-periods; see docs/disclosure-control.md). Some figures are public (the reader knows them
anyway), some withheld (too few to break down, never printed), the rest printed unless hidden.

Every hidden figure must keep, from everything printed, an interval at least `threshold` wide.
For each hidden figure in turn, one small integer program looks for two value assignments that
agree with every printed figure and every relation and differ by `threshold` there; the figures
it has to change, if not hidden already, are hidden at the least cost (their values summed).
Such a pair of assignments stays valid whatever is hidden later, so hiding one figure after the
other protects all of them together. The program is built on a neighbourhood of the figure;
figures outside it are held at their values, which only makes the search stricter.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from math import inf as INFINITY
from typing import Generic, TypeVar

# A figure's key: any hashable (a report's are tuples of strings, storage/reports/figures.py).
Key = TypeVar("Key", bound=Hashable)
# Branch-and-bound nodes an integer program may take before its best pair is used.
MAX_NODES = 200


class Sense(Enum):
    EQUAL = "="
    AT_MOST = "<="


@dataclass(frozen=True)
class Relation(Generic[Key]):
    """Σ coefficient · figure (= or ≤) 0, true of the real counts."""

    terms: tuple[tuple[Key, int], ...]
    sense: Sense = Sense.EQUAL

    def holds(self, values: dict[Key, int]) -> bool:
        total = sum(c * values[k] for k, c in self.terms)
        return total == 0 if self.sense is Sense.EQUAL else total <= 0


@dataclass
class System(Generic[Key]):
    """Figures with their values, what the reader knows about them, and their relations.

    `public`: known to the reader whatever is printed. `withheld`: never printed, zeros neither
    (known only to lie within `bounds`); a withheld count is protected when it may be 0. Other
    zeros are printed, so a hidden figure is known to be at least 1.
    `bounds` adds what the reader learns from the "too few" rule (a withheld group's total is
    below the minimum; a printed group's total is at least the minimum).
    """

    values: dict[Key, int]
    relations: list[Relation[Key]]
    public: set[Key] = field(default_factory=set)
    withheld: set[Key] = field(default_factory=set)
    bounds: dict[Key, tuple[int, int | None]] = field(default_factory=dict)
    touching: dict[Key, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for number, relation in enumerate(self.relations):
            for key, _ in relation.terms:
                self.touching.setdefault(key, []).append(number)


@dataclass
class Outcome(Generic[Key]):
    """The hidden figures (small counts and the complements that protect them), and the
    figures withheld because no pattern could protect them."""

    small: set[Key]
    complements: set[Key]
    withheld: set[Key]
    programs: int = 0


def protect(
    system: System[Key],
    threshold: int,
    order: Iterable[Key] | None = None,
    group_of: dict[Key, Key] | None = None,
) -> Outcome[Key]:
    """Hide the small counts (1 … threshold−1) that are printed, and enough other counts that
    every hidden count keeps an interval of at least `threshold`. `order` is the order small
    counts are taken in (deterministic: the same data always gives the same pattern).
    `group_of` maps a figure to its group: when no pattern can protect a figure, its whole
    group is withheld."""
    _quiet_banner()
    withheld = set(system.withheld)
    # Small counts withheld with their group ("för få") are protected like hidden ones: a
    # group's total can be the difference of printed figures (the county less its other parts).
    small = {
        k for k, v in system.values.items() if 0 < v < threshold and k not in system.public
    }
    hidden = set(small)
    queue = [k for k in (order or sorted(small, key=repr)) if k in small]
    complements: set[Key] = set()
    outcome = Outcome(small, complements, withheld)
    failed: set[Key] = set()
    position = 0
    while position < len(queue):
        key = queue[position]
        position += 1
        if key in withheld and key not in small:
            continue
        search = _Search(system, threshold, hidden, withheld)
        outcome.programs += 1
        if search.protected(key):
            continue
        added = None
        for radius in (2, 4):
            outcome.programs += 1
            added = search.complements(key, radius)
            if added is not None:
                break
        if added is None:
            group = (group_of or {}).get(key, key)
            members = {k for k in system.values if (group_of or {}).get(k, k) == group}
            if key in withheld:
                # Its group is withheld already: withhold what it is summed with as well, and
                # ask again; failing twice, its whole family for the period.
                members = {other for number in system.touching.get(key, ())
                           for other, _ in system.relations[number].terms}
                if key in failed:
                    members = {k for k in system.values if _family(k) == _family(key)}
                else:
                    failed.add(key)
                    queue.append(key)
            withheld |= {k for k in members if k not in system.public}
            continue
        for other in sorted(added, key=repr):
            hidden.add(other)
            complements.add(other)
            queue.append(other)
    outcome.small = {k for k in small if k not in withheld}
    outcome.complements = {k for k in complements if k not in withheld}
    return outcome


def _family(key: Hashable) -> Hashable:
    """A figure's family and period (the first two parts of a report's keys)."""
    return key[:2] if isinstance(key, tuple) else key


class _Search(Generic[Key]):
    """One neighbourhood program: free figures (hidden or withheld) may move within what the
    reader knows of them; candidates (printed, non-zero, not public) may move if hidden, at a
    cost; everything else stays at its value."""

    BOX_LIMIT = 400
    FREE_DEPTH = 2

    def __init__(
        self, system: System[Key], threshold: int, hidden: set[Key], withheld: set[Key]
    ) -> None:
        self.system, self.threshold = system, threshold
        self.hidden, self.withheld = hidden, withheld

    def protected(self, key: Key) -> bool:
        return self._solve(key, radius=0) is not None

    def complements(self, key: Key, radius: int) -> set[Key] | None:
        return self._solve(key, radius)

    def _is_free(self, key: Key) -> bool:
        return key in self.hidden or key in self.withheld

    def _is_candidate(self, key: Key) -> bool:
        system = self.system
        return system.values[key] > 0 and key not in system.public and not self._is_free(key)

    def _box(self, start: Key, radius: int) -> tuple[list[Key], dict[Key, bool]]:
        """Figures reachable from `start` through relations: candidates up to `radius`
        relations away, free ones a few further (at most BOX_LIMIT figures in all). Value: is
        it a candidate?"""
        system = self.system
        found: dict[Key, bool] = {start: False}
        order = [start]
        depth = {start: 0}
        position = 0
        while position < len(order) and len(order) < self.BOX_LIMIT:
            key = order[position]
            position += 1
            for number in system.touching.get(key, ()):
                for other, _ in system.relations[number].terms:
                    if other in found:
                        continue
                    if self._is_free(other) and depth[key] + 1 <= radius + self.FREE_DEPTH:
                        found[other], depth[other] = False, depth[key] + 1
                    elif self._is_candidate(other) and depth[key] + 1 <= radius:
                        found[other], depth[other] = True, depth[key] + 1
                    else:
                        continue
                    order.append(other)
        return order, found

    def _bounds(self, key: Key) -> tuple[float, float]:
        low, high = self.system.bounds.get(key, (0, None))
        if key in self.hidden and key not in self.withheld:  # zeros are printed: at least 1
            low = max(low, 1)
        return float(low), INFINITY if high is None else float(high)

    def _solve(self, key: Key, radius: int) -> set[Key] | None:
        """Two assignments differing by `threshold` at `key`; the candidates they move (empty
        when the figure is protected already), or None when there are none within `radius`."""
        system, values = self.system, self.system.values
        nodes, candidate = self._box(key, radius)
        index = {k: i for i, k in enumerate(nodes)}
        n = len(nodes)
        cands = [k for k in nodes if candidate[k]]
        cand_index = {k: 2 * n + i for i, k in enumerate(cands)}
        columns = 2 * n + len(cands)
        big = float(self.threshold + max((values[k] for k in nodes), default=0) * 2 + 1)
        lower = [0.0] * columns
        upper = [0.0] * columns
        for k, i in index.items():
            v = values[k]
            if candidate[k]:
                low, high = 1.0 - v, big
            else:
                low_bound, high_bound = self._bounds(k)
                low, high = low_bound - v, min(high_bound - v, big)
            lower[i] = lower[n + i] = low
            upper[i] = upper[n + i] = high
        upper[2 * n:] = [1.0] * (columns - 2 * n)
        cost = [0.0] * columns
        for k, column in cand_index.items():
            cost[column] = 1.0 + values[k]
        starts, indices, coefficients, row_low, row_high = [0], [], [], [], []

        def add_row(terms: list[tuple[int, float]], low: float, high: float) -> None:
            for column, coefficient in terms:
                indices.append(column)
                coefficients.append(coefficient)
            starts.append(len(indices))
            row_low.append(low)
            row_high.append(high)

        seen: set[int] = set()
        for k in nodes:
            for number in system.touching.get(k, ()):
                if number in seen:
                    continue
                seen.add(number)
                relation = system.relations[number]
                inside = [(index[m], float(c)) for m, c in relation.terms if m in index]
                slack = 0.0
                if relation.sense is Sense.AT_MOST:
                    slack = -float(sum(c * values[m] for m, c in relation.terms))
                low = 0.0 if relation.sense is Sense.EQUAL else -INFINITY
                for offset in (0, n):
                    add_row([(i + offset, c) for i, c in inside], low, slack)
        for k, column in cand_index.items():
            i, v = index[k], values[k]
            for offset in (0, n):
                add_row([(i + offset, 1.0), (column, -big)], -INFINITY, 0.0)
                add_row([(i + offset, -1.0), (column, -float(v - 1))], -INFINITY, 0.0)
        s = index[key]
        if key in self.withheld:
            # Printed as "..", like a zero of its group: protected when it may be 0.
            add_row([(n + s, 1.0)], -float(values[key]), -float(values[key]))
        else:
            add_row([(s, 1.0), (n + s, -1.0)], float(self.threshold), INFINITY)
        solution = _run(columns, cost, lower, upper, starts, indices, coefficients,
                        row_low, row_high, integer_columns=columns,
                        values=0 if cands else 2 * n)
        if solution is None:
            return None
        return {k for k in cands
                if round(solution[index[k]]) != 0 or round(solution[n + index[k]]) != 0}


def _run(
    columns: int, cost: list[float], lower: list[float], upper: list[float], starts: list[int],
    indices: list[int], coefficients: list[float], row_low: list[float],
    row_high: list[float], integer_columns: int, values: int,
) -> list[float] | None:
    """The solution, or None when there is none.

    The linear relaxation first: when it has no solution, neither has the integer program.
    When nothing is to be hidden (`values` > 0: the pair is the first `values` columns) and the
    relaxation's pair is whole, that pair is the answer: a count already protected is most of
    the programs, and costs one LP. Otherwise the integer program, for the pattern that hides
    least, stopped after a fixed number of branch-and-bound nodes with the best pair found (any
    pair protects; the optimum only hides less). Single-threaded, with a fixed seed and a
    node limit rather than a time limit, so the same system gives the same answer on every
    instance. HiGHS and numpy are imported here, when a masked report first needs them."""
    import highspy
    import numpy as np

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = columns, len(row_low)
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = np.array(cost), np.array(lower), np.array(upper)
    lp.row_lower_, lp.row_upper_ = np.array(row_low), np.array(row_high)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(indices, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(coefficients)
    solver = highspy.Highs()
    for option, value in (("output_flag", False), ("threads", 1), ("random_seed", 0),
                          ("mip_rel_gap", 0.0), ("mip_max_nodes", MAX_NODES)):
        solver.setOptionValue(option, value)
    solver.passModel(lp)
    solver.run()
    if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    relaxed = np.array(solver.getSolution().col_value)
    if values and np.all(np.abs(relaxed[:values] - np.round(relaxed[:values])) < 1e-6):
        return list(relaxed)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * integer_columns
    solver.passModel(lp)
    solver.run()
    feasible = solver.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    if solver.getModelStatus() == highspy.HighsModelStatus.kInfeasible or not feasible:
        return None
    return list(solver.getSolution().col_value)


_banner_done = False


def _quiet_banner() -> None:
    """HiGHS prints a banner on stdout when the first solver of a process is made; `python -m
    bot report --format json` writes the report there, so make the first one with stdout shut."""
    global _banner_done
    if _banner_done:
        return
    import highspy

    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
        _banner_done = True
