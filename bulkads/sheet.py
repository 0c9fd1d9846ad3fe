"""Reading a sheet (CSV, TSV, xlsx, xlsm, xls, ods) into raw rows.

Usage::

    sheet = read_sheet(Path("launch.xlsx"), sheet_name=None)
    for row in sheet.rows:
        raw = sheet.arguments(row)   # {"campaign_name": "Spring", "budget_daily": 50.0, ...}

Cells stay raw here (str, float, int, bool, datetime; empty cells are left out of
`arguments`); `rules` turns them into API values. Workbooks are read here with
python-calamine (formulas as their cached values, never evaluated), CSV/TSV in
`delimited` (every cell a str); the header row becomes columns in `columns`.
`bulkads.guard` checks the file first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from bulkads.arguments import RESULT_COLUMNS
from bulkads.columns import Column, columns_for, header_text, letter
from bulkads.delimited import read_text
from bulkads.errors import SheetError
from bulkads.extent import check_grid, check_ods_extent, check_xlsx_extent
from bulkads.guard import DEFAULT_LIMITS, Limits, check_file, password_protected


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One non-blank row: its number as the sheet shows it, and one raw value per column."""

    number: int
    cells: tuple[object, ...]  # None for an empty cell


@dataclass(frozen=True, repr=False)
class Sheet:
    """A read sheet: its columns, its non-blank rows below the header, its warnings."""

    path: Path
    name: str  # the worksheet's name; "" for CSV/TSV
    columns: tuple[Column, ...]
    rows: tuple[SheetRow, ...]
    warnings: tuple[str, ...]  # sheet-level warnings (unknown columns, encoding fallback)
    header_row: int = 1  # the header's own row number
    _arguments: tuple[tuple[int, str], ...] = field(init=False, repr=False, compare=False)
    _results: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        arguments = tuple((c.index, c.name) for c in self.columns if c.role == "argument")
        results = {c.name: c.index for c in self.columns if c.role == "result"}
        object.__setattr__(self, "_arguments", arguments)
        object.__setattr__(self, "_results", results)

    def __repr__(self) -> str:  # short: a sheet sits inside a RunConfig
        return f"Sheet({str(self.path)!r}, {len(self.columns)} columns, {len(self.rows)} rows)"

    def arguments(self, row: SheetRow) -> dict[str, object]:
        """The row's non-empty argument cells, by argument name (whitespace-only is empty)."""
        cells = row.cells
        found: dict[str, object] = {}
        for index, name in self._arguments:
            value = cells[index]
            if value is not None and not (isinstance(value, str) and value.isspace()):
                found[name] = value
        return found

    def result(self, row: SheetRow, name: str) -> object:
        """A results column's value in a results workbook fed back as the sheet, or None."""
        index = self._results.get(name)
        if index is None:
            return None
        value = row.cells[index]
        return None if isinstance(value, str) and value.isspace() else value


def read_sheet(
    path: Path, *, sheet_name: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Sheet:
    """Read and guard a sheet; raise SheetError with one clear line for any bad file."""
    fmt = check_file(path, limits=limits)
    if fmt in ("csv", "tsv"):
        if sheet_name is not None:
            raise SheetError(f"{path}: CSV files have one sheet; drop --sheet {sheet_name!r}")
        records, warnings = read_text(path, fmt, limits)
        return _build(path, "", _numbered(records, 1), 0, warnings, limits)
    if fmt == "ods":  # calamine reads every table of an .ods as it opens it
        check_ods_extent(path, limits=limits)
    name, start, grid = _read_workbook(path, fmt, sheet_name, limits)
    return _build(path, name, _numbered(grid, start[0] + 1), start[1], [], limits)


def sheet_from_records(source: Path, records: Iterable[Sequence[object]]) -> Sheet:
    """A sheet from rows of cells already in memory (a DataFrame's), read as a file's are:
    the first non-empty record is the header, row 1; `source` names it in messages."""
    return _build(source, "", _numbered(records, 1), 0, [], DEFAULT_LIMITS)


# --- workbooks -----------------------------------------------------------------------------


Grid = Sequence[Sequence[object]]


def _read_workbook(
    path: Path, fmt: str, sheet_name: str | None, limits: Limits
) -> tuple[str, tuple[int, int], Grid]:
    """The worksheet's name, the (row, column) of its first used cell, and its used range."""
    try:
        with python_calamine.CalamineWorkbook.from_path(path) as book:
            name = _pick_sheet(path, book, sheet_name)
            if fmt == "xlsx":  # read lazily: checked before calamine builds its grid
                check_xlsx_extent(path, name, limits=limits)
            worksheet = book.get_sheet_by_name(name)
            # An .xls grid is built as it opens, bounded by the format (65,536 x 256 cells).
            check_grid(path, name, rows=worksheet.height, columns=worksheet.width, limits=limits)
            # skip_empty_area drops leading blank rows and columns; `start` says how many.
            grid: Grid = worksheet.to_python(skip_empty_area=True)
            return name, worksheet.start or (0, 0), grid
    except SheetError:
        raise
    except python_calamine.PasswordError as exc:
        raise password_protected(path) from exc
    except Exception as exc:  # calamine's errors are not all CalamineError: translate them all
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SheetError(
            f"{path}: damaged or not a {path.suffix} workbook ({detail});"
            " open it in Excel (or LibreOffice) and save it again"
        ) from exc


def summary_items(path: Path, *, sheet_name: str = "Summary") -> dict[str, str]:
    """A results workbook's Summary sheet as item -> value; empty for any other file.

    Call it after `read_sheet` has guarded the file."""
    if path.suffix.lower() in (".csv", ".tsv"):
        return {}
    try:
        with python_calamine.CalamineWorkbook.from_path(path) as book:
            if sheet_name not in book.sheet_names:
                return {}
            grid = book.get_sheet_by_name(sheet_name).to_python()
    except Exception:  # a workbook read once already; no Summary is no Summary
        return {}
    return {str(r[0]): str(r[1]) for r in grid if len(r) >= 2 and isinstance(r[0], str)}


def _pick_sheet(path: Path, book: python_calamine.CalamineWorkbook, wanted: str | None) -> str:
    worksheets = [
        meta for meta in book.sheets_metadata if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    names = [meta.name for meta in worksheets]
    if wanted is None:
        visible = [
            m.name for m in worksheets if m.visible == python_calamine.SheetVisibleEnum.Visible
        ]
        if not names:
            raise SheetError(f"{path}: the workbook has no worksheet")
        return (visible or names)[0]
    if wanted in names:
        return wanted
    folded = [name for name in names if name.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return folded[0]
    listed = ", ".join(repr(name) for name in names)
    raise SheetError(f"{path}: no worksheet named {wanted!r}; its worksheets: {listed}")


# --- rows, and the columns kept ------------------------------------------------------------


def _numbered(
    records: Iterable[Sequence[object]], first: int
) -> list[tuple[int, tuple[object, ...]]]:
    """Non-blank records as (row number, cells with None for empty), in order."""
    rows: list[tuple[int, tuple[object, ...]]] = []
    append = rows.append
    for number, record in enumerate(records, first):
        cells = tuple([None if value == "" else value for value in record])
        for value in cells:
            if value is not None and not (isinstance(value, str) and value.isspace()):
                append((number, cells))
                break
    return rows


def _build(
    path: Path,
    name: str,
    rows: list[tuple[int, tuple[object, ...]]],
    first_column: int,
    warnings: list[str],
    limits: Limits,
) -> Sheet:
    if not rows:
        raise SheetError(f"{path}: no non-empty row; fill in a template (`bulkads template`)")
    width = max(len(cells) for _, cells in rows)  # CSV records may be ragged
    header_number, header = rows[0]
    header = header + (None,) * (width - len(header))
    body = rows[1:]
    unnamed = {j for j in range(width) if not header_text(header[j])}
    with_data = _columns_with_data(body, unnamed)
    keep = [j for j in range(width) if j not in unnamed or j in with_data]
    # Short records are padded to the width: check the grid that makes (a ragged CSV too).
    check_grid(path, name or path.name, rows=len(rows), columns=len(keep), limits=limits)
    room = limits.max_columns - len(RESULT_COLUMNS)
    if len(keep) > room:
        raise SheetError(
            f"{path}: {len(keep):,} columns; the results workbook adds {len(RESULT_COLUMNS)} of its"
            f" own and holds {limits.max_columns:,}: keep at most {room:,} columns"
        )
    letters = [letter(first_column + j) for j in keep]
    columns = columns_for(path, [header[j] for j in keep], letters, warnings)
    if len(keep) == width:
        sheet_rows = [
            SheetRow(n, c if len(c) == width else c + (None,) * (width - len(c))) for n, c in body
        ]
    else:
        sheet_rows = [
            SheetRow(n, tuple([c[j] if j < len(c) else None for j in keep])) for n, c in body
        ]
    return Sheet(path, name, columns, tuple(sheet_rows), tuple(warnings), header_number)


def _columns_with_data(
    body: list[tuple[int, tuple[object, ...]]], candidates: set[int]
) -> set[int]:
    """Which of the `candidates` columns hold a value in some row (one pass over the cells)."""
    found: set[int] = set()
    for _, cells in body:
        if len(found) == len(candidates):
            break
        for j, value in enumerate(cells):
            if (
                j in candidates
                and value is not None
                and not (isinstance(value, str) and value.isspace())
            ):
                found.add(j)
    return found
