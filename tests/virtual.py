"""Virtual time for tests: injected clocks and sleeps that never wait (as aiolimiter's tests).

Usage::

    time = VirtualTime()
    pacer = Pacer(10, clock=time.clock, sleep=time.sleep)
    result = time.run(main())        # main's sleeps pass instantly, in time order
    time.now                         # seconds of virtual time spent
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class VirtualTime:
    """Sleepers wake in time order, and the clock jumps to each wake-up.

    `run` drives a coroutine: whenever every task is blocked, the earliest sleeper is
    woken and the clock set to its time, so concurrent sleeps overlap as real ones do.
    A sleep cancelled before its time (a stop cutting a back-off short) is skipped.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), future))
        await future

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run(self.drive(coroutine))

    async def drive(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """`run`, inside a running loop."""
        task = asyncio.ensure_future(coroutine)
        while not task.done():
            for _ in range(50):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)  # cancelled
            if self._sleepers:
                when, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, when)
                future.set_result(None)
        return task.result()
