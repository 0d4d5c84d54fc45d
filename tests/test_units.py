"""Small pure functions: configuration, the command grammar and the texts per locale."""

from __future__ import annotations

import os
import string

import pytest

from bot.config import Settings, normalise_database_url
from dialogs.commands import parse_command, parse_yes_no, split_list
from dialogs.texts import LOCALES, language, role_phrase, t


def test_database_urls_get_async_drivers():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"
    assert normalise_database_url("sqlite+aiosqlite:///x.db") == "sqlite+aiosqlite:///x.db"


def test_settings_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("MicrosoftAppId", "abc")
    monkeypatch.setenv("DATABASE_URL", "postgres://stegvis@db/stegvis")
    monkeypatch.setenv("STEGVIS_ALLOWED_TENANTS", "T1, t2")
    monkeypatch.setenv("STEGVIS_ADMIN_AAD_IDS", "A-1")
    monkeypatch.setenv("PORT", "4000")
    settings = Settings.from_env(tmp_path / "no.env")
    assert settings.auth_enabled
    assert settings.database_url == "postgresql+psycopg://stegvis@db/stegvis"
    assert settings.allowed_tenants == {"t1", "t2"}
    assert settings.bootstrap_admins == {"a-1"}
    assert settings.port == 4000


def test_env_file_is_read_but_environment_wins(monkeypatch, tmp_path):
    env = tmp_path / ".env"
    env.write_text("PORT=5000\nMicrosoftAppTenantId=tenant-x\n", encoding="utf-8")
    monkeypatch.setenv("PORT", "4000")
    monkeypatch.delenv("MicrosoftAppTenantId", raising=False)
    try:
        settings = Settings.from_env(env)
    finally:
        os.environ.pop("MicrosoftAppTenantId", None)  # written by load_dotenv, not monkeypatch
    assert settings.port == 4000
    assert settings.APP_TENANTID == "tenant-x"


def test_tenant_rules():
    assert Settings().tenant_allowed(None)
    single = Settings(APP_TENANTID="Tenant-A")
    assert single.tenant_allowed("tenant-a") and not single.tenant_allowed("tenant-b")
    listed = Settings(APP_TENANTID="tenant-a", allowed_tenants=frozenset({"tenant-b"}))
    assert listed.tenant_allowed("TENANT-B") and not listed.tenant_allowed("tenant-a")
    assert not listed.tenant_allowed(None)


def test_command_grammar():
    command = parse_command(
        "<at>Stegvis</at> Ny  Aktualisering kommun=Flen kön=kvinna namn=”Anna Berg” född=1985"
    )
    assert command.words == ("stegvis", "ny", "aktualisering")
    assert command.fields == {
        "kommun": "Flen", "kön": "kvinna", "namn": "Anna Berg", "född": "1985"
    }
    assert parse_command('unbalanced "quote x=1').fields == {"x": "1"}
    assert parse_command("").words == ()


@pytest.mark.parametrize(("text", "answer"), [
    ("Ja", True), ("ja!", True), ("yes", True), ("nej", False), ("No.", False), ("kanske", None),
])
def test_yes_no(text, answer):
    assert parse_yes_no(text) is answer


def test_split_list():
    assert split_list("Norra, Södra och Västra") == ["Norra", "Södra", "Västra"]


def test_every_text_exists_in_both_locales_with_the_same_placeholders():
    sv, en = LOCALES["sv"], LOCALES["en"]
    assert sv.keys() == en.keys()
    fields = string.Formatter()
    for key in sv:
        placeholders = {f for _, f, _, _ in fields.parse(sv[key]) if f}
        assert placeholders == {f for _, f, _, _ in fields.parse(en[key]) if f}, key


def test_locale_selection_and_role_phrases():
    assert language("en-US") == "en" and language("sv-se") == "sv" and language("fi-FI") == "sv"
    assert language(None) == "sv"
    assert t("yes", "en-GB") == "Yes"
    assert role_phrase("sv", "coach", ["Norra", "Södra", "Västra"]) == (
        "coach i Norra, Södra och Västra"
    )
    assert role_phrase("en", "samordnare", ["Norra"]) == "coordinator in Norra"
