"""Fill-in templates (CONTRACT §1 `bulkads template`), derived from the argument table.

Usage::

    write_template(Path("launch.xlsx"))               # Campaigns + README sheets
    write_template(Path("launch.csv"), fmt="csv")     # header + example row
    python -m bulkads.template templates/             # regenerate the committed templates

The xlsx output is byte-for-byte deterministic (fixed document dates), so the
committed files in templates/ can be compared with what the code writes.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.utility import xl_rowcol_to_cell

from bulkads.arguments import ARGUMENTS, CREATIVE_COLUMNS, Argument, Kind
from bulkads.errors import UsageError

Format = Literal["xlsx", "csv"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")
TEMPLATE_SHEET = "Campaigns"
README_SHEET = "README"
LISTS_SHEET = "Lists"  # only when a choice list is too long to inline
TEMPLATE_STEM = "bulkads-template"
LAST_ROW = 1_048_575  # Excel's last row (0-based): dropdowns and formats cover the column
_INLINE_LIST_LIMIT = 255  # Excel's limit for a list typed into a validation
_FIXED_DATE = datetime(2026, 1, 1)  # document properties: deterministic output
_TEXT_KINDS = (Kind.ID, Kind.IDS)

FORMAT_NOTES: tuple[tuple[str, str], ...] = (
    (
        "Header",
        "Row 1 names the columns; case, spaces, _ and - are ignored "
        "(Campaign Name = campaign_name). Unknown columns are copied to the results.",
    ),
    ("Rows", "One campaign per row. Blank rows are skipped. Campaigns are created paused."),
    ("Empty cell", "The argument is left out: TikTok's default applies."),
    (
        "Lists",
        "Several values in one cell: separated by commas, semicolons or new lines, "
        'or a JSON array such as ["en", "es"].',
    ),
    ("Booleans", "true/false, yes/no or 1/0."),
    ("Dates", "schedule_end_time: a date/time cell or text YYYY-MM-DD HH:MM[:SS], in the future."),
    ("Money", "A number of at least 1 in the account's currency; a currency sign is tolerated."),
    (
        "IDs",
        "Keep ID columns formatted as text: a long ID typed as a number loses digits "
        "and the row is refused.",
    ),
    ("Choices", "Case-insensitive; sent upper-case."),
    ("Creative", "Exactly one of: " + ", ".join(CREATIVE_COLUMNS) + "."),
    ("Check first", "bulkads validate SHEET checks every row and spends nothing."),
)


def default_template_path(fmt: str = "xlsx") -> Path:
    """Where `bulkads template` writes without -o: bulkads-template.<fmt> here."""
    return Path(f"{TEMPLATE_STEM}.{fmt}")


def write_template(path: Path, *, fmt: str = "xlsx") -> None:
    """Write a fill-in template to `path`; raise UsageError if it cannot be written."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown template format {fmt!r}: use xlsx or csv")
    path = Path(path)
    try:
        if fmt == "csv":
            _write_csv(path)
        else:
            _write_xlsx(path)
    except (OSError, XlsxWriterException) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(
            f"cannot write the template to {path}: {reason}; choose another path with -o"
        ) from exc


def describe(argument: Argument) -> str:
    """What a cell of this column holds, in one line (header notes and the README)."""
    kind = argument.kind
    choices = ", ".join(argument.choices)
    if kind is Kind.ENUM:
        return f"One of: {choices}."
    if kind is Kind.ENUMS:
        return f"One or more of: {choices} (separated by commas)."
    if kind is Kind.BOOL:
        return "true or false (also yes/no, 1/0)."
    if kind is Kind.MONEY:
        return "A number, at least 1 (a currency sign is tolerated)."
    if kind is Kind.DATETIME:
        return "A date/time cell or text YYYY-MM-DD HH:MM[:SS], in the future."
    if kind is Kind.URL:
        return "An absolute https:// URL."
    if kind is Kind.URLS:
        return f"https:// URLs, separated by commas{_item_range(argument)}."
    if kind is Kind.LANGUAGES:
        return "Two-letter language codes, separated by commas."
    digits = " (digits)" if argument.digits_only else ""
    if kind is Kind.ID:
        return f"An ID{digits}; keep the cell as text."
    if kind is Kind.IDS:
        return f"IDs{digits}, separated by commas{_item_range(argument)}; keep the cell as text."
    length = f", at most {argument.max_length} characters" if argument.max_length else ""
    return f"Text{length} (CJK characters count double)."


def _item_range(argument: Argument) -> str:
    if argument.min_items and argument.max_items:
        return f", {argument.min_items}-{argument.max_items} of them"
    return ""


def header_note(argument: Argument) -> str:
    """The note on a header cell: name, required marker, help, allowed values."""
    title = f"{argument.name} (required)" if argument.required else argument.name
    return f"{title}\n{argument.help}\n{describe(argument)}"


def example_row() -> list[str]:
    """The example row, one text per argument ('' where the example leaves it empty)."""
    return [argument.example for argument in ARGUMENTS]


def _write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([argument.name for argument in ARGUMENTS])
        writer.writerow(example_row())


def _write_xlsx(path: Path) -> None:
    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    workbook.set_properties(
        {"title": "bulkads template", "author": "bulkads", "created": _FIXED_DATE}
    )
    try:
        campaigns = workbook.add_worksheet(TEMPLATE_SHEET)
        readme = workbook.add_worksheet(README_SHEET)
        _write_campaigns(workbook, campaigns)
        _write_readme(workbook, readme)
    finally:
        workbook.close()


def _write_campaigns(workbook: Any, sheet: Any) -> None:
    header = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    required = workbook.add_format({"bold": True, "bg_color": "#F8CBAD", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    lists = _ListSheet(workbook)
    sheet.freeze_panes(1, 1)
    for col, argument in enumerate(ARGUMENTS):
        column_format = text if argument.kind in _TEXT_KINDS else None
        column_format = when if argument.kind is Kind.DATETIME else column_format
        sheet.set_column(col, col, _width(argument), column_format)
        sheet.write_string(0, col, argument.name, required if argument.required else header)
        note = header_note(argument)
        sheet.write_comment(
            0, col, note, {"author": "bulkads", "x_scale": 3, "y_scale": 1 + len(note) / 200}
        )
        _write_example(sheet, col, argument, column_format)
        if argument.choices or argument.kind is Kind.BOOL:
            sheet.data_validation(1, col, LAST_ROW, col, _dropdown(argument, lists))


def _width(argument: Argument) -> int:
    longest_example = len(argument.example) if argument.kind is not Kind.URLS else 20
    return min(max(len(argument.name) + 4, longest_example + 2, 12), 48)


def _write_example(sheet: Any, col: int, argument: Argument, column_format: Any) -> None:
    if not argument.example:
        return
    if argument.kind is Kind.MONEY:
        sheet.write_number(1, col, float(argument.example))
    else:
        sheet.write_string(1, col, argument.example, column_format)


def _dropdown(argument: Argument, lists: _ListSheet) -> dict[str, object]:
    choices = list(argument.choices) if argument.choices else ["true", "false"]
    several = argument.kind.is_list
    options: dict[str, object] = {
        "validate": "list",
        "source": lists.source(argument.name, choices),
        "input_title": argument.name[:32],
        "input_message": "Pick one, or type several separated by commas."
        if several
        else "Pick one from the list.",
        "error_title": argument.name[:32],
        "error_message": (f"Allowed: {', '.join(choices)}.")[:255],
    }
    if several:
        # A cell may hold several values ("AGE_18_24,AGE_25_34"): inform, never refuse.
        options["error_type"] = "information"
    return options


class _ListSheet:
    """Choice lists too long for Excel's 255-character inline limit go to a hidden sheet."""

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._sheet: Any = None
        self._columns = 0

    def source(self, name: str, choices: Sequence[str]) -> list[str] | str:
        if len(",".join(choices)) <= _INLINE_LIST_LIMIT:
            return list(choices)
        if self._sheet is None:
            self._sheet = self._workbook.add_worksheet(LISTS_SHEET)
            self._sheet.hide()
        col = self._columns
        self._columns += 1
        self._sheet.write_string(0, col, name)
        for row, choice in enumerate(choices, start=1):
            self._sheet.write_string(row, col, choice)
        first = xl_rowcol_to_cell(1, col, row_abs=True, col_abs=True)
        last = xl_rowcol_to_cell(len(choices), col, row_abs=True, col_abs=True)
        return f"={LISTS_SHEET}!{first}:{last}"


README_HEADERS = ("column", "required", "kind", "allowed values", "help")


def _write_readme(workbook: Any, sheet: Any) -> None:
    bold = workbook.add_format({"bold": True, "bg_color": "#D9E1F2"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    top = workbook.add_format({"valign": "top"})
    for col, width in enumerate((26, 10, 10, 60, 80)):
        sheet.set_column(col, col, width, wrap if col >= 3 else top)
    for col, title in enumerate(README_HEADERS):
        sheet.write_string(0, col, title, bold)
    for row, argument in enumerate(ARGUMENTS, start=1):
        cells = (
            argument.name,
            "yes" if argument.required else "",
            argument.kind.value,
            describe(argument),
            argument.help,
        )
        for col, value in enumerate(cells):
            sheet.write_string(row, col, value)
    row = len(ARGUMENTS) + 2
    sheet.write_string(row, 0, "How to fill in the Campaigns sheet", bold)
    for offset, (topic, text) in enumerate(FORMAT_NOTES, start=1):
        sheet.write_string(row + offset, 0, topic, top)
        sheet.merge_range(row + offset, 1, row + offset, 4, text, wrap)
    sheet.freeze_panes(1, 1)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bulkads.template [FOLDER]`: regenerate both templates (default templates/)."""
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else Path("templates")
    folder.mkdir(parents=True, exist_ok=True)
    for fmt in FORMATS:
        path = folder / default_template_path(fmt)
        write_template(path, fmt=fmt)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
