"""Fill-in templates (CONTRACT §1 `bulkads template`), derived from the argument table.

Usage::

    write_template(Path("launch.xlsx"))               # Campaigns + README sheets
    write_template(Path("launch.csv"), fmt="csv")     # header + example row
    python -m bulkads.template templates/             # regenerate the committed templates

Columns go required first, then the optional ones, then the creative group; the
example row is refused if left as it is (`rules`). The xlsx output is byte-for-byte
deterministic (fixed document dates), so the committed files in templates/ can be
compared with what the code writes.
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

from bulkads.arguments import ARGUMENTS, CREATIVE_COLUMNS, Argument, Kind
from bulkads.errors import UsageError
from bulkads.guidance import (
    CREATIVE_RULE,
    LINE_HEIGHT,
    Guide,
    describe,
    number_format,
    set_printing,
    words_line,
    wrapped_lines,
)

Format = Literal["xlsx", "csv"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")
TEMPLATE_SHEET = "Campaigns"
README_SHEET = "README"
TEMPLATE_STEM = "bulkads-template"
_FIXED_DATE = datetime(2026, 1, 1)  # document properties: deterministic output
REQUIRED_FILL = "#F8CBAD"
CREATIVE_FILL = "#C6E0B4"
OPTIONAL_FILL = "#D9E1F2"
CREATIVE_GROUP = (*CREATIVE_COLUMNS, "card_type")  # card_type goes with card_id
LEGEND = (
    "How to fill in this sheet",
    "Orange headers: required in every row.",
    "Green headers: the creative. Fill exactly one of them (card_type goes with card_id).",
    "Blue headers: optional. An empty cell leaves TikTok's default.",
    "Row 2 is an example: overwrite it or delete it. Left as it is, it is refused.",
    "Point at a header for its note; the README sheet explains every column.",
    "This box is not read: move it or delete it.",
)

FORMAT_NOTES: tuple[tuple[str, str], ...] = (
    (
        "Header",
        "Row 1 names the columns; case, spaces, _ and - are ignored "
        "(Campaign Name = campaign_name), and the names people write are read too "
        "(Daily Budget, CTA, Locations). Unknown columns are copied to the results.",
    ),
    ("Rows", "One campaign per row. Blank rows are skipped. Campaigns are created paused."),
    ("Empty cell", "The argument is left out: TikTok's default applies."),
    (
        "Lists",
        "Several values in one cell: separated by commas, semicolons or new lines, "
        'or a JSON array such as ["en", "es"].',
    ),
    ("Booleans", "true/false, yes/no or 1/0."),
    (
        "Dates",
        "schedule_end_time: a date/time cell or text YYYY-MM-DD HH:MM[:SS], in the future; "
        "a date alone means the end of that day.",
    ),
    ("Money", "A number of at least 1 in the account's currency; a currency sign is tolerated."),
    (
        "IDs",
        "Keep ID columns formatted as text: a long ID typed as a number loses digits "
        "and the row is refused.",
    ),
    (
        "Choices",
        "Pick from the dropdown, or write the words (Shop now, Female, 18-24, 55+); "
        "case-insensitive, sent as the API's values.",
    ),
    (
        "Places, languages",
        "Countries by name or code (United States, UK), US states, languages by name "
        "(English); interest categories, provinces and cities by name are looked up "
        "with one API call per kind, cached for 30 days.",
    ),
    ("Creative", CREATIVE_RULE),
    (
        "Example row",
        "Row 2 of the Campaigns sheet is an example: overwrite it or delete it. "
        "A row identical to it is refused (invalid), so it is never launched by accident.",
    ),
    (
        "Colours",
        "Campaigns headers: orange = required, green = the creative (exactly one), "
        "blue = optional.",
    ),
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


def _template_columns() -> tuple[Argument, ...]:
    required = [argument for argument in ARGUMENTS if argument.required]
    creative = [argument for argument in ARGUMENTS if argument.name in CREATIVE_GROUP]
    # Stable: the columns bulkads prepares for the user (image URLs) lead the group.
    creative.sort(key=lambda argument: not argument.steps)
    optional = [a for a in ARGUMENTS if a not in required and a not in creative]
    return (*required, *optional, *creative)


TEMPLATE_COLUMNS: tuple[Argument, ...] = _template_columns()
"""The template's columns in order: required, optional, then the creative group."""


def example_row() -> list[str]:
    """The example row in column order, one text per column ('' where it is left empty)."""
    return [argument.example for argument in TEMPLATE_COLUMNS]


def _write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([argument.name for argument in TEMPLATE_COLUMNS])
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
    headers = {
        fill: workbook.add_format({"bold": True, "bg_color": fill, "border": 1})
        for fill in (REQUIRED_FILL, CREATIVE_FILL, OPTIONAL_FILL)
    }
    formats: dict[str, Any] = {}
    guide = Guide(workbook)
    set_printing(sheet, keep_columns=1)  # the campaign name, on screen and on paper
    for col, argument in enumerate(TEMPLATE_COLUMNS):
        form = number_format(argument)
        if form is not None and form not in formats:
            formats[form] = workbook.add_format({"num_format": form})
        column_format = formats.get(form) if form else None
        sheet.set_column(col, col, _width(argument), column_format)
        sheet.write_string(0, col, argument.name, headers[_header_fill(argument)])
        guide.annotate(sheet, col, argument)
        _write_example(sheet, col, argument, column_format)
    _write_legend(sheet)


def _header_fill(argument: Argument) -> str:
    if argument.required:
        return REQUIRED_FILL
    return CREATIVE_FILL if argument.name in CREATIVE_GROUP else OPTIONAL_FILL


def _write_legend(sheet: Any) -> None:
    """The legend floats below the example row: a text box is not a cell, so it is never read."""
    sheet.insert_textbox(
        3,
        1,
        "\n".join(LEGEND),
        {
            "width": 620,
            "height": 20 * len(LEGEND) + 10,
            "x_offset": 10,
            "font": {"size": 11},
            "fill": {"color": "#FFFFF0"},
            "line": {"color": "#7F7F7F"},
        },
    )


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


README_HEADERS = ("column", "required", "kind", "allowed values", "help")
_README_WIDTHS = (26, 10, 10, 60, 80)


def _write_readme(workbook: Any, sheet: Any) -> None:
    bold = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for col, width in enumerate(_README_WIDTHS):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 1)
    sheet.repeat_rows(0)
    sheet.fit_to_pages(1, 0)
    sheet.set_landscape()
    for col, title in enumerate(README_HEADERS):
        sheet.write_string(0, col, title, bold)
    for row, argument in enumerate(TEMPLATE_COLUMNS, start=1):
        cells = (
            argument.name,
            "yes" if argument.required else "",
            argument.kind.value,
            f"{describe(argument)}\n{words_line(argument)}".strip(),
            argument.help,
        )
        # Neither Excel nor LibreOffice is relied on to grow a wrapped row: the height is set.
        lines = max(
            wrapped_lines(text, width) for text, width in zip(cells, _README_WIDTHS, strict=True)
        )
        sheet.set_row(row, LINE_HEIGHT * lines)
        for col, value in enumerate(cells):
            sheet.write_string(row, col, value, wrap)
    row = len(TEMPLATE_COLUMNS) + 2
    sheet.write_string(row, 0, "How to fill in the Campaigns sheet", bold)
    merged_width = sum(_README_WIDTHS[1:])
    for offset, (topic, text) in enumerate(FORMAT_NOTES, start=1):
        # A merged cell never grows by itself, in any program.
        sheet.set_row(row + offset, LINE_HEIGHT * wrapped_lines(text, merged_width))
        sheet.write_string(row + offset, 0, topic, wrap)
        sheet.merge_range(row + offset, 1, row + offset, 4, text, wrap)


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
