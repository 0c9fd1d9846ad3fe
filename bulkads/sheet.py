"""Reading a sheet (CSV, TSV, xlsx, xlsm, xls, ods) into raw rows.

Usage::

    sheet = read_sheet(Path("launch.xlsx"), sheet_name=None)
    for row in sheet.rows:
        raw = sheet.arguments(row)   # {"campaign_name": "Spring", "budget_daily": 50.0, ...}

Cells stay raw here (str, float, int, bool, datetime; empty cells are left out of
`arguments`); `rules` turns them into API values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Role = Literal["argument", "result", "unknown"]


@dataclass(frozen=True)
class Column:
    """One column of the sheet, as its header names it."""

    index: int  # 0-based position among the sheet's columns
    header: str  # as written in the sheet
    role: Role
    name: str  # the argument or result column it is; for "unknown", the header itself


@dataclass(frozen=True)
class SheetRow:
    """One non-blank row: its number as the sheet shows it, and one raw value per column."""

    number: int
    cells: tuple[object, ...]  # None for an empty cell


@dataclass(frozen=True)
class Sheet:
    path: Path
    name: str  # the worksheet's name; "" for CSV/TSV
    columns: tuple[Column, ...]
    rows: tuple[SheetRow, ...]
    warnings: tuple[str, ...]  # sheet-level warnings (unknown columns, encoding fallback)

    def arguments(self, row: SheetRow) -> dict[str, object]:
        """The row's non-empty argument cells, by argument name."""
        raise NotImplementedError

    def result(self, row: SheetRow, name: str) -> object:
        """A results column's value in a results workbook fed back as the sheet, or None."""
        raise NotImplementedError


def read_sheet(path: Path, *, sheet_name: str | None = None) -> Sheet:
    """Read and guard a sheet; raise SheetError with one clear line for any bad file."""
    raise NotImplementedError
