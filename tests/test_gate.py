"""CONTRACT §1/§4: calls in flight never exceed the limit, and with `auto` the run reaches
the rate at the API's latency; the pacer stays the ceiling. In virtual time, never sleeping."""

from __future__ import annotations

import asyncio
import itertools

from test_pacing import most_in_window
from virtual import VirtualTime

from bulkads.concurrency import AutoConcurrency, Concurrency, FixedConcurrency, Signal
from bulkads.gate import Gate, poll_for
from bulkads.pacing import Pacer


class Calls:
    """Workers sending `count` calls through a gate and a pacer, each taking `latency` s."""

    def __init__(
        self, limiter: Concurrency, time: VirtualTime, rate: float, *, poll: float = 0.25
    ) -> None:
        self.time = time
        self.gate = Gate(limiter, clock=time.clock, sleep=time.sleep, poll=poll)
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


def test_from_a_cold_start_no_call_waits_past_its_turn_at_the_pacer() -> None:
    # At 20/s and L = 0.25 s the auto limit starts at 2 and grows as the first calls age;
    # waking the waiters only every 0.25 s left the third call waiting for the first answer.
    time = VirtualTime()
    calls = Calls(AutoConcurrency(rate=20.0), time, rate=20.0, poll=poll_for(20.0))
    sent = time.run(calls.send(count=40, workers=16, latency=0.25))
    first_window = [later - earlier for earlier, later in itertools.pairwise(sent[:20])]
    assert max(first_window) <= 0.06  # the pacer's spacing (~0.046 s), nothing more
    assert calls.over_limit == 0 and most_in_window(sent, 1.0) <= 20


def test_waiters_check_once_per_pacing_interval_and_at_least_every_quarter_second() -> None:
    assert poll_for(20.0) == 0.05 and poll_for(5.0) == 0.2
    assert poll_for(2.0) == 0.25 and poll_for(0.5) == 0.25


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


def test_a_freed_slot_wakes_one_waiter_and_an_idle_tick_none() -> None:
    # 63 workers wait at the gate in an auto run: waking them all for one slot (or every
    # tick) cost 30-40% more CPU per call once ticks came twice per pacing interval.
    time = VirtualTime()
    checks: list[float] = []  # every look at the limit: each woken waiter looks once

    class Counted(FixedConcurrency):
        def limit(self, now: float) -> int:
            checks.append(now)
            return super().limit(now)

    gate = Gate(Counted(1), clock=time.clock, sleep=time.sleep, poll=0.25)

    async def waiters() -> list[int]:
        first = await gate.acquire()
        admitted: list[int] = []

        async def wait(index: int) -> None:
            slot = await gate.acquire()
            admitted.append(index)
            await time.sleep(1.0)
            slot.release()

        tasks = [asyncio.ensure_future(wait(index)) for index in range(10)]
        await time.sleep(1.1)  # four ticks while the slot is held
        assert len(checks) <= 1 + 10 + 4  # the first acquire, each waiter once, each tick
        before = len(checks)
        first.release()
        await time.sleep(0.1)  # no tick: only the freed slot's wake-up
        assert len(checks) - before <= 2  # the gate's look and one waiter's, not ten
        await asyncio.gather(*tasks)
        return admitted

    assert time.run(waiters()) == list(range(10))  # first come, first served
