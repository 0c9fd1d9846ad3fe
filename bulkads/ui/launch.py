"""Plan, launch, stop and watch one sheet's run from the page, through `run_async`.

Usage::

    launcher = Launcher(folder, targets)
    await launcher.plan("launch.xlsx", "rehearsal")     # the dry run, as a dict for the page
    await launcher.launch("launch.xlsx", "rehearsal")   # returns at once; watch launcher.changes
    launcher.stop()                                     # as SIGTERM: in-flight calls stay resumable
    launcher.snapshot()

The run is the command line's own (`run_async`, its journal, its results workbook):
launching again resumes, and `bulkads run SHEET` resumes a live launch from the page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bulkads.config import RunConfig
from bulkads.errors import BulkadsError, ForeignFile, UsageError
from bulkads.journal import utc_now
from bulkads.options import build_config
from bulkads.plan import Plan
from bulkads.preflight import Preflight
from bulkads.report import Report, RowResult
from bulkads.runner import run_async
from bulkads.status import load, sheet_status
from bulkads.ui.targets import Kind, Target, Targets
from bulkads.ui.views import outcome_view, plan_view
from bulkads.ui.watch import Changes, Watch
from bulkads.ui.workfolder import Paths, WorkFolder


@dataclass
class Job:
    """One launch: what the page shows about it."""

    sheet: str
    kind: Kind
    target: str  # Target.describe()
    results: str  # the results workbook's file name
    rate: float  # calls a second at most
    state: str = "starting"  # starting, running, stopping, finished, stopped, failed
    watch: Watch | None = None
    calls: int = 0
    outcome: dict[str, Any] | None = None
    error: str = ""
    task: asyncio.Task[Report] | None = field(default=None, repr=False)

    def snapshot(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "kind": self.kind,
            "target": self.target,
            "results": self.results,
            "state": self.state,
            "calls": self.calls,
            "progress": self.watch.snapshot() if self.watch else None,
            "outcome": self.outcome,
            "error": self.error,
        }


class Launcher:
    def __init__(self, folder: WorkFolder, targets: Targets) -> None:
        self.folder = folder
        self.targets = targets
        self.changes = Changes()
        self.job: Job | None = None
        self.closing = False
        self._supervisor: asyncio.Future[None] | None = None
        self._fresh: set[str] = set()  # sheets rehearsed on this session's sandbox

    def close(self) -> None:
        """The page is going away: stop sending and end the event streams."""
        self.closing = True
        self.stop()
        self.changes.bump()

    async def finish(self, timeout: float = 10.0) -> None:
        """Wait (a while) for a stopped launch to write its results."""
        if self._supervisor is not None:
            await asyncio.wait({self._supervisor}, timeout=timeout)

    def snapshot(self) -> dict[str, Any] | None:
        return self.job.snapshot() if self.job else None

    @property
    def busy(self) -> bool:
        return self.job is not None and self.job.state in ("starting", "running", "stopping")

    async def plan(self, sheet: str, kind: Kind) -> dict[str, Any]:
        """The dry run: target, rows to send, billable calls, quota left; spends nothing."""
        if self.busy:
            raise UsageError("a launch is running: wait for it, or stop it, then plan again")
        target, paths = await self._prepare(sheet, kind)
        seen: dict[str, tuple[Plan, Preflight]] = {}

        def on_plan(plan: Plan, found: Preflight) -> None:
            seen["plan"] = (plan, found)

        report = await run_async(_config(target, paths, sheet, dry_run=True), on_plan=on_plan)
        if "plan" not in seen:
            raise UsageError(str(report.halt or "the free checks gave no plan"))
        plan, found = seen["plan"]
        view = plan_view(plan, found, report.rows)
        return {**view, "kind": kind, "target": target.describe(), "base_url": target.base_url}

    async def launch(self, sheet: str, kind: Kind) -> None:
        """Start sending in the background; the same call again resumes."""
        if self.busy:
            raise UsageError("a launch is already running: stop it first")
        target, paths = await self._prepare(sheet, kind)
        config = _config(target, paths, sheet)  # a refused option leaves no job behind
        job = Job(sheet, kind, target.describe(), paths.results.name, target.rate)
        self.job = job
        self.changes.bump()
        self._supervisor = asyncio.ensure_future(self._run(job, config))

    def stop(self) -> bool:
        """Stop sending, as on SIGTERM: calls in flight stay resumable with their keys."""
        job = self.job
        if job is None or job.task is None or job.state not in ("starting", "running"):
            return False
        job.state = "stopping"
        job.task.cancel()
        self.changes.bump()
        return True

    async def _prepare(self, sheet: str, kind: Kind) -> tuple[Target, Paths]:
        paths = self.folder.paths(sheet, rehearsal=kind == "rehearsal")
        advertisers: tuple[str, ...] = ()
        if kind == "rehearsal":
            advertisers = await asyncio.to_thread(_advertisers, paths)
            if paths.sheet.name not in self._fresh:
                # This session's sandbox is new: an older rehearsal's journal means nothing.
                self.folder.forget(paths)
                self._fresh.add(paths.sheet.name)
        return await self.targets.get(kind, advertiser_ids=advertisers), paths

    async def _run(self, job: Job, config: RunConfig) -> None:
        def on_plan(plan: Plan, found: Preflight) -> None:
            job.calls = plan.calls
            job.state = "running" if job.state == "starting" else job.state
            self.changes.bump()

        task = asyncio.ensure_future(
            run_async(config, progress=lambda total: self._watching(job, total), on_plan=on_plan)
        )
        job.task = task
        report: Report | None = None
        try:
            report = await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the server is shutting down
        except BulkadsError as exc:
            job.error = str(exc)
        try:
            stopped = job.state == "stopping"
            job.outcome = await asyncio.to_thread(_outcome, config, report, stopped)
        except BulkadsError as exc:
            job.error = job.error or str(exc)
        job.state = _final_state(job, report)
        self.changes.bump()

    @contextmanager
    def _watching(self, job: Job, total: int) -> Iterator[Watch]:
        calls_per_row = job.calls / total if total else 1.0
        job.watch = Watch(
            total=total, rate=job.rate, calls_per_row=calls_per_row, changed=self.changes.bump
        )
        self.changes.bump()
        yield job.watch


def _final_state(job: Job, report: Report | None) -> str:
    if job.state == "stopping":
        return "stopped"
    if job.error and report is None:
        return "failed"
    return "finished"


def _config(target: Target, paths: Paths, sheet: str, *, dry_run: bool = False) -> RunConfig:
    """The run's config, built by the command line's own builder: its defaults and its
    checks (limits, the results never over a file bulkads did not write)."""
    command = f"bulkads run {sheet}" if target.kind == "live" else "bulkads ui (rehearsal)"
    try:
        return build_config(
            paths.sheet,
            env={},  # the page's key and URL are the target's: nothing is read from here
            api_key=target.api_key,
            base_url=target.base_url,
            results=paths.results,
            journal=paths.journal,
            rate=target.rate,
            dry_run=dry_run,
            command=command,
        )
    except ForeignFile as exc:  # the command line's advice names -o and --force
        raise UsageError(
            f"{exc.path.name} in the work folder is not a results workbook bulkads wrote, and "
            "the results go there: rename or move that file, then try again"
        ) from None


def _advertisers(paths: Paths) -> tuple[str, ...]:
    _, checked = load(paths.sheet, sheet_name=None, advertiser_id=None, now=utc_now())
    found = {
        str(row.arguments["advertiser_id"]) for row in checked if row.arguments.get("advertiser_id")
    }
    return tuple(sorted(found))


def _outcome(config: RunConfig, report: Report | None, stopped: bool) -> dict[str, Any]:
    """The rows after a launch: from the report, or from the journal when it was stopped."""
    sheet, checked = load(config.sheet, sheet_name=None, advertiser_id=None, now=utc_now())
    names = {row.number: str(row.arguments.get("campaign_name", "")) for row in checked}
    rows: Sequence[RowResult]
    halt = str(report.halt) if report is not None and report.halt else None
    rows = report.rows if report is not None else sheet_status(sheet, journal=config.journal).rows
    if stopped:
        halt = (
            "stopped from the page: nothing more is sent; launch again to resume (calls that "
            "were on their way are resent with their keys: nothing is created twice)"
        )
    summary = report.summary if report is not None else None
    return outcome_view(rows, names, halt=halt, summary=summary)
