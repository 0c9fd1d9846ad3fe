"""How long `bulkads --help` takes to start, before and after a change, and what it imports.

Usage::

    python benchmarks/startup.py --before 59c83c1            # this tree against that commit
    python benchmarks/startup.py --before 59c83c1 --write    # also update benchmarks/RESULTS.md

Each figure is a fresh child process (`python -m bulkads --help`, and `python -c "import
bulkads"`), the two trees interleaved run by run so that the machine's noise falls on both
alike. The commit measured "before" is exported with `git archive` to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from common import ROOT, machine_note, run_child, update_section

COMMANDS = {
    "`bulkads --help`": [sys.executable, "-m", "bulkads", "--help"],
    "`import bulkads`": [sys.executable, "-c", "import bulkads"],
    # What a DataFrame's first use adds: pandas is imported then, and only then.
    "`import bulkads, pandas`": [sys.executable, "-c", "import bulkads, pandas"],
}
PROBE = "import sys, bulkads.cli as c\ntry: c.main(['--help'])\nexcept SystemExit: pass\n"


def export(revision: str, into: Path) -> Path:
    """The package as it was at `revision`, in `into`."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "bulkads"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    path = into / "archive.tar"
    path.write_bytes(archive)
    with tarfile.open(path) as tar:
        tar.extractall(into, filter="data")
    return into


def loads_pandas(tree: Path) -> bool:
    probe = PROBE + "print('pandas' in sys.modules)"
    found = subprocess.run(
        [sys.executable, "-c", probe], env=_env(tree), capture_output=True, text=True, check=True
    )
    return found.stdout.strip().endswith("True")


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree)}


def measure(trees: dict[str, Path], runs: int) -> dict[tuple[str, str], list[float]]:
    walls: dict[tuple[str, str], list[float]] = {}
    for _ in range(runs):
        for label, command in COMMANDS.items():
            for name, tree in trees.items():
                child = run_child(command, env=_env(tree), cwd=Path(tempfile.gettempdir()))
                assert child.returncode == 0, (name, label)
                walls.setdefault((name, label), []).append(child.wall)
    return walls


def report(trees: dict[str, Path], walls: dict[tuple[str, str], list[float]], note: str) -> str:
    lines = [
        f"`python benchmarks/startup.py {note}` — wall time of a fresh child process, "
        f"{len(next(iter(walls.values())))} runs of each, the trees interleaved.",
        "",
        machine_note(),
        "",
        "| tree | command | median s | min s | max s | imports pandas |",
        "|---|---|---|---|---|---|",
    ]
    for (name, label), values in walls.items():
        pandas = "yes" if loads_pandas(trees[name]) else "no"
        lines.append(
            f"| {name} | {label} | {statistics.median(values):.3f} | {min(values):.3f} "
            f"| {max(values):.3f} | {pandas} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the commit to compare against")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bulkads-before-") as folder:
        trees = {f"before ({options.before})": export(options.before, Path(folder)), "after": ROOT}
        walls = measure(trees, options.runs)
        markdown = report(trees, walls, f"--before {options.before} --runs {options.runs}")
    print(markdown)
    if options.write:
        update_section("Start-up", markdown)


if __name__ == "__main__":
    main()
