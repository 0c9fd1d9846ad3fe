"""Time the results workbook writers: openpyxl write-only, xlsxwriter constant_memory, bulkads.

Usage::

    python benchmarks/results_writer.py                      # 5,000 and 100,000 rows, 3 runs each
    python benchmarks/results_writer.py --rows 5000 --repeat 1

Each run is a fresh subprocess (so its peak RSS is its own). The grid: ~35 columns
(row, status, message, 22 sheet columns, the 10 result columns), 5% of rows invalid
with one highlighted cell and a comment, 1% with a formula-like text. Prints a
Markdown table: median seconds of the write alone, peak RSS, RSS added by the write.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bulkads.columns import Column
from bulkads.report import RowResult, Summary
from bulkads.results import write_results
from bulkads.results_sheet import TRAILING_COLUMNS, result_headers
from bulkads.rules import Issue
from bulkads.sheet import Sheet, SheetRow

WRITERS = ("openpyxl-write-only", "xlsxwriter-constant-memory", "bulkads.write_results")
OWN = [
    *("campaign_name", "advertiser_id", "objective", "budget_daily", "schedule_end_time"),
    *("ad_text", "display_name", "landing_page_url", "call_to_action", "target_locations"),
    *("target_age_groups", "target_gender", "languages", "placement_type", "operating_systems"),
    *("image_urls", "budget_optimize_on", "comment_disabled", "pixel_id", "optimization_event"),
    *("audience_ids", "Notes"),
]
BAD_COLUMN = OWN.index("ad_text")


def make_data(count: int) -> tuple[Sheet, list[RowResult]]:
    columns = tuple(
        Column(index=i, header=name, role="unknown" if name == "Notes" else "argument", name=name)
        for i, name in enumerate(OWN)
    )
    rows, results = [], []
    for i in range(count):
        number = i + 2
        cells: tuple[object, ...] = (
            f"Spring sale {i}", "7000000000000000001", "TRAFFIC", 50.0 + i % 7,
            datetime(2028, 6, 30, 23, 59), "Fresh spring styles, 20% off this week",
            "Acme Outfitters", f"https://www.example.com/p/{i}", "SHOP_NOW", "6252001,2635167",
            "AGE_18_24,AGE_25_34", "GENDER_UNLIMITED", "en,es", "PLACEMENT_TYPE_AUTOMATIC",
            "ANDROID,IOS", f"https://cdn.example.com/spring/look-{i % 50:02d}_1080x1920.jpg",
            "true", "false", None, None, None, "=SUM(A1)" if i % 100 == 0 else "note",
        )  # fmt: skip
        rows.append(SheetRow(number=number, cells=cells))
        if i % 20 == 0:
            issue = Issue("ad_text", "ad_text: at most 100 characters (has 112)")
            results.append(RowResult(number=number, status="invalid", message=issue.message,
                                     issues=(issue,)))  # fmt: skip
        else:
            results.append(RowResult(
                number=number, status="created", message="", campaign_id=str(18 * 10**17 + i),
                ad_group_id=str(181 * 10**16 + i), ad_id=str(182 * 10**16 + i),
                idempotency_key="0f8fad5b-d9cb-469f-a165-70867728950e", attempts=1,
                response=f"Campaign created (paused). Campaign ID: {18 * 10**17 + i}",
                finished_at="2028-01-01 12:00:00",
            ))  # fmt: skip
    sheet = Sheet(path=Path("bench.xlsx"), name="", columns=columns, rows=tuple(rows), warnings=())
    return sheet, results


def grid(sheet: Sheet, results: list[RowResult]) -> list[list[object]]:
    """The same values the bare writers write, row by row."""
    trailing = TRAILING_COLUMNS
    by_number = {row.number: row for row in sheet.rows}
    return [
        [r.number, r.status, r.message, *by_number[r.number].cells,
         *(getattr(r, name) for name in trailing)]
        for r in results
    ]  # fmt: skip


def write_openpyxl(path: Path, headers: list[str], data: list[list[object]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Results")
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:AI{len(data) + 1}"
    fill = PatternFill("solid", fgColor="FFC7CE")
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for values in data:
        out: list[object] = []
        for col, value in enumerate(values):
            if isinstance(value, str) and (value[:1] in ("=", "+", "-", "@")):
                cell = WriteOnlyCell(sheet, value)
                cell.data_type = "s"  # otherwise openpyxl makes a formula of it
                out.append(cell)
            elif col == 3 + BAD_COLUMN and values[1] == "invalid":
                cell = WriteOnlyCell(sheet, value)
                cell.fill = fill
                cell.comment = Comment(str(values[2]), "bulkads")
                out.append(cell)
            else:
                out.append(None if value == "" else value)
        sheet.append(out)
    workbook.save(path)


def write_xlsxwriter(path: Path, headers: list[str], data: list[list[object]]) -> None:
    import xlsxwriter

    options = {"constant_memory": True, "strings_to_urls": False, "strings_to_formulas": False}
    workbook = xlsxwriter.Workbook(str(path), options)
    sheet = workbook.add_worksheet("Results")
    bad = workbook.add_format({"bg_color": "#FFC7CE"})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    bold = workbook.add_format({"bold": True})
    sheet.freeze_panes(1, 2)
    for col, text in enumerate(headers):
        sheet.write_string(0, col, text, bold)
    for row, values in enumerate(data, start=1):
        invalid = values[1] == "invalid"
        for col, value in enumerate(values):
            style = bad if invalid and col == 3 + BAD_COLUMN else None
            if isinstance(value, str):
                if value:
                    sheet.write_string(row, col, value, style)
            elif isinstance(value, datetime):
                sheet.write_datetime(row, col, value, when)
            elif isinstance(value, int | float):
                sheet.write_number(row, col, value, style)
        if invalid:
            sheet.write_comment(row, 3 + BAD_COLUMN, str(values[2]))
    sheet.autofilter(0, 0, len(data), len(headers) - 1)
    workbook.close()


def run_one(writer: str, count: int) -> dict[str, Any]:
    """In this process: build the data, write it once, report time and memory."""
    sheet, results = make_data(count)
    headers = result_headers(sheet)
    data = grid(sheet, results) if writer != "bulkads.write_results" else []
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.results.xlsx"
        start = time.perf_counter()
        if writer == "openpyxl-write-only":
            write_openpyxl(path, headers, data)
        elif writer == "xlsxwriter-constant-memory":
            write_xlsxwriter(path, headers, data)
        else:
            write_results(path, sheet, results, Summary(command="bench", started="", ended=""))
        seconds = time.perf_counter() - start
        size = path.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "peak_mb": peak / 1024, "extra_mb": (peak - before) / 1024,
            "columns": len(headers), "file_mb": size / 2**20}  # fmt: skip


def measure(writer: str, count: int, repeat: int) -> dict[str, Any]:
    runs = []
    for _ in range(repeat):
        command = [sys.executable, __file__, "--child", writer, str(count)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        runs.append(json.loads(done.stdout))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--writers", nargs="+", default=list(WRITERS), choices=WRITERS)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child[0], int(args.child[1]))))
        return
    print("| rows | writer | s (median) | peak RSS MB | RSS added MB | columns | file MB |")
    print("|---|---|---|---|---|---|---|")
    for count in args.rows:
        for writer in args.writers:
            m = measure(writer, count, args.repeat)
            cells = (
                f"{count:,}",
                writer,
                f"{m['seconds']:.2f}",
                f"{m['peak_mb']:.0f}",
                f"{m['extra_mb']:.0f}",
                f"{m['columns']:.0f}",
                f"{m['file_mb']:.1f}",
            )
            print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
