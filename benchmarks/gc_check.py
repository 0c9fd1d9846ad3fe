"""`check_sheet` with and without its pause of the garbage collector (issue 12).

    python benchmarks/gc_check.py --rows 20000 --repeat 3

Both variants run in the same process on the same sheet, alternating, after a full
collection each; the medians are printed as a RESULTS.md table row.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine_note, sheet_files

from bulkads import rules
from bulkads.journal import utc_now
from bulkads.sheet import Sheet, read_sheet


def timed(sheet: Sheet, *, paused: bool) -> float:
    real = gc.disable
    if not paused:
        gc.disable = lambda: None  # check_sheet's pause becomes a no-op
    try:
        gc.collect()
        started = time.perf_counter()
        rules.check_sheet(sheet, now=utc_now())
        return time.perf_counter() - started
    finally:
        gc.disable = real


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    _, csv = sheet_files(options.rows)
    sheet = read_sheet(csv)
    found: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(options.repeat):
        for paused in (True, False):
            found[paused].append(timed(sheet, paused=paused))
    off, on = (statistics.median(found[paused]) for paused in (True, False))
    print(machine_note())
    print(f"| {options.rows} | ×{options.repeat} | {off:.2f} | {on:.2f} | {on / off:.2f} |")


if __name__ == "__main__":
    main()
