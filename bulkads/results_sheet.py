"""The Results sheet: one row per sheet row, its status, message and IDs around its cells.

Usage::

    result_headers(sheet)      # ["row", "status", "message", <the sheet's columns>, ...]
    write_results_sheet(workbook.add_worksheet(RESULTS_SHEET), styles, sheet, rows)

The sheet's argument columns carry the template's notes and dropdowns
(`bulkads.guidance`), and a row's bad cells are filled and noted: the user fixes rows
here and feeds the workbook back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bulkads.arguments import BY_NAME, RESULT_COLUMNS
from bulkads.columns import Column
from bulkads.guidance import (
    LINE_HEIGHT,
    Guide,
    note_options,
    number_format,
    set_printing,
    wrapped_lines,
)
from bulkads.report import RowResult
from bulkads.results_cells import (
    ERROR_FILL,
    STATUS_FILLS,
    WARNING_FILL,
    Styles,
    write_text,
    write_value,
)
from bulkads.rules import Issue
from bulkads.sheet import Sheet, SheetRow

# Before and after the sheet's own columns (the one list is arguments.RESULT_COLUMNS).
LEADING_COLUMNS = RESULT_COLUMNS[:3]
TRAILING_COLUMNS = RESULT_COLUMNS[3:]
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


def result_headers(sheet: Sheet) -> list[str]:
    """The Results sheet's header row for `sheet`, in order."""
    own = [column.header for column in _own_columns(sheet)]
    return [*LEADING_COLUMNS, *own, *TRAILING_COLUMNS]


def _own_columns(sheet: Sheet) -> list[Column]:
    return [column for column in sheet.columns if column.role != "result"]


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


def write_results_sheet(
    worksheet: Any, styles: Styles, sheet: Sheet, rows: Sequence[RowResult]
) -> None:
    own = _own_columns(sheet)
    headers = result_headers(sheet)
    first_own = len(LEADING_COLUMNS)
    positions: dict[str, int] = {}
    for offset, column in enumerate(own):
        positions.setdefault(column.name, first_own + offset)
    cells_by_number = {sheet_row.number: sheet_row for sheet_row in sheet.rows}

    message_width = _set_widths(worksheet, styles, headers, sheet, rows, own)[2]
    set_printing(worksheet, keep_columns=2)  # row and status, on screen and on paper
    for col, header in enumerate(headers):
        write_text(worksheet, 0, col, header, styles.header)
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
    worksheet: Any, styles: Styles, headers: Sequence[str], own: Sequence[Column]
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


def _write_leading(worksheet: Any, styles: Styles, index: int, result: RowResult) -> None:
    worksheet.write_number(index, 0, result.number)
    status_fill = STATUS_FILLS.get(result.status)
    write_text(worksheet, index, 1, result.status, styles.get(fill=status_fill))
    if result.message:
        write_text(worksheet, index, 2, result.message, styles.message)


def _write_own(
    worksheet: Any,
    styles: Styles,
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
        write_value(worksheet, styles, index, first + offset, value, note[0] if note else None)


def _write_trailing(
    worksheet: Any, styles: Styles, index: int, first: int, result: RowResult
) -> None:
    for offset, name in enumerate(TRAILING_COLUMNS):
        value = getattr(result, name)
        if name == "attempts":
            worksheet.write_number(index, first + offset, value)
        elif value:
            write_text(worksheet, index, first + offset, str(value))


def _set_widths(
    worksheet: Any,
    styles: Styles,
    headers: Sequence[str],
    sheet: Sheet,
    rows: Sequence[RowResult],
    own: Sequence[Column],
) -> list[int]:
    """Size each column (`_widths`); returns the widths.

    An argument column also gets the template's number format, so what the user types
    in while fixing a row is kept as the template would keep it (IDs as text).
    """
    widths = _widths(headers, sheet, rows, own)
    formats: dict[int, Any] = {}
    first_own = len(LEADING_COLUMNS)
    for offset, column in enumerate(own):
        argument = BY_NAME.get(column.name) if column.role == "argument" else None
        form = number_format(argument) if argument else None
        if form:
            formats[first_own + offset] = styles.get(number=form)
    for position, width in enumerate(widths):
        worksheet.set_column(position, position, width, formats.get(position))
    return widths


def _widths(
    headers: Sequence[str], sheet: Sheet, rows: Sequence[RowResult], own: Sequence[Column]
) -> list[int]:
    """Each column's width from its header and the first rows (autofit needs the whole sheet)."""
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
    return [min(max(width, _MIN_WIDTH), _MAX_WIDTH) for width in widths]
