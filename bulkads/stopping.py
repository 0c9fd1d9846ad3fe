"""How a run is stopped from outside (CONTRACT §1 Signals, §4 Ctrl-C, §9 cancellation).

Usage::

    stopper = Stopper()
    with stopper.signals(enabled=True):          # the CLI: Ctrl-C, SIGTERM, SIGHUP
        try:
            found = await preflight(...)
        except asyncio.CancelledError:
            halt = stopper.caught()              # a signal of ours, or a cancel from outside
        await stopper.send(engine, work)         # never raises CancelledError
    if stopper.cancelled:
        raise asyncio.CancelledError             # once the results are written

- Ctrl-C once: send nothing more, let the calls in flight finish; twice: abandon them.
- SIGTERM, SIGHUP, and the run's task cancelled from outside (`asyncio.wait_for`,
  `task.cancel()`): send nothing more and leave the calls in flight to the next run at
  once. A signal ends the run as a halt (exit 3); a cancellation from outside propagates
  once the results are written.
Abandoned calls stay resumable: each step's key and bytes were journaled before it went out.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from bulkads.errors import Interrupted

if TYPE_CHECKING:
    from bulkads.engine import Engine
    from bulkads.plan import Work

_RESUME = "rerun the same command to resume"
REASONS: dict[signal.Signals, str] = {
    signal.SIGINT: f"interrupted (Ctrl-C); {_RESUME}",
    signal.SIGTERM: f"stopped by SIGTERM (a scheduler, `docker stop` or a CI cancel); {_RESUME}",
    signal.SIGHUP: f"stopped by SIGHUP (the terminal was closed); {_RESUME}",
}
CANCELLED = f"cancelled (the task running bulkads was cancelled); {_RESUME}"


class Stopper:
    """Routes Ctrl-C, SIGTERM/SIGHUP and a cancellation from outside to one run."""

    def __init__(self) -> None:
        self.reason: Interrupted | None = None  # why the run was stopped from outside
        self.cancelled = False  # the run's task was cancelled from outside: re-raise at the end
        self._engine: Engine | None = None
        self._sending: asyncio.Future[None] | None = None  # the engine's task while it runs
        self._run: asyncio.Task[object] | None = None  # the run's task, for early signals
        self._own_cancel = False  # a signal before sending cancelled the run's task
        self._sent = False  # sending is over: a late signal only waits for the results

    @contextlib.contextmanager
    def signals(self, *, enabled: bool) -> Iterator[None]:
        """Handle Ctrl-C, SIGTERM and SIGHUP while the block runs (the main thread only)."""
        loop = asyncio.get_running_loop()
        self._run = asyncio.current_task()
        installed: list[signal.Signals] = []
        if enabled:
            for number in REASONS:
                try:
                    loop.add_signal_handler(number, self._on_signal, number)
                except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                    break
                installed.append(number)
        try:
            yield
        finally:
            for number in installed:
                loop.remove_signal_handler(number)

    def caught(self) -> Interrupted:
        """Why a CancelledError reached the run before it sent anything: a signal of ours,
        or a cancellation from outside (then `cancelled`: re-raise once the results are
        written)."""
        self._sort_out_cancel()
        self.reason = self.reason or Interrupted(CANCELLED)
        return self.reason

    async def send(self, engine: Engine, work: Sequence[Work]) -> None:
        """Run the engine over `work` until it ends or is stopped; never raises CancelledError
        (a cancellation from outside sets `cancelled`)."""
        self._engine = engine
        self._sending = sending = asyncio.ensure_future(engine.run(work))
        try:
            await sending
        except asyncio.CancelledError:
            self._sort_out_cancel()
            # Ours (a signal abandoning the calls in flight), or from outside: as SIGTERM.
            engine.stop(self.reason or Interrupted(CANCELLED), abandon=True)
            sending.cancel()
        finally:
            self._engine = self._sending = None
            self._sent = True

    def _sort_out_cancel(self) -> None:
        """Withdraw a cancel of the run's task that a signal of ours asked for; any other
        cancel came from outside."""
        task = asyncio.current_task()
        if task is None:
            return
        if self._own_cancel:
            self._own_cancel = False
            task.uncancel()
        if task.cancelling():
            self.cancelled = True
            self.reason = self.reason or Interrupted(CANCELLED)

    def _on_signal(self, number: signal.Signals) -> None:
        if number == signal.SIGHUP:
            _leave_the_terminal()
        engine, sending = self._engine, self._sending
        if self.reason is None:
            self.reason = Interrupted(REASONS[number])
        if engine is None or sending is None:
            if not self._sent and not self._own_cancel and self._run is not None:
                self._own_cancel = True
                self._run.cancel()  # before sending: end the wait; the run writes its results
            return
        if number == signal.SIGINT and not engine.stopped:
            engine.stop(self.reason)  # let the calls in flight finish
            return
        try:
            engine.stop(self.reason, abandon=True)
        finally:
            sending.cancel()


def _leave_the_terminal() -> None:
    """After a hangup the terminal is gone and writing to it fails (EIO): what was bound
    for it goes nowhere, so that the run still writes its results and exits 3."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            with contextlib.suppress(OSError):
                if os.isatty(fd):
                    os.dup2(devnull, fd)
    finally:
        os.close(devnull)
