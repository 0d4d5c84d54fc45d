"""A register extract as files: JSON (everything, as stored) and XLSX (one sheet per kind of
record, with the Swedish label beside each coded value on the participant sheet)."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from dialogs.texts import t
from storage.rules import VOCABULARIES

EXTRACT_FORMATS = ("xlsx", "json")
# Participant fields whose values are vocabulary codes, and the vocabulary (for labels).
_VOCABULARY_FIELDS = {
    "gender": "gender",
    "income_source_start": "income",
    "income_source_exit": "income",
    "referring_party": "party",
    "not_accepted_reason": "not_accepted",
    "exit_reason": "exit_reason",
    "exit_destination": "destination",
}
_SECTIONS = ("placements", "notes", "steps", "audit", "reminders", "dialog_state", "minutes")


def _sheet_name(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    return "".join(c for c in title if c not in "[]:*?/\\")[:31]


def extract_filename(code: str, extension: str) -> str:
    return f"stegvis-registerutdrag-{code}.{extension}"


def to_json(extract: dict[str, Any]) -> bytes:
    return (json.dumps(extract, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# Control characters an XLSX cell cannot hold (openpyxl refuses them).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel keeps at most this many characters in a cell; the JSON extract has everything.
_CELL_LIMIT = 32_767


def _cell(value: Any) -> Any:
    """Numbers and booleans as they are; text (lists and documents as JSON text) without the
    control characters XLSX cannot hold, cut at Excel's limit."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           sort_keys=True)
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= _CELL_LIMIT else text[: _CELL_LIMIT - 1] + "…"


def _append(sheet: Any, values: list[Any]) -> None:
    """A row of values; text that starts with "=" stays text, never becomes a formula."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"


def _label(name: str, value: Any, locale: str | None) -> str:
    vocabulary = _VOCABULARY_FIELDS.get(name)
    if vocabulary and isinstance(value, str) and value in VOCABULARIES[vocabulary]:
        return t(f"{vocabulary}.{value}", locale)
    if name == "status" and isinstance(value, str):
        return t(f"status.{value}", locale)
    return ""


def to_xlsx(extract: dict[str, Any], locale: str | None = "sv") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_name(t("extract_sheet.participant", locale))
    sheet.append([t("extract_title", locale, code=extract["code"])])
    sheet.append([t("extract_generated", locale), extract["generated_at"]])
    sheet.append([])
    sheet.append([t("extract_col_field", locale), t("extract_col_value", locale),
                  t("extract_col_label", locale)])
    for name, value in extract["participant"].items():
        _append(sheet, [name, _cell(value), _label(name, value, locale)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 40
    for section in _SECTIONS:
        rows = extract[section]
        page = book.create_sheet(_sheet_name(t(f"extract_sheet.{section}", locale)))
        if not rows:
            page.append([t("extract_none", locale)])
            continue
        columns = list(dict.fromkeys(key for row in rows for key in row))
        page.append(columns)
        for cell in page[1]:
            cell.font = Font(bold=True)
        for row in rows:
            _append(page, [_cell(row.get(key)) for key in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
