"""The results workbook (CONTRACT §7): one row per sheet row, written atomically.

Usage::

    write_results(Path("launch.results.xlsx"), sheet, rows, summary)

Written with xlsxwriter in constant_memory mode (rows streamed to disk in order):
the fastest of the writers measured in benchmarks/RESULTS.md. Every text goes
through `write_string`, so no cell is ever a formula. The sheet's argument columns
carry the template's notes and dropdowns (`bulkads.guidance`): the user fixes rows
here and feeds the workbook back.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import math
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException

from bulkads.arguments import BY_NAME, RESULT_COLUMNS
from bulkads.errors import UsageError
from bulkads.guidance import (
    DATETIME_FORMAT,
    LINE_HEIGHT,
    Guide,
    note_options,
    number_format,
    print_wide,
    wrapped_lines,
)
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
    (datetime, DATETIME_FORMAT),  # before date: a datetime is a date too
    (date, "yyyy-mm-dd"),
    (time, "hh:mm:ss"),
)
_EXACT_INT = 2**53  # beyond this a number cell would lose digits: written as text
_WIDTH_SAMPLE = 200  # rows looked at to size the columns
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_UNKNOWN_NOTE = "Not an argument of create_tiktok_campaign: copied as it is, never sent."
RESULT_NOTES: dict[str, str] = {
    "row": "The row's number in the sheet that was read.",
    "status": (
        "valid / invalid / created / rejected / pending. Fix the invalid and rejected rows "
        "in this workbook and give it back to bulkads: rows already created are not sent again."
    ),
    "message": "Why the row has its status: the rules it breaks, or the API's answer.",
    "campaign_id": "The created campaign's ID. A row that has one is never sent again.",
    "ad_group_id": "The created ad group's ID.",
    "ad_id": "The created ad's ID.",
    "idempotency_key": "The key of the row's last call, reused on every retry of that call.",
    "attempts": "How many times that call was sent (retries with the same key).",
    "response": "The API's last answer to that call.",
    "finished_at": "When the row was finished (UTC).",
    "prepared_asset_bundle_id": "The bundle prepared from image_urls (lives 60 minutes).",
    "prepared_image_ids": "The image IDs uploaded from carousel_image_urls.",
    "prepared_card_id": "The carousel card built for the row.",
    "sent_as": (
        "What the row's words were sent as (e.g. Locations US, UK → target_locations: "
        "6252001, 2635167); empty when the sheet held the API's own values."
    ),
}


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
    temporary: Path | None = None
    scratch: str | None = None
    failure: BaseException | None = None
    with _quiet_abandoned_files():
        try:
            with _signals_held():
                fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
                os.close(fd)
                temporary = Path(name)
                # constant_memory streams each sheet's rows through files of its own, and
                # leaves them behind when a sheet stays empty or the write fails: a folder
                # of ours catches them all.
                scratch = tempfile.mkdtemp(prefix="bulkads-")
            _write_workbook(temporary, scratch, sheet, rows, summary)
            os.chmod(temporary, _file_mode(path))
            os.replace(temporary, path)
        except (OSError, XlsxWriterException) as exc:
            failure = _write_error(path, exc)
        except BaseException as exc:  # e.g. SIGTERM turned into an exception: clean up first
            failure = exc.with_traceback(None)
        finally:
            with _signals_held():
                if temporary is not None:
                    temporary.unlink(missing_ok=True)
                if scratch is not None:
                    shutil.rmtree(scratch, ignore_errors=True)
        if failure is not None:
            gc.collect()  # the zip a failed write left open is closed now, in here
    if failure is not None:
        raise failure


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait while the temporary file and folder are made or
    removed: a stop raised half-way (the CLI turns them into exceptions) would leave one."""
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def result_headers(sheet: Sheet) -> list[str]:
    """The Results sheet's header row for `sheet`, in order."""
    own = [column.header for column in _own_columns(sheet)]
    return [*LEADING_COLUMNS, *own, *TRAILING_COLUMNS]


def _write_error(path: Path, exc: BaseException) -> UsageError:
    if isinstance(exc, IsADirectoryError) or path.is_dir():
        reason = "it is a folder"
    elif isinstance(exc, PermissionError):
        reason = "permission denied (is it open in Excel or another program, or read-only?)"
    elif _errno(exc) in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        strerror = getattr(exc, "strerror", None) or os.strerror(_errno(exc) or errno.ENOSPC)
        reason = f"{strerror}: the disk is full (or the file is over a size limit), free some space"
    else:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return UsageError(
        f"cannot write the results to {path}: {reason}; close it or choose another path with -o"
    )


def _errno(exc: BaseException) -> int | None:
    """The errno of `exc` or of what it wraps (xlsxwriter wraps the OSError)."""
    found: BaseException | None = exc
    while found is not None:
        for candidate in (found, *getattr(found, "args", ())):
            if isinstance(candidate, OSError) and candidate.errno:
                return candidate.errno
        found = found.__cause__ or found.__context__
    return None


@contextlib.contextmanager
def _quiet_abandoned_files() -> Iterator[None]:
    """A zip a failed write left open fails again as it is collected (a full disk): say
    nothing then, or Python prints "Exception ignored in ZipFile.__del__" after the error."""
    previous = sys.unraisablehook

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if not isinstance(unraisable.exc_value, OSError):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


def _file_mode(path: Path) -> int:
    """Keep an old file's permissions; a new file gets what the umask gives any new file
    (0o644 under the usual 022), not mkstemp's 0o600."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    try:  # Linux says it without changing it
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _own_columns(sheet: Sheet) -> list[Column]:
    return [column for column in sheet.columns if column.role != "result"]


def _write_workbook(
    target: Path, scratch: str, sheet: Sheet, rows: Sequence[RowResult], summary: Summary
) -> None:
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
        for column in (issue.column, *issue.also):
            position = positions.get(column)
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

    message_width = _set_widths(worksheet, styles, headers, sheet, rows, own)[2]
    worksheet.freeze_panes(1, 2)
    print_wide(worksheet)
    for col, header in enumerate(headers):
        _write_text(worksheet, 0, col, header, styles.header)
    _annotate_headers(worksheet, styles, headers, own)
    for index, result in enumerate(rows, start=1):
        notes = _cell_notes(result.issues, positions)
        if len(result.message) > message_width or "\n" in result.message:
            # Set before the row's cells (constant_memory); LibreOffice grows no row itself.
            worksheet.set_row(index, LINE_HEIGHT * wrapped_lines(result.message, message_width))
        _write_leading(worksheet, styles, index, result)
        _write_own(worksheet, styles, index, own, cells_by_number.get(result.number), notes)
        _write_trailing(worksheet, styles, index, first_own + len(own), result)
        for position, (_, comment) in sorted(notes.items()):
            worksheet.write_comment(index, position, comment, note_options(comment))
    worksheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)


def _annotate_headers(
    worksheet: Any, styles: _Styles, headers: Sequence[str], own: Sequence[Column]
) -> None:
    """Notes on every header; the argument columns get the template's notes and dropdowns."""
    guide = Guide(styles.workbook)
    first_own = len(LEADING_COLUMNS)
    for col, header in enumerate(headers):
        offset = col - first_own
        column = own[offset] if 0 <= offset < len(own) else None
        if column is None:
            note = RESULT_NOTES.get(header)
        elif column.role == "argument" and column.name in BY_NAME:
            guide.annotate(worksheet, col, BY_NAME[column.name])
            continue
        else:
            note = _UNKNOWN_NOTE
        if note:
            worksheet.write_comment(0, col, note, note_options(note))


def _write_leading(worksheet: Any, styles: _Styles, index: int, result: RowResult) -> None:
    worksheet.write_number(index, 0, result.number)
    status_fill = STATUS_FILLS.get(result.status)
    _write_text(worksheet, index, 1, result.status, styles.get(fill=status_fill))
    if result.message:
        _write_text(worksheet, index, 2, result.message, styles.message)


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


def _set_widths(
    worksheet: Any,
    styles: _Styles,
    headers: Sequence[str],
    sheet: Sheet,
    rows: Sequence[RowResult],
    own: Sequence[Column],
) -> list[int]:
    """Size each column from its header and the first rows (autofit needs the whole sheet).

    An argument column also gets the template's number format, so what the user types
    in while fixing a row is kept as the template would keep it (IDs as text).
    """
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
    formats: dict[int, Any] = {}
    for offset, column in enumerate(own):
        argument = BY_NAME.get(column.name) if column.role == "argument" else None
        form = number_format(argument) if argument else None
        if form:
            formats[first_own + offset] = styles.get(number=form)
    widths = [min(max(width, _MIN_WIDTH), _MAX_WIDTH) for width in widths]
    for position, width in enumerate(widths):
        worksheet.set_column(position, position, width, formats.get(position))
    return widths


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
        *(
            [("calls in flight at the stop", summary.left_in_flight)]
            if summary.left_in_flight
            else []
        ),
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
    worksheet.fit_to_pages(1, 0)  # both columns on one page's width (A4 portrait splits them)
    _write_text(worksheet, 0, 0, "item", styles.header)
    _write_text(worksheet, 0, 1, "value", styles.header)
    for index, (label, value) in enumerate(lines, start=1):
        fill = STATUS_FILLS.get(label) if label in STATUSES else None
        _write_text(worksheet, index, 0, label, styles.get(bold=True, fill=fill))
        _write_value(worksheet, styles, index, 1, value, None)
