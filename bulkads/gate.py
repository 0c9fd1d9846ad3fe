"""The engine's in-flight gate: a call waits here for a slot, under the limiter's current limit.

Usage::

    gate = Gate(AutoConcurrency(rate=2.0))      # or FixedConcurrency(4)
    slot = await gate.acquire()                 # room under the limit (pacer waits included)
    await pacer.acquire(); slot.sent()          # on the wire now
    answer = await client.call(...)
    slot.answered(signal_for(answer.status, outcome, replayed=answer.replayed))
    gate.on_wire, gate.limit()                  # for the progress display

A slot is held from `acquire` until its answer (or `release`), so a call waiting at the
pacer counts: no more than the limit are ever past this gate. Back-off pauses happen
outside a slot. The auto limit also grows with time (a call in flight raises the latency
estimate as it ages), so waiters are woken every `poll` seconds as well as on answers
(`poll_for`: once per pacing interval, so no waiter misses its turn at the pacer).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bulkads.concurrency import Concurrency, Signal

MAX_POLL = 0.25  # seconds: how long a waiter may sleep through a grown limit, at most


def poll_for(rate: float) -> float:
    """How often waiters re-check the limit at `rate` requests a second: once per pacing
    interval. The auto limit grows with its oldest call's age by rate × 1.2 a second
    (`concurrency.HEADROOM`), a little faster than the pacer lets calls go, so waking
    once per interval keeps a waiter ready for every turn at the pacer; more often costs
    CPU for nothing (a wake-up costs about 0.2 ms here). A fixed 0.25 s left the third
    call of a 20/s run waiting for the first answer."""
    return min(MAX_POLL, 1.0 / rate)


class Slot:
    """One call's place under the limit."""

    def __init__(self, gate: Gate) -> None:
        self._gate = gate
        self._ticket: int | None = None
        self._open = True

    def sent(self) -> None:
        """The call went on the wire (after the pacer)."""
        self._ticket = self._gate.limiter.sent(self._gate.clock())

    def answered(self, signal: Signal) -> None:
        """Its answer came (or none will): what it says about the load, and the slot is free."""
        if not self._open:
            return
        self._open = False
        if self._ticket is not None:
            self._gate.limiter.answered(self._ticket, self._gate.clock(), signal)
        self._gate.freed()

    def release(self) -> None:
        """Free the slot; a call still on the wire counts as an answer that says nothing."""
        self.answered(Signal.QUIET)


class Gate:
    """Calls in flight held to `limiter.limit(now)`."""

    def __init__(
        self,
        limiter: Concurrency,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        poll: float = MAX_POLL,
    ) -> None:
        self.limiter = limiter
        self.clock = clock
        self._sleep = sleep
        self._poll = poll
        self._held = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._ticker: asyncio.Task[None] | None = None

    @property
    def held(self) -> int:
        """Slots taken: calls on the wire and calls waiting at the pacer."""
        return self._held

    @property
    def on_wire(self) -> int:
        """Calls sent and not yet answered."""
        return self.limiter.in_flight

    def limit(self) -> int:
        return self.limiter.limit(self.clock())

    async def acquire(self) -> Slot:
        while self._held >= self.limit():
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            self._tick()
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        self._held += 1
        return Slot(self)

    def close(self) -> None:
        """Stop waking waiters (the run is over)."""
        if self._ticker is not None:
            self._ticker.cancel()

    def freed(self) -> None:
        self._held -= 1
        self._wake()

    def _wake(self) -> None:
        """Wake as many waiters as the limit has room for, first come first served."""
        room = self.limit() - self._held
        while room > 0 and self._waiters:
            waiter = self._waiters.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                room -= 1

    def _tick(self) -> None:
        """While anyone waits, look every `poll` s: the limit may have grown with time."""
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.ensure_future(self._ticking())

    async def _ticking(self) -> None:
        while self._waiters:
            await self._sleep(self._poll)
            self._wake()
