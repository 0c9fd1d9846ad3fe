"""Time `bulkads validate` end to end and in parts, against bare xlsx readers (issue 2).

Usage::

    python benchmarks/validate.py                  # 5,000 and 100,000 rows, median of 3
    python benchmarks/validate.py --rows 5000 --repeat 1
    python benchmarks/validate.py --quick          # 500 rows, once: a smoke test (seconds)
    python benchmarks/validate.py --write          # also update benchmarks/RESULTS.md

Sheets (xlsx and CSV, same rows, ~30 columns, ~5% with a mistake) are generated once
under benchmarks/data/. Every measurement is a fresh child process, so its peak RSS is
its own: the CLI (`python -m bulkads validate SHEET -o OUT`); the parts in-process
(read_sheet, check_sheet, building the row results, write_results); and, as
references, `pandas.read_excel(engine="openpyxl")`, python-calamine's `to_python()`
and `pandas.read_csv` of the same files.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATA, Child, machine_note, run_child, sheet_files, table, update_section

SECTION = "Validating a sheet"
BIG = 20_000  # above this many rows the bare openpyxl read (~0.5 ms a row) runs `big_ref` times
GIB_MB = 1024.0


# --- children: one measurement each, JSON on stdout -------------------------------------------


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child_parts(sheet: Path, out: Path) -> dict[str, float]:
    """`bulkads.status.validate`, step by step, as it runs them."""
    from bulkads.journal import utc_now
    from bulkads.report import summarize, validated_row  # validate's own steps
    from bulkads.results import write_results
    from bulkads.rules import check_sheet
    from bulkads.sheet import read_sheet

    figures: dict[str, float] = {"import_peak_mb": _peak_mb()}
    started = utc_now()
    t0 = time.perf_counter()
    sheet = read_sheet(sheet)
    t1 = time.perf_counter()
    figures |= {"read": t1 - t0, "read_peak_mb": _peak_mb()}
    checked = check_sheet(sheet, now=started)
    t2 = time.perf_counter()
    figures |= {"check": t2 - t1, "check_peak_mb": _peak_mb()}
    rows = tuple(validated_row(row) for row in checked)
    summary = summarize(rows, command="bench", started=started, ended=utc_now())
    t3 = time.perf_counter()
    figures |= {"build": t3 - t2}
    write_results(out, sheet, rows, summary)
    t4 = time.perf_counter()
    figures |= {"write": t4 - t3, "total": t4 - t0, "write_peak_mb": _peak_mb()}
    figures["invalid"] = sum(row.status == "invalid" for row in rows)
    figures["rows"] = len(rows)
    return figures


def child_reference(kind: str, path: Path) -> dict[str, float]:
    """One bare read of `path`; returns its seconds and the cells it got."""
    if kind == "openpyxl":
        import pandas as pd

        t0 = time.perf_counter()
        frame = pd.read_excel(path, engine="openpyxl")
        cells = frame.size
    elif kind == "calamine":
        from python_calamine import CalamineWorkbook

        t0 = time.perf_counter()
        grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        cells = sum(len(row) for row in grid)
    else:
        import pandas as pd

        t0 = time.perf_counter()
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        cells = frame.size
    return {"seconds": time.perf_counter() - t0, "cells": cells}


CHILDREN: dict[str, Callable[[list[str]], dict[str, float]]] = {
    "parts": lambda a: child_parts(Path(a[0]), Path(a[1])),
    "openpyxl": lambda a: child_reference("openpyxl", Path(a[0])),
    "calamine": lambda a: child_reference("calamine", Path(a[0])),
    "read_csv": lambda a: child_reference("read_csv", Path(a[0])),
}


# --- the parent: runs children, takes medians -------------------------------------------------


def _child(kind: str, *args: Path) -> tuple[Child, dict[str, float]]:
    script = str(Path(__file__).resolve())
    child = run_child([sys.executable, script, "--child", kind, *map(str, args)])
    if child.returncode != 0:
        raise SystemExit(f"child {kind} failed ({child.returncode}):\n{child.stderr[-2000:]}")
    return child, json.loads(child.stdout)


def _cli(sheet: Path, out: Path) -> Child:
    child = run_child([sys.executable, "-m", "bulkads", "validate", str(sheet), "-o", str(out)])
    if child.returncode not in (0, 1):
        raise SystemExit(f"bulkads validate failed ({child.returncode}):\n{child.stderr[-2000:]}")
    return child


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def measure(rows: int, repeat: int, big_ref: int) -> dict[str, Any]:
    """Every figure for one sheet size, medians over `repeat` runs."""
    xlsx, csv_path = sheet_files(rows)
    out = DATA / f"out-{rows}.results.xlsx"
    found: dict[str, Any] = {"rows": rows, "xlsx_mb": xlsx.stat().st_size / 2**20}
    found["csv_mb"] = csv_path.stat().st_size / 2**20
    for fmt, sheet in (("xlsx", xlsx), ("csv", csv_path)):
        cli = [_cli(sheet, out) for _ in range(repeat)]
        found[f"cli_{fmt}"] = _median([c.wall for c in cli])
        found[f"cli_{fmt}_peak"] = max(c.peak_mb for c in cli)
        found[f"cli_{fmt}_runs"] = [round(c.wall, 2) for c in cli]
        parts = [_child("parts", sheet, out) for _ in range(repeat)]
        for key in ("read", "check", "build", "write", "total"):
            found[f"{key}_{fmt}"] = _median([p[1][key] for p in parts])
        for key in ("import_peak_mb", "read_peak_mb", "check_peak_mb", "write_peak_mb"):
            found[f"{key}_{fmt}"] = max(p[1][key] for p in parts)
        found[f"parts_{fmt}_peak"] = max(p[0].peak_mb for p in parts)
        found["invalid"] = parts[0][1]["invalid"]
        out.unlink(missing_ok=True)
    opx = [_child("openpyxl", xlsx) for _ in range(big_ref if rows > BIG else repeat)]
    cal = [_child("calamine", xlsx) for _ in range(repeat)]
    pdc = [_child("read_csv", csv_path) for _ in range(repeat)]
    for name, runs in (("openpyxl", opx), ("calamine", cal), ("read_csv", pdc)):
        found[name] = _median([r[1]["seconds"] for r in runs])
        found[f"{name}_peak"] = max(r[0].peak_mb for r in runs)
        found[f"{name}_n"] = len(runs)
    found["repeat"] = repeat
    return found


def _s(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _mb(value: float) -> str:
    return f"{value:,.0f}"


def size_table(f: dict[str, Any]) -> str:
    """One Markdown table for one sheet size."""
    n = f"×{f['repeat']}"
    rows = [
        ["`bulkads validate` CLI, end to end (child wall)", n,
         _s(f["cli_xlsx"]), _mb(f["cli_xlsx_peak"]), _s(f["cli_csv"]), _mb(f["cli_csv_peak"])],
        ["— in process: `read_sheet`", n, _s(f["read_xlsx"]), _mb(f["read_peak_mb_xlsx"]),
         _s(f["read_csv"]), _mb(f["read_peak_mb_csv"])],
        ["— `check_sheet`", n, _s(f["check_xlsx"]), _mb(f["check_peak_mb_xlsx"]),
         _s(f["check_csv"]), _mb(f["check_peak_mb_csv"])],
        ["— row results + summary", n, _s(f["build_xlsx"]), "", _s(f["build_csv"]), ""],
        ["— `write_results`", n, _s(f["write_xlsx"]), _mb(f["write_peak_mb_xlsx"]),
         _s(f["write_csv"]), _mb(f["write_peak_mb_csv"])],
        ["— sum of the parts (no interpreter start, no imports)", n, _s(f["total_xlsx"]), "",
         _s(f["total_csv"]), ""],
        ['reference: `pandas.read_excel(engine="openpyxl")`', f"×{f['openpyxl_n']}",
         _s(f["openpyxl"]), _mb(f["openpyxl_peak"]), "", ""],
        ["reference: python-calamine `to_python()`", f"×{f['calamine_n']}",
         _s(f["calamine"]), _mb(f["calamine_peak"]), "", ""],
        ["reference: `pandas.read_csv(dtype=str)`", f"×{f['read_csv_n']}", "", "",
         _s(f["read_csv"]), _mb(f["read_csv_peak"])],
    ]  # fmt: skip
    head = ["step", "runs", "xlsx s", "xlsx peak RSS MB", "csv s", "csv peak RSS MB"]
    title = (
        f"**{f['rows']:,} rows** (xlsx {f['xlsx_mb']:.1f} MB, CSV {f['csv_mb']:.1f} MB; "
        f"{f['invalid']:,} rows invalid). CLI runs, s: xlsx {f['cli_xlsx_runs']}, "
        f"CSV {f['cli_csv_runs']}."
    )
    return title + "\n\n" + table(head, rows)


def aims(found: dict[int, dict[str, Any]]) -> list[str]:
    """The issue's aims, each with its figures and a verdict."""
    lines = []
    small = found.get(5000)
    if small:
        worst = max(small["cli_xlsx"], small["cli_csv"])
        lines.append(
            f"- 5,000 rows validated with results written in under 2 s: "
            f"**{'met' if worst < 2 else 'NOT met'}** (CLI, interpreter start included: "
            f"xlsx {small['cli_xlsx']:.2f} s, CSV {small['cli_csv']:.2f} s)."
        )
    big = found.get(100_000)
    if big:
        verdict = "met" if big["cli_xlsx"] < big["openpyxl"] else "NOT met"
        lines.append(
            f"- 100,000 rows in less time than the bare openpyxl read alone: **{verdict}** "
            f'(xlsx {big["cli_xlsx"]:.1f} s vs `pd.read_excel(engine="openpyxl")` '
            f"{big['openpyxl']:.1f} s, ratio {big['cli_xlsx'] / big['openpyxl']:.2f}; "
            f"CSV {big['cli_csv']:.1f} s)."
        )
    peak = max(max(f["cli_xlsx_peak"], f["cli_csv_peak"]) for f in found.values())
    lines.append(
        f"- Peak memory under 1 GiB: **{'met' if peak < GIB_MB else 'NOT met'}** "
        f"(highest CLI peak RSS {peak:,.0f} MB)."
    )
    return lines


def report(found: dict[int, dict[str, Any]], command: str) -> str:
    parts = [
        f"`{command}` — medians; every figure is a fresh child process "
        "(wall time and its own peak RSS from `os.wait4`). The CLI figure includes the "
        "interpreter's start and imports; the parts are timed inside one child, as "
        "`bulkads.status.validate` runs them. Sheets: ~30 columns (28 arguments, a `Notes` "
        "column), IDs and lists as text cells in the xlsx, dates as date cells, ~5% of rows "
        "with one mistake each (highlighted cell and comment in the results).",
        machine_note(),
        *(size_table(f) for f in found.values()),
        "Aims (issue 2):\n\n" + "\n".join(aims(found)),
    ]
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument(
        "--big-ref", type=int, default=1, help=f"runs of the openpyxl read over {BIG:,} rows"
    )
    parser.add_argument("--quick", action="store_true", help="500 rows, once (smoke test)")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        gc.collect()
        print(json.dumps(CHILDREN[args.child[0]](args.child[1:])))
        return
    if args.quick:
        args.rows, args.repeat = [500], 1
    command = "python benchmarks/validate.py " + " ".join(sys.argv[1:])
    found: dict[int, dict[str, Any]] = {}
    for rows in args.rows:
        started = time.perf_counter()
        found[rows] = measure(rows, args.repeat, args.big_ref)
        print(f"[{rows:,} rows measured in {time.perf_counter() - started:.0f} s]", file=sys.stderr)
    markdown = report(found, command.strip())
    print(markdown)
    if args.write:
        update_section(SECTION, markdown)
        print(f"\n(updated the section {SECTION!r} of benchmarks/RESULTS.md)", file=sys.stderr)


if __name__ == "__main__":
    main()
