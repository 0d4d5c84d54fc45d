"""Goals as data: what the organisation file's [[goals]] (storage/org.py) say a share should
reach, per programme and period, and the goal that applies to a report.

A goal names a measure (a share the report computes, `result.goal_shares`), optionally a
programme (none: the association's goal for every programme), the first day it applies and
optionally the last, and a lower bound, an upper bound or both (a band, like 40/60 for gender
balance). A report is measured against the goal in effect on its last day: the programme's own
goal when the report is for one programme and it has one, else the association's.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

MEASURES = ("work_or_studies", "positive_progression", "women_active", "women_work_or_studies")


class GoalError(ValueError):
    """A [[goals]] entry the file cannot have; the message (Swedish) says which and why."""


@dataclass(frozen=True)
class Goal:
    measure: str
    start: date
    end: date | None = None
    programme: str | None = None  # a programme code; None: every programme
    at_least: float | None = None
    at_most: float | None = None

    def applies(self, day: date, programme: str | None) -> bool:
        return (self.programme == programme and self.start <= day
                and (self.end is None or day <= self.end))


def parse_goals(entries: Any, programmes: set[str]) -> tuple[Goal, ...]:
    """Validate [[goals]]: a known measure and programme, dates in order, bounds between 0 and
    1 (35 % is 0.35), at least one bound, no unknown keys."""
    if not isinstance(entries, list):
        raise GoalError("goals ska vara en lista: [[goals]]")
    known = {"measure", "programme", "from", "to", "at_least", "at_most"}
    found = []
    for number, entry in enumerate(entries):
        where = f"goals[{number}]"
        if not isinstance(entry, dict):
            raise GoalError(f"{where}: ska vara en tabell")
        unknown = sorted(set(entry) - known)
        if unknown:
            raise GoalError(f"{where}: okänd nyckel {', '.join(unknown)}")
        measure = entry.get("measure")
        if measure not in MEASURES:
            raise GoalError(f"{where}: measure ska vara en av {', '.join(MEASURES)}")
        programme = entry.get("programme")
        if programme is not None and programme not in programmes:
            raise GoalError(f"{where}: okänd insats {programme}")
        start, end = entry.get("from"), entry.get("to")
        if not isinstance(start, date) or (end is not None and not isinstance(end, date)):
            raise GoalError(f"{where}: from (och to) ska vara datum, t.ex. 2024-01-01")
        if end is not None and end < start:
            raise GoalError(f"{where}: to är före from")
        bounds = [entry.get("at_least"), entry.get("at_most")]
        for bound in bounds:
            if bound is not None and (isinstance(bound, bool)
                                      or not isinstance(bound, int | float)
                                      or not 0 <= bound <= 1):
                raise GoalError(f"{where}: at_least och at_most är andelar mellan 0 och 1 "
                                "(35 % skrivs 0.35)")
        if bounds == [None, None]:
            raise GoalError(f"{where}: ange at_least, at_most eller båda")
        low, high = bounds
        if low is not None and high is not None and low > high:
            raise GoalError(f"{where}: at_least är större än at_most")
        found.append(Goal(measure, start, end, programme,
                          None if bounds[0] is None else float(bounds[0]),
                          None if bounds[1] is None else float(bounds[1])))
    return tuple(found)


def goals_to_json(goals: tuple[Goal, ...]) -> str:
    return json.dumps([{**asdict(g), "start": g.start.isoformat(),
                        "end": g.end.isoformat() if g.end else None} for g in goals],
                      sort_keys=True)


def goals_from_json(text: str | None) -> tuple[Goal, ...]:
    """The stored goals; an entry this version cannot read is left out, not guessed at."""
    found = []
    for entry in json.loads(text or "[]"):
        try:
            found.append(Goal(
                measure=entry["measure"], start=date.fromisoformat(entry["start"]),
                end=date.fromisoformat(entry["end"]) if entry.get("end") else None,
                programme=entry.get("programme"), at_least=entry.get("at_least"),
                at_most=entry.get("at_most")))
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(found)


def goal_for(goals: tuple[Goal, ...], measure: str, day: date,
             programme: str | None) -> Goal | None:
    """The goal for `measure` on `day`: the programme's own, else the association's; of
    several, the one that started last."""
    for owner in ((programme, None) if programme else (None,)):
        applying = [g for g in goals if g.measure == measure and g.applies(day, owner)]
        if applying:
            return max(applying, key=lambda g: g.start)
    return None
