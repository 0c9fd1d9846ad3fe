"""The results workbook (CONTRACT §7): one row per sheet row, written atomically.

Usage::

    write_results(Path("launch.results.xlsx"), sheet, rows, summary)

Written with xlsxwriter in constant_memory mode (rows streamed to disk in order):
the fastest of the writers measured in benchmarks/RESULTS.md. Every text goes
through `write_string`, so no cell is ever a formula.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException

from bulkads.arguments import RESULT_COLUMNS
from bulkads.errors import UsageError
from bulkads.report import RowResult, Summary
from bulkads.rules import Issue
from bulkads.sheet import Column, Sheet, SheetRow
from bulkads.states import STATUSES

# Before and after the sheet's own columns (the one list is arguments.RESULT_COLUMNS).
LEADING_COLUMNS = RESULT_COLUMNS[:3]
TRAILING_COLUMNS = RESULT_COLUMNS[3:]
RESULTS_SHEET = "Results"
SUMMARY_SHEET = "Summary"
TARGET_ID = "target id"  # the Summary item a fed-back workbook's target is read from

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
    (datetime, "yyyy-mm-dd hh:mm:ss"),  # before date: a datetime is a date too
    (date, "yyyy-mm-dd"),
    (time, "hh:mm:ss"),
)
_EXACT_INT = 2**53  # beyond this a number cell would lose digits: written as text
_WIDTH_SAMPLE = 200  # rows looked at to size the columns
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def write_results(path: Path, sheet: Sheet, rows: Sequence[RowResult], summary: Summary) -> None:
    """Write the Results and Summary sheets to `path` (temporary file, then rename).

    Raises UsageError with one line when the file cannot be written; the old
    file at `path`, if any, is then left as it was.
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(
            f"cannot write the results to {path}: the folder {folder} does not exist "
            "(choose another path with -o)"
        )
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    os.close(fd)
    temporary = Path(name)
    try:
        _write_workbook(temporary, sheet, rows, summary)
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
    except (OSError, XlsxWriterException) as exc:
        raise _write_error(path, exc) from exc
    finally:
        temporary.unlink(missing_ok=True)


def result_headers(sheet: Sheet) -> list[str]:
    """The Results sheet's header row for `sheet`, in order."""
    own = [column.header for column in _own_columns(sheet)]
    return [*LEADING_COLUMNS, *own, *TRAILING_COLUMNS]


def _write_error(path: Path, exc: BaseException) -> UsageError:
    if isinstance(exc, IsADirectoryError) or path.is_dir():
        reason = "it is a folder"
    elif isinstance(exc, PermissionError):
        reason = "permission denied (is it open in Excel or another program, or read-only?)"
    else:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return UsageError(
        f"cannot write the results to {path}: {reason}; close it or choose another path with -o"
    )


def _file_mode(path: Path) -> int:
    """Keep an old file's permissions; a new file gets the usual 0o644, not mkstemp's 0o600."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o644


def _own_columns(sheet: Sheet) -> list[Column]:
    return [column for column in sheet.columns if column.role != "result"]


def _write_workbook(
    target: Path, sheet: Sheet, rows: Sequence[RowResult], summary: Summary
) -> None:
    # constant_memory streams each sheet's rows through a temporary file, and leaves
    # it behind when a sheet stays empty or the write fails: a folder of our own
    # catches them all.
    with tempfile.TemporaryDirectory(prefix="bulkads-") as scratch:
        workbook = xlsxwriter.Workbook(
            str(target),
            {
                "constant_memory": True,
                "tmpdir": scratch,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "remove_timezone": True,
            },
        )
        try:
            styles = _Styles(workbook)
            _write_results_sheet(workbook.add_worksheet(RESULTS_SHEET), styles, sheet, rows)
            _write_summary_sheet(workbook.add_worksheet(SUMMARY_SHEET), styles, summary, rows)
        except BaseException:
            # close() is what closes the row files' handles; the half-written
            # workbook it produces is deleted by the caller.
            with contextlib.suppress(Exception):
                workbook.close()
            raise
        workbook.close()


class _Styles:
    """The workbook's formats, made once each (xlsxwriter keeps every format it is given)."""

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[str | None, str | None, bool], Any] = {}
        self.header = self.get(bold=True, fill="#D9E1F2")

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
            self._cache[key] = self._workbook.add_format(properties)
        return self._cache[key]


def _write_text(worksheet: Any, row: int, col: int, text: str, style: Any = None) -> None:
    """Write `text` as a string cell, whatever it looks like."""
    if text.startswith("<r>") and text.endswith("</r>"):
        # xlsxwriter takes such a string for its own rich-text XML and writes it raw;
        # split into three plain fragments it is escaped like any text.
        fragments = (text[:1], text[1:2], text[2:])
        worksheet.write_rich_string(row, col, *fragments, *([style] if style else []))
    else:
        worksheet.write_string(row, col, text, style)


def _write_value(
    worksheet: Any, styles: _Styles, row: int, col: int, value: object, fill: str | None
) -> None:
    """Write a sheet cell as read: numbers as numbers, dates as dates, text as text."""
    style = styles.get(fill=fill)
    if isinstance(value, str) and value:  # the usual case first
        _write_text(worksheet, row, col, value, style)
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
        _write_text(worksheet, row, col, str(value), style)


def _exact_number(value: float) -> bool:
    if isinstance(value, int):
        return abs(value) <= _EXACT_INT
    return math.isfinite(value)


def _excel_date(value: datetime | date | time) -> bool:
    """Excel has no dates before 1900: those are written as text."""
    return isinstance(value, time) or value.year >= 1900


def _cell_notes(issues: Sequence[Issue], positions: dict[str, int]) -> dict[int, tuple[str, str]]:
    """Column position → (fill, comment) for the issues that name a column of the sheet."""
    if not issues:
        return {}
    by_position: dict[int, list[Issue]] = {}
    for issue in issues:
        position = positions.get(issue.column)
        if position is not None:
            by_position.setdefault(position, []).append(issue)
    notes: dict[int, tuple[str, str]] = {}
    for position, found in by_position.items():
        is_error = any(issue.severity == "error" for issue in found)
        text = "\n".join(
            issue.message if issue.severity == "error" else f"warning: {issue.message}"
            for issue in found
        )
        notes[position] = (ERROR_FILL if is_error else WARNING_FILL, text)
    return notes


def _write_results_sheet(
    worksheet: Any, styles: _Styles, sheet: Sheet, rows: Sequence[RowResult]
) -> None:
    own = _own_columns(sheet)
    headers = result_headers(sheet)
    first_own = len(LEADING_COLUMNS)
    positions: dict[str, int] = {}
    for offset, column in enumerate(own):
        positions.setdefault(column.name, first_own + offset)
    cells_by_number = {sheet_row.number: sheet_row for sheet_row in sheet.rows}

    _set_widths(worksheet, headers, sheet, rows, own)
    worksheet.freeze_panes(1, 2)
    for col, header in enumerate(headers):
        _write_text(worksheet, 0, col, header, styles.header)
    for index, result in enumerate(rows, start=1):
        notes = _cell_notes(result.issues, positions)
        _write_leading(worksheet, styles, index, result)
        _write_own(worksheet, styles, index, own, cells_by_number.get(result.number), notes)
        _write_trailing(worksheet, styles, index, first_own + len(own), result)
        for position, (_, comment) in sorted(notes.items()):
            worksheet.write_comment(index, position, comment, _comment_options(comment))
    worksheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)


def _write_leading(worksheet: Any, styles: _Styles, index: int, result: RowResult) -> None:
    worksheet.write_number(index, 0, result.number)
    status_fill = STATUS_FILLS.get(result.status)
    _write_text(worksheet, index, 1, result.status, styles.get(fill=status_fill))
    if result.message:
        _write_text(worksheet, index, 2, result.message)


def _write_own(
    worksheet: Any,
    styles: _Styles,
    index: int,
    own: Sequence[Column],
    sheet_row: SheetRow | None,
    notes: dict[int, tuple[str, str]],
) -> None:
    cells = sheet_row.cells if sheet_row is not None else ()
    first = len(LEADING_COLUMNS)
    for offset, column in enumerate(own):
        value = cells[column.index] if column.index < len(cells) else None
        note = notes.get(first + offset)
        _write_value(worksheet, styles, index, first + offset, value, note[0] if note else None)


def _write_trailing(
    worksheet: Any, styles: _Styles, index: int, first: int, result: RowResult
) -> None:
    for offset, name in enumerate(TRAILING_COLUMNS):
        value = getattr(result, name)
        if name == "attempts":
            worksheet.write_number(index, first + offset, value)
        elif value:
            _write_text(worksheet, index, first + offset, str(value))


def _comment_options(comment: str) -> dict[str, object]:
    lines = sum(1 + len(line) // 60 for line in comment.split("\n"))
    return {"author": "bulkads", "x_scale": 2.5, "y_scale": max(1.0, lines / 4)}


def _set_widths(
    worksheet: Any,
    headers: Sequence[str],
    sheet: Sheet,
    rows: Sequence[RowResult],
    own: Sequence[Column],
) -> None:
    """Size each column from its header and the first rows (autofit needs the whole sheet)."""
    widths = [len(header) + 3 for header in headers]
    cells_by_number = {sheet_row.number: sheet_row for sheet_row in sheet.rows[:_WIDTH_SAMPLE]}
    first_own = len(LEADING_COLUMNS)
    for result in rows[:_WIDTH_SAMPLE]:
        texts: dict[int, object] = {1: result.status, 2: result.message}
        sheet_row = cells_by_number.get(result.number)
        if sheet_row is not None:
            for offset, column in enumerate(own):
                if column.index < len(sheet_row.cells):
                    texts[first_own + offset] = sheet_row.cells[column.index]
        first_trailing = first_own + len(own)
        for offset, name in enumerate(TRAILING_COLUMNS):
            texts[first_trailing + offset] = getattr(result, name)
        for position, value in texts.items():
            if value is not None:
                longest = max(len(line) for line in str(value).split("\n"))
                widths[position] = max(widths[position], longest + 2)
    for position, width in enumerate(widths):
        worksheet.set_column(position, position, min(max(width, _MIN_WIDTH), _MAX_WIDTH))


def _write_summary_sheet(
    worksheet: Any, styles: _Styles, summary: Summary, rows: Sequence[RowResult]
) -> None:
    counts = dict(summary.counts)
    if not counts:
        for result in rows:
            counts[result.status] = counts.get(result.status, 0) + 1
    lines: list[tuple[str, object]] = [(status, counts.get(status, 0)) for status in STATUSES]
    lines += [
        ("total rows", sum(counts.get(status, 0) for status in STATUSES)),
        ("calls spent", summary.calls_spent),
        ("quota used", "unknown" if summary.quota_used is None else summary.quota_used),
        ("quota left", "unknown" if summary.quota_left is None else summary.quota_left),
        ("started", summary.started),
        ("ended", summary.ended),
        ("command", summary.command),
    ]
    if summary.halted:
        lines.insert(len(STATUSES) + 1, ("halted", summary.halted))
    if summary.target:
        lines += [("target", summary.target), (TARGET_ID, summary.target_id)]
    worksheet.set_column(0, 0, 14)
    worksheet.set_column(1, 1, 60)
    _write_text(worksheet, 0, 0, "item", styles.header)
    _write_text(worksheet, 0, 1, "value", styles.header)
    for index, (label, value) in enumerate(lines, start=1):
        fill = STATUS_FILLS.get(label) if label in STATUSES else None
        _write_text(worksheet, index, 0, label, styles.get(bold=True, fill=fill))
        _write_value(worksheet, styles, index, 1, value, None)
