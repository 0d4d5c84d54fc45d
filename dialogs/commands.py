"""The quick-command grammar: words, then `key=value` fields; values with spaces are quoted.

Example: `personal lägg till id=0f8c… namn="Anna Berg" roll=samordnare länsdel=Västra`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from dialogs.cards import ANSWER_KEY, ONCE_KEY

_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
# `<` starts a tag only up to the next `<` or `>`, so each character is scanned once: with
# `<[^>]+>` a text of many `<` and no `>` took quadratic time (600 KB froze the server).
_TAGS = re.compile(r"<[^<>]+>")


@dataclass(frozen=True)
class Command:
    """A parsed message: lower-cased leading words, then named fields (keys lower-cased)."""

    raw: str
    words: tuple[str, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)
    # The words as typed (case kept), for free text such as a note after the code.
    typed: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(self.words)


def clean_text(text: str | None) -> str:
    """Strip HTML that Teams wraps around mentions and pasted text, normalise quotes and spaces."""
    text = _TAGS.sub(" ", text or "").replace("&nbsp;", " ").translate(_SMART_QUOTES)
    return " ".join(text.split())


# What a submitted card's value holds beside its inputs (dialogs/cards.py).
_NOT_INPUTS = frozenset({"command", "msteams", ONCE_KEY})


def command_from_card(command: Command, value: object) -> Command:
    """Add the inputs of a submitted card (its `value`) to the command's fields."""
    if not isinstance(value, dict):
        return command
    inputs = {
        str(key).casefold(): str(item)
        for key, item in value.items()
        if key not in _NOT_INPUTS and item not in (None, "")
    }
    return Command(
        raw=command.raw,
        words=command.words,
        fields={**command.fields, **inputs},
        typed=command.typed,
    )


def card_answer(value: object) -> str | None:
    """The answer chosen on a question card (dialogs/cards.py: choices_message), or None when
    the card was something else (a button with a command, a form)."""
    if not isinstance(value, dict) or value.get("command") or ANSWER_KEY not in value:
        return None
    return clean_text(str(value.get(ANSWER_KEY) or ""))


# Runs of characters that need no decision, taken a run at a time (outside quotes, inside "…",
# inside '…').
_QUOTING = re.compile(r"[\"'\\]")
_WHITESPACE = re.compile(r"[ \t\r\n]+")
_RUNS = {
    "": re.compile(r"[^ \t\r\n\"'\\]+"),
    '"': re.compile(r'[^"\\]+'),
    "'": re.compile(r"[^']+"),
}


def split_words(text: str) -> list[str]:
    """`shlex.split(text)` (POSIX rules: quotes group, backslash escapes) in linear time.

    shlex appends to a string attribute one character at a time, which is quadratic in the
    length of a token: an unclosed quote before 600 KB of text took seconds. Raises ValueError
    where shlex does (an unclosed quote, a trailing backslash)."""
    if not _QUOTING.search(text):  # the usual case: whitespace alone separates words
        return [word for word in _WHITESPACE.split(text) if word]
    tokens: list[str] = []
    token: list[str] = []
    in_token = False  # True once a token has begun, even if it is empty so far ("")
    quote = ""  # the open quote character, if any
    position, length = 0, len(text)
    while position < length:
        run = _RUNS[quote].match(text, position)
        if run:
            token.append(run.group())
            in_token = True
            position = run.end()
            continue
        char = text[position]
        position += 1
        if char == "\\" and quote != "'":
            if position == length:
                raise ValueError("No escaped character")
            following = text[position]
            position += 1
            if quote and following not in '"\\':
                token.append(char)  # inside "…" a backslash escapes only " and itself
            token.append(following)
            in_token = True
        elif quote:
            quote = ""  # the closing quote (anything else was part of the run)
        elif char in "\"'":
            quote, in_token = char, True
        elif in_token:  # whitespace ends the token
            tokens.append("".join(token))
            token, in_token = [], False
    if quote:
        raise ValueError("No closing quotation")
    if in_token:
        tokens.append("".join(token))
    return tokens


def parse_command(text: str | None) -> Command:
    raw = clean_text(text)
    try:
        tokens = split_words(raw)
    except ValueError:
        tokens = raw.replace('"', "").split()
    typed: list[str] = []
    fields: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if sep and key:
            fields[key.casefold()] = value.strip()
        else:
            typed.append(token)
    return Command(
        raw=raw, words=tuple(w.casefold() for w in typed), fields=fields, typed=tuple(typed)
    )


MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL
_ID = re.compile(r"#?([0-9]{1,10})")


def parse_id(text: str | None) -> int | None:
    """A row number as typed ("12", "#12"): ASCII digits from 1 to MAX_ID, else None (a
    longer number reached the database and failed there: SQLite takes at most 2**63 - 1)."""
    found = _ID.fullmatch((text or "").strip())
    number = int(found.group(1)) if found else 0
    return number if 1 <= number <= MAX_ID else None


_YES = frozenset({"ja", "j", "japp", "jajamen", "yes", "y", "ok", "okej", "spara"})
_NO = frozenset({"nej", "n", "no", "nä", "nää"})


def parse_yes_no(text: str | None) -> bool | None:
    """True for ja/yes, False for nej/no, None when the answer is neither."""
    word = clean_text(text).casefold().rstrip("!.")
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def split_list(text: str | None) -> list[str]:
    """ "Norra, Södra och Västra" → ["Norra", "Södra", "Västra"]."""
    parts = re.split(r"[,;/\s]+", clean_text(text))
    return [p for p in parts if p and p.casefold() not in {"och", "and", "samt"}]


_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "januari", "january"), ("feb", "februari", "february"), ("mar", "mars", "march"),
         ("apr", "april"), ("maj", "may"), ("jun", "juni", "june"), ("jul", "juli", "july"),
         ("aug", "augusti", "august"), ("sep", "sept", "september"),
         ("okt", "oktober", "oct", "october"), ("nov", "november"), ("dec", "december")),
        start=1,
    )
    for name in names
}
_RELATIVE = {"idag": 0, "i dag": 0, "today": 0, "igår": -1, "i går": -1, "yesterday": -1,
             "imorgon": 1, "i morgon": 1, "tomorrow": 1}


def parse_date(text: str | None, today: date) -> date | None:
    """Dates as Swedes type them: 2026-11-20, 20/11, 20/11/2026, 20 nov, idag, igår."""
    value = " ".join((text or "").casefold().replace(".", " ").split())
    if value in _RELATIVE:
        return today + timedelta(days=_RELATIVE[value])
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[/ ]([a-zåäö]+|\d{1,2})(?:[/ ](\d{2,4}))?", value)
    if not match:
        return None
    day, month_text, year_text = match.groups()
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
    year = int(year_text) if year_text else today.year
    if year < 100:
        year += 2000
    try:
        return date(year, month, int(day)) if month else None
    except ValueError:
        return None
