"""Pacing: the request rate, the budget of billable calls, and the back-off between retries.

Usage::

    pacer = Pacer(rate=2.0)
    await pacer.acquire()             # before every request, retries included
    pacer.slow_down()                 # after a 429: half the rate for a while

    budget = Budget(left=quota_left)  # None: no known limit
    if budget.reserve(3): ...         # a row starts only when all its steps fit

    delay = backoff(attempt=2, retry_after=None, rng=random.Random())
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from aiolimiter import AsyncLimiter

# AsyncLimiter(1, period) lets one request through per period and never bursts
# (MEASURED.md). The 3% margin leaves 30 ms of slack in every second, so timer,
# scheduling and loopback jitter never put rate + 1 requests into one second.
_MARGIN = 1.03


class Pacer:
    """At most `rate` requests in any one-second window; half that for `slow_for` s after a 429."""

    def __init__(
        self, rate: float, *, slow_for: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limiter = AsyncLimiter(1, _MARGIN / rate)
        self._slow = AsyncLimiter(1, 2 * _MARGIN / rate)
        self._slow_for = slow_for
        self._slow_until = float("-inf")
        self._clock = clock

    async def acquire(self) -> None:
        await self._limiter.acquire()
        if self._clock() < self._slow_until:
            await self._slow.acquire()

    def slow_down(self) -> None:
        self._slow_until = self._clock() + self._slow_for

    @property
    def slowed(self) -> bool:
        return self._clock() < self._slow_until


class Budget:
    """Billable calls this run may still spend: min(quota left, --max-calls), or unknown.

    Only our own calls are counted against the pre-flight figure. The `data.quota` of
    answers is not folded in: with calls in flight it cannot tell which of ours it
    already counts. Spending by someone else on the same key ends in a 402, which
    halts the run with nothing lost.
    """

    def __init__(self, left: int | None) -> None:
        self.left = left  # None: no known limit (a 402 will tell)
        self.reserved = 0  # promised to rows already started, not yet spent

    def reserve(self, calls: int) -> bool:
        if self.left is not None and calls > self.left - self.reserved:
            return False
        self.reserved += calls
        return True

    def spend(self) -> None:
        """One reserved call was billed."""
        self.reserved -= 1
        if self.left is not None:
            self.left -= 1

    def release(self, calls: int) -> None:
        """Reserved calls that will not be sent (or were not billed)."""
        self.reserved -= calls


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
