"""Pacing: the request rate and the back-off between retries (the budget is `plan.run_budget`).

Usage::

    pacer = Pacer(rate=2.0)
    await pacer.acquire()             # before every request, retries included
    pacer.slow_down()                 # after a 429: half the rate for a while

    delay = backoff(attempt=2, retry_after=None, rng=random.Random())
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable

# Every window is stretched by 3%: 30 ms of slack a second, so timer, scheduling and
# loopback jitter never put one request too many into a one-second window at the server.
_MARGIN = 1.03
# Requests may come this much closer than the average spacing, so a late wake-up is
# made up at once instead of slowing the whole run (the window rule still holds).
_CATCH_UP = 0.9


class Pacer:
    """At most `rate` requests in any one-second window, evenly spaced (no burst at
    start); half that rate for `slow_for` seconds after a 429.

    A log of the last send times enforces two rules: any `n = floor(rate)` consecutive
    sends span at least a (stretched) second, and two sends are never closer than 90%
    of the average spacing. The window rule is measured on actual send times, so a
    stalled event loop cannot release a burst; the spacing rule keeps them even.
    aiolimiter's `AsyncLimiter(1, 1/rate)` also never bursts, but its waiters sleep a
    whole period after each miss, which cost 7% of the rate here (benchmarks/RESULTS.md).
    """

    def __init__(
        self,
        rate: float,
        *,
        slow_for: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._rate = rate
        self._slow_for = slow_for
        self._slow_until = float("-inf")
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[Sent] = deque(maxlen=_per_window(rate))
        self._turn = asyncio.Lock()  # FIFO: waiters are let through in order

    async def acquire(self) -> Sent:
        """Wait for the next request's turn. Its time is now, unless `Sent.out()` later says
        when it actually left: the rules then hold for that time, so what delays a request
        on its way (the journal's commit, a new connection) cannot bunch requests up at
        the server. A waiter re-checks after each sleep, so it sees such a correction."""
        async with self._turn:
            while (wait := self._wait()) > 0:
                await self._sleep(wait)
            sent = Sent(self._clock)
            self._sent.append(sent)
            return sent

    @property
    def rate(self) -> float:
        """The rate asked for, requests a second."""
        return self._rate

    def slow_down(self) -> None:
        self._slow_until = self._clock() + self._slow_for

    @property
    def slowed(self) -> bool:
        return self._clock() < self._slow_until

    def _wait(self) -> float:
        """Seconds until the next request may go."""
        rate = self._rate / 2 if self.slowed else self._rate
        count = _per_window(rate)
        window = _MARGIN * max(1.0, count / rate)
        now = self._clock()
        wait = 0.0
        if self._sent:
            wait = self._sent[-1].turn + _CATCH_UP * window / count - now
        if len(self._sent) >= count:
            wait = max(wait, self._sent[-count].at + window - now)
        return wait


class Sent:
    """One request's time in the pacer's log."""

    __slots__ = ("_clock", "at", "turn")

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.turn = clock()  # when it was let through: the spacing keeps to these
        self.at = self.turn  # when it left: the window rule holds for these

    def out(self) -> None:
        """The request actually left now."""
        self.at = max(self.at, self._clock())


def _per_window(rate: float) -> int:
    """Requests one window may hold: a 2.5/s rate allows 2 in any second, 0.5/s one in two."""
    return max(1, math.floor(rate))


def backoff(
    *,
    attempt: int,
    retry_after: float | None,
    rng: random.Random,
    base: float = 1.0,
    cap: float = 60.0,
) -> float:
    """Exponential back-off with full jitter (AWS Architecture Blog, "Exponential Backoff
    and Jitter"), never shorter than what the API asked for. `attempt` counts from 1."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return max(rng.uniform(0, ceiling), retry_after or 0.0)
