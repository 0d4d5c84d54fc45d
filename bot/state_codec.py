"""Bot Framework state as plain JSON: the dialog stack's own types, spelled out, and nothing else.

Conversation state holds the dialog stack: DialogState, its DialogInstances, the waterfalls'
dicts, and for a prompt its PromptOptions with the question as an Activity. These are written
as JSON objects tagged `"$type"` and read back through a fixed table, so a stored document can
only ever produce these types (msrest builds the Activity from its own schema). jsonpickle,
used before, builds any class a document names and evaluates `py/repr` code: a row written by
anyone with database access could run code in the bot.

Documents keep non-ASCII text as it is (ensure_ascii=False), so that a scan of the stored text
for personal data sees what users typed. A dict that itself has a "$type" key (a card's input
could be called that) is wrapped, so every value round-trips.

Rows written by the old code are converted once by the 0008_wire migration with
`convert_legacy`, which reads jsonpickle through an allow-list of the same types. It lives in
bot/ with the Bot Framework types it knows; storage/bot_state.py stores only the documents.
"""

from __future__ import annotations

import json
import logging
import math
import uuid
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

from botbuilder.dialogs import DialogInstance, DialogState
from botbuilder.dialogs.choices import Choice, ListStyle
from botbuilder.dialogs.prompts import PromptOptions
from botbuilder.schema import Activity, CardAction
from msrest.serialization import Model
from sqlalchemy import select

from storage.models import BotStateItem, table_of

log = logging.getLogger(__name__)

FORMAT = 1
_MARK, _DATA, _TYPE = "$state", "data", "$type"


class StateFormatError(ValueError):
    """A stored document that is not state this code wrote (or could convert)."""


# --- encoding --------------------------------------------------------------------------------


def _encode_model(model: Any) -> Any:
    return model.serialize()


def encode_value(value: Any) -> Any:
    """`value` as JSON-ready data; TypeError for anything dialog state should not hold."""
    if value is None or isinstance(value, bool | int | str) and not isinstance(value, Enum):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError("dialog state cannot hold NaN or infinity")
        return value
    if isinstance(value, list):
        return [encode_value(item) for item in value]
    if isinstance(value, tuple):
        return {_TYPE: "tuple", "items": [encode_value(item) for item in value]}
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("dialog state dicts must have string keys")
        items = {key: encode_value(item) for key, item in value.items()}
        return {_TYPE: "dict", "items": items} if _TYPE in value else items
    if isinstance(value, DialogState):
        return {_TYPE: "DialogState", "stack": [encode_value(i) for i in value.dialog_stack]}
    if isinstance(value, DialogInstance):
        return {_TYPE: "DialogInstance", "id": value.id, "state": encode_value(value.state)}
    if isinstance(value, PromptOptions):
        return {
            _TYPE: "PromptOptions",
            "prompt": encode_value(value.prompt),
            "retry_prompt": encode_value(value.retry_prompt),
            "choices": encode_value(value.choices),
            "style": encode_value(value.style),
            "validations": encode_value(value.validations),
            "number_of_attempts": encode_value(value.number_of_attempts),
        }
    if isinstance(value, Choice):
        return {
            _TYPE: "Choice",
            "value": encode_value(value.value),
            "action": encode_value(value.action),
            "synonyms": encode_value(value.synonyms),
        }
    if isinstance(value, ListStyle):
        return {_TYPE: "ListStyle", "name": value.name}
    if isinstance(value, Activity | CardAction):
        return {_TYPE: type(value).__name__, "json": _encode_model(value)}
    raise TypeError(f"dialog state cannot hold a {type(value).__module__}.{type(value).__name__}")


def encode_state(item: Mapping[str, Any]) -> str:
    """A storage item (a dict of state properties) as a JSON document; `e_tag` is left out."""
    data = {key: encode_value(value) for key, value in item.items() if key != "e_tag"}
    return json.dumps({_MARK: FORMAT, _DATA: data}, ensure_ascii=False, allow_nan=False)


# --- decoding --------------------------------------------------------------------------------


def _model(cls: type[Model]) -> Callable[[dict[str, Any]], Any]:
    def build(node: dict[str, Any]) -> Any:
        if not isinstance(node.get("json"), dict):
            raise StateFormatError(f"{cls.__name__} without its JSON")
        built: Any = cls()
        return built.deserialize(node["json"])

    return build


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise StateFormatError(f"{what} must be a list")
    return [decode_value(item) for item in value]


def _prompt_options(node: dict[str, Any]) -> PromptOptions:
    style = decode_value(node.get("style"))
    if style is not None and not isinstance(style, ListStyle):
        raise StateFormatError("PromptOptions.style must be a ListStyle")
    attempts = node.get("number_of_attempts", 0)
    if type(attempts) is not int:
        raise StateFormatError("PromptOptions.number_of_attempts must be an integer")
    return PromptOptions(
        prompt=_optional(node.get("prompt"), Activity),
        retry_prompt=_optional(node.get("retry_prompt"), Activity),
        choices=_list(node["choices"], "choices") if node.get("choices") is not None else None,
        style=style,
        validations=decode_value(node.get("validations")),
        number_of_attempts=attempts,
    )


def _optional(value: Any, cls: type) -> Any:
    decoded = decode_value(value)
    if decoded is not None and not isinstance(decoded, cls):
        raise StateFormatError(f"expected a {cls.__name__}")
    return decoded


def _dialog_instance(node: dict[str, Any]) -> DialogInstance:
    state = decode_value(node.get("state"))
    if not isinstance(node.get("id"), str) or not isinstance(state, dict):
        raise StateFormatError("a DialogInstance needs an id and a state object")
    return DialogInstance(node["id"], state)


def _dialog_state(node: dict[str, Any]) -> DialogState:
    stack = _list(node.get("stack"), "the dialog stack")
    if not all(isinstance(instance, DialogInstance) for instance in stack):
        raise StateFormatError("the dialog stack holds DialogInstances only")
    return DialogState(stack)


def _choice(node: dict[str, Any]) -> Choice:
    synonyms = decode_value(node.get("synonyms"))
    return Choice(
        value=decode_value(node.get("value")),
        action=_optional(node.get("action"), CardAction),
        synonyms=synonyms if synonyms is None or isinstance(synonyms, list) else None,
    )


def _list_style(node: dict[str, Any]) -> ListStyle:
    name = node.get("name")
    if name not in ListStyle.__members__:
        raise StateFormatError("unknown ListStyle")
    return ListStyle[name]


def _tuple(node: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(_list(node.get("items"), "a tuple's items"))


def _dict(node: dict[str, Any]) -> dict[str, Any]:
    items = node.get("items")
    if not isinstance(items, dict):
        raise StateFormatError("a wrapped dict needs its items")
    return {key: decode_value(value) for key, value in items.items()}


# The only types a stored document can produce.
DECODERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "DialogState": _dialog_state,
    "DialogInstance": _dialog_instance,
    "PromptOptions": _prompt_options,
    "Choice": _choice,
    "ListStyle": _list_style,
    "Activity": _model(Activity),
    "CardAction": _model(CardAction),
    "tuple": _tuple,
    "dict": _dict,
}


def decode_value(value: Any) -> Any:
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    if not isinstance(value, dict):
        return value
    if _TYPE not in value:
        return {key: decode_value(item) for key, item in value.items()}
    decoder = DECODERS.get(value[_TYPE]) if isinstance(value[_TYPE], str) else None
    if decoder is None:
        raise StateFormatError(f"unknown type {str(value[_TYPE])[:40]!r}")
    return decoder(value)


def decode_state(document: str) -> dict[str, Any]:
    """The storage item a document holds; StateFormatError for anything else."""
    try:
        parsed = json.loads(document)
        if not isinstance(parsed, dict) or parsed.get(_MARK) != FORMAT:
            raise StateFormatError("not a state document of this format")
        data = parsed.get(_DATA)
        if not isinstance(data, dict):
            raise StateFormatError("a state document holds an object")
        return {key: decode_value(value) for key, value in data.items()}
    except StateFormatError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        raise StateFormatError(f"{type(error).__name__} while reading state") from error


def is_current(document: str) -> bool:
    """Whether a document is in this format (cheap: looks at the start only)."""
    return document.lstrip().startswith('{"' + _MARK + '": ' + str(FORMAT))


# --- the jsonpickle documents written before 0008_wire ---------------------------------------


def _legacy_classes() -> dict[str, type]:
    """Classes jsonpickle may build when converting old rows: the dialog types above, and the
    Bot Framework schema's models and enums that an Activity is made of."""
    import botbuilder.schema._connector_client_enums as enums
    import botbuilder.schema._models_py3 as models

    allowed: dict[str, type] = {
        "botbuilder.dialogs.dialog_state.DialogState": DialogState,
        "botbuilder.dialogs.dialog_instance.DialogInstance": DialogInstance,
        "botbuilder.dialogs.prompts.prompt_options.PromptOptions": PromptOptions,
        "botbuilder.dialogs.choices.choice.Choice": Choice,
        "botbuilder.dialogs.choices.list_style.ListStyle": ListStyle,
    }
    for module, base in ((models, Model), (enums, Enum)):
        for name, cls in vars(module).items():
            own = isinstance(cls, type) and cls.__module__ == module.__name__
            if own and issubclass(cls, base):
                allowed[f"{module.__name__}.{name}"] = cls
    return allowed


def convert_legacy(document: str) -> str | None:
    """An old jsonpickle document in this format, or None when it names anything but the
    allowed classes (it is then never decoded any further: nothing is imported or called)."""
    from jsonpickle import tags
    from jsonpickle.unpickler import Unpickler

    allowed = _legacy_classes()
    allowed_tags = {tags.OBJECT, tags.TUPLE, tags.ID, tags.TYPE, tags.REDUCE}

    class Refused(Exception):
        pass

    class AllowListUnpickler(Unpickler):
        def _restore_tags(self, obj: Any, *args: Any) -> Any:
            if type(obj) is dict and (set(obj) & tags.RESERVED) - allowed_tags:
                raise Refused("a jsonpickle tag that is not allowed")
            return super()._restore_tags(obj, *args)

        def _allowed(self, name: Any) -> type:
            if not isinstance(name, str) or name not in allowed:
                raise Refused("a class that is not allowed")
            return allowed[name]

        def _restore_object(self, obj: dict[str, Any]) -> Any:
            name = obj[tags.OBJECT]
            return self._restore_object_instance(obj, self._allowed(name), name)

        def _restore_type(self, obj: dict[str, Any]) -> Any:
            return self._allowed(obj[tags.TYPE])

        def _restore_reduce(self, obj: dict[str, Any]) -> Any:
            # Only an enum member: [{"py/type": <enum>}, {"py/tuple": [<str or int>]}].
            reduce = obj[tags.REDUCE]
            if (
                not isinstance(reduce, list)
                or len(reduce) != 2
                or not isinstance(reduce[0], dict)
                or not issubclass(self._allowed(reduce[0].get(tags.TYPE)), Enum)
                or not isinstance(reduce[1], dict)
                or set(reduce[1]) != {tags.TUPLE}
                or len(reduce[1][tags.TUPLE]) != 1
                or not isinstance(reduce[1][tags.TUPLE][0], str | int)
            ):
                raise Refused("a reduce that is not an enum member")
            return super()._restore_reduce(obj)

    try:
        parsed = json.loads(document)
        item = AllowListUnpickler(keys=True, safe=True).restore(parsed, reset=True)
        if not isinstance(item, Mapping):
            return None
        return encode_state(item)
    except (Refused, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError):
        return None


def convert_legacy_rows(connection: Any) -> tuple[int, int]:
    """Rewrite every old bot_state row (a SQLAlchemy connection, as in a migration); rows
    that cannot be converted are deleted. Returns (converted, deleted)."""
    # The model's table, not a bare `table()`: its columns carry their write policies, so the
    # random etag (an identifier) is not read as free text that might hold a personnummer.
    rows = table_of(BotStateItem)
    converted = deleted = 0
    for row_id, document in connection.execute(select(rows.c.id, rows.c.document)).all():
        if is_current(document):
            continue
        new = convert_legacy(document)
        if new is None:
            connection.execute(rows.delete().where(rows.c.id == row_id))
            deleted += 1
        else:
            changed = {"document": new, "etag": uuid.uuid4().hex}
            connection.execute(rows.update().where(rows.c.id == row_id).values(**changed))
            converted += 1
    if deleted:
        log.warning("bot_state: %d document(s) that could not be read were deleted", deleted)
    return converted, deleted
