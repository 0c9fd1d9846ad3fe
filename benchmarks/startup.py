"""How long `bulkads --help` takes to start, before and after a change, and what it imports.

Usage::

    python benchmarks/startup.py --before 59c83c1            # this tree against that commit
    python benchmarks/startup.py --before 59c83c1 --write    # also update benchmarks/RESULTS.md

Each figure is a fresh child process (the CLI's `--help`, `import bulkads`, and `import
bulkads, pandas` for what a DataFrame's first use adds), the two trees interleaved run by run
so that the machine's noise falls on both alike. The commit measured "before" is exported
with `git archive` to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common import ROOT, machine_note, run_child, update_section

HELP = "import bulkads.cli as c\ntry: c.main(['--help'])\nexcept SystemExit: pass\n"
# What each child runs; the pandas check runs the same code, then looks at sys.modules.
COMMANDS = {
    "`bulkads --help`": HELP,
    "`import bulkads`": "import bulkads\n",
    # What a DataFrame's first use adds: pandas is imported then, and only then.
    "`import bulkads, pandas`": "import bulkads, pandas\n",
}


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


@contextmanager
def before_and_after(revision: str) -> Iterator[tuple[dict[str, Path], Path]]:
    """The trees to compare (`revision` exported, and this one) and an empty folder for
    the children to run in: `python -c` and `-m` import from their folder first."""
    with (
        tempfile.TemporaryDirectory(prefix="bulkads-before-") as folder,
        tempfile.TemporaryDirectory(prefix="bulkads-cwd-") as empty,
    ):
        yield {f"before ({revision})": export(revision, Path(folder)), "after": ROOT}, Path(empty)


def loads_pandas(tree: Path, code: str) -> bool:
    probe = code + "import sys\nprint('pandas' in sys.modules)\n"
    found = subprocess.run(
        [sys.executable, "-c", probe], env=_env(tree), capture_output=True, text=True, check=True
    )
    return found.stdout.strip().endswith("True")


def imports(tree: Path, code: str) -> dict[str, float]:
    """Every module `code` imports, with its own import time in ms (`-X importtime`)."""
    found = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=_env(tree),
        capture_output=True,
        text=True,
        check=True,
    )
    modules: dict[str, float] = {}
    for line in found.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            own, _, name = line.removeprefix("import time:").split("|")
            modules[name.strip()] = int(own) / 1000
    return modules


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree)}


Figures = dict[tuple[str, str], list[tuple[float, float]]]  # (wall, CPU) per run


def measure(trees: dict[str, Path], runs: int) -> Figures:
    found: Figures = {}
    for run in range(runs):
        for label, code in COMMANDS.items():
            order = list(trees.items())
            for name, tree in order if run % 2 else reversed(order):  # neither always first
                command = [sys.executable, "-c", code]
                child = run_child(command, env=_env(tree), cwd=Path.cwd())
                assert child.returncode == 0, (name, label)
                found.setdefault((name, label), []).append((child.wall, child.user + child.system))
    return found


def report(trees: dict[str, Path], found: Figures, note: str) -> str:
    lines = [
        f"`python benchmarks/startup.py {note}` — a fresh child process each time (`python -c`:"
        " the CLI's `main(['--help'])`, `import bulkads`, `import bulkads, pandas`), "
        f"{len(next(iter(found.values())))} runs of each, the trees interleaved (which goes first "
        "alternates). CPU (user + system, the child's own) is steadier than wall time on a "
        "shared machine.",
        "",
        machine_note(),
        "",
        "| tree | command | wall s (median) | wall s (min) | CPU s (median) | imports pandas |",
        "|---|---|---|---|---|---|",
    ]
    for (name, label), runs in found.items():
        walls, cpus = [wall for wall, _ in runs], [cpu for _, cpu in runs]
        pandas = "yes" if loads_pandas(trees[name], COMMANDS[label]) else "no"
        lines.append(
            f"| {name} | {label} | {statistics.median(walls):.3f} | {min(walls):.3f} "
            f"| {statistics.median(cpus):.3f} | {pandas} |"
        )
    lines += ["", *_reading(found), *_new_imports(trees)]
    return "\n".join(lines)


def _reading(found: Figures) -> list[str]:
    """The two figures the change is judged on, computed from the table."""

    def cpu(tree: str, label: str) -> float:
        runs = next(runs for (name, got), runs in found.items() if got == label and tree in name)
        return statistics.median(cpu for _, cpu in runs)

    help_label, bare, with_pandas = COMMANDS
    before, after = cpu("before", help_label), cpu("after", help_label)
    pandas = cpu("after", with_pandas) - cpu("after", bare)
    return [
        f"- `bulkads --help`, after / before: {after / before:.2f} in CPU ({after:.3f} s against"
        f" {before:.3f} s); pandas is imported by neither.",
        f"- What pandas adds, once, when a DataFrame goes in or out: {pandas:.2f} s of CPU.",
    ]


def _new_imports(trees: dict[str, Path]) -> list[str]:
    """What `--help` imports after the change that it did not before (steadier than timing)."""
    before, after = (imports(tree, HELP) for tree in trees.values())
    added = {name: ms for name, ms in after.items() if name not in before}
    gone = [name for name in before if name not in after]
    shown = ", ".join(f"{name} ({ms:.1f} ms)" for name, ms in added.items()) or "none"
    return [
        f"- Modules `--help` imports now and did not before: {shown}; no longer: "
        f"{', '.join(gone) or 'none'}. Of {len(after)} modules in all."
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the commit to compare against")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    options = parser.parse_args()
    with before_and_after(options.before) as (trees, empty):
        os.chdir(empty)
        found = measure(trees, options.runs)
        markdown = report(trees, found, f"--before {options.before} --runs {options.runs}")
    print(markdown)
    if options.write:
        update_section("Start-up", markdown)


if __name__ == "__main__":
    main()
