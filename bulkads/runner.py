"""The whole job, callable from Python: validate, pre-flight, plan, send, write results.

Usage::

    report = bulkads.run(RunConfig(...))           # or bulkads.run_sheet(path, api_key=...)
    report.exit_code, report.rows[0].status, report.results_path

    report = validate(Path("launch.xlsx"))         # sends nothing
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import signal
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bulkads.answers import Quota
from bulkads.client import Client
from bulkads.config import RunConfig
from bulkads.engine import Engine, EngineSettings, Listener
from bulkads.errors import ApiConfigError, BulkadsError, Halted, Interrupted
from bulkads.journal import Journal, RowRecord, StepRecord, utc_now
from bulkads.pacing import Budget, Pacer
from bulkads.plan import Facts, Plan, make_plan, steps_for
from bulkads.preflight import Preflight, preflight
from bulkads.results import STATUSES, RowResult, Status, Summary, write_results
from bulkads.rules import CheckedRow, Issue, check_sheet
from bulkads.sheet import Sheet, read_sheet

_EARLIER_IDS = ("campaign_id", "ad_group_id", "ad_id")


@dataclass(frozen=True)
class Report:
    """What a run or a validation did, row by row."""

    rows: tuple[RowResult, ...]
    summary: Summary
    results_path: Path | None
    halt: BulkadsError | None = None
    planned_calls: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.summary.counts)

    @property
    def exit_code(self) -> int:
        """0 all done; 1 some invalid/rejected; 3 resumable halt; 2 configuration (§1)."""
        if isinstance(self.halt, ApiConfigError):
            return 2
        if self.halt is not None or self.counts.get("pending"):
            return 3
        return 1 if self.counts.get("invalid") or self.counts.get("rejected") else 0


def load(
    path: Path, *, sheet_name: str | None, advertiser_id: str | None, now: datetime
) -> tuple[Sheet, list[CheckedRow]]:
    sheet = read_sheet(path, sheet_name=sheet_name)
    return sheet, check_sheet(sheet, now=now, default_advertiser_id=advertiser_id)


def validate(
    path: Path,
    *,
    results: Path | None,
    sheet_name: str | None = None,
    advertiser_id: str | None = None,
    command: str = "bulkads validate",
) -> Report:
    """Read and check every row; write the results workbook (`valid` / `invalid`)."""
    started = utc_now()
    sheet, checked = load(path, sheet_name=sheet_name, advertiser_id=advertiser_id, now=started)
    rows = tuple(_validated(row) for row in checked)
    summary = _summary(rows, command=command, started=started, calls=0, quota=None)
    if results is not None:
        write_results(results, sheet, rows, summary)
    return Report(rows, summary, results, notes=sheet.warnings)


def _validated(row: CheckedRow) -> RowResult:
    status: Status = "valid" if row.valid else "invalid"
    return RowResult(
        number=row.number, status=status, message=_issues_message(row), issues=row.issues
    )


def facts_from(sheet: Sheet, journal: Journal | None, *, retry_rejected: bool = False) -> Facts:
    """What the sheet and the journal say before any call (accounts come from pre-flight)."""
    created_earlier = {}
    for row in sheet.rows:
        if sheet.result(row, "campaign_id") not in (None, ""):
            ids = {name: _text(sheet.result(row, name)) for name in _EARLIER_IDS}
            created_earlier[row.number] = {name: value for name, value in ids.items() if value}
    return Facts(
        journal_rows=journal.rows() if journal else {},
        journal_steps=journal.steps() if journal else {},
        created_earlier=created_earlier,
        retry_rejected=retry_rejected,
    )


def run(config: RunConfig, *, clock: Callable[[], datetime] = utc_now) -> Report:
    """Run the job described by `config` to the end or to a halt (see `Report.exit_code`)."""
    return asyncio.run(run_async(config, clock=clock))


async def run_async(
    config: RunConfig,
    *,
    progress: Callable[[int], AbstractContextManager[Listener]] | None = None,
    on_plan: Callable[[Plan, Preflight], None] | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Report:
    """`run`, inside a running event loop. `progress(n)` opens the display for n rows."""
    started = clock()
    sheet, checked = load(
        config.sheet, sheet_name=config.sheet_name, advertiser_id=config.advertiser_id, now=started
    )
    pacer = Pacer(config.rate)
    with Journal.open(config.journal, clock=clock) as journal:
        async with Client(
            base_url=config.base_url,
            api_key=config.api_key,
            timeout=config.timeout,
            concurrency=config.concurrency,
        ) as client:
            facts = facts_from(sheet, journal, retry_rejected=config.retry_rejected)
            # A resume with nothing left to send need not ask for the accounts.
            unchecked = make_plan(checked, facts, budget=None, now=started)
            try:
                found = await preflight(client, pacer, accounts=bool(unchecked.work))
            except (Halted, ApiConfigError) as halt:
                # Nothing was spent; the results still say what each row is waiting for.
                rows = build_rows(checked, unchecked, facts.journal_rows, facts.journal_steps, halt)
                summary = _summary(
                    rows, command=config.command, started=started, calls=0, quota=None
                )
                write_results(config.results, sheet, rows, summary)
                return Report(rows, summary, config.results, halt, 0, sheet.warnings)
            facts = replace(facts, accounts=found.accounts)
            budget = _budget(found.quota, config.max_calls)
            plan = make_plan(checked, facts, budget=budget, now=started)
            if on_plan is not None:
                on_plan(plan, found)
            if config.dry_run:
                return _dry_report(sheet, checked, plan, found, facts, config.command, started)
            engine = await _send(
                config, client, journal, pacer, plan, budget, found.quota, progress
            )
        quota = engine.stats.quota or found.quota
        calls = engine.stats.calls_spent
        rows = build_rows(checked, plan, journal.rows(), journal.steps(), engine.halt)
        summary = _summary(rows, command=config.command, started=started, calls=calls, quota=quota)
        _write_unless_unchanged(config.results, journal, sheet, rows, summary)
    notes = (*sheet.warnings, *found.notes)
    return Report(rows, summary, config.results, engine.halt, plan.calls, notes)


async def _send(
    config: RunConfig,
    client: Client,
    journal: Journal,
    pacer: Pacer,
    plan: Plan,
    budget: int | None,
    quota: Quota | None,
    progress: Callable[[int], AbstractContextManager[Listener]] | None,
) -> Engine:
    """Send the plan's work, journaling the run; the engine tells how it went."""
    for fingerprint in plan.reopen:
        journal.reopen_row(fingerprint)
    run_id = journal.start_run(config.command)
    display = progress(len(plan.work)) if progress else contextlib.nullcontext(None)
    with display as listener:
        if listener is not None and quota is not None:
            listener.quota_seen(quota)
        engine = Engine(
            client=client,
            journal=journal,
            pacer=pacer,
            budget=Budget(budget),
            settings=EngineSettings(
                concurrency=config.concurrency,
                max_attempts=config.max_attempts,
                backoff_base=config.backoff_base,
                backoff_cap=config.backoff_cap,
            ),
            listener=listener,
        )
        await _send_interruptibly(engine, plan)
    quota = engine.stats.quota or quota
    journal.end_run(
        run_id,
        outcome=str(engine.halt or "finished"),
        calls_spent=engine.stats.calls_spent,
        quota_used=quota.used if quota else None,
        quota_limit=quota.limit if quota else None,
    )
    return engine


def _write_unless_unchanged(
    path: Path, journal: Journal, sheet: Sheet, rows: Sequence[RowResult], summary: Summary
) -> None:
    """Write the results, unless the file on disk already holds exactly these rows.

    A resume that changes nothing (the common "is it done?" rerun) then costs no
    workbook rewrite; a file edited or replaced since is written again.
    """
    digest = hashlib.sha256(repr((sheet.columns, sheet.rows, rows)).encode()).hexdigest()
    stamp = _stamp(path)
    if stamp is not None and journal.meta("results") == f"{digest} {stamp}":
        return
    write_results(path, sheet, rows, summary)
    journal.set_meta("results", f"{digest} {_stamp(path)}")


def _stamp(path: Path) -> str | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return f"{path.resolve()} {found.st_size} {found.st_mtime_ns}"


def _budget(quota: Quota | None, max_calls: int | None) -> int | None:
    limits = [n for n in (quota.left if quota else None, max_calls) if n is not None]
    return min(limits) if limits else None


async def _send_interruptibly(engine: Engine, plan: Plan) -> None:
    """Ctrl-C once: send nothing more, let calls in flight finish. Twice: abandon them
    (their steps stay journaled as sent, and are resent with the same key next run)."""
    task = asyncio.ensure_future(engine.run(plan.work))

    def on_interrupt() -> None:
        if engine.stopped:
            task.cancel()
        else:
            engine.stop(Interrupted("interrupted (Ctrl-C); rerun the same command to resume"))

    with _signal_handler(on_interrupt), contextlib.suppress(asyncio.CancelledError):
        await task


@contextlib.contextmanager
def _signal_handler(callback: Callable[[], None]) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, callback)
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


def build_rows(
    checked: Sequence[CheckedRow],
    plan: Plan,
    journal_rows: Mapping[str, RowRecord],
    journal_steps: Mapping[str, Mapping[str, StepRecord]],
    halt: BulkadsError | None,
) -> tuple[RowResult, ...]:
    """Every sheet row's result, in sheet order, from the plan and the journal."""
    results = []
    for row in checked:
        record = journal_rows.get(row.fingerprint)
        decision = plan.decisions.get(row.number)
        if decision is not None:
            status, message = decision.status, decision.message
            issues, ids = decision.issues or row.issues, dict(decision.ids)
        elif record is not None:
            status, message, issues, ids = record.status, record.message, row.issues, record.ids
            if status == "pending" and not message:  # the run was killed mid-row
                message = _unfinished(row, journal_steps.get(row.fingerprint, {}))
        else:
            status, issues, ids = "pending", row.issues, {}
            message = f"not sent: {halt}" if halt else "not sent yet"
        if status != "created":
            ids = {k: v for k, v in ids.items() if k not in _EARLIER_IDS}
        steps = journal_steps.get(row.fingerprint, {})
        results.append(_row_result(row, status, message, issues, ids, record, steps))
    return tuple(results)


def _row_result(
    row: CheckedRow,
    status: Status,
    message: str,
    issues: tuple[Issue, ...],
    ids: Mapping[str, Any],
    record: RowRecord | None,
    steps: Mapping[str, StepRecord],
) -> RowResult:
    ordered = [steps[tool] for tool in steps_for(row.arguments) if tool in steps]
    last = ordered[-1] if ordered else None
    warnings = [i.message for i in row.issues if i.severity == "warning"]
    if warnings and status != "invalid":
        message = f"{message}; warnings: {'; '.join(warnings)}"
    return RowResult(
        number=row.number,
        status=status,
        message=message,
        issues=issues,
        campaign_id=_text(ids.get("campaign_id")),
        ad_group_id=_text(ids.get("ad_group_id")),
        ad_id=_text(ids.get("ad_id")),
        prepared_asset_bundle_id=_text(ids.get("asset_bundle_id")),
        prepared_image_ids=", ".join(ids.get("image_ids") or []),
        prepared_card_id=_text(ids.get("card_id")),
        idempotency_key=last.idempotency_key if last else "",
        attempts=sum(step.attempts for step in ordered),
        response=last.answer if last else "",
        finished_at=record.finished_at if record else "",
    )


def _unfinished(row: CheckedRow, steps: Mapping[str, StepRecord]) -> str:
    tools = steps_for(row.arguments)
    done = sum(1 for tool in tools if tool in steps and steps[tool].status == "done")
    return (
        f"started, not finished ({done} of {len(tools)} calls done; a call in flight is "
        "resent with its key): rerun to resume"
    )


def _issues_message(row: CheckedRow) -> str:
    errors = [i.message for i in row.issues if i.severity == "error"]
    warnings = [i.message for i in row.issues if i.severity == "warning"]
    parts = ["; ".join(errors)] if errors else ["ok"]
    if warnings:
        parts.append(f"warnings: {'; '.join(warnings)}")
    return "; ".join(parts)


def _summary(
    rows: Sequence[RowResult], *, command: str, started: datetime, calls: int, quota: Quota | None
) -> Summary:
    counts = Counter(row.status for row in rows)
    return Summary(
        command=command,
        started=started.isoformat(timespec="seconds"),
        ended=utc_now().isoformat(timespec="seconds"),
        counts={status: counts.get(status, 0) for status in STATUSES},
        calls_spent=calls,
        quota_used=quota.used if quota else None,
        quota_left=quota.left if quota else None,
    )


def _dry_report(
    sheet: Sheet,
    checked: Sequence[CheckedRow],
    plan: Plan,
    found: Preflight,
    facts: Facts,
    command: str,
    started: datetime,
) -> Report:
    """The plan as a report: rows that would be sent are `valid`, with their cost."""
    costs = {item.number: item.cost for item in plan.work}
    rows = tuple(
        replace(row, status="valid", message=f"would be sent: {costs[row.number]} billable call(s)")
        if row.number in costs
        else row
        for row in build_rows(checked, plan, facts.journal_rows, facts.journal_steps, None)
    )
    summary = _summary(rows, command=command, started=started, calls=0, quota=found.quota)
    return Report(rows, summary, None, None, plan.calls, (*sheet.warnings, *found.notes))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
