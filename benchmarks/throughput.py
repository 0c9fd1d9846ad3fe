"""Rows through the sandbox: the sending phase against its ideal, client CPU, resume (issue 4).

Usage::

    python benchmarks/throughput.py                # the two latency cases ×3, then the resume
    python benchmarks/throughput.py --repeat 1
    python benchmarks/throughput.py --quick        # small N, once: a smoke test (seconds)
    python benchmarks/throughput.py --write        # also update benchmarks/RESULTS.md

The sandbox is served in this process, on a thread, with a fixed latency L
(`SandboxConfig(latency=(L, L))`); the client is `python -m bulkads run` in a child
process, so the client's CPU (from `os.wait4`) does not include the sandbox's.

- Sending phase: from the first `create_tiktok_campaign` arrival at the sandbox to the
  last answer it gave (its ledger, stamped by the sandbox as each answer is final). The
  ideal is N / min(R, C / L); the figure reported is ideal / measured (1.0 = ideal).
- Client CPU per 1,000 calls: (CPU of the run − CPU of a `--dry-run` of the same sheet,
  which starts, reads, validates and asks the free tools) / N × 1,000. The run's share
  therefore covers sending, the journal and writing the results workbook.
- Resume: a finished 5,000-row run (all created) run again with the same command:
  wall time of the child, and the billable calls the sandbox saw (must be 0).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    DATA,
    SOLO_ADVERTISER,
    Child,
    machine_note,
    make_rows,
    run_child,
    served,
    table,
    update_section,
    write_xlsx,
)

from bulkads.sandbox import SOLO_KEY, Call, Ledger, Sandbox, SandboxConfig

SECTION = "Sending rows"
CREATE = "create_tiktok_campaign"
FREE = frozenset({"get_usage_status", "list_connected_accounts"})
WORK = DATA / "throughput"
AIM = 0.95


class TimedLedger(Ledger):
    """The sandbox's ledger, also noting when each answer was final (time.monotonic())."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: list[float] = []

    def record(self, call: Call) -> None:
        super().record(call)
        self.answered.append(time.monotonic())


@dataclass(frozen=True)
class Case:
    """One sending case: N rows, latency L, --rate R, --concurrency C."""

    rows: int
    latency: float
    rate: float
    concurrency: int

    @property
    def ideal_rate(self) -> float:
        return min(self.rate, self.concurrency / self.latency)

    @property
    def ideal(self) -> float:
        return self.rows / self.ideal_rate

    @property
    def name(self) -> str:
        return f"L={self.latency:g}s R={self.rate:g} C={self.concurrency} N={self.rows}"


def sheet_for(rows: int) -> Path:
    """An all-valid xlsx of `rows` Spark rows (one create call each) for the solo key."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"spark-{rows}.xlsx"
    if not path.exists():
        data = make_rows(rows, seed=4, mistakes=0.0, spark_only=True, advertiser_id=SOLO_ADVERTISER)
        write_xlsx(path, data)
    return path


def fresh_dir(name: str) -> Path:
    folder = WORK / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def bulkads_run(sheet: Path, out: Path, base_url: str, *options: str) -> Child:
    command = [sys.executable, "-m", "bulkads", "run", str(sheet), "-o", str(out)]
    command += ["--base-url", base_url, "--json", *options]
    return run_child(command, env={"ADSPIRER_API_KEY": SOLO_KEY, "NO_COLOR": "1"})


def _summary(child: Child, expect: set[int]) -> dict[str, Any]:
    if child.returncode not in expect:
        raise SystemExit(f"bulkads run exited {child.returncode}:\n{child.stderr[-3000:]}")
    start = child.stdout.find("{")
    summary: dict[str, Any] = json.loads(child.stdout[start:]) if start >= 0 else {}
    return summary


def measure_case(case: Case, run_index: int) -> dict[str, Any]:
    """One run of one case: sandbox timings, the client's wall and CPU, the dry run's CPU."""
    sheet = sheet_for(case.rows)
    folder = fresh_dir(f"case-{case.latency:g}-{run_index}")
    sandbox = Sandbox(SandboxConfig(latency=(case.latency, case.latency), seed=run_index))
    ledger = TimedLedger()
    sandbox.ledger = ledger
    options = ("--rate", f"{case.rate:g}", "--concurrency", str(case.concurrency))
    with served(sandbox) as base_url:
        dry = bulkads_run(sheet, folder / "dry.results.xlsx", base_url, "--dry-run", *options)
        _summary(dry, {0, 3})  # a dry run reports its rows "pending"
        free_calls = len(ledger.call_log)
        spawned = time.monotonic()
        child = bulkads_run(sheet, folder / "run.results.xlsx", base_url, *options)
        reaped = time.monotonic()
        summary = _summary(child, {0})
    creates = [
        (call, done)
        for call, done in zip(
            ledger.call_log[free_calls:], ledger.answered[free_calls:], strict=True
        )
        if call.tool == CREATE
    ]
    if len(creates) != case.rows or any(call.status != 200 for call, _ in creates):
        raise SystemExit(f"{case.name}: expected {case.rows} creates answered 200")
    first = min(call.at for call, _ in creates)
    last = max(done for _, done in creates)
    span = last - first
    return {
        "span": span,
        "efficiency": case.ideal / span,
        "wall": child.wall,
        "before": first - spawned,
        "after": reaped - last,
        "cpu": child.cpu,
        "dry_cpu": dry.cpu,
        "cpu_per_1000": (child.cpu - dry.cpu) / case.rows * 1000,
        "cpu_per_1000_total": child.cpu / case.rows * 1000,
        "peak_mb": child.peak_mb,
        "max_in_1s": sandbox.max_in_window(1.0, CREATE),
        "max_in_flight": sandbox.max_in_flight,
        "created": summary.get("counts", {}).get("created"),
    }


def measure_resume(rows: int, rate: float, concurrency: int) -> dict[str, Any]:
    """Create `rows` rows at zero latency, then rerun the same command: it must send nothing."""
    sheet = sheet_for(rows)
    folder = fresh_dir(f"resume-{rows}")
    sandbox = Sandbox(SandboxConfig(latency=(0.0, 0.0), quota_limit=10 * rows + 1000, seed=1))
    options = ("--rate", f"{rate:g}", "--concurrency", str(concurrency))
    out = folder / "launch.results.xlsx"
    with served(sandbox) as base_url:
        first = bulkads_run(sheet, out, base_url, *options)
        first_summary = _summary(first, {0})
        before = len(sandbox.ledger.call_log)
        again = [bulkads_run(sheet, out, base_url, *options) for _ in range(3)]
        summaries = [_summary(child, {0}) for child in again]
    later = sandbox.ledger.call_log[before:]
    billable = [call for call in later if call.tool not in FREE]
    creates = sandbox.ledger.calls(CREATE)
    return {
        "rows": rows,
        "first_wall": first.wall,
        "first_cpu": first.cpu,
        "first_created": first_summary.get("counts", {}).get("created"),
        "first_calls_per_s": len(creates) / first.wall,
        "resume_walls": [child.wall for child in again],
        "resume_wall": statistics.median(child.wall for child in again),
        "resume_cpu": statistics.median(child.cpu for child in again),
        "resume_peak_mb": max(child.peak_mb for child in again),
        "resume_created": [s.get("counts", {}).get("created") for s in summaries],
        "resume_exit": [child.returncode for child in again],
        "resume_calls": len(later),
        "resume_free_calls": len(later) - len(billable),
        "resume_billable": len(billable),
        "campaigns": len(sandbox.created("campaign")),
    }


def _median_of(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def case_table(cases: list[tuple[Case, list[dict[str, Any]]]]) -> str:
    head = [
        "case", "ideal rate /s", "ideal s", "sending phase s", "ideal / measured (runs)",
        "client wall s", "start→first create s", "last answer→exit s",
        "client CPU ms / call (marginal, total)", "most creates in 1 s", "most in flight",
    ]  # fmt: skip
    body = []
    for case, runs in cases:
        each = ", ".join(f"{run['efficiency']:.3f}" for run in runs)
        body.append([
            case.name, f"{case.ideal_rate:g}", f"{case.ideal:.1f}",
            f"{_median_of(runs, 'span'):.2f}",
            f"**{_median_of(runs, 'efficiency'):.3f}** ({each})",
            f"{_median_of(runs, 'wall'):.2f}", f"{_median_of(runs, 'before'):.2f}",
            f"{_median_of(runs, 'after'):.2f}",
            f"{_median_of(runs, 'cpu_per_1000'):.2f}, {_median_of(runs, 'cpu_per_1000_total'):.2f}",
            f"{max(run['max_in_1s'] for run in runs)} (R={case.rate:g})",
            f"{max(run['max_in_flight'] for run in runs)} (C={case.concurrency})",
        ])  # fmt: skip
    return table(head, body)


def resume_table(found: dict[str, Any]) -> str:
    head = ["run", "wall s", "client CPU s", "calls the sandbox saw", "rows created (exit code)"]
    walls = ", ".join(f"{w:.2f}" for w in found["resume_walls"])
    body = [
        [
            f"first run, {found['rows']:,} rows (L=0, R=500, C=16)",
            f"{found['first_wall']:.1f}",
            f"{found['first_cpu']:.1f}",
            f"{found['rows']:,} creates + 2 free ({found['first_calls_per_s']:.0f} creates/s)",
            f"{found['first_created']:,} (0)",
        ],
        [
            "same command again (median of 3)",
            f"**{found['resume_wall']:.2f}** ({walls})",
            f"{found['resume_cpu']:.2f}",
            f"{found['resume_billable']} billable, {found['resume_free_calls']} free (3 runs)",
            f"{found['resume_created']} ({found['resume_exit']})",
        ],
    ]
    return table(head, body)


def aims(cases: list[tuple[Case, list[dict[str, Any]]]], resume: dict[str, Any]) -> list[str]:
    lines = []
    for case, runs in cases:
        value = _median_of(runs, "efficiency")
        worst = min(run["efficiency"] for run in runs)
        verdict = "met" if value >= AIM else "NOT met"
        lines.append(
            f"- {case.name}: at least {AIM} of the ideal: **{verdict}** "
            f"(median {value:.3f}, worst run {worst:.3f})."
        )
    sends = resume["resume_billable"] == 0
    fast = resume["resume_wall"] < 2.0
    lines.append(
        f"- Resume of a finished {resume['rows']:,}-row run sends nothing: "
        f"**{'met' if sends else 'NOT met'}** ({resume['resume_billable']} billable calls in 3 "
        f"reruns; {resume['campaigns']:,} campaigns in the sandbox for {resume['rows']:,} rows)."
    )
    lines.append(
        f"- ... and takes under 2 s: **{'met' if fast else 'NOT met'}** "
        f"(median {resume['resume_wall']:.2f} s, interpreter start included)."
    )
    return lines


def report(
    cases: list[tuple[Case, list[dict[str, Any]]]], resume: dict[str, Any], command: str
) -> str:
    intro = (
        f"`{command}` — the sandbox served in the benchmark's process on a thread, "
        "fixed latency L per call; the client is `python -m bulkads run SHEET --rate R "
        "--concurrency C` in a child process, on an all-valid xlsx of Spark rows (one create "
        "call per row). **Sending phase**: first create's arrival at the sandbox → the last "
        "create's answer (the sandbox's ledger). **Ideal**: N / min(R, C / L). Client CPU per "
        "call: marginal = (run − `--dry-run` of the same sheet) / N, which leaves out "
        "interpreter start, imports, reading and validating the sheet and the pre-flight; "
        "total = the run's CPU / N."
    )
    return "\n\n".join(
        [
            intro,
            machine_note(),
            case_table(cases),
            resume_table(resume),
            "Aims (issue 4):\n\n" + "\n".join(aims(cases, resume)),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case (median)")
    parser.add_argument("--resume-rows", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="small N, once (smoke test)")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    plan = [Case(600, 0.05, 20, 4), Case(160, 2.0, 5, 8)]
    if args.quick:
        plan = [Case(40, 0.05, 20, 4), Case(24, 0.5, 20, 4)]
        args.repeat, args.resume_rows = 1, 300
    cases = []
    for case in plan:
        runs = []
        for index in range(args.repeat):
            runs.append(measure_case(case, index))
            print(f"[{case.name} run {index + 1}: {runs[-1]['efficiency']:.3f}]", file=sys.stderr)
        cases.append((case, runs))
    resume = measure_resume(args.resume_rows, rate=500, concurrency=16)
    print(f"[resume: {resume['resume_wall']:.2f} s]", file=sys.stderr)
    command = ("python benchmarks/throughput.py " + " ".join(sys.argv[1:])).strip()
    markdown = report(cases, resume, command)
    print(markdown)
    if args.write:
        update_section(SECTION, markdown)
        print(f"\n(updated the section {SECTION!r} of benchmarks/RESULTS.md)", file=sys.stderr)


if __name__ == "__main__":
    main()
