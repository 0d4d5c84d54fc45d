"""Business rules as plain functions: no Bot Framework, no database."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs.commands import parse_date
from dialogs.vocab import parse_vocab
from storage.rules import (
    DESTINATIONS,
    RuleError,
    Status,
    SusGroup,
    add_months,
    check_birth_year,
    check_extension,
    check_transition,
    is_positive_progression,
    is_work_or_studies,
    participant_code,
    programme_end,
    sus_group,
)

REFERRAL_DAY = date(2026, 11, 23)


@pytest.mark.parametrize("year", [1962, 1990, 2008])
def test_ages_18_to_64_are_in_the_target_group(year):
    check_birth_year(year, REFERRAL_DAY)


@pytest.mark.parametrize(("year", "age"), [(1961, 65), (2009, 17), (2015, 11)])
def test_ages_outside_are_refused_with_the_age(year, age):
    with pytest.raises(RuleError) as caught:
        check_birth_year(year, REFERRAL_DAY)
    assert caught.value.code == "rule_age_outside"
    assert caught.value.details["age"] == age


@pytest.mark.parametrize("year", [1850, 2030])
def test_impossible_birth_years(year):
    with pytest.raises(RuleError, match="rule_birth_year_invalid"):
        check_birth_year(year, REFERRAL_DAY)


def test_transitions_follow_the_path():
    check_transition("referred", Status.ACCEPTED)
    check_transition("waiting", Status.NOT_ACCEPTED)
    check_transition("accepted", Status.ENROLLED)
    check_transition("enrolled", Status.EXITED)
    for current, target in [("referred", Status.ENROLLED), ("exited", Status.ENROLLED),
                            ("not_accepted", Status.ACCEPTED), ("enrolled", Status.WAITING)]:
        with pytest.raises(RuleError, match="rule_transition"):
            check_transition(current, target)


def test_one_year_and_extension_with_motivation():
    enrolled = date(2026, 1, 31)
    assert programme_end(enrolled, None) == date(2027, 1, 31)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 15), 2) == date(2028, 2, 15)
    with pytest.raises(RuleError, match="rule_extension_not_longer"):
        check_extension(enrolled, date(2027, 1, 31), "Behöver mer tid i arbetsträningen")
    with pytest.raises(RuleError, match="rule_extension_needs_motivation"):
        check_extension(enrolled, date(2027, 6, 30), "ok")
    check_extension(enrolled, date(2027, 6, 30), "Behöver mer tid i arbetsträningen")
    assert programme_end(enrolled, date(2027, 6, 30)) == date(2027, 6, 30)


def test_every_destination_has_a_sus_group_and_the_goal_counts_work_and_studies():
    assert set(DESTINATIONS.values()) == set(SusGroup)
    assert sus_group("enhanced_cooperation_af_fk") == SusGroup.JOB_SEEKING
    assert is_work_or_studies("own_business") and is_work_or_studies("studies")
    assert not is_work_or_studies("daily_activity") and not is_work_or_studies(None)
    with pytest.raises(RuleError):
        sus_group("moon")


def test_positive_progression_is_a_step_past_mapping():
    assert not is_positive_progression([])
    assert not is_positive_progression(["mapping"])
    assert is_positive_progression(["mapping", "employer_contact"])


def test_codes_are_pseudonymous_and_sortable():
    assert participant_code("V", 2026, 42) == "V-2026-0042"
    assert participant_code("", 2026, 12345) == "X-2026-12345"


@pytest.mark.parametrize(
    ("vocabulary", "typed", "code"),
    [
        ("income", "Sjukpenning", "sickness_benefit"),
        ("income", "sjukp", "sickness_benefit"),
        ("income", "sickness benefit", "sickness_benefit"),
        ("income", "a-kassa", "unemployment_insurance"),
        ("party", "FK", "fk"),
        ("party", "soc", "municipality_social_services"),
        ("party", "kommun", None),  # two kinds of municipal referrer: ask
        ("destination", "förstärkt samarbete", "enhanced_cooperation_af_fk"),
        ("step", "arbetsgivarkontakt", "employer_contact"),
        ("gender", "K", "woman"),
        ("gender", "", None),
    ],
)
def test_vocabulary_parsing(vocabulary, typed, code):
    assert parse_vocab(vocabulary, typed) == code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("idag", date(2026, 11, 23)),
        ("igår", date(2026, 11, 22)),
        ("2026-11-20", date(2026, 11, 20)),
        ("20/11", date(2026, 11, 20)),
        ("20/11/25", date(2025, 11, 20)),
        ("3 mars 2027", date(2027, 3, 3)),
        ("20 nov.", date(2026, 11, 20)),
        ("31/2", None),
        ("snart", None),
    ],
)
def test_swedish_dates(typed, expected):
    assert parse_date(typed, date(2026, 11, 23)) == expected
