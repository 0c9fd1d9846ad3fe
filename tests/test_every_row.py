"""CONTRACT §2, §3, §7 together: whatever a sheet holds, every row ends with one status."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulkads.arguments import ARGUMENTS
from bulkads.status import validate

NAMES = [argument.name for argument in ARGUMENTS]
CELL = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["TRAFFIC", "yes", "0", "https://example.com/a", "1e20", "$50", "[1,2]"]),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2100, 1, 1)),
)
HEADER = st.lists(
    st.sampled_from([*NAMES[1:], "Notes", "status", "campaign_id"]),
    min_size=1,
    max_size=12,
    unique=True,
).map(lambda names: ["campaign_name", *names])


def clean(value: object) -> object:
    """openpyxl refuses control characters in cells; a real sheet cannot hold them either."""
    if isinstance(value, str):
        return "".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 32)
    return value


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=HEADER, grid=st.lists(st.lists(CELL, max_size=14), max_size=300))
def test_every_row_of_any_sheet_gets_exactly_one_status(
    header: list[str], grid: list[list[object]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        sheet = Path(folder) / "any.xlsx"
        book = openpyxl.Workbook()
        book.active.append(header)
        for cells in grid:
            book.active.append([clean(value) for value in cells[: len(header)]])
            for cell in book.active[book.active.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, as typed: openpyxl would write a formula
        book.save(sheet)
        results = Path(folder) / "any.results.xlsx"
        report = validate(sheet, results=results)
        written = list(openpyxl.load_workbook(results)["Results"].iter_rows(values_only=True))
    non_blank = [
        number
        for number, cells in enumerate(grid, start=2)
        if any(clean(v) not in (None, "") and str(clean(v)).strip() for v in cells[: len(header)])
    ]
    assert [row.number for row in report.rows] == non_blank
    assert all(row.status in ("valid", "invalid") and row.message for row in report.rows)
    assert [line[0] for line in written[1:]] == non_blank
    assert [line[1] for line in written[1:]] == [row.status for row in report.rows]
