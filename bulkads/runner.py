"""The whole job, callable from Python: pre-flight, plan, send, write the results.

Usage::

    report = bulkads.run(RunConfig(...))           # or await run_async(config)
    report.exit_code, report.rows[0].status, report.results_path

Reading the sheet is `status.read`; what comes before the first billable call (free
calls, checking, lookups, the plan) is `preparing.py`; the rows and the Report are
`report.py`; `validate` (sends nothing) is in `status.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from bulkads.answers import Quota
from bulkads.client import Client
from bulkads.config import RunConfig
from bulkads.engine import Engine, Listener
from bulkads.errors import BulkadsError
from bulkads.journal import FINISHED, Journal, utc_now
from bulkads.pacing import Pacer
from bulkads.plan import Facts, Plan
from bulkads.preflight import Preflight, usage_now
from bulkads.preparing import Prepared, prepare
from bulkads.report import (
    Report,
    RowResult,
    Sending,
    Summary,
    build_rows,
    summarize,
    would_send,
)
from bulkads.results import TARGET_ID, write_results
from bulkads.sheet import Sheet, summary_items
from bulkads.status import (
    ADVERTISER_META,
    cached_names,
    facts_from,
    read,
    remembered_advertiser,
    remembered_note,
)
from bulkads.stopping import Stopper
from bulkads.target import Target, bind, check_fed_back
from bulkads.targeting import Catalogue

TARGET_META = "target"  # the journal's meta key for the target it belongs to
_USAGE_WAIT = 10.0  # seconds for the free usage check after answers were lost
_USAGE_WAIT_STOPPING = 1.5  # the same after a signal: the run ends within 5 s


def run(config: RunConfig, *, clock: Callable[[], datetime] = utc_now) -> Report:
    """Run the job described by `config` to the end or to a halt (see `Report.exit_code`)."""
    return asyncio.run(run_async(config, clock=clock))


@dataclass(frozen=True, kw_only=True)
class _Sent:
    """What preparing and sending left behind, for the report."""

    ready: Prepared
    engine: Engine | None = None  # None: nothing was sent (a halt or a dry run)

    @property
    def halt(self) -> BulkadsError | None:
        """Why the run stopped: the sending's, or the preparing's when nothing was sent."""
        return self.engine.halt if self.engine else self.ready.halt

    def calls(self) -> int:
        """The calls billed this run: the engine's (the API's own count since pre-flight,
        which holds the lookups, where known) and the lookups'."""
        found, lookups = self.ready.found, self.ready.lookups
        start = found.quota if found else None
        if self.engine is None:
            return lookups.spent
        if start is not None and self.engine.stats.most_used is not None:
            return self.engine.stats.billed_since(start)
        return self.engine.stats.calls_spent + lookups.spent

    def left_in_flight(self) -> int:
        """Calls a stop left on their way: the engine's, or a name lookup's before it."""
        return self.engine.stats.left_in_flight if self.engine else self.ready.lookups.in_flight


@dataclass(frozen=True)
class _Hooks:
    """What the caller plugs into a run: the display, the plan's viewer, the stopper."""

    progress: Callable[[int], AbstractContextManager[Listener]] | None
    on_plan: Callable[[Plan, Preflight], None] | None
    stopper: Stopper


async def run_async(
    config: RunConfig,
    *,
    progress: Callable[[int], AbstractContextManager[Listener]] | None = None,
    on_plan: Callable[[Plan, Preflight], None] | None = None,
    clock: Callable[[], datetime] = utc_now,
    signals: bool = False,
) -> Report:
    """`run`, inside a running event loop. `progress(n)` opens the display for n rows.

    Cancelling the task stops the run as SIGTERM does (calls in flight are left to the
    next run), writes the results, then lets the CancelledError through. `signals`
    (the CLI): Ctrl-C stops gracefully (twice: abandons), SIGTERM and SIGHUP abandon.
    """
    started = clock()
    hooks = _Hooks(progress, on_plan, Stopper())
    remembered = None if config.advertiser_id is not None else remembered_advertiser(config.journal)
    if remembered is not None:  # the rows as the journal's last run sent them
        config = replace(config, advertiser_id=remembered)
    with hooks.stopper.signals(enabled=signals):
        names = cached_names(config.journal, started, base_url=config.base_url)
        sheet = read(config.sheet, sheet_name=config.sheet_name)  # checked during pre-flight
        with Journal.open(config.journal, clock=clock) as journal:
            facts = facts_from(sheet, journal, retry_rejected=config.retry_rejected)
            target = _target(config, journal, facts)
            if config.advertiser_id and not config.dry_run:
                journal.set_meta(ADVERTISER_META, config.advertiser_id)
            async with Client(
                base_url=config.base_url,
                api_key=config.api_key,
                timeout=config.timeout,
                concurrency=config.max_concurrency
                if config.concurrency == "auto"
                else config.concurrency,
            ) as client:
                sent = await _preflight_and_send(
                    config, client, journal, sheet, names, facts, started, hooks
                )
            report = _report(config, journal, sheet, facts, sent, target, started, clock)
            found = sent.ready.found  # a remembered advertiser is never applied unseen
            accounts = found.accounts if found else None
            said = remembered_note(sheet, remembered, journal=config.journal, accounts=accounts)
            report = replace(report, notes=(*said, *report.notes))
    if hooks.stopper.cancelled:
        raise asyncio.CancelledError  # cancelled from outside: the results are written
    return report


def _report(
    config: RunConfig,
    journal: Journal,
    sheet: Sheet,
    facts: Facts,
    sent: _Sent,
    target: Target,
    started: datetime,
    clock: Callable[[], datetime],
) -> Report:
    """The rows as the journal now has them, written to the results workbook."""
    engine, ready = sent.engine, sent.ready
    found, plan = ready.found, ready.plan
    if engine is None:  # nothing was sent: the journal is as read before
        rows = build_rows(ready.checked, plan, facts.journal_rows, facts.journal_steps, sent.halt)
    else:
        rows = build_rows(ready.checked, plan, journal.rows(), journal.steps(), sent.halt)
    quota = (engine.stats.quota if engine else None) or ready.quota
    if config.dry_run and found is not None:
        rows = would_send(rows, plan)
    summary = summarize(
        rows,
        command=config.command,
        started=started,
        ended=clock(),
        calls=sent.calls(),
        left_in_flight=sent.left_in_flight(),
        quota=quota,
        target=target,
        halt=sent.halt,
    )
    results = None if config.dry_run and found is not None else config.results
    if results is not None:
        _write_unless_unchanged(results, journal, sheet, rows, summary)
    return Report(
        rows=rows,
        summary=summary,
        results_path=results,
        halt=sent.halt,
        planned_calls=plan.calls if found else 0,
        notes=(*sheet.warnings, *(found.notes if found else ()), *ready.lookups.notes),
        sheet=sheet,
        sending=_sending(config, engine) if engine else None,
    )


def _sending(config: RunConfig, engine: Engine) -> Sending:
    stats = engine.stats
    return Sending(
        rows=stats.rows,
        seconds=stats.seconds,
        rate=config.rate,
        requests=stats.requests,
        most_in_flight=stats.most_in_flight,
        concurrency=str(config.concurrency),
    )


def _target(config: RunConfig, journal: Journal, facts: Facts) -> Target:
    """The run's target, checked against a results workbook fed back and bound to the
    journal before anything is sent (WrongTarget, exit 2, for another one)."""
    named = config.sheet if isinstance(config.sheet, Path) else config.sheet.path
    if facts.created_earlier and isinstance(config.sheet, Path):  # a DataFrame has no Summary
        fed = Target.decode(summary_items(config.sheet).get(TARGET_ID, ""))
        check_fed_back(fed, config.base_url, config.api_key, sheet=named)
    steps = (step for tools in facts.journal_steps.values() for step in tools.values())
    created = sum(1 for row in facts.journal_rows.values() if row.status == "created")
    stored = journal.meta(TARGET_META)
    target = bind(
        stored,
        config.base_url,
        config.api_key,
        history=bool(created) or any(step.attempts for step in steps),
        created=created,
        journal=config.journal,
        sheet=named,
    )
    if not config.dry_run and stored != target.encode():
        journal.set_meta(TARGET_META, target.encode())
    return target


async def _preflight_and_send(
    config: RunConfig,
    client: Client,
    journal: Journal,
    sheet: Sheet,
    names: Catalogue,
    facts: Facts,
    started: datetime,
    hooks: _Hooks,
) -> _Sent:
    """Prepare the plan (free calls, checking, lookups) and send it, unless a dry run."""
    pacer = Pacer(config.rate)
    ready = await prepare(
        config, client, pacer, journal, sheet, names, facts, now=started, stopper=hooks.stopper
    )
    if ready.halt is not None or ready.found is None:  # nothing can be sent
        return _Sent(ready=ready)
    if hooks.on_plan is not None:
        hooks.on_plan(ready.plan, ready.found)
    if config.dry_run:
        return _Sent(ready=ready)
    engine = await _send(config, client, journal, pacer, ready.plan, ready.quota, hooks)
    return _Sent(ready=ready, engine=engine)


async def _send(
    config: RunConfig,
    client: Client,
    journal: Journal,
    pacer: Pacer,
    plan: Plan,
    quota: Quota | None,
    hooks: _Hooks,
) -> Engine:
    """Send the plan's work, journaling the run; the engine tells how it went."""
    for fingerprint in plan.reopen:
        journal.reopen_row(fingerprint)
    run_id = journal.start_run(config.command)
    progress = hooks.progress
    display = progress(len(plan.work)) if progress else contextlib.nullcontext(None)
    with display as listener:
        engine = Engine(
            transport=client,
            journal=journal,
            pacer=pacer,
            settings=config,
            listener=listener,
        )
        if quota is not None:
            engine.stats.begin(quota)
            if listener is not None:
                listener.quota_seen(quota)
        await hooks.stopper.send(engine, plan.work)
    if engine.stats.unanswered and quota is not None and not hooks.stopper.cancelled:
        # Answers were lost: ask the API what it billed (free); briefly after a signal.
        within = _USAGE_WAIT_STOPPING if hooks.stopper.reason else _USAGE_WAIT
        now = await usage_now(client, pacer, within=within)
        if now is not None:
            engine.stats.learn(now)
    spent = engine.stats.billed_since(quota)
    quota = engine.stats.quota or quota
    journal.end_run(
        run_id,
        outcome=str(engine.halt or FINISHED),
        calls_spent=spent,
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
