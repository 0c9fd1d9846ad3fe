"""One measured `bulkads run` against the in-process sandbox: the helpers of throughput.py.

Usage::

    case = Case("a", rows=60, latency=(2.0, 3.0), rate=5)        # defaults: --concurrency auto
    found = measure_case(case, run_index=0)
    found["efficiency"], found["whole"], found["refused"]

The sandbox is served in this process, on a thread; the client is `python -m bulkads run`
in a child process, so its CPU (from `os.wait4`) does not include the sandbox's.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import DATA, SOLO_ADVERTISER, Child, make_rows, run_child, served, write_xlsx

from bulkads.sandbox import SOLO_KEY, Call, Ledger, Sandbox, SandboxConfig

CREATE = "create_tiktok_campaign"
FREE = frozenset({"get_usage_status", "list_connected_accounts"})
WORK = DATA / "throughput"


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
    """N rows at latency L (drawn uniformly from a range), --rate R, --concurrency C (None:
    the defaults), against a server taking at most `capacity` calls in flight (None: any)."""

    label: str
    rows: int
    latency: tuple[float, float]
    rate: float
    concurrency: int | None = None
    capacity: int | None = None
    pinned_ideal: bool = False  # the ideal counts C (the pinned-path regression cases)

    @property
    def mean_latency(self) -> float:
        return sum(self.latency) / 2

    @property
    def ideal_rate(self) -> float:
        """min(rate, server capacity / L), and C / L where the ideal counts C."""
        bounds = [self.rate]
        if self.capacity is not None:
            bounds.append(self.capacity / self.mean_latency)
        if self.pinned_ideal and self.concurrency is not None:
            bounds.append(self.concurrency / self.mean_latency)
        return min(bounds)

    @property
    def ideal(self) -> float:
        """The least time from the first send to the last answer any sender obeying the
        rules needs: the calls paced at the rate, the last one answered L later, and no
        server slot (or pinned slot) ever idle: max((N - 1) / R + L, N × L / slots)."""
        paced = (self.rows - 1) / self.rate + self.mean_latency
        return max(paced, self.rows * self.mean_latency / self._slots)

    @property
    def _slots(self) -> float:
        slots = [float("inf")]
        if self.capacity is not None:
            slots.append(self.capacity)
        if self.pinned_ideal and self.concurrency is not None:
            slots.append(self.concurrency)
        return min(slots)

    @property
    def options(self) -> tuple[str, ...]:
        pinned = ("--concurrency", str(self.concurrency)) if self.concurrency else ()
        return ("--rate", f"{self.rate:g}", *pinned)

    @property
    def name(self) -> str:
        low, high = self.latency
        latency = f"{low:g}" if low == high else f"{low:g}–{high:g}"
        concurrency = f"C={self.concurrency}" if self.concurrency else "C=auto (defaults)"
        capacity = f" capacity={self.capacity}" if self.capacity else ""
        return f"({self.label}) L={latency}s R={self.rate:g} {concurrency}{capacity} N={self.rows}"


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


def summary_of(child: Child, expect: set[int]) -> dict[str, Any]:
    if child.returncode not in expect:
        raise SystemExit(f"bulkads run exited {child.returncode}:\n{child.stderr[-3000:]}")
    start = child.stdout.find("{")
    summary: dict[str, Any] = json.loads(child.stdout[start:]) if start >= 0 else {}
    return summary


def measure_case(case: Case, run_index: int, *, dry: bool = True) -> dict[str, Any]:
    """One run of one case: sandbox timings, the client's wall and CPU, the dry run's CPU."""
    sheet = sheet_for(case.rows)
    folder = fresh_dir(f"case-{case.label}-{run_index}")
    config = SandboxConfig(latency=case.latency, max_in_flight=case.capacity, seed=run_index)
    sandbox = Sandbox(config)
    ledger = TimedLedger()
    sandbox.ledger = ledger
    with served(sandbox) as base_url:
        dry_cpu = 0.0
        if dry:
            dry_run = bulkads_run(
                sheet, folder / "dry.results.xlsx", base_url, "--dry-run", *case.options
            )
            summary_of(dry_run, {0, 3})
            dry_cpu = dry_run.cpu
        skip = len(ledger.call_log)
        spawned = time.monotonic()
        child = bulkads_run(sheet, folder / "run.results.xlsx", base_url, *case.options)
        reaped = time.monotonic()
        summary = summary_of(child, {0})
    calls = list(zip(ledger.call_log[skip:], ledger.answered[skip:], strict=True))
    creates = [(call, done) for call, done in calls if call.tool == CREATE]
    made = [(call, done) for call, done in creates if call.status == 200]
    if len(made) != case.rows or len(sandbox.created("campaign")) != case.rows:
        raise SystemExit(f"{case.name}: expected {case.rows} campaigns, each created once")
    first = min(call.at for call, _ in creates)
    last = max(done for _, done in made)
    span = last - first
    return {
        "span": span,
        "efficiency": case.ideal / span,
        "wall": child.wall,
        "whole": case.ideal / child.wall,
        "before": first - spawned,
        "after": reaped - last,
        "cpu": child.cpu,
        "cpu_per_1000": (child.cpu - dry_cpu) / case.rows * 1000,
        "cpu_per_1000_total": child.cpu / case.rows * 1000,
        "peak_mb": child.peak_mb,
        "max_in_1s": ledger.max_in_window(1.0),
        "tightest": tightest_span([call.at for call, _ in calls], case.rate),
        "max_in_flight": sandbox.max_in_flight,
        "creates": len(creates),
        "refused": sum(1 for call, _ in creates if call.status == 429),
        "created": summary.get("counts", {}).get("created"),
    }


def tightest_span(arrivals: list[float], rate: float) -> float:
    """The shortest time the server saw R + 1 requests arrive in (R = floor(rate)): the
    window rule holds at the server while it is at least 1 s; the pacer keeps the sends
    of any R + 1 at least 1.03 s apart, so 1.03 minus this is what the way there ate of
    the margin."""
    times, count = sorted(arrivals), max(1, math.floor(rate))
    spans = [times[k + count] - times[k] for k in range(len(times) - count)]
    return min(spans, default=float("inf"))
