"""storage/pii.py's clean-text cache: remembering clean texts never lets a number
through, whatever the order, normalisation, length or thread."""

from __future__ import annotations

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from storage import pii

_NUMBERS = ["19850101-1234", "850101-1234", "8501011234", "85 01 01-12 34",
            "１９８５０１０１－１２３４", "8501\u200b011234", "850161-1234"]
_pieces = st.lists(st.sampled_from(["hej ", " ", "-", "\u200b", "1", "85", "0101", "1234",
                                    *_NUMBERS]), max_size=8).map("".join)


def _uncached(text: str) -> str:
    pii._CLEAN.clear()
    return pii.redact(text)


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(_pieces, min_size=1, max_size=6))
def test_redact_with_the_cache_is_redact_without_it(texts: list[str]) -> None:
    expected = {text: _uncached(text) for text in texts}
    for text in texts * 3:  # later rounds meet the cache
        assert pii.redact(text) == expected[text]


def test_two_numbers_typed_together_are_both_redacted() -> None:
    """A number glued to the next one's first digits ("…12 34" + "85 01 01…" typed as
    "12 3485"): once the second is redacted the first reads as a number again, and goes too."""
    text = "85 01 01-12 3485 01 01-12 3485"
    assert "85 01 01-12 34" not in pii.redact(text)


def test_a_text_cached_clean_never_hides_the_same_text_with_a_number() -> None:
    clean = "Skriv hjälp " * 10
    assert pii.redact(clean) == clean and clean in pii._CLEAN
    for number in _NUMBERS:
        assert number not in pii.redact(clean + number)
        long = "x" * 5000 + number
        assert number not in pii.redact(long) and long not in pii._CLEAN


def test_threads_redacting_at_once_with_the_cache_filling_and_clearing() -> None:
    failures: list[str] = []

    def work(seed: int) -> None:
        for i in range(3000):
            clean = f"etikett {seed}-{i}"  # fills the cache past its bound, so it is cleared
            if pii.redact(clean) != clean:
                failures.append(clean)
            dirty = f"{clean} {_NUMBERS[i % len(_NUMBERS)]}"
            if pii.has_personal_number(pii.redact(dirty)):
                failures.append(dirty)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(pii._CLEAN) <= pii._CLEAN_KEPT + 4
