"""What a workbook tells the person filling it in: header notes, dropdowns, column formats.

Usage::

    guide = Guide(workbook)                       # one per xlsxwriter workbook
    guide.annotate(worksheet, col, argument)      # note on the header, dropdown below it
    describe(BY_NAME["objective"])                # 'One of: TRAFFIC, CONVERSIONS, ...'

The template and the results workbook both call it, so a results workbook fed
back in for fixing keeps the template's notes and dropdowns. All of it derives
from the argument table.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from bulkads.arguments import ALIASES, CREATIVE_COLUMNS, TARGETING, Argument, Kind
from bulkads.words import word_forms

LAST_ROW = 1_048_575  # Excel's last row (0-based): a dropdown covers the whole column
LISTS_SHEET = "Lists"  # only when a choice list is too long to inline
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
LINE_HEIGHT = 15  # points: one line of the default 11-point font
# Characters a unit of column width holds, measured with LibreOffice's fallback for
# Calibri (DejaVu Sans): 1.1 for upper-case enum lists, 1.2 for prose. Calibri holds more.
CHARS_PER_WIDTH = 1.0
_INLINE_LIST_LIMIT = 255  # Excel's limit for a list typed into a validation
_TEXT_KINDS = (Kind.ID, Kind.IDS)
CREATIVE_RULE = (
    f"Fill exactly one of the {len(CREATIVE_COLUMNS)} creative columns "
    f"({', '.join(CREATIVE_COLUMNS)})."
)


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
        return (
            "A date/time cell or text YYYY-MM-DD HH:MM[:SS], in the future; "
            "a date alone means the end of that day."
        )
    if kind is Kind.URL:
        return "An absolute https:// URL."
    if kind is Kind.URLS:
        return f"https:// URLs, separated by commas{_item_range(argument)}."
    if kind is Kind.LANGUAGES:
        return "Language names or two-letter codes (English, es), separated by commas."
    if TARGETING.get(argument.name) == "regions":
        return (
            "Countries by name or code (United States, UK), US states (California), or "
            "TikTok location IDs; provinces and cities by name are looked up (one API call). "
            "Separated by commas."
        )
    if TARGETING.get(argument.name):
        return "Names (looked up, one API call) or IDs, separated by commas."
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
    lines = [title, argument.help, describe(argument)]
    if argument.choices:
        lines.append(words_line(argument))
    if ALIASES.get(argument.name):
        lines.append(f"Headers read as this column too: {', '.join(ALIASES[argument.name])}.")
    if argument.name in CREATIVE_COLUMNS:
        lines.append(CREATIVE_RULE)
    return "\n".join(lines)


def words_line(argument: Argument) -> str:
    """'Words read too: Shop now, Learn more, ...' for a column with choices ('' without)."""
    return f"Words read too: {', '.join(_words(argument))}." if argument.choices else ""


def _words(argument: Argument) -> list[str]:
    """The plainest word of each choice (`Shop now`, `Female`, `18-24`)."""
    return [forms[0] for forms in word_forms(argument).values() if forms]


def note_options(note: str) -> dict[str, object]:
    """A comment box sized for `note` (about 60 characters a line)."""
    lines = sum(1 + len(line) // 60 for line in note.split("\n"))
    return {"author": "bulkads", "x_scale": 2.5, "y_scale": max(1.0, lines / 4)}


def number_format(argument: Argument) -> str | None:
    """The column's number format: text for IDs (no lost digits), a date format for dates."""
    if argument.kind in _TEXT_KINDS:
        return "@"
    if argument.kind is Kind.DATETIME:
        return DATETIME_FORMAT
    return None


class Guide:
    """Puts notes and dropdowns on one xlsxwriter workbook's columns.

    Choice lists too long for Excel's inline limit go to a hidden sheet, made on
    first need.
    """

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._lists: Any = None
        self._list_rows = 0

    def annotate(self, worksheet: Any, col: int, argument: Argument) -> None:
        """Note on the header cell (row 0), dropdown on the cells below it."""
        note = header_note(argument)
        worksheet.write_comment(0, col, note, note_options(note))
        if argument.choices or argument.kind is Kind.BOOL:
            worksheet.data_validation(1, col, LAST_ROW, col, self._dropdown(argument))

    def _dropdown(self, argument: Argument) -> dict[str, object]:
        choices = list(argument.choices) if argument.choices else ["true", "false"]
        several = argument.kind.is_list
        options: dict[str, object] = {
            "validate": "list",
            "source": self._source(argument.name, choices),
            "input_title": argument.name[:32],
            "input_message": "Pick one, or type several separated by commas."
            if several
            else "Pick one from the list.",
            "error_title": argument.name[:32],
            "error_message": _not_listed(argument, choices),
            # Words (`Shop now`) and several values (`18-24, 25-34`) are read too: the
            # program says so and lets the cell be, never refuses it.
            "error_type": "information" if several else "warning",
        }
        return options

    def _source(self, name: str, choices: Sequence[str]) -> list[str] | str:
        if len(",".join(choices)) <= _INLINE_LIST_LIMIT:
            return list(choices)
        if self._lists is None:
            self._lists = self._workbook.add_worksheet(LISTS_SHEET)
            self._lists.hide()
        # One row per list, each below the last: constant_memory writes rows in order only.
        row = self._list_rows
        self._list_rows += 1
        self._lists.write_string(row, 0, name)
        for col, choice in enumerate(choices, start=1):
            self._lists.write_string(row, col, choice)
        first = xl_rowcol_to_cell(row, 1, row_abs=True, col_abs=True)
        last = xl_rowcol_to_cell(row, len(choices), row_abs=True, col_abs=True)
        return f"={LISTS_SHEET}!{first}:{last}"


def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes when wrapped at word boundaries in a column `width` units wide."""
    usable = max(int(width * CHARS_PER_WIDTH) - 1, 1)
    return sum(
        len(textwrap.wrap(line, usable, break_on_hyphens=False)) if len(line) > usable else 1
        for line in text.split("\n")
    )


def _not_listed(argument: Argument, choices: Sequence[str]) -> str:
    words = f" Words are read too ({', '.join(_words(argument)[:3])})." if argument.choices else ""
    text = f"Not in the list.{words} Allowed: {', '.join(choices)}."
    return text if len(text) <= 255 else text[:254] + "…"


def set_printing(worksheet: Any, *, keep_columns: int) -> None:
    """The header row and the first `keep_columns` columns frozen on screen and, printed, on
    every page: landscape at 75%, page after page across, then down. Fitting 30-46 columns
    on one page's width printed them at about 13%: unreadable on paper."""
    worksheet.freeze_panes(1, keep_columns)
    worksheet.set_landscape()
    worksheet.set_print_scale(75)
    worksheet.print_across()  # then down: a row's columns come one after another
    worksheet.repeat_rows(0)
    worksheet.repeat_columns(0, keep_columns - 1)
