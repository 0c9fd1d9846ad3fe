"""Time `read_sheet` + `check_sheet` of two bulkads trees on the same sheet, interleaved.

Usage::

    python benchmarks/check_ab.py BASE_TREE [--rows 100000] [--repeat 3] [--fmt csv]

On a shared, noisy machine two benchmark runs an hour apart compare badly; runs of the
two trees taken in turn (A, B, A, B, ...) see the same load. Each run is a fresh child
process with its tree first on `sys.path`; the sheet is benchmarks/data's (common.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CHILD = """
import json, sys, time
from bulkads.journal import utc_now
from bulkads.rules import check_sheet
from bulkads.sheet import read_sheet
t0 = time.perf_counter()
sheet = read_sheet(__import__("pathlib").Path(sys.argv[1]))
t1 = time.perf_counter()
rows = check_sheet(sheet, now=utc_now())
t2 = time.perf_counter()
print(json.dumps({"read": t1 - t0, "check": t2 - t1, "invalid": sum(not r.valid for r in rows)}))
"""


def _time(tree: Path, sheet: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(sheet)], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="the other tree (e.g. a worktree of main)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fmt", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()
    from common import sheet_files

    xlsx, csv_path = sheet_files(args.rows)
    sheet = csv_path if args.fmt == "csv" else xlsx
    trees = {"base": args.base.resolve(), "this": HERE.parent}
    found: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(args.repeat):
        for name, tree in trees.items():
            started = time.perf_counter()
            found[name].append(_time(tree, sheet))
            print(
                f"{name}: {found[name][-1]} ({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
            )
    print(f"{args.rows:,} rows, {args.fmt}, {args.repeat} interleaved runs each (medians):\n")
    print("| tree | read_sheet s | check_sheet s | rows invalid |\n|---|---|---|---|")
    for name, runs in found.items():
        read = statistics.median(r["read"] for r in runs)
        check = statistics.median(r["check"] for r in runs)
        print(f"| {name} | {read:.2f} | {check:.2f} | {int(runs[0]['invalid']):,} |")
    base, this = (statistics.median(r["check"] for r in found[n]) for n in ("base", "this"))
    print(f"\ncheck_sheet this / base: {this / base:.3f}")


if __name__ == "__main__":
    main()
