"""Texts per locale. Swedish is the default; English when the user's Teams locale is English."""

from __future__ import annotations

from typing import Any

from dialogs.texts import en, sv

LOCALES: dict[str, dict[str, str]] = {"sv": sv.TEXTS, "en": en.TEXTS}
DEFAULT_LOCALE = "sv"


def language(locale: str | None) -> str:
    """Map a Teams locale ("en-US", "sv-se", None) to a text locale we have."""
    lang = (locale or DEFAULT_LOCALE).split("-")[0].lower()
    return lang if lang in LOCALES else DEFAULT_LOCALE


def t(key: str, locale: str | None = None, **values: object) -> str:
    """The text for `key` in the user's language, with `values` filled in."""
    template = LOCALES[language(locale)].get(key) or LOCALES[DEFAULT_LOCALE][key]
    return template.format(**values) if values else template


def role_phrase(locale: str | None, role: str, areas: list[str] | tuple[str, ...]) -> str:
    """ "samordnare i Västra", "coach i Norra och Södra", "insatsledare"."""
    text = t(f"role_{role}", locale)
    if not areas:
        return text
    joiner = " och " if language(locale) == "sv" else " and "
    names = list(areas)
    joined = ", ".join(names[:-1]) + joiner + names[-1] if len(names) > 1 else names[0]
    return text + t("areas_suffix", locale, areas=joined)


def error_text(error: Any, locale: str | None) -> str:
    """The user's text for a refused rule (the one user-facing error, `RuleError`: a text key
    and its details); status codes and field names in the details become words."""
    details = {
        key: t(f"status.{value}", locale)
        if key in {"current", "target"}
        else _field_names(str(value), locale)
        if key == "fields"
        else t(f"report_grain.{value}", locale)
        if key == "grain_one"
        else value
        for key, value in error.details.items()
    }
    return t(error.code, locale, **details)


def _field_names(names: str, locale: str | None) -> str:
    """ "gender, birth_year" → "kön, födelseår"; a name without a label stays as it is."""
    texts = LOCALES[language(locale)]
    return ", ".join(
        texts.get(f"field.{name}") or LOCALES[DEFAULT_LOCALE].get(f"field.{name}") or name
        for name in names.split(", ")
    )
