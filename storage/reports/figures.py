"""Every printed place of a masked report as one figure, and what a reader knows about how the
figures hang together.

The same count is printed in many places (exits by gender in the flow table, under every exit
table and beside the median; exits by SUS group in the SUS table and under the municipality
table), so each place is mapped to a key that says what it counts:

    (family, period, area, programme, *attributes)

with "*" for "all" (a masked report is county-wide, so its area and programme are "*" except in
the rows by county part or municipality). Families: `ref` referrals, `enr` enrolments, `act`
people active in the period, `exit` exits, `plst` placements started and `plac` placements under
way in it; `pend`, `long` and `case` count at the period's last day (keyed by that day).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storage.reports.counting import (
    AGE_BANDS,
    DECISIONS,
    FLOWS,
    REPORTED_EXIT_REASONS,
    WAIT_BANDS,
)
from storage.reports.period import GridPeriod
from storage.reports.protection import Relation, Sense, System
from storage.reports.result import (
    COMPOSITE,
    EXIT_INCOMES,
    GENDER_COLUMNS,
    SUS_GROUPS,
    TOTAL,
    CountTable,
    Report,
)
from storage.rules import (
    DESTINATIONS,
    INCOME_SOURCES,
    PLACEMENT_TYPES,
    PROGRESSION_STEPS,
    REFERRING_PARTIES,
    SECTORS,
)

Key = tuple[str, ...]
STAR = "*"
# family: number of attributes. Exits: reason, destination, income source at start and at
# exit, gender.
PUBLIC_FAMILIES = {"ref": 3, "enr": 1, "act": 4, "exit": 5}


@dataclass(frozen=True)
class Geography:
    """County parts and their municipalities: the rows of the tables by area."""

    parts: dict[str, tuple[str, ...]]  # county part name: municipality names


def _attr(key: str) -> str:
    return STAR if key == TOTAL else key


def _split(row: str) -> tuple[str, str]:
    """A composite row ("Norra|woman") as its two attributes; the totals row as two stars."""
    if row == TOTAL:
        return STAR, STAR
    first, second = row.split(COMPOSITE)
    return first, second


def _dest(level: str, value: str) -> str:
    """A destination ("d:") or SUS group ("s:"): one attribute, a hierarchy of the two."""
    return STAR if value == STAR else f"{level}:{value}"


def _exit(time: str, area: str, programme: str, *, reason: str = STAR,
          destination: str = STAR, start: str = STAR, end: str = STAR,
          gender: str = STAR) -> Key:
    return ("exit", time, area, programme, reason, destination, start, end, gender)


def place_keys(table: CountTable, period: GridPeriod) -> dict[tuple[int, int], Key | None]:
    """Each printed place of a county-wide table: its key, or None for a structural zero (a
    place that counts no one by definition)."""
    area, programme = STAR, STAR
    time, end = period.code, period.end.isoformat()
    n = len(table.rows)
    rows = [*table.rows, TOTAL]
    columns = [*table.columns, TOTAL]
    found: dict[tuple[int, int], Key | None] = {}
    for i, j in table.positions():
        r, c = _attr(rows[i]), _attr(columns[j])
        key: Key | None
        match table.key:
            case "flows":
                family = {"referred": "ref", "enrolled": "enr", "active": "act",
                          "exited": "exit"}[rows[i]]
                width = PUBLIC_FAMILIES[family]
                key = (family, time, area, programme, *([STAR] * (width - 1)), c)
            case "flows_county_part":
                family = {"referred": "ref", "enrolled": "enr", "active": "act",
                          "exited": "exit"}[rows[i]]
                place = area if c == STAR else f"c:{c}"
                width = PUBLIC_FAMILIES[family]
                key = (family, time, place, programme, *([STAR] * width))
            case "referrals":
                key = ("ref", time, area, programme, r, c, STAR)
            case "pending":
                key = ("pend", end, area, programme, r, c)
            case "active_county_part":
                place = area if i == n else f"c:{r}"
                key = None if place is None else ("act", time, place, programme, STAR, STAR,
                                                  STAR, c)
            case "active_age":
                key = ("act", time, area, programme, r, STAR, STAR, c)
            case "active_income":
                key = ("act", time, area, programme, STAR, r, STAR, c)
            case "progression":
                flag = {"positive": "1", "not_positive": "0", STAR: STAR}[r]
                key = ("act", time, area, programme, STAR, STAR, flag, c)
            case "past_12_months":
                key = ("long", end, area, programme, r, c)
            case "caseload":
                key = ("case", end, area, programme, r, c)
            case "placements" | "placements_active":
                family = "plst" if table.key == "placements" else "plac"
                key = (family, time, area, programme, r, c, STAR)
            case "placements_gender":
                kind, sector = _split(rows[i])
                key = ("plst", time, area, programme, kind, sector, c)
            case "steps":
                key = ("step", time, area, programme, r, c)
            case "exits_reason":
                key = _exit(time, area, programme, reason=r, gender=c)
            case "exits_destination":
                key = _exit(time, area, programme, destination=_dest("d", r), gender=c)
            case "exits_sus":
                key = _exit(time, area, programme, destination=_dest("s", r), gender=c)
            case "exits_reason_destination":
                key = _exit(time, area, programme, reason=r, destination=_dest("d", c))
            case "exits_reason_sus":
                key = _exit(time, area, programme, reason=r, destination=_dest("s", c))
            case "exits_income":
                key = _exit(time, area, programme, start=r, end=c)
            case "exits_municipality":
                place = area if i == n else f"m:{r}"
                key = _exit(time, place, programme, destination=_dest("s", c))
            case "active_municipality":
                place = area if i == n else f"m:{r}"
                key = ("act", time, place, programme, STAR, STAR, STAR, c)
            case "active_part_age":
                part, gender = _split(rows[i])
                place = area if part == STAR else f"c:{part}"
                key = ("act", time, place, programme, c, STAR, STAR, gender)
            case _:
                raise ValueError(f"no figure keys for table {table.key}")
        found[(i, j)] = key
    return found


# --- What a reader knows ----------------------------------------------------------------------

_SUS_OF = {f"d:{code}": f"s:{group.value}" for code, group in DESTINATIONS.items()}
_ATTRIBUTES: dict[str, list[tuple[str, ...]]] = {
    "ref": [REFERRING_PARTIES, tuple(d.value for d in DECISIONS), GENDER_COLUMNS],
    "enr": [GENDER_COLUMNS],
    "act": [AGE_BANDS, INCOME_SOURCES, ("1", "0"), GENDER_COLUMNS],
    # destinations: a hierarchy, below
    "exit": [REPORTED_EXIT_REASONS, (), INCOME_SOURCES, EXIT_INCOMES, GENDER_COLUMNS],
    "pend": [WAIT_BANDS, GENDER_COLUMNS],
    "long": [("extended", "not_extended"), GENDER_COLUMNS],
    "case": [(), GENDER_COLUMNS],  # coaches: whoever has a row
    "plst": [PLACEMENT_TYPES, SECTORS, GENDER_COLUMNS],
    "plac": [PLACEMENT_TYPES, SECTORS, GENDER_COLUMNS],
    "step": [PROGRESSION_STEPS, GENDER_COLUMNS],
}
assert FLOWS == ("referred", "enrolled", "active", "exited")


def _attribute_children(family: str, position: int, value: str, coaches: list[str]) -> list[str]:
    if family == "exit" and position == 1:
        if value == STAR:
            return [f"s:{g}" for g in SUS_GROUPS]
        if value.startswith("s:"):
            return [d for d, s in _SUS_OF.items() if s == value]
        return []
    if value != STAR:
        return []
    if family == "case" and position == 0:
        return coaches
    return list(_ATTRIBUTES[family][position])


def _area_children(area: str, geography: Geography) -> list[list[str]]:
    """Ways to split an area: county parts or municipalities for everything, municipalities for
    a county part."""
    if area == STAR:
        parts = [f"c:{p}" for p in sorted(geography.parts)]
        towns = [f"m:{m}" for p in sorted(geography.parts) for m in geography.parts[p]]
        return [parts, towns]
    if area.startswith("c:"):
        return [[f"m:{m}" for m in geography.parts[area[2:]]]]
    return []


def relations(values: dict[Key, int], geography: Geography) -> list[Relation[Key]]:
    """Every relation a reader can write down from the definitions, kept only where it holds
    (a relation that fails on the data, e.g. an exit without a destination, is not one a reader
    could rely on either)."""
    coaches = sorted({k[4] for k in values if k[0] == "case" and k[4] != STAR})
    found: list[Relation[Key]] = []

    def add(terms: list[tuple[Key, int]], sense: Sense = Sense.EQUAL) -> None:
        if any(k not in values for k, _ in terms) or len(terms) < 2:
            return
        relation = Relation(tuple(terms), sense)
        if relation.holds(values):
            found.append(relation)

    for key in values:
        family, time, area, programme, *attributes = key
        # Within tables and across categories: a total is the sum of its parts.
        for position, value in enumerate(attributes):
            children = _attribute_children(family, position, value, coaches)
            if children:
                parts = [key[: 4 + position] + (child,) + key[5 + position:] for child in children]
                present = [p for p in parts if p in values]
                if family == "case" and position == 0:
                    parts = present  # a coach without a row has no one there
                add([(key, 1)] + [(p, -1) for p in parts])
        # Across areas: the county is the sum of its parts, and of its municipalities.
        for split in _area_children(area, geography):
            add([(key, 1)] + [((family, time, a, programme, *attributes), -1) for a in split])
    # Who enrolled (started a placement) in a period was present in it.
    for key in values:
        family, time, area, programme, *attributes = key
        if family == "enr":
            add([(key, 1), (("act", time, area, programme, STAR, STAR, STAR, attributes[0]),
                            -1)], Sense.AT_MOST)
        if family == "plst":
            add([(key, 1), (("plac", time, area, programme, *attributes), -1)], Sense.AT_MOST)
    return found


def public_keys(values: dict[Key, int]) -> set[Key]:
    """What the reader is assumed to know anyway: how many the county referred, enrolled, had
    active and saw exit in the period (annual reports publish such totals)."""
    return {
        k for k in values
        if k[0] in PUBLIC_FAMILIES and all(a == STAR for a in k[2:])
    }


def group_of(key: Key) -> Key:
    """The total a figure breaks down: too few there, and the whole breakdown is withheld."""
    return key[:4] + (STAR,) * (len(key) - 4)


def table_relations(report: Report, period: GridPeriod) -> list[Relation[Key]]:
    """Within every printed table: each row and column total is the sum of its cells. Tables
    that cross two attributes of a family (reason by destination, county part by gender by age
    band) have totals whose parts differ in two attributes, which `relations` does not write."""
    found: list[Relation[Key]] = []
    for table in report.tables.values():
        keys = place_keys(table, period)
        n, m = len(table.rows), len(table.columns)
        lines: list[tuple[tuple[int, int], list[tuple[int, int]]]] = []
        if table.row_totals:
            last = n + 1 if table.column_totals else n
            lines += [((i, m), [(i, j) for j in range(m)]) for i in range(last)]
        if table.column_totals:
            last = m + 1 if table.row_totals else m
            lines += [((n, j), [(i, j) for i in range(n)]) for j in range(last)]
        for total, parts in lines:
            places = [total, *parts]
            named = [keys[p] for p in places]
            if len(places) < 2 or any(key is None for key in named):
                continue  # a structural zero takes part: a reader learns nothing from it
            found.append(Relation(tuple(
                (key, 1 if p == total else -1) for p, key in zip(places, named, strict=True)
                if key is not None)))
    return found


def build_system(values: dict[Key, int], geography: Geography, minimum: int,
                 extra: Iterable[Relation[Key]] = ()) -> System[Key]:
    """The figures of a masked report, what the reader knows (with `extra` relations, e.g.
    `table_relations`), and what is withheld: every breakdown of a total below `minimum`
    ("för få för att redovisa")."""
    public = public_keys(values)
    # Zeros too: a group too small to break down prints nothing of it.
    withheld = {k for k in values if k not in public and values[group_of(k)] < minimum}
    bounds: dict[Key, tuple[int, int | None]] = {}
    for key in {group_of(k) for k in values}:
        if key in public:
            continue
        bounds[key] = (0, minimum - 1) if key in withheld else (minimum, None)
    found = relations(values, geography)
    seen = {frozenset(r.terms) for r in found}
    for relation in extra:
        if frozenset(relation.terms) not in seen and relation.holds(values):
            seen.add(frozenset(relation.terms))
            found.append(relation)
    return System(values, found, public, withheld, bounds)


def protection_order(keys: Iterable[Key]) -> list[Key]:
    """Totals before their parts, then a fixed order: the same data, the same pattern."""
    return sorted(keys, key=lambda key: (-sum(a == STAR for a in key[4:]), key))


def block_values(report: Report, period: GridPeriod, into: dict[Key, int]) -> None:
    """Add a block's figures to `into`; the same key printed twice must count the same, or the
    keys are wrong (and the protection would rest on a mistake)."""
    for table in report.tables.values():
        for place, key in place_keys(table, period).items():
            value = table.value(*place)
            if key is None:
                if value:
                    raise AssertionError(f"{table.key}{place}: {value}, not 0")
                continue
            if into.setdefault(key, value) != value:
                raise AssertionError(f"{key}: {into[key]} and {value} ({table.key})")
