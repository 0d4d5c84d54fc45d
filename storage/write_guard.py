"""What a column may hold, checked on every write the storage engine makes.

Each INSERT and UPDATE passes its values through `check_value` before the database sees them,
so a write path nobody thought of is still guarded, whatever wrote it (ORM, Core, a CLI, a
job), and whatever name a value is bound under (`bindparam("p_key")`, an upsert's SET). What
it cannot see: a value inside an SQL expression (`func.lower(…)`, `col + "…"`), `text()`,
`insert().from_select` and a multi-row `.values([...])`; none of them writes text here (a
new one must go through `check_row` first, as storage/together.py does). A column declares its
policy in `info` (storage/models/):

- `pii`: what text may hold (storage/pii.py): no personnummer anywhere; `no_names` where a
  column is about participants; `identifier` for ids the bot makes or Teams sends;
- `max_chars`: the longest text accepted;
- `days_ahead`: how far after today a date may lie (every date lies after 2000-01-01).

A refusal raises RuleError (PersonalDataError for personal data): the caller's transaction
rolls back and nothing of the value is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import BindParameter

from storage.clock import clock
from storage.pii import Policy, check
from storage.rules import DEFAULT_DAYS_AHEAD, check_date_window, check_length


def column_policy(column: Any) -> Policy:
    """A column's personal-data policy: declared in `info={"pii": …}`, else NUMBERS."""
    declared = getattr(column, "info", {}).get("pii")
    return Policy(declared) if declared else Policy.NUMBERS


def check_value(column: Any, value: object) -> None:
    """Raise RuleError when `value` may not be written to `column`."""
    info = getattr(column, "info", {})
    if isinstance(value, str):
        policy = column_policy(column)
        if policy == Policy.IDENTIFIER:
            return
        if "max_chars" in info:
            check_length(value, info["max_chars"])
        check(value, policy, field=column.key)
    elif isinstance(value, date) and not isinstance(value, datetime):
        check_date_window(value, clock.today(), info.get("days_ahead", DEFAULT_DAYS_AHEAD))


def check_column(attribute: Any, value: object) -> None:
    """Check a value for a model attribute (`Participant.referring_unit`) before the row is
    touched, so the caller gets the refusal at once and its session stays usable."""
    check_value(attribute.property.columns[0], value)


def check_row(table: Any, values: Mapping[str, object]) -> None:
    """Check the values of one row about to be written to `table`, by column name (for a
    statement the listener cannot read: storage/together.py)."""
    columns = table.c
    for key, value in values.items():
        if key in columns:
            check_value(columns[key], value)


def _bound_apart(
    statement: Any, table: Any
) -> tuple[dict[str, list[Any]], list[tuple[Any, object]]]:
    """What the compiled parameters' names do not tell: a value bound under another name than
    its column's (`bindparam("p_key")`: storage/prebuilt.py), as {name: its columns}; and a
    literal in an upsert's SET, which compiles under an anonymous name, as (column, value)."""
    named: dict[str, list[Any]] = {}
    literals: list[tuple[Any, object]] = []
    conflict = getattr(statement, "_post_values_clause", None)
    for values, in_set in ((getattr(statement, "_values", None), False),
                           (getattr(conflict, "update_values_to_set", None), True)):
        for key, value in dict(values or {}).items():
            column = table.c.get(getattr(key, "key", key))
            if column is None or not isinstance(value, BindParameter):
                continue
            if not value.unique:
                named.setdefault(value.key, []).append(column)
            elif in_set:
                literals.append((column, value.effective_value))
    return named, literals


def _check_statement(context: Any) -> None:
    statement = getattr(getattr(context, "compiled", None), "statement", None)
    table = getattr(statement, "table", None)
    if table is None or not (context.isinsert or context.isupdate):
        return
    named, literals = _bound_apart(statement, table)
    for column, value in literals:
        check_value(column, value)
    for parameters in context.compiled_parameters or ():
        check_row(table, parameters)
        for name, columns in named.items():
            if name in parameters:
                for column in columns:
                    check_value(column, parameters[name])


def install(engine: Engine) -> None:
    """Check every value every INSERT and UPDATE on `engine` writes."""

    @event.listens_for(engine, "before_cursor_execute")
    def _guard(
        _connection: Any,
        _cursor: Any,
        _statement: str,
        _parameters: Any,
        context: Any,
        _executemany: bool,
    ) -> None:
        _check_statement(context)
