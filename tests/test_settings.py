"""Settings read through pydantic-settings: same names, same defaults, same parsing as the
hand-written reader, and a bad value is refused with an error that names its variable."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import time
from itertools import takewhile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import Environment, Settings, SettingsError

ROOT = Path(__file__).resolve().parents[1]
VARIABLES = sorted(field.validation_alias for field in Environment.model_fields.values())


@pytest.fixture
def clean_env(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _readme_variables() -> set[str]:
    """The names in the first column of the table under README's "Configuration"."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Configuration", 1)[1]
    table = "| " + section.split("\n\n| ", 1)[1]
    rows = list(takewhile(lambda line: line.startswith("|"), table.splitlines()))
    return {name for row in rows[2:] for name in re.findall(r"`(\w+)`", row.split(" | ")[0])}


def test_readme_configuration_table_lists_exactly_the_variables_read():
    assert _readme_variables() == set(VARIABLES)


def test_defaults_are_those_of_the_settings_with_reminders_on(clean_env, tmp_path):
    assert Settings.from_env(tmp_path / "no.env") == Settings(reminders_enabled=True)


def test_empty_values_that_meant_the_default_still_do(clean_env, tmp_path):
    for name in (
        "MicrosoftAppType",
        "STEGVIS_GRAPH_BASE_URL",
        "STEGVIS_GRAPH_AUTHORITY_HOST",
        "STEGVIS_FILE_UPLOAD_HOSTS",
        "STEGVIS_ORG_FILE",
    ):
        clean_env.setenv(name, "")
    assert Settings.from_env(tmp_path / "no.env") == Settings(reminders_enabled=True)


def test_values_are_parsed_and_clamped_as_before(clean_env, tmp_path):
    values = {
        "STEGVIS_REMINDERS": " Av ",
        "STEGVIS_GRAPH_UPLOAD": "JA",
        "STEGVIS_REMINDER_TIME": "07:30",
        "STEGVIS_REMINDER_SENDERS": "0",
        "STEGVIS_MAX_TURNS": "-5",
        "STEGVIS_TURN_WAIT_SECONDS": "-1",
        "STEGVIS_TURN_LEASE_SECONDS": "0.2",
        "STEGVIS_FILE_UPLOAD_HOSTS": " http://127.0.0.1 , ,example.org",
        "STEGVIS_ORG_FILE": "org.toml",
        "DATABASE_URL": "postgres://u@h/db",
    }
    for name, value in values.items():
        clean_env.setenv(name, value)
    settings = Settings.from_env(tmp_path / "no.env")
    assert not settings.reminders_enabled and settings.graph_upload
    assert settings.reminder_time == time(7, 30)
    assert (settings.reminder_senders, settings.max_turns) == (1, 1)
    assert (settings.turn_wait_seconds, settings.turn_lease_seconds) == (0.0, 1.0)
    assert settings.file_upload_hosts == ("http://127.0.0.1", "example.org")
    assert settings.org_file == Path("org.toml")
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_lowercase_names_are_not_read(clean_env, tmp_path):
    clean_env.setenv("port", "1")
    assert Settings.from_env(tmp_path / "no.env").port == 3978


def test_every_bad_value_is_named(clean_env, tmp_path):
    clean_env.setenv("PORT", "80 80")
    clean_env.setenv("STEGVIS_REMINDER_TIME", "8 på morgonen")
    clean_env.setenv("STEGVIS_TURN_WAIT_SECONDS", "")
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(tmp_path / "no.env")
    named = sorted(problem.split("=", 1)[0] for problem in caught.value.problems)
    assert named == ["PORT", "STEGVIS_REMINDER_TIME", "STEGVIS_TURN_WAIT_SECONDS"]
    assert "'80 80'" in str(caught.value)


@given(st.text(max_size=12))
def test_an_integer_variable_is_read_as_int_did_or_refused_by_name(value):
    if "\x00" in value:
        return  # the environment cannot hold NUL
    try:
        expected: int | None = max(1, int(value))
    except ValueError:
        expected = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STEGVIS_MAX_TURNS", value)
        try:
            assert Settings.from_env(None).max_turns == expected
        except SettingsError as error:
            assert expected is None
            assert error.problems[0].startswith("STEGVIS_MAX_TURNS=")


def test_serve_with_a_bad_value_says_which_without_a_traceback(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "STEGVIS_MAX_TURNS": "many",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "Fel i inställningarna" in done.stderr
    assert "STEGVIS_MAX_TURNS='many'" in done.stderr
