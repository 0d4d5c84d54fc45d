"""The evaluator's extract as files: XLSX with a "Data" sheet and a data dictionary
("Datadefinitioner"), CSV (the data, semicolons and a BOM for Swedish Excel) and JSON (the
data with the dictionary). Cells hold codes; the dictionary gives each code's meaning."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from dialogs.texts import t
from storage.evaluator import COLUMNS, INVALID, OMITTED, Column, EvaluatorExtract

FORMATS = ("xlsx", "csv", "json")


def filename(extract: EvaluatorExtract, extension: str) -> str:
    """stegvis-utvarderingsuttag-2026-H1.xlsx (several periods: first--last)"""
    codes = [p.code for p in extract.periods]
    span = codes[0] if len(codes) == 1 else f"{codes[0]}--{codes[-1]}"
    return f"stegvis-utvarderingsuttag-{span}.{extension}"


def _values(column: Column, extract: EvaluatorExtract, locale: str | None) -> str:
    """What a column may hold, in words: codes with their meaning."""
    if column.kind != "code":
        return t(f"evaluator_values.{column.kind}", locale)
    if column.vocabulary == "org":
        codes = extract.org_values.get(column.name, ())
        return ", ".join(codes)
    labelled = [f"{code} = {t(f'{column.vocabulary}.{code}', locale)}" for code in column.values]
    return "; ".join(labelled)


def dictionary(extract: EvaluatorExtract, locale: str | None) -> list[dict[str, str]]:
    """One entry per column: name, meaning, kind of value, the values it may hold."""
    return [
        {
            "column": column.name,
            "meaning": t(f"evaluator_col.{column.name}", locale),
            "kind": t(f"evaluator_kind.{column.kind}", locale),
            "values": _values(column, extract, locale),
        }
        for column in COLUMNS
    ]


def notes(extract: EvaluatorExtract, locale: str | None) -> list[str]:
    """What the dictionary sheet says beneath the columns: who is in it, the key, what is left
    out, the empty cells and `invalid`."""
    periods = ", ".join(p.code for p in extract.periods)
    return [
        t("evaluator_note_title", locale, periods=periods, generated=extract.generated_at,
          rows=len(extract.rows)),
        t("evaluator_note_who", locale),
        t("evaluator_note_key", locale),
        t("evaluator_note_omitted", locale,
          fields=", ".join(t(f"evaluator_omitted.{name}", locale) for name in OMITTED)),
        t("evaluator_note_empty", locale, invalid=INVALID),
        t("evaluator_note_agreement", locale),
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def to_csv(extract: EvaluatorExtract) -> bytes:
    """The data: a header of column names, then one line per row; yes/no as 1/0."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    for row in extract.rows:
        writer.writerow([_text(row[c.name]) for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_json(extract: EvaluatorExtract, locale: str | None = "sv") -> bytes:
    document = {
        "periods": [p.code for p in extract.periods],
        "generated_at": extract.generated_at,
        "columns": dictionary(extract, locale),
        "notes": notes(extract, locale),
        "rows": extract.rows,
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _cells(sheet: Any, values: list[Any], bold: bool = False) -> list[Any]:
    """A row for a write-only sheet: text stays text (a name from the organisation file that
    starts with "=" is never a formula); a heading row in bold."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    row = []
    for value in values:
        if not bold and not (isinstance(value, str) and value.startswith("=")):
            row.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)
        row.append(cell)
    return row


def to_xlsx(extract: EvaluatorExtract, locale: str | None = "sv") -> bytes:
    """Sheet "Data": a header and the rows (numbers as numbers, yes/no as 1/0, so a pivot
    table counts them); sheet "Datadefinitioner": the dictionary and the notes. Written
    row by row (openpyxl's write-only mode): an extract can have tens of thousands of rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    data = book.create_sheet(t("evaluator_sheet_data", locale))
    data.freeze_panes = "A2"
    data.append(_cells(data, [c.name for c in COLUMNS], bold=True))
    for row in extract.rows:
        data.append(_cells(data, [int(row[c.name]) if isinstance(row[c.name], bool)
                                  else row[c.name] for c in COLUMNS]))
    definitions = book.create_sheet(t("evaluator_sheet_dictionary", locale))
    for letter, width in (("A", 24), ("B", 60), ("C", 22), ("D", 80)):
        definitions.column_dimensions[letter].width = width
    definitions.append(_cells(definitions, [t(f"evaluator_dictionary.{k}", locale)
                                            for k in ("column", "meaning", "kind", "values")],
                              bold=True))
    for entry in dictionary(extract, locale):
        definitions.append(_cells(definitions, [entry["column"], entry["meaning"],
                                                entry["kind"], entry["values"]]))
    definitions.append([])
    for line in notes(extract, locale):
        definitions.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(extract: EvaluatorExtract, file_format: str, locale: str | None) -> bytes:
    if file_format == "xlsx":
        return to_xlsx(extract, locale)
    if file_format == "csv":
        return to_csv(extract)
    return to_json(extract, locale)
