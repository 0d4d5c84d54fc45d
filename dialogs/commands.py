"""The quick-command grammar: words, then `key=value` fields; values with spaces are quoted.

Example: `personal lägg till id=0f8c… namn="Anna Berg" roll=samordnare länsdel=Västra`.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Command:
    """A parsed message: lower-cased leading words, then named fields (keys lower-cased)."""

    raw: str
    words: tuple[str, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(self.words)


def clean_text(text: str | None) -> str:
    """Strip HTML that Teams wraps around mentions and pasted text, normalise quotes and spaces."""
    text = _TAGS.sub(" ", text or "").replace("&nbsp;", " ").translate(_SMART_QUOTES)
    return " ".join(text.split())


def parse_command(text: str | None) -> Command:
    raw = clean_text(text)
    try:
        tokens = shlex.split(raw)
    except ValueError:
        tokens = raw.replace('"', "").split()
    words: list[str] = []
    fields: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if sep and key:
            fields[key.casefold()] = value.strip()
        else:
            words.append(token.casefold())
    return Command(raw=raw, words=tuple(words), fields=fields)


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
