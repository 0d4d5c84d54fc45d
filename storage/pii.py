"""The one guard for personal data in free text: personnummer, samordningsnummer and names.

Stegvis promises that no personal identity number and no participant's name is ever stored.
This module decides what counts as one; the rest of the code only asks it:

- the storage engine checks each text value of every INSERT and UPDATE by its column's policy
  (`column_policy`, storage/write_guard.py), so a write path nobody thought of is still guarded;
- the turn gate (bot/handler.py) refuses a message that holds a number before anything of the
  turn is saved, so a refused value never reaches dialog state, the audit, the outbox or a log;
- forms call `check` on each answer, to re-ask one field with a clear reason;
- `redact` is the last line for log records and outgoing replies.

A number is found however it is typed: any Unicode digits, zero-width and other format
characters, and any run of spaces, dashes, dots, slashes or underscores between digit groups.
Both 10 and 12 digits, with a valid date (day + 60 for a samordningsnummer), whether or not the
check digit is right: a mistyped number is still personal data.

Names are a heuristic over public name statistics (storage/data/README.md). They are refused in
fields about participants (`Policy.NO_NAMES`); staff, officials and employers may be named where
the field is about them (`Policy.NUMBERS`).
"""

from __future__ import annotations

import itertools
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from storage.rules import RuleError


class Policy(StrEnum):
    """What a text column may hold."""

    NUMBERS = "numbers"  # no personnummer; names allowed (staff, officials, employers)
    NO_NAMES = "no_names"  # no personnummer and no names: anything about a participant
    IDENTIFIER = "identifier"  # machine identifiers the bot makes or Teams sends, never typed


class PersonalDataError(RuleError):
    """A text holds a personnummer (`rule_personal_number`) or a name (`rule_full_name`).

    Carries no part of the text, so the error can be logged and shown as it is.
    """

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.field = field


# --- normalisation ------------------------------------------------------------------------

# Texts made only of these need no Unicode normalisation: positions stay as typed. Latin-1's
# letters, but not its no-break space, soft hyphen or superscript digits.
_PLAIN = re.compile(r"[\x00-\x7f\u00c0-\u00ff]*")


@cache
def _translation() -> dict[int, int | None]:
    """Format characters removed, every script's decimal digits as ASCII (built once, over the
    planes where Unicode has either: the basic and supplementary planes and the tag block)."""
    table: dict[int, int | None] = {}
    for code in itertools.chain(range(0x80, 0x20000), range(0xE0000, 0xE0080)):
        char = chr(code)
        if unicodedata.category(char) == "Cf":
            table[code] = None
        elif char.isdecimal():
            table[code] = ord("0") + unicodedata.decimal(char)
    return table


def normalise(text: str) -> str:
    """NFKC, every script's digits as ASCII, zero-width and other format characters removed."""
    if _PLAIN.fullmatch(text):
        return text
    return unicodedata.normalize("NFKC", text).translate(_translation())


def _normalise_with_positions(text: str) -> tuple[str, list[int]]:
    """As `normalise`, with the index in `text` of each normalised character (for redaction)."""
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        mapped = normalise(char)
        out.append(mapped)
        positions.extend([index] * len(mapped))
    return "".join(out), positions


# --- personnummer ---------------------------------------------------------------------------

_GROUP = re.compile(r"[0-9]+")
# Between two digit groups: any run of spaces, dashes (every Unicode dash, the minus sign),
# dots, slashes, backslashes, underscores or the plus that marks a centenarian.
_SEPARATOR = re.compile(r"[\s\-\u2010-\u2015\u2212\ufe58\ufe63./\\_+]+")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid_date(month: int, day: int) -> bool:
    """A birth date's month and day; day + 60 is a samordningsnummer. 29 February is allowed
    in any year: with two-digit years the century is unknown."""
    if not 1 <= month <= 12:
        return False
    if day > 60:
        day -= 60
    return 1 <= day <= _DAYS_IN_MONTH[month - 1]


def _is_identity_number(digits: str) -> bool:
    if len(digits) == 12:
        year = int(digits[:4])
        if not 1870 <= year <= 2099:
            return False
        digits = digits[2:]
    return _valid_date(int(digits[2:4]), int(digits[4:6]))


@dataclass(frozen=True)
class _Run:
    start: int
    end: int
    digits: str


_CHAIN = re.compile(r"[0-9]+(?:" + _SEPARATOR.pattern + r"[0-9]+)*")


def _chains(text: str) -> Iterator[list[_Run]]:
    """Digit groups joined only by separators, in order; only chains of ten digits or more,
    found in one pass of the regex engine before any group is looked at in Python."""
    for chain in _CHAIN.finditer(text):
        found = chain.group()
        if len(found) < 10 or sum(found.count(digit) for digit in "0123456789") < 10:
            continue
        yield [
            _Run(match.start(), match.end(), match.group())
            for match in _GROUP.finditer(text, chain.start(), chain.end())
        ]


def _is_date_range(chain: list[_Run], last: int) -> bool:
    """`2026-01-10 – 2026-02-01`: the four digits read as a serial number are a year that goes
    on as a date. Without this, every ISO date range would read as a 12-digit number."""
    if len(chain) < last + 3 or len(chain[last].digits) != 4:
        return False
    month, day = chain[last + 1].digits, chain[last + 2].digits
    return len(month) <= 2 and len(day) <= 2 and _valid_date(int(month), int(day))


def _number_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans (in `text`, already normalised) of what reads as a personnummer."""
    for chain in _chains(text):
        for first in range(len(chain)):
            digits = ""
            boundaries: set[int] = set()
            for last in range(first, len(chain)):
                if digits:
                    boundaries.add(len(digits))
                digits += chain[last].digits
                if len(digits) > 12:
                    break
                if len(digits) not in (10, 12):
                    continue
                # Typed in groups, the last four digits start a group of their own or are
                # not split at all ("85 01 01-12 34", "8501 011234", not "01 10 2026 02").
                serial = len(digits) - 4
                if serial not in boundaries and any(b > serial for b in boundaries):
                    continue
                if _is_identity_number(digits) and not _is_date_range(chain, last):
                    yield chain[first].start, chain[last].end


def has_personal_number(text: str) -> bool:
    return next(_number_spans(normalise(text)), None) is not None


# --- names ---------------------------------------------------------------------------------

_DATA = Path(__file__).with_name("data")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_SENTENCE_END = (".", "!", "?", ":", ";", "\n", "(", "-", "–", "•", "*")
# After these words the next one is a name if it could be one at all.
_NAMING_WORDS = frozenset(
    """heter hette kallas kallad namn namnet deltagaren deltagare klienten brukaren personen
    sökanden""".split()
)
# Organisations that look like names to the rules below; places are in data/places.txt and
# the organisation's own municipalities and towns are added when it is loaded.
_ORGANISATIONS = frozenset(
    """af fk region kommun arbetsförmedlingen försäkringskassan sikta unga spira
    samordningsförbundet rar sörmland västra norra södra coop ica försörjningsstöd
    samhall jobbtorg""".split()
)
_MONTHS_AND_DAYS = frozenset(
    """januari februari mars april maj juni juli augusti september oktober november december
    måndag tisdag onsdag torsdag fredag lördag söndag jul påsk""".split()
)
# Endings that make an unknown capitalised word read as a surname beside another name.
_SURNAME_ENDINGS = (
    "sson", "son", "berg", "ström", "lund", "qvist", "kvist", "gren", "dahl", "holm",
    "ander", "blad", "borg", "stam",
)  # fmt: skip
_known_places: set[str] = set()
# Single letters that are Swedish words ("I Flen", "Å andra sidan") and not initials.
_NOT_INITIALS = frozenset("IÅÖ")


def _fold(word: str) -> str:
    """`Åsa` → `asa`: people type names without their diacritics too."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class _Names:
    first: frozenset[str]
    surnames: frozenset[str]
    words: frozenset[str]  # names that are also everyday words
    not_names: frozenset[str]  # organisations and places


@cache
def _names() -> _Names:
    def load(name: str) -> set[str]:
        return set((_DATA / name).read_text(encoding="utf-8").split())

    words = load("name_words.txt")
    first, surnames = load("first_names.txt"), load("surnames.txt")
    return _Names(
        first=frozenset(first | {_fold(n) for n in first}),
        surnames=frozenset(surnames | {_fold(n) for n in surnames}),
        words=frozenset(words | {_fold(n) for n in words}),
        not_names=frozenset(_ORGANISATIONS | load("places.txt")),
    )


def add_known_places(names: Iterable[str]) -> None:
    """The organisation's municipalities and towns: "Vuxenpsykiatrin Katrineholm" is a unit."""
    _known_places.update(part for name in names for part in _parts(name))
    _classify.cache_clear()


def _not_name(word: str, names: _Names) -> bool:
    return word in names.not_names or word in _known_places


def _parts(word: str) -> list[str]:
    return [p for p in re.split(r"['’\-]", word.casefold()) if p]


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or not word[1:].replace("-", "").isupper())


@dataclass(slots=True)
class _Token:
    text: str
    lower: str
    start: int
    end: int
    sentence_start: bool
    capitalised: bool
    first: bool  # could be a first name
    surname: bool  # could be a surname
    word: bool  # an everyday word or a place as well
    not_name: bool  # an organisation or a place


@lru_cache(maxsize=65536)
def _classify(lower: str) -> tuple[bool, bool, bool, bool]:
    """(could be a first name, a surname, is an everyday word or place, is not a name)."""
    names = _names()
    parts = _parts(lower)
    keys = parts + [_fold(p) for p in parts]
    return (
        any(k in names.first for k in keys),
        any(k in names.surnames for k in keys),
        all(p in names.words or _not_name(p, names) for p in parts),
        _not_name(lower, names),
    )


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        lower = word.casefold()
        cursor = match.start() - 1
        while cursor >= 0 and text[cursor] in " \t":
            cursor -= 1
        first, surname, everyday, not_name = _classify(lower)
        tokens.append(
            _Token(
                text=word,
                lower=lower,
                start=match.start(),
                end=match.end(),
                sentence_start=cursor < 0 or text[cursor] in _SENTENCE_END,
                capitalised=_is_capitalised(word),
                first=first,
                surname=surname,
                word=everyday,
                not_name=not_name,
            )
        )
    return tokens


def _looks_like_surname(token: _Token) -> bool:
    return not token.not_name and (
        token.surname or (len(token.lower) > 4 and token.lower.endswith(_SURNAME_ENDINGS))
    )


def _names_a_person(text: str, token: _Token, prev: _Token | None, nxt: _Token | None) -> bool:
    """The rules, for one word with its neighbours."""
    # A name from the lists that is no everyday word: "anna", "Andersson", "lars".
    if (token.first or token.surname) and not token.word:
        return True
    # "Mattsson", "karlsson": a -sson is a surname whatever list it is in.
    if len(token.lower) >= 6 and token.lower.endswith("sson"):
        return True
    # A first name that is an everyday word, written as a name inside a sentence: "möte med
    # Per". Not surnames: "praktik i Lund" is a place.
    if token.first and token.capitalised and not token.sentence_start:
        if token.lower not in _MONTHS_AND_DAYS:
            return True
    # "heter Bo", "deltagaren Lisa", "namnet är Xyz".
    named = prev is not None and prev.lower in _NAMING_WORDS
    if named and prev is not None and not text[prev.end : token.start].strip():
        if token.first or token.surname or (token.capitalised and not token.word):
            return True
    if nxt is None:
        return False
    gap = text[token.end : nxt.start].strip()
    # "Berg, Anna"
    if gap == "," and _looks_like_surname(token) and nxt.first:
        return True
    if gap:
        return False
    # "Per Berg", "bo Lund": a first name beside a surname, unless both are plain words written
    # in lower case ("inga berg").
    if token.first and _looks_like_surname(nxt):
        if not (token.word and nxt.word and token.text.islower() and nxt.text.islower()):
            return True
    # "Anna Xyz": a first name followed by a capitalised word.
    if token.first and token.capitalised and nxt.capitalised and not nxt.not_name:
        if not (token.word and token.sentence_start):
            return True
    # Two capitalised words, the second shaped like a surname: "Kim Lindholm".
    return (
        token.capitalised
        and nxt.capitalised
        and _looks_like_surname(nxt)
        and not (token.sentence_start and token.word)
    )


@lru_cache(maxsize=256)
def _allowed_pattern(phrases: frozenset[str]) -> re.Pattern[str] | None:
    words = sorted({" ".join(p.split()) for p in phrases if p.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)


def find_name(text: str, allowed: Iterable[str] = ()) -> bool:
    """True when `text` seems to name a person.

    `allowed` are people who may be named here, as written ("Anna Andersson", "Bo B"): where the
    text names one of them in full, that part is not looked at.
    """
    names = _names()
    normalised = normalise(text)
    pattern = _allowed_pattern(frozenset(allowed))
    if pattern is not None:
        normalised = pattern.sub(lambda m: " " * len(m.group()), normalised)
    tokens = _tokens(normalised)
    for index, token in enumerate(tokens):
        if token.not_name:
            continue
        prev = tokens[index - 1] if index else None
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        if _names_a_person(normalised, token, prev, nxt):
            return True
    return _has_initial_and_surname(normalised, names)


_INITIAL = re.compile(r"(?<![^\W\d_])([^\W\d_])(\.?)\s*[ \t]([^\W\d_][^\W\d_'’\-]*)")


def _has_initial_and_surname(text: str, names: _Names) -> bool:
    """"A. Berg", "A Berg": one capital letter and a surname."""
    for match in _INITIAL.finditer(text):
        initial, dot, word = match.groups()
        if not initial.isupper():
            continue
        if not dot and (initial in _NOT_INITIALS or not _is_capitalised(word)):
            continue
        lower = word.casefold()
        if _not_name(lower, names):
            continue
        if any(p in names.surnames for p in _parts(lower)) or (
            len(lower) > 4 and lower.endswith(_SURNAME_ENDINGS)
        ):
            return True
    return False


# --- the checks the rest of the code calls ----------------------------------------------------


_TOKEN_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def opaque_token(length: int = 32) -> str:
    """A random token of letters only (about 4.7 bits each): stored in a card, a dialog state or
    a code, it can never look like a personnummer to this guard, as a hex id sometimes does."""
    return "".join(secrets.choice(_TOKEN_LETTERS) for _ in range(length))


def check(
    text: str | None,
    policy: Policy = Policy.NO_NAMES,
    *,
    field: str | None = None,
    allowed_names: Iterable[str] = (),
) -> None:
    """Raise PersonalDataError when `text` may not be stored under `policy`."""
    if not text or policy == Policy.IDENTIFIER:
        return
    if has_personal_number(text):
        raise PersonalDataError("rule_personal_number", field)
    if policy == Policy.NO_NAMES and find_name(text, allowed_names):
        raise PersonalDataError("rule_full_name", field)


def strings_in(value: Any, depth: int = 0) -> Iterator[str]:
    """Every string inside a JSON-like value (keys too), however it nests (to a sane depth)."""
    if depth > 64:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield key
            yield from strings_in(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item, depth + 1)


def has_personal_number_in(value: Any) -> bool:
    return any(has_personal_number(text) for text in strings_in(value))


REDACTED = "[personnummer borttaget]"
# Texts found clean (replies repeat the same labels turn after turn), kept up to a bound.
_CLEAN: dict[str, None] = {}
_CLEAN_KEPT, _CLEAN_LONGEST = 4096, 1000


def redact(text: str) -> str:
    """`text` with every personnummer replaced; the same text when there is none. Passes repeat
    while a number is left: two typed together ("…12 3485 01 01…") read as one again once the
    second is gone (each pass removes ten digits or more; one that removes none ends it)."""
    if text in _CLEAN:
        return text
    if not has_personal_number(text):
        if len(text) <= _CLEAN_LONGEST:
            if len(_CLEAN) >= _CLEAN_KEPT:
                _CLEAN.clear()
            _CLEAN[text] = None
        return text
    before = ""
    while text != before and has_personal_number(text):
        before, text = text, _redact_once(text)
    return text


def _redact_once(text: str) -> str:
    normalised, positions = _normalise_with_positions(text)
    out, cursor = [], 0
    for start, end in _number_spans(normalised):
        start, end = positions[start], positions[end - 1] + 1
        if start < cursor:
            continue
        out += [text[cursor:start], REDACTED]
        cursor = end
    out.append(text[cursor:])
    return "".join(out)
