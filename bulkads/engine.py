"""The engine (CONTRACT §4-§6): a worker pool that sends each row's steps exactly once.

Usage::

    engine = Engine(transport=client, journal=journal, pacer=Pacer(2.0),
                    settings=EngineSettings(concurrency=4))   # a RunConfig is one too
    await engine.run(plan.work)
    engine.halt        # None, or the run-level error that stopped it (quota, key, ...)

Every step's key and bytes are journaled before the first send and reused on every
retry; answers are journaled as they come. A failure in one row never stops the
others; only a run-level verdict (quota, key, base URL) stops the pool, cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from bulkads.accounts import Accounts
from bulkads.answers import (
    Outcome,
    Quota,
    Verdict,
    judge,
    quota_error,
    run_error,
    unreachable,
)
from bulkads.arguments import CREATE
from bulkads.concurrency import concurrency_for, signal_for
from bulkads.config import EngineSettings
from bulkads.errors import (
    BulkadsError,
)
from bulkads.gate import Gate, Slot, poll_for
from bulkads.ids import extract_ids
from bulkads.journal import Journal
from bulkads.pacing import Pacer, backoff
from bulkads.plan import PRODUCES, Work, encode, step_arguments, steps_for
from bulkads.states import RowState, StepState
from bulkads.transport import Answer, Transport, until_out

log = logging.getLogger("bulkads")

# Verdicts after which the step's outcome is not final: the row stays pending.
_UNFINISHED = frozenset({Verdict.RETRY, Verdict.HALT_QUOTA, Verdict.HALT_KEY, Verdict.HALT_CONFIG})


class Listener(Protocol):
    """Told about progress (the CLI's progress bar or log lines)."""

    def row_finished(self, number: int, status: RowState, message: str) -> None: ...

    def quota_seen(self, quota: Quota) -> None: ...

    def stopping(self, reason: str, in_flight: int, *, abandoned: bool = False) -> None: ...

    def calls_in_flight(self, count: int) -> None: ...


class _Silent:
    def row_finished(self, number: int, status: RowState, message: str) -> None:
        pass

    def quota_seen(self, quota: Quota) -> None:
        pass

    def stopping(self, reason: str, in_flight: int, *, abandoned: bool = False) -> None:
        pass

    def calls_in_flight(self, count: int) -> None:
        pass


@dataclass
class Stats:
    # Billable calls this run got billed for: a replayed answer counts when the call it
    # replays went out earlier in this run (its answer was lost), not when an earlier run
    # sent it.
    calls_spent: int = 0
    requests: int = 0
    unanswered: int = 0  # requests that got no answer: their billing is not known here
    quota: Quota | None = None  # the quota as best known: the highest `used` read anywhere
    most_used: int | None = None  # the highest `used` answers carried (a replay's is old)
    # Calls abandoned in flight by a stop: the API bills those it finishes, after this run
    # can learn of it; the record says so rather than count or drop them silently.
    left_in_flight: int = 0

    def begin(self, quota: Quota) -> None:
        """The quota read before sending (pre-flight's): what answers show never goes below."""
        self.quota = quota

    def learn(self, quota: Quota) -> Quota:
        """An answer's quota block; the quota as best known, which it returns: the highest
        `used` (a replay, or an answer overtaken by later ones, carries an older count)."""
        self.most_used = max(self.most_used or 0, quota.used)
        known = max(self.most_used, self.quota.used if self.quota else 0)
        self.quota = replace(quota, used=known)
        return self.quota

    def billed_since(self, start: Quota | None) -> int:
        """The calls billed this run: the API's own count (`used` now less `used` at the
        start) where both are known, else the calls counted."""
        if start is None or self.most_used is None:
            return self.calls_spent
        return max(self.most_used - start.used, 0)

    rows: int = 0  # rows finished (any status), for rows a second
    most_in_flight: int = 0
    seconds: float = 0.0  # how long sending took


@dataclass
class _RowRun:
    """The state of one row while its steps are sent."""

    item: Work
    produced: dict[str, Any] = field(default_factory=dict)  # IDs the finished steps gave
    done: list[str] = field(default_factory=list)  # the finished steps
    status: RowState = "pending"
    message: str = ""
    slot: Slot | None = None  # the slot the row started with, for its first call

    def take_slot(self) -> Slot | None:
        slot, self.slot = self.slot, None
        return slot


class Engine:
    def __init__(
        self,
        *,
        transport: Transport,
        journal: Journal,
        pacer: Pacer,
        settings: EngineSettings,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        listener: Listener | None = None,
        gate: Gate | None = None,
    ) -> None:
        self._transport = transport
        self._journal = journal
        self._pacer = pacer
        self._settings = settings
        self._rng = rng or random.Random()
        self._sleep = sleep  # the back-off's; the pacer has its own clock and sleep
        self._listener = listener or _Silent()
        self._stopped = asyncio.Event()
        self._no_advertiser_blocked: Accounts | None = None  # offered once the API asked for one
        self._gate = gate or Gate(
            concurrency_for(
                settings.concurrency, rate=pacer.rate, max_concurrency=settings.max_concurrency
            ),
            sleep=sleep,
            poll=poll_for(pacer.rate),
        )
        self._abandoned = False
        self.halt: BulkadsError | None = None
        self.stats = Stats()

    def stop(self, reason: BulkadsError, *, abandon: bool = False) -> None:
        """Send nothing more; calls in flight finish, or are left to the next run when the
        caller abandons them (`abandon`: it cancels `run`). The first reason wins."""
        if self.halt is None or (abandon and not self._abandoned):
            self.halt = self.halt or reason
            self._abandoned = abandon
            if abandon:
                self.stats.left_in_flight = self._gate.on_wire
            self._listener.stopping(str(self.halt), self._gate.on_wire, abandoned=abandon)
        self._stopped.set()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    async def run(self, work: Sequence[Work]) -> None:
        queue = deque(work)

        async def worker() -> None:
            while queue and not self.stopped:
                slot = await self._gate.acquire()  # a row starts when its first call may go
                if not queue or self.stopped:
                    slot.release()
                    return
                await self._guarded(queue.popleft(), slot)

        started = self._gate.clock()
        workers = [asyncio.create_task(worker()) for _ in range(self._gate.limiter.most)]
        try:
            await asyncio.gather(*workers)
        finally:
            for task in workers:
                task.cancel()
            self._gate.close()
            self.stats.seconds = self._gate.clock() - started

    async def _guarded(self, item: Work, slot: Slot) -> None:
        try:
            await self._row(item, slot)
        except BulkadsError as exc:  # e.g. the journal's disk is full: stop the run
            self.stop(exc)
        except Exception as exc:  # a bug in one row must not take the others down
            log.exception("row %s: unexpected error", item.number)
            self._journal.finish_row(
                item.fingerprint, status="pending", message=f"internal error: {exc!r}", ids={}
            )
        finally:
            slot.release()  # unless its first call took it

    async def _row(self, item: Work, slot: Slot) -> None:
        if self._no_advertiser_blocked is not None and "advertiser_id" not in item.arguments:
            self._skip_without_advertiser(item, self._no_advertiser_blocked)
            return
        self._journal.ensure_row(item.fingerprint, item.number)
        if item.restart:
            self._journal.forget_steps(item.fingerprint, item.restart)
        row = self._resume(item)
        row.slot = slot
        for tool in item.steps:
            if self.stopped or not await self._step(row, tool):
                break
        self._finish(row)

    def _finish(self, row: _RowRun) -> None:
        item = row.item
        if CREATE in row.done:
            row.status, row.message = "created", _created_message(row.produced)
        elif row.status == "pending" and not row.message:
            row.message = _pending_message(None, self.halt)
        if item.warning:
            row.message = f"{row.message}; warning: {item.warning}"
        self._journal.finish_row(
            item.fingerprint, status=row.status, message=row.message, ids=row.produced
        )
        self._row_finished(item.number, row.status, row.message)

    def _row_finished(self, number: int, status: RowState, message: str) -> None:
        self.stats.rows += 1
        self._listener.row_finished(number, status, message)

    def _skip_without_advertiser(self, item: Work, offered: Accounts) -> None:
        """The API asked for an advertiser: do not pay to hear it again."""
        message = (
            "not sent: the API needs an advertiser_id for this key; set advertiser_id "
            f"to one of: {offered.describe()}"
        )
        self._journal.ensure_row(item.fingerprint, item.number)
        self._journal.finish_row(item.fingerprint, status="rejected", message=message, ids={})
        self._row_finished(item.number, "rejected", message)

    def _resume(self, item: Work) -> _RowRun:
        """The row as its finished steps (from earlier runs too) left it."""
        row = _RowRun(item)
        for tool in steps_for(item.arguments):
            step = self._journal.step(item.fingerprint, tool)
            if step is not None and step.status == "done":
                row.produced.update(step.ids)
                row.done.append(tool)
        return row

    async def _step(self, row: _RowRun, tool: str) -> bool:
        """Send one step; whether it is done."""
        item = row.item
        body = encode(step_arguments(tool, item.arguments, row.produced))
        record = self._journal.plan_step(item.fingerprint, tool, body)
        key, first = record.idempotency_key, row.take_slot()
        outcome = await self._send(item, record.tool, record.body, key, first)
        if outcome is None or outcome.verdict in _UNFINISHED:
            if outcome is not None and outcome.verdict is not Verdict.RETRY:
                # A 401/402/404 means the call was not carried out: not "sent, unknown".
                self._record(item, tool, "planned", outcome)
            row.message = _pending_message(outcome, self.halt)
            return False
        if outcome.verdict is Verdict.DONE:
            return self._done(row, tool, outcome)
        prefix = "" if tool == CREATE else f"{tool}: "
        row.status, row.message = "rejected", prefix + outcome.message
        if outcome.verdict is Verdict.CHOOSE_ACCOUNT and outcome.accounts is not None:
            self._no_advertiser_blocked = outcome.accounts
            row.message += f" (set advertiser_id to one of: {outcome.accounts.describe()})"
        self._record(item, tool, "rejected", outcome)
        return False

    def _done(self, row: _RowRun, tool: str, outcome: Outcome) -> bool:
        ids = extract_ids(outcome.data or {})
        wanted = PRODUCES[tool]
        if wanted not in ids:
            row.status = "rejected"
            row.message = f"{tool} answered without a {wanted}: {outcome.message}"
            self._record(row.item, tool, "rejected", outcome)
            return False
        self._record(row.item, tool, "done", outcome, ids)
        row.produced.update(ids)
        row.done.append(tool)
        if outcome.quota_exhausted:
            self.stop(quota_error(outcome))
        return True

    async def _send(
        self, item: Work, tool: str, body: bytes, key: str, slot: Slot | None = None
    ) -> Outcome | None:
        """Send with retries (same key, same bytes); None: not sent.

        Each attempt holds a slot under the gate's limit from before the pacer to its
        answer (`slot`: one the row started with); back-off pauses hold none."""
        outcome: Outcome | None = None
        no_answer = False
        for attempt in range(1, self._settings.max_attempts + 1):
            if self.stopped:
                return outcome
            held = slot or await self._gate.acquire()
            slot = None
            try:
                answered = await self._attempt(item, tool, body, key, held)
            finally:
                held.release()
                self._listener.calls_in_flight(self._gate.on_wire)
            if answered is None:  # stopped while waiting for the pacer: nothing went out
                return outcome
            answer, outcome = answered
            self.stats.requests += 1
            no_answer = answer.status is None
            self.stats.unanswered += no_answer
            self._observe(outcome)
            if outcome.verdict is not Verdict.RETRY:
                # A replay at the first attempt answers a call an earlier run sent (billed
                # then); a later one, a call of this run whose answer was lost.
                if outcome.verdict is Verdict.DONE and (not answer.replayed or attempt > 1):
                    self.stats.calls_spent += 1  # the one count of what this run spent
                self._halt_on(outcome)
                return outcome
            self._record(item, tool, "sent", outcome, http_status=answer.status)
            if outcome.throttled:
                self._pacer.slow_down()
            if attempt < self._settings.max_attempts:
                await self._pause(self._delay(attempt, outcome))
        if no_answer and outcome is not None:
            self.stop(unreachable(outcome))
        return outcome

    async def _attempt(
        self, item: Work, tool: str, body: bytes, key: str, slot: Slot
    ) -> tuple[Answer, Outcome] | None:
        """One request, through the pacer; None when the run stopped before it went out."""
        call: asyncio.Future[Answer] | None = None
        try:
            turn = await self._pacer.acquire()
            if self.stopped:
                return None
            # "sent" is journaled (a durable commit) only now that the request leaves.
            self._journal.mark_sending(item.fingerprint, tool)
            out = asyncio.Event()
            call = asyncio.ensure_future(self._transport.call(tool, body, key, on_sent=out.set))
            await until_out(call, out)
            turn.out()  # the pacer's rules hold for when it actually left
            slot.sent()
            self.stats.most_in_flight = max(self.stats.most_in_flight, self._gate.on_wire)
            self._listener.calls_in_flight(self._gate.on_wire)
            answer = await call
        except BaseException:
            if call is not None:
                call.cancel()  # a second Ctrl-C abandons the call (it stays resumable)
            raise
        outcome = judge(answer)
        slot.answered(signal_for(answer.status, outcome, replayed=answer.replayed))
        return answer, outcome

    def _delay(self, attempt: int, outcome: Outcome) -> float:
        settings = self._settings
        return backoff(
            attempt=attempt,
            retry_after=outcome.retry_after,
            rng=self._rng,
            base=settings.backoff_base,
            cap=settings.backoff_cap,
        )

    def _observe(self, outcome: Outcome) -> None:
        if outcome.quota is not None:
            self._listener.quota_seen(self.stats.learn(outcome.quota))

    def _halt_on(self, outcome: Outcome) -> None:
        error = run_error(outcome)
        if error is not None:
            self.stop(error)

    async def _pause(self, delay: float) -> None:
        """Sleep, but wake at once if the run stops."""
        sleeping = asyncio.ensure_future(self._sleep(delay))
        stopping = asyncio.ensure_future(self._stopped.wait())
        try:
            await asyncio.wait((sleeping, stopping), return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeping.cancel()
            stopping.cancel()

    def _record(
        self,
        item: Work,
        tool: str,
        status: StepState,
        outcome: Outcome,
        ids: dict[str, Any] | None = None,
        *,
        http_status: int | None = None,
    ) -> None:
        self._journal.record_answer(
            item.fingerprint,
            tool,
            status=status,
            http_status=http_status,
            answer=outcome.message,
            ids=ids,
        )


def _pending_message(outcome: Outcome | None, halt: BulkadsError | None) -> str:
    if outcome is None or outcome.verdict is not Verdict.RETRY:
        return f"not finished: {halt}" if halt else "not finished: rerun to resume"
    return (
        f"outcome unknown ({outcome.message}); rerun the same command to resend it with the "
        "same idempotency key"
    )


def _created_message(produced: dict[str, Any]) -> str:
    return f"created (paused) as campaign {produced.get('campaign_id', '?')}"
