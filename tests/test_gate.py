"""CONTRACT §1/§4: calls in flight never exceed the limit, and with `auto` the run reaches
the rate at the API's latency; the pacer stays the ceiling. In virtual time, never sleeping."""

from __future__ import annotations

import asyncio

from test_pacing import most_in_window
from virtual import VirtualTime

from bulkads.concurrency import AutoConcurrency, Concurrency, FixedConcurrency, Signal
from bulkads.gate import Gate
from bulkads.pacing import Pacer


class Calls:
    """Workers sending `count` calls through a gate and a pacer, each taking `latency` s."""

    def __init__(self, limiter: Concurrency, time: VirtualTime, rate: float) -> None:
        self.time = time
        self.gate = Gate(limiter, clock=time.clock, sleep=time.sleep, poll=0.25)
        self.pacer = Pacer(rate, clock=time.clock, sleep=time.sleep)
        self.sent: list[float] = []
        self.most_held = 0
        self.over_limit = 0

    async def send(self, count: int, workers: int, latency: float) -> list[float]:
        jobs = iter(range(count))

        async def worker() -> None:
            for _ in jobs:
                slot = await self.gate.acquire()
                self.most_held = max(self.most_held, self.gate.held)
                if self.gate.held > self.gate.limit():
                    self.over_limit += 1
                await self.pacer.acquire()
                slot.sent()
                self.sent.append(self.time.clock())
                await self.time.sleep(latency)
                slot.answered(Signal.WORK)

        await asyncio.gather(*(worker() for _ in range(workers)))
        return self.sent


def test_auto_reaches_the_rate_at_a_long_latency() -> None:
    time = VirtualTime()
    calls = Calls(AutoConcurrency(rate=2.0), time, rate=2.0)
    sent = time.run(calls.send(count=200, workers=64, latency=22.0))
    assert len(sent) == 200
    assert 199 / (sent[-1] - sent[0]) >= 0.95 * 2.0
    assert most_in_window(sent, 1.0) <= 2
    assert calls.over_limit == 0


def test_a_pinned_number_is_never_exceeded_whatever_the_workers() -> None:
    time = VirtualTime()
    calls = Calls(FixedConcurrency(3), time, rate=50.0)
    sent = time.run(calls.send(count=60, workers=20, latency=1.0))
    assert len(sent) == 60 and calls.most_held == 3
    assert 59 / (sent[-1] - sent[0]) <= 3.0 * 1.05  # 3 in flight / 1 s, not the rate


def test_a_released_slot_lets_a_waiter_in() -> None:
    time = VirtualTime()
    gate = Gate(FixedConcurrency(1), clock=time.clock, sleep=time.sleep)

    async def two() -> list[str]:
        order: list[str] = []
        first = await gate.acquire()

        async def second() -> None:
            slot = await gate.acquire()
            order.append("second in")
            slot.release()

        waiting = asyncio.ensure_future(second())
        await time.sleep(5.0)
        order.append("first out")
        first.release()
        await waiting
        return order

    assert time.run(two()) == ["first out", "second in"]
    assert gate.held == 0 and gate.on_wire == 0
