"""The same command again after a finished run: it sends nothing; how long, before and after.

Usage::

    python benchmarks/resume.py --before aebd85a            # this tree against that commit
    python benchmarks/resume.py --before aebd85a --write    # also update benchmarks/RESULTS.md

One first run, from this tree, creates every row of the all-valid Spark sheet of
`throughput.py`'s `measure_resume` (latency 0, `--rate 500 --concurrency 16`); then the
same command runs again from each tree, interleaved rerun by rerun (which goes first
alternates), each a fresh child process (wall and CPU its own, from os.wait4). Every rerun
must report all rows created, and the sandbox must see no billable call. The commit
measured "before" is exported with `git archive` (`startup.before_and_after`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from common import Child, machine_note, run_child, served, table, update_section
from sending import FREE, fresh_dir, sheet_for, summary_of
from startup import before_and_after

from bulkads.sandbox import SOLO_KEY, Sandbox, SandboxConfig

SECTION = "Resuming a finished run"
OPTIONS = ("--rate", "500", "--concurrency", "16", "--json")


def rerun(tree: Path, sheet: Path, out: Path, base_url: str, cwd: Path) -> Child:
    """`bulkads run` from `tree` (first on the path; `cwd` holds no bulkads)."""
    command = [sys.executable, "-m", "bulkads", "run", str(sheet), "-o", str(out)]
    command += ["--base-url", base_url, *OPTIONS]
    env = {"ADSPIRER_API_KEY": SOLO_KEY, "NO_COLOR": "1", "PYTHONPATH": str(tree)}
    return run_child(command, env=env, cwd=cwd)


def measure(trees: dict[str, Path], rows: int, runs: int, cwd: Path) -> dict[str, list[Child]]:
    sheet = sheet_for(rows)
    out = fresh_dir(f"resume-ab-{rows}") / "launch.results.xlsx"
    sandbox = Sandbox(SandboxConfig(latency=(0.0, 0.0), quota_limit=10 * rows + 1000, seed=1))
    found: dict[str, list[Child]] = {name: [] for name in trees}
    with served(sandbox) as base_url:
        first = rerun(trees["after"], sheet, out, base_url, cwd)
        assert summary_of(first, {0})["counts"]["created"] == rows
        before = len(sandbox.ledger.call_log)
        for run in range(runs):
            order = list(trees.items())
            for name, tree in order if run % 2 else reversed(order):
                child = rerun(tree, sheet, out, base_url, cwd)
                assert summary_of(child, {0})["counts"]["created"] == rows, name
                found[name].append(child)
    billable = [c for c in sandbox.ledger.call_log[before:] if c.tool not in FREE]
    assert not billable, f"a rerun sent {len(billable)} billable call(s)"
    return found


def report(found: dict[str, list[Child]], rows: int, note: str) -> str:
    body = []
    for name, children in found.items():
        walls = [child.wall for child in children]
        cpus = [child.cpu for child in children]
        body.append([
            name, f"**{statistics.median(walls):.2f}**", f"{min(walls):.2f}",
            f"{statistics.median(cpus):.2f}", ", ".join(f"{wall:.2f}" for wall in walls),
        ])  # fmt: skip
    head = ["tree", "wall s (median)", "wall s (min)", "CPU s (median)", "walls s, in order"]
    intro = (
        f"`python benchmarks/resume.py {note}` — {rows:,} rows created by one first run; then "
        "the same command again (`bulkads run SHEET -o RESULTS --json`, "
        f"`{' '.join(OPTIONS[:4])}`), each tree {len(next(iter(found.values())))} times, "
        "interleaved. Every rerun reported all rows created; the sandbox saw no billable call."
    )
    return "\n\n".join([intro, machine_note(), table(head, body)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the commit to compare against")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    options = parser.parse_args()
    with before_and_after(options.before) as (trees, empty):
        found = measure(trees, options.rows, options.runs, empty)
    markdown = report(found, options.rows, f"--before {options.before} --runs {options.runs}")
    print(markdown)
    if options.write:
        update_section(SECTION, markdown)


if __name__ == "__main__":
    main()
