"""The results workbook's cells: formats made once each, values written as what they are.

Usage::

    styles = Styles(workbook)
    write_value(worksheet, styles, row, col, 50.0, fill=ERROR_FILL)   # a number cell
    write_text(worksheet, row, col, "=1+1")                            # text, never a formula

Numbers stay numbers and dates dates, except what Excel would change (an int past 2**53,
a date before 1900): those are written as text, as is everything else.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any

from bulkads.guidance import DATETIME_FORMAT

ERROR_FILL = "#FFC7CE"
WARNING_FILL = "#FFF2CC"
STATUS_FILLS: dict[str, str] = {
    "valid": "#C6EFCE",
    "created": "#C6EFCE",
    "invalid": ERROR_FILL,
    "rejected": "#F8CBAD",
    "pending": "#FFEB9C",
}
_DATE_FORMATS: tuple[tuple[type, str], ...] = (
    (datetime, DATETIME_FORMAT),  # before date: a datetime is a date too
    (date, "yyyy-mm-dd"),
    (time, "hh:mm:ss"),
)
_EXACT_INT = 2**53  # beyond this a number cell would lose digits: written as text


class Styles:
    """The workbook's formats, made once each (xlsxwriter keeps every format it is given)."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self._cache: dict[tuple[str | None, str | None, bool], Any] = {}
        self.header = self.get(bold=True, fill="#D9E1F2")
        self.message = workbook.add_format({"text_wrap": True})

    def get(self, *, number: str | None = None, fill: str | None = None, bold: bool = False) -> Any:
        if number is None and fill is None and not bold:
            return None  # a plain cell needs no format
        key = (number, fill, bold)
        if key not in self._cache:
            properties: dict[str, object] = {}
            if number:
                properties["num_format"] = number
            if fill:
                properties["bg_color"] = fill
            if bold:
                properties["bold"] = True
            self._cache[key] = self.workbook.add_format(properties)
        return self._cache[key]


def write_text(worksheet: Any, row: int, col: int, text: str, style: Any = None) -> None:
    """Write `text` as a string cell, whatever it looks like."""
    if text.startswith("<r>") and text.endswith("</r>"):
        # xlsxwriter takes such a string for its own rich-text XML and writes it raw;
        # split into three plain fragments it is escaped like any text.
        fragments = (text[:1], text[1:2], text[2:])
        worksheet.write_rich_string(row, col, *fragments, *([style] if style else []))
    else:
        worksheet.write_string(row, col, text, style)


def write_value(
    worksheet: Any, styles: Styles, row: int, col: int, value: object, fill: str | None
) -> None:
    """Write a sheet cell as read: numbers as numbers, dates as dates, text as text."""
    style = styles.get(fill=fill)
    if isinstance(value, str) and value:  # the usual case first
        write_text(worksheet, row, col, value, style)
    elif value is None or value == "":
        if fill:
            worksheet.write_blank(row, col, None, style)
    elif isinstance(value, bool):
        worksheet.write_boolean(row, col, value, style)
    elif isinstance(value, int | float) and _exact_number(value):
        worksheet.write_number(row, col, value, style)
    elif isinstance(value, datetime | date | time) and _excel_date(value):
        number_format = next(form for kind, form in _DATE_FORMATS if isinstance(value, kind))
        worksheet.write_datetime(row, col, value, styles.get(number=number_format, fill=fill))
    else:
        write_text(worksheet, row, col, str(value), style)


def _exact_number(value: float) -> bool:
    if isinstance(value, int):
        return abs(value) <= _EXACT_INT
    return math.isfinite(value)


def _excel_date(value: datetime | date | time) -> bool:
    """Excel has no dates before 1900: those are written as text."""
    return isinstance(value, time) or value.year >= 1900
