"""Rows through the sandbox: each case as a ratio to its ideal, client CPU, resume (issues 4, 9).

Usage::

    python benchmarks/throughput.py                # every case, then the projection and resume
    python benchmarks/throughput.py --repeat 1
    python benchmarks/throughput.py --quick        # small N, once: a smoke test
    python benchmarks/throughput.py --write        # also update benchmarks/RESULTS.md

Cases (issue 9), each measured against its ideal in the same run:
- (a) the defaults at L = 2–3 s, --rate 5: the ideal is the rate; before: `--concurrency 4`,
  the old default, in the same run.
- (b) a server that takes 6 calls in flight (`--max-in-flight 6`), L = 2 s, --rate 20: the
  ideal is 6 / L; and the share of calls the server refused with a 429.
- (c) the pinned cases of issue 4, L = 0.05 s and L = 2 s: the ideal counts C.
- (d) the whole command, interpreter start to exit, L = 0.25 s, R = 20, C = 8, N = 200.
- Projection: the API's 15–30 s at --rate 2, played ten times faster (L = 1.5–3 s,
  R = 20: the same calls in flight, every time ÷ 10), with the defaults; its sending phase
  ×10 plus the measured start and end. Before: 4 in flight → N × 22.5 s / 4.

Sending phase: from the first `create_tiktok_campaign` arrival at the sandbox to the last
create's answer (its ledger). Whole command: the child's wall time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine_note, served, table, update_section
from sending import CREATE, FREE, Case, bulkads_run, fresh_dir, measure_case, sheet_for, summary_of

from bulkads.sandbox import Sandbox, SandboxConfig

SECTION = "Sending rows"
AIMS = {"a": 0.9, "b": 0.85, "c": 0.95, "d": 0.93}
REFUSED_AIM = 0.05
API_LATENCY = (15.0, 30.0)
SCALE = 10.0  # the projection's run is this many times faster than the API
Runs = list[tuple[Case, list[dict[str, Any]]]]


def cases(quick: bool) -> list[Case]:
    if quick:
        return [
            Case("a", 20, (1.0, 1.5), 5, concurrency=4),
            Case("a", 20, (1.0, 1.5), 5),
            Case("b", 20, (1.0, 1.0), 20, capacity=6),
            Case("c", 40, (0.05, 0.05), 20, concurrency=4, pinned_ideal=True),
            Case("d", 40, (0.25, 0.25), 20, concurrency=8, pinned_ideal=True),
        ]
    return [
        Case("a", 60, (2.0, 3.0), 5, concurrency=4),
        Case("a", 100, (2.0, 3.0), 5),
        Case("b", 100, (2.0, 2.0), 20, capacity=6),
        Case("c", 600, (0.05, 0.05), 20, concurrency=4, pinned_ideal=True),
        Case("c", 160, (2.0, 2.0), 5, concurrency=8, pinned_ideal=True),
        Case("d", 200, (0.25, 0.25), 20, concurrency=8, pinned_ideal=True),
        Case("d", 200, (0.25, 0.25), 20),
    ]


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def _figure(case: Case) -> str:
    return "whole" if case.label == "d" else "efficiency"


def case_table(measured: Runs) -> str:
    head = [
        "case", "ideal rate /s", "ideal s", "sending phase s", "client wall s",
        "**ideal / measured** (runs)", "start→first create s", "last answer→exit s",
        "client CPU ms / call (marginal, total)", "most requests in 1 s",
        "tightest R + 1 arrivals s", "most in flight",
        "429s / creates",
    ]  # fmt: skip
    body = []
    for case, runs in measured:
        figure = _figure(case)
        each = ", ".join(f"{run[figure]:.3f}" for run in runs)
        which = "whole command" if figure == "whole" else "sending"
        refused = max(run["refused"] / run["creates"] for run in runs)
        body.append([
            case.name, f"{case.ideal_rate:.3g}", f"{case.ideal:.1f}",
            f"{_median(runs, 'span'):.2f}", f"{_median(runs, 'wall'):.2f}",
            f"**{_median(runs, figure):.3f}** {which} ({each})",
            f"{_median(runs, 'before'):.2f}", f"{_median(runs, 'after'):.2f}",
            f"{_median(runs, 'cpu_per_1000'):.2f}, {_median(runs, 'cpu_per_1000_total'):.2f}",
            f"{max(run['max_in_1s'] for run in runs)} (R={case.rate:g})",
            f"{min(run['tightest'] for run in runs):.3f}",
            f"{max(run['max_in_flight'] for run in runs)}",
            f"{refused:.1%}",
        ])  # fmt: skip
    return table(head, body)


def project(rows: int) -> dict[str, Any]:
    """The defaults at the API's latency and --rate 2, played SCALE times faster."""
    low, high = (bound / SCALE for bound in API_LATENCY)
    case = Case("p", rows, (low, high), 2 * SCALE)
    found = measure_case(case, 0, dry=False)
    overhead = found["before"] + found["after"]  # start-up and the end: not scaled
    return {
        "rows": rows,
        "measured": found,
        "after": found["span"] * SCALE + overhead,
        "before": rows * sum(API_LATENCY) / 2 / 4 + API_LATENCY[1],
        "ideal": rows / 2 + sum(API_LATENCY) / 2,
    }


def projection_table(projected: list[dict[str, Any]]) -> str:
    head = [
        "rows", "ideal (--rate 2) min", "before: 4 in flight min", "after: defaults min",
        "after / ideal", "measured at ÷10: sending s, most in flight",
    ]  # fmt: skip
    body = [
        [
            f"{p['rows']:,}", f"{p['ideal'] / 60:.1f}", f"{p['before'] / 60:.1f}",
            f"**{p['after'] / 60:.1f}**", f"{p['ideal'] / p['after']:.2f}",
            f"{p['measured']['span']:.1f}, {p['measured']['max_in_flight']}",
        ]
        for p in projected
    ]  # fmt: skip
    return table(head, body)


def measure_resume(rows: int, rate: float, concurrency: int) -> dict[str, Any]:
    """Create `rows` rows at zero latency, then rerun the same command: it must send nothing."""
    sheet = sheet_for(rows)
    folder = fresh_dir(f"resume-{rows}")
    sandbox = Sandbox(SandboxConfig(latency=(0.0, 0.0), quota_limit=10 * rows + 1000, seed=1))
    options = ("--rate", f"{rate:g}", "--concurrency", str(concurrency))
    out = folder / "launch.results.xlsx"
    with served(sandbox) as base_url:
        first = bulkads_run(sheet, out, base_url, *options)
        first_summary = summary_of(first, {0})
        before = len(sandbox.ledger.call_log)
        again = [bulkads_run(sheet, out, base_url, *options) for _ in range(3)]
        summaries = [summary_of(child, {0}) for child in again]
    later = sandbox.ledger.call_log[before:]
    billable = [call for call in later if call.tool not in FREE]
    return {
        "rows": rows,
        "first_wall": first.wall,
        "first_cpu": first.cpu,
        "first_created": first_summary.get("counts", {}).get("created"),
        "first_calls_per_s": len(sandbox.ledger.calls(CREATE)) / first.wall,
        "resume_walls": [child.wall for child in again],
        "resume_wall": statistics.median(child.wall for child in again),
        "resume_cpu": statistics.median(child.cpu for child in again),
        "resume_created": [s.get("counts", {}).get("created") for s in summaries],
        "resume_exit": [child.returncode for child in again],
        "resume_free_calls": len(later) - len(billable),
        "resume_billable": len(billable),
        "campaigns": len(sandbox.created("campaign")),
    }


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


def aims(measured: Runs, resume: dict[str, Any] | None) -> list[str]:
    lines = []
    for case, runs in measured:
        if case.concurrency == 4 and case.label == "a":
            continue  # the "before" row of (a): no aim, a reference
        figure, aim = _figure(case), AIMS[case.label]
        value, worst = _median(runs, figure), min(run[figure] for run in runs)
        verdict = "met" if value >= aim else "NOT met"
        line = f"- {case.name}: at least {aim} of the ideal: **{verdict}** (median {value:.3f}"
        lines.append(f"{line}, worst run {worst:.3f}).")
        if case.capacity is not None:
            share = max(run["refused"] / run["creates"] for run in runs)
            verdict = "met" if share <= REFUSED_AIM else "NOT met"
            lines.append(
                f"  - 429s at most {REFUSED_AIM:.0%} of calls: **{verdict}** ({share:.1%})."
            )
    if resume is not None:
        sends = resume["resume_billable"] == 0
        lines.append(
            f"- Resume of a finished {resume['rows']:,}-row run sends nothing: "
            f"**{'met' if sends else 'NOT met'}** ({resume['resume_billable']} billable calls "
            f"in 3 reruns), and takes {resume['resume_wall']:.2f} s (median, aim < 2 s)."
        )
    return lines


def report(measured: Runs, projected: list[dict[str, Any]], resume: dict[str, Any] | None) -> str:
    command = ("python benchmarks/throughput.py " + " ".join(sys.argv[1:])).strip()
    intro = (
        f"`{command}` — the sandbox served in the benchmark's process on a thread, latency "
        "L per call drawn uniformly from its range; the client is `python -m bulkads run "
        "SHEET` in a child process, on an all-valid xlsx of Spark rows (one create call per "
        "row). **Ideal**: the least time from the first send to the last answer that any "
        "sender obeying the rules needs, max((N − 1) / R + L, N × L / S), S the "
        "server's capacity (and C for the pinned cases (c)); issue 4's figures used N / "
        "min(R, C / L), which leaves out the last answer's latency where the rate binds. The "
        "figure is ideal / sending phase (first create's arrival → last create's answer), "
        "except (d): ideal / the child's whole wall time, interpreter start to exit. CPU per "
        "call: marginal = (run − `--dry-run` of the same sheet) / N; total = the run's CPU / N."
    )
    projection = (
        "Projection — time to launch at the API's 15–30 s and `--rate 2`: *after* is the "
        f"defaults run {SCALE:g}× faster (L = {API_LATENCY[0] / SCALE:g}–"
        f"{API_LATENCY[1] / SCALE:g} s, R = {2 * SCALE:g}: the same calls in flight), its "
        f"sending phase ×{SCALE:g} plus the measured start and end; *before* is the old "
        "default, 4 in flight: N × 22.5 s / 4 + 30 s; *ideal* N / 2 + 22.5 s."
    )
    parts = [intro, machine_note(), case_table(measured)]
    if projected:
        parts += [projection, projection_table(projected)]
    if resume is not None:
        parts.append(resume_table(resume))
    parts.append("Aims (issues 4 and 9):\n\n" + "\n".join(aims(measured, resume)))
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case (median)")
    parser.add_argument("--resume-rows", type=int, default=5000)
    parser.add_argument("--project", type=int, nargs="*", default=[200, 1000])
    parser.add_argument("--only", default="abcd", help="which cases, e.g. 'ab'")
    parser.add_argument("--no-resume", action="store_true")
    parser.add_argument("--quick", action="store_true", help="small N, once (smoke test)")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.resume_rows, args.project = 1, 300, [40]
    measured: Runs = []
    for case in cases(args.quick):
        if case.label not in args.only:
            continue
        runs = []
        for index in range(args.repeat):
            started = time.monotonic()
            runs.append(measure_case(case, index))
            figure = runs[-1][_figure(case)]
            took = time.monotonic() - started
            print(f"[{case.name} run {index + 1}: {figure:.3f}, {took:.0f} s]", file=sys.stderr)
        measured.append((case, runs))
    projected = [project(rows) for rows in args.project]
    resume = None if args.no_resume else measure_resume(args.resume_rows, rate=500, concurrency=16)
    markdown = report(measured, projected, resume)
    print(markdown)
    if args.write:
        update_section(SECTION, markdown)
        print(f"\n(updated the section {SECTION!r} of benchmarks/RESULTS.md)", file=sys.stderr)


if __name__ == "__main__":
    main()
