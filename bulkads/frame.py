"""pandas at the edge: a DataFrame read as a sheet, a run's rows given back as a DataFrame.

Usage::

    sheet = sheet_from_frame(frame)           # then validated and run as a file's sheet is
    table = rows_frame(sheet, report.rows)    # what `Report.to_pandas()` returns

Imported only when a DataFrame goes in or comes out, so the CLI never loads pandas.
A DataFrame reads as a sheet would: its column names are the header (row 1), its
rows are rows 2, 3, … in order (`frame.iloc[i]` is row i + 2; the index is not used),
and None, NaN, NaT and pd.NA are empty cells.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bulkads.cells import ID_EXACT_LIMIT
from bulkads.sheet import Sheet, sheet_from_records

if TYPE_CHECKING:
    from bulkads.report import RowResult

FRAME_SOURCE = Path("DataFrame")  # how messages name a DataFrame ("DataFrame: ...")
ID_COLUMNS = ("campaign_id", "ad_group_id", "ad_id")


def sheet_from_frame(frame: pd.DataFrame) -> Sheet:
    """The DataFrame as a sheet: the same header matching, checks and messages as a file's."""
    header = [_header(name) for name in frame.columns]
    columns = [[_cell(value) for value in frame.iloc[:, j].tolist()] for j in range(frame.shape[1])]
    return sheet_from_records(FRAME_SOURCE, [header, *zip(*columns, strict=True)])


def rows_frame(sheet: Sheet | None, rows: Sequence[RowResult]) -> pd.DataFrame:
    """One row per sheet row: `row`, `status`, `message`, the sheet's own columns as given,
    then the IDs as strings; a missing value is pd.NA (NaT in a date column)."""
    own = [column for column in sheet.columns if column.role != "result"] if sheet else []
    cells = {row.number: row.cells for row in sheet.rows} if sheet else {}
    names: list[str] = ["row", "status", "message"]
    data: list[object] = [
        pd.array([row.number for row in rows], dtype="Int64"),
        pd.array([row.status for row in rows], dtype="string"),
        pd.array([row.message or pd.NA for row in rows], dtype="string"),
    ]
    for column in own:
        names.append(column.header)
        values = [
            _missing(cells[row.number][column.index]) if row.number in cells else pd.NA
            for row in rows
        ]
        data.append(pd.array(values) if values else pd.array([], dtype="object"))
    for name in ID_COLUMNS:
        names.append(name)
        data.append(pd.array([getattr(row, name) or pd.NA for row in rows], dtype="string"))
    table = pd.DataFrame(dict(enumerate(data)))
    table.columns = pd.Index(names)
    return table


def _header(name: object) -> object:
    if isinstance(name, tuple):  # a MultiIndex column: its levels, joined
        return " ".join(str(part) for part in name if _cell(part) is not None)
    return name


def _cell(value: object) -> object:
    """A DataFrame value as a sheet cell: Python scalars, None for missing."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        # A sheet's date cells have no time zone: keep the wall-clock time as written.
        return value.tz_localize(None).to_pydatetime(warn=False)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= ID_EXACT_LIMIT:
        # An integer column holds every digit (a float column does not): no ID was lost,
        # so it goes on as the text a sheet's text-formatted ID cell would hold.
        return str(value)
    if isinstance(value, np.ndarray):
        return [_cell(item) for item in value.tolist()]
    return value


def _missing(value: object) -> object:
    return pd.NA if value is None else value
