"""Reading a sheet (CSV, TSV, xlsx, xlsm, xls, ods) into raw rows.

Usage::

    sheet = read_sheet(Path("launch.xlsx"), sheet_name=None)
    for row in sheet.rows:
        raw = sheet.arguments(row)   # {"campaign_name": "Spring", "budget_daily": 50.0, ...}

Cells stay raw here (str, float, int, bool, datetime; empty cells are left out of
`arguments`); `rules` turns them into API values. Workbooks are read with
python-calamine (formulas as their cached values, never evaluated), CSV/TSV with
the csv module (every cell a str). `bulkads.guard` checks the file first.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import python_calamine

from bulkads.arguments import (
    ALIASES,
    CREATE,
    RESULT_COLUMNS,
    RESULT_KEYS,
    argument_for,
    header_key,
    word_key,
)
from bulkads.errors import SheetError
from bulkads.extent import check_grid, check_ods_extent, check_xlsx_extent
from bulkads.guard import DEFAULT_LIMITS, Limits, check_file, password_protected

Role = Literal["argument", "result", "unknown"]

_DELIMITERS = (",", ";", "\t")
_SNIFF_BYTES = 64 * 1024
_UNKNOWN_LISTED = 10  # unknown columns warned about one by one; the rest in one line


@dataclass(frozen=True)
class Column:
    """One column of the sheet, as its header names it."""

    index: int  # 0-based position in every row's `cells`
    header: str  # as written in the sheet ("column F" for data under an empty header)
    role: Role
    name: str  # the argument or result column it is; for "unknown", the header itself
    letter: str = ""  # the sheet's own column letter ("A", "AB"), as Excel shows it


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
        records, warnings = _read_text(path, fmt, limits)
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


# --- CSV / TSV -----------------------------------------------------------------------------


def _read_text(path: Path, fmt: str, limits: Limits) -> tuple[Iterator[list[str]], list[str]]:
    """The records of a CSV/TSV file, and the warnings (encoding fallback)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    encoding, warnings = _encoding(path, raw)
    sample = raw[:_SNIFF_BYTES].decode(encoding, errors="ignore")
    delimiter = "\t" if fmt == "tsv" else _sniff(sample)
    # TextIOWrapper decodes in chunks: a whole-file str in a StringIO costs 4 bytes a char.
    text = io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, newline="")
    return _records(path, text, delimiter, limits.max_columns), warnings


def _records(
    path: Path, text: io.TextIOWrapper, delimiter: str, max_columns: int
) -> Iterator[list[str]]:
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for record in reader:
            if len(record) > max_columns:
                raise SheetError(
                    f"{path}: line {reader.line_num} has {len(record):,} columns (the limit is"
                    f" {max_columns:,}, as in Excel); delete the extra separators"
                )
            yield record
    except csv.Error as exc:
        raise SheetError(
            f"{path}: line {reader.line_num}: {exc}; check that its quotes are closed"
        ) from exc
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"{path}: line {reader.line_num + 1}: not valid {text.encoding} text;"
            ' save it as "CSV UTF-8"'
        ) from exc


def _encoding(path: Path, raw: bytes) -> tuple[str, list[str]]:
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", []
    try:
        raw.decode("utf-8")
        return "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"{path}: not a spreadsheet: the text is neither UTF-8 nor Windows-1252;"
            ' save it as "CSV UTF-8"'
        ) from exc
    warning = (
        f"{path.name} is not UTF-8: read as Windows-1252 (Excel's plain CSV);"
        ' save it as "CSV UTF-8" to be sure every character is right'
    )
    return "cp1252", [warning]


def _sniff(sample: str) -> str:
    """The delimiter that splits the first non-empty record into the most fields."""
    best, most = ",", 1
    for delimiter in _DELIMITERS:
        for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in record):
                if len(record) > most:
                    best, most = delimiter, len(record)
                break
    return best


# --- rows and header -----------------------------------------------------------------------


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
    unnamed = {j for j in range(width) if not _header_text(header[j])}
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
    letters = [_letter(first_column + j) for j in keep]
    columns = _columns(path, [header[j] for j in keep], letters, warnings)
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


def _columns(
    path: Path, headers: list[object], letters: list[str], warnings: list[str]
) -> tuple[Column, ...]:
    columns: list[Column] = []
    seen: dict[str, Column] = {}
    unknown: list[tuple[Column, bool]] = []
    for index, (value, letter) in enumerate(zip(headers, letters, strict=True)):
        header = _header_text(value) or f"column {letter}"
        key = header_key(header)
        argument = argument_for(header)
        if argument is not None and key not in RESULT_KEYS:
            column = Column(index, header, "argument", argument.name, letter)
        elif key in RESULT_KEYS:
            column = Column(index, header, "result", RESULT_KEYS[key], letter)
        else:
            column = Column(index, header, "unknown", header, letter)
            unknown.append((column, bool(_header_text(value))))
        if column.role != "unknown":
            if column.name in seen:
                raise _duplicate(path, seen[column.name], column)
            seen[column.name] = column
        columns.append(column)
    warnings.extend(_unknown_warnings(unknown))
    if not any(column.role == "argument" for column in columns):
        shown = ", ".join(repr(column.header) for column in columns[:4])
        raise SheetError(
            f"{path}: no header row with argument names found (the first non-empty row has"
            f" {shown}); expected columns like campaign_name, ad_text, display_name,"
            " landing_page_url — see `bulkads template`"
        )
    return tuple(columns)


def _unknown_warnings(unknown: list[tuple[Column, bool]]) -> list[str]:
    """One warning per unknown column, the first few; the rest summed up in one line."""
    listed = [_unknown_warning(column, named) for column, named in unknown[:_UNKNOWN_LISTED]]
    rest = unknown[_UNKNOWN_LISTED:]
    if rest:
        names = ", ".join(repr(column.header) for column, _ in rest[:5])
        more = f", … ({len(rest) - 5:,} more)" if len(rest) > 5 else ""
        listed.append(
            f"{len(rest):,} more columns are not arguments of {CREATE} ({names}{more});"
            " they are copied to the results but never sent"
        )
    return listed


def _unknown_warning(column: Column, named: bool) -> str:
    if not named:
        return f"{column.header} has data but no header; it is copied to the results but never sent"
    near = _did_you_mean(column.header)
    advice = f"; did you mean {' or '.join(near)}? (rename the column)" if near else ""
    return (
        f"column {column.header!r} is not an argument of {CREATE}; it is copied to the results "
        f"but never sent{advice}"
    )


# Headers a marketer may mean: every argument name and alias, shown as "name (Alias)".
_HEADER_WORDS: dict[str, str] = {}
for _name, _aliases in ALIASES.items():
    _HEADER_WORDS.setdefault(word_key(_name), _name)
    for _alias in _aliases:
        _HEADER_WORDS.setdefault(word_key(_alias), f"{_name} ({_alias})")


def _did_you_mean(header: str) -> list[str]:
    """The arguments a header resembles most (difflib's similarity), by name."""
    key = word_key(header)
    scored = []
    for candidate, shown in _HEADER_WORDS.items():
        matcher = difflib.SequenceMatcher(None, key, candidate)
        if matcher.real_quick_ratio() >= 0.7 and matcher.quick_ratio() >= 0.7:
            scored.append((matcher.ratio(), shown))
    scored.sort(key=lambda pair: -pair[0])
    found: list[str] = []
    for score, shown in scored:
        name = shown.split(" ")[0]
        close = score >= 0.7 and score >= scored[0][0] - 0.1
        if close and not any(other.split(" ")[0] == name for other in found):
            found.append(shown)
    return found[:3]


def _duplicate(path: Path, first: Column, second: Column) -> SheetError:
    return SheetError(
        f"{path}: columns {first.header!r} ({first.letter}) and {second.header!r}"
        f" ({second.letter}) are both {first.name}; delete or rename one of them"
    )


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
