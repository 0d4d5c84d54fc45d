"""The personal-data guard as plain functions: every shape a personnummer is typed in, names in
the forms a hurried coach writes them, and the ordinary sentences that must still pass."""

from __future__ import annotations

import calendar
import logging
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.privacy import install_log_redaction
from storage.pii import (
    REDACTED,
    PersonalDataError,
    Policy,
    check,
    find_name,
    has_personal_number,
    redact,
)

# Test data: 1985-01-01 is a valid birth date; the serial numbers are made up.
SHAPES = [
    "850101-1234",
    "8501011234",
    "198501011234",
    "19850101-1234",
    "850101+1234",
    "85 01 01-1234",
    "850101 - 1234",
    "850101–1234",  # en dash
    "850101—1234",  # em dash
    "850101\u20101234",  # hyphen
    "850101\u22121234",  # minus sign
    "850101\u00a01234",  # no-break space
    "850101\t1234",
    "850101\n1234",
    "850101\u200b1234",  # zero-width space
    "8501\u00ad011234",  # soft hyphen inside the date
    "８５０１０１－１２３４",  # fullwidth
    "٨٥٠١٠١-١٢٣٤",  # Arabic-Indic digits
    "८५०१०१-१२३४",  # Devanagari digits
    "¹⁹⁸⁵⁰¹⁰¹⁻¹²³⁴",  # superscripts
    "850101.1234",
    "850101/1234",
    "850101_1234",
    "1985-01-01-1234",
    "1985 01 01 1234",
    "850161-1234",  # samordningsnummer: day + 60
    "19850161-1234",
    "85-01-01 12 34",
    "8501 011234",
    "850101-1235",  # a wrong check digit is still a number
]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_is_found_alone_and_in_a_sentence(shape):
    assert has_personal_number(shape)
    assert has_personal_number(f"Deltagaren har pnr {shape}, ring AF.")
    with pytest.raises(PersonalDataError) as caught:
        check(f"anteckning {shape}", Policy.NUMBERS, field="note")
    assert caught.value.code == "rule_personal_number"
    assert caught.value.field == "note"
    assert shape not in str(caught.value)


@pytest.mark.parametrize("shape", SHAPES)
def test_redaction_removes_the_number_and_keeps_the_rest(shape):
    cleaned = redact(f"före {shape} efter")
    assert cleaned == f"före {REDACTED} efter"
    assert not has_personal_number(cleaned)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-20",
        "2026-01-10 – 2026-02-01",
        "2026-01-10 - 2026-02-01 och 2026-03-01–2026-04-30",
        "556677-8899",  # an organisation number: its "month" is 66
        "212000-1355",  # a municipality's organisation number
        "V-2026-0042",
        "1 250 000 kr",
        "2026-11-20 10:00",
        "möte 2026-11-20 kl 10",
        "08-123 456 78",
        "1700000000000123",
        "0a6c2e34-5b7d-4f1e-9c3a-1d2e3f4a5b6c",
        "tel 016-123 45",
        "50 procent",
        "år 2026",
        "851301-1234",  # month 13
        "850132-1234",  # day 32, and not day + 60
    ],
)
def test_dates_ids_and_amounts_are_not_numbers(text):
    assert not has_personal_number(text)


_DIGITS = {
    "ascii": "0123456789",
    "fullwidth": "０１２３４５６７８９",
    "arabic": "٠١٢٣٤٥٦٧٨٩",
    "persian": "۰۱۲۳۴۵۶۷۸۹",
    "devanagari": "०१२३४५६७८९",
    "bengali": "০১২৩৪৫৬৭৮৯",
    "thai": "๐๑๒๓๔๕๖๗๘๙",
    "bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
}
_SEPARATORS = [" ", "-", "–", "—", "‐", "−", ".", "/", "_", "\t", "\n", "\u00a0", " - ", "  "]
_INVISIBLE = ["", "", "", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


@st.composite
def identity_numbers(draw: st.DrawFn) -> str:
    """A personnummer or samordningsnummer typed in any of the ways people type them."""
    year = draw(st.integers(1900, 2008))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    if draw(st.booleans()):
        day += 60
    serial = f"{draw(st.integers(0, 9999)):04d}"
    date_part = f"{year:04d}{month:02d}{day:02d}" if draw(st.booleans()) else (
        f"{year % 100:02d}{month:02d}{day:02d}"
    )
    cuts = sorted(draw(st.sets(st.integers(1, len(date_part) - 1), max_size=3)))
    pieces = [date_part[a:b] for a, b in zip([0, *cuts], [*cuts, len(date_part)], strict=True)]
    separator = st.sampled_from(_SEPARATORS)
    text = draw(separator).join(pieces) if pieces else date_part
    text += draw(st.sampled_from([*_SEPARATORS, "+", ""])) + serial
    script = _DIGITS[draw(st.sampled_from(sorted(_DIGITS)))]
    text = "".join(script[int(c)] if c.isdigit() else c for c in text)
    return "".join(c + draw(st.sampled_from(_INVISIBLE)) for c in text)


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöABCÅÄÖ ,.:;!?()", max_size=30)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(before=_WORDS, number=identity_numbers(), after=_WORDS)
def test_any_typed_number_in_any_text_is_found_and_redacted(before, number, after):
    text = f"{before} {number} {after}"
    assert has_personal_number(text)
    with pytest.raises(PersonalDataError):
        check(text, Policy.NUMBERS)
    assert not has_personal_number(redact(text))


@settings(max_examples=200)
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    days=st.integers(0, 800),
    dash=st.sampled_from([" - ", " – ", "–", " till "]),
)
def test_iso_dates_and_date_ranges_are_not_numbers(start, days, dash):
    end = start + timedelta(days=days)
    assert not has_personal_number(f"praktik {start.isoformat()}{dash}{end.isoformat()}")


NAMES = [
    "anna berg",
    "Anna Berg ringde",
    "Berg, Anna",
    "berg, anna",
    "A. Berg",
    "A Berg har varit sjuk",
    "möte med Lars",
    "möte med lars om praktiken",
    "möte med Per i dag",
    "Åsa Öberg",
    "asa oberg",  # without diacritics
    "Ann-Marie Berg-Lund",
    "José Andersson",
    "Mohammed Ali",
    "Kim Lindholm",
    "heter Bo",
    "deltagaren Lisa kom",
    "Anna kom inte till mötet",
    "karlsson ringde",
    "handledare Eva Lund",
    "Kalle Karlsson",
    "Möte med Sven Ek-Lindqvist",
    "Ringde handledaren. Sedan kom Maja",
    'träffade "Ali" i dag',
]


@pytest.mark.parametrize("text", NAMES)
def test_names_are_refused_in_participant_fields(text):
    assert find_name(text)
    with pytest.raises(PersonalDataError) as caught:
        check(text, Policy.NO_NAMES)
    assert caught.value.code == "rule_full_name"


@pytest.mark.parametrize("text", NAMES)
def test_names_are_allowed_where_the_field_is_about_staff_or_employers(text):
    check(text, Policy.NUMBERS)


ORDINARY = [
    "Deltagaren trivs",
    "Trivs bra, vill öka till 50 procent",
    "Per telefon: mår bättre",
    "Per telefon i dag",
    "Klart. Per mejl till AF",
    "handledaren per mejl",
    "Hans arbetsgivare är nöjd",
    "Inga problem",
    "det finns inga berg här",
    "mina mål är tydliga",
    "praktik i Lund",
    "Coop Flen",
    "Region Sörmland",
    "Arbetsförmedlingen Katrineholm",
    "Vuxenpsykiatrin Katrineholm",
    "I Flen finns praktikplatser",
    "Daglig verksamhet",
    "möte i maj",
    "Bo hemma",
    "vill bo kvar i Flen",
    "Lager och logistik",
    "Kontakt med FK om sjukpenning",
    "Dag 3 av praktiken",
    "Öppna förskolan",
    "Försörjningsstöd från kommunen",
    "Ökat till 50 procent",
    "Arbetsträning fyra timmar om dagen",
    "Behöver mer tid i arbetsträningen",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_passes(text):
    check(text, Policy.NO_NAMES)


def test_known_people_may_be_named_where_the_caller_allows_them():
    check("Lars Nilsson presenterade statistiken", allowed_names={"Lars Nilsson"})
    check("lars  nilsson (FK) presenterade", allowed_names={"Lars Nilsson"})
    with pytest.raises(PersonalDataError):
        check("Lars Nilsson presenterade statistiken", allowed_names={"Anna Berg"})
    with pytest.raises(PersonalDataError):
        check("Lars Berg ringde", allowed_names={"Lars Nilsson"})


def test_identifiers_are_not_checked():
    check("850101-1234", Policy.IDENTIFIER)


def test_the_log_never_carries_a_number(caplog):
    install_log_redaction()
    log = logging.getLogger("tests.pii")
    with caplog.at_level(logging.INFO):
        log.info("typed %s", "850101-1234")
        try:
            raise ValueError("bad value 19850101 1234")
        except ValueError:
            log.exception("failed")
    text = caplog.text
    assert "1234" not in text.replace(REDACTED, "")
    assert text.count(REDACTED) >= 2


def test_opaque_tokens_never_look_like_a_personal_number():
    """Card tokens and anonymised codes are stored where the guard reads free text (dialog
    state holds the question card): a hex id like 198501011234abcd… was refused there."""
    from storage.pii import opaque_token

    tokens = [opaque_token() for _ in range(2000)]
    assert all(len(token) == 32 and token.isalpha() and token.isascii() for token in tokens)
    assert len(set(tokens)) == len(tokens)
    assert not [token for token in tokens if has_personal_number(token)]
