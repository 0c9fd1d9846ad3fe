"""CONTRACT §4 rate: never more than --rate requests in any one-second window, no burst.

The pacer's clock and sleep are injected, so these tests are exact and never sleep.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Callable
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st
from virtual import VirtualTime

from bulkads.pacing import Pacer
from bulkads.preflight import ask
from bulkads.transport import Answer

T = TypeVar("T")


def most_in_window(times: list[float], window: float) -> int:
    """The most send times in any half-open window [t, t + window)."""
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def send_all(
    pacer: Pacer, time: VirtualTime, count: int, workers: int, work: list[float]
) -> list[float]:
    sent: list[float] = []
    jobs = iter(range(count))

    async def worker() -> None:
        for job in jobs:
            await pacer.acquire()
            sent.append(time.clock())
            await time.sleep(work[job % len(work)])  # the call, the journal, ...

    await asyncio.gather(*(worker() for _ in range(workers)))
    return sorted(sent)


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(min_value=0.2, max_value=60),
    count=st.integers(min_value=1, max_value=150),
    workers=st.integers(min_value=1, max_value=12),
    work=st.lists(st.floats(min_value=0, max_value=3), min_size=1, max_size=20),
)
def test_no_window_ever_holds_more_than_the_rate(
    rate: float, count: int, workers: int, work: list[float]
) -> None:
    time = VirtualTime()
    pacer = Pacer(rate, clock=time.clock, sleep=time.sleep)
    sent = time.run(send_all(pacer, time, count, workers, work))
    assert len(sent) == count
    window = max(1.0, 1 / rate)
    assert most_in_window(sent, window) <= max(1, math.floor(rate))


def test_a_busy_pacer_runs_close_to_the_rate_without_a_burst_at_start() -> None:
    time = VirtualTime()
    pacer = Pacer(20, clock=time.clock, sleep=time.sleep)
    sent = time.run(send_all(pacer, time, 400, 8, [0.0]))
    elapsed = sent[-1] - sent[0]
    assert 399 / elapsed > 0.95 * 20
    assert sent[1] - sent[0] >= 0.9 / 20  # evenly spaced from the first request on


def test_a_late_wake_up_is_made_up_without_breaking_the_window() -> None:
    time = VirtualTime()
    pacer = Pacer(10, clock=time.clock, sleep=time.sleep)
    rng = random.Random(4)
    jitter = [rng.uniform(0, 0.3) for _ in range(50)]
    sent = time.run(send_all(pacer, time, 300, 6, jitter))
    assert most_in_window(sent, 1.0) <= 10
    assert 299 / (sent[-1] - sent[0]) > 0.9 * 10


def test_after_a_429_the_rate_is_halved_for_a_while() -> None:
    time = VirtualTime()
    pacer = Pacer(10, slow_for=60, clock=time.clock, sleep=time.sleep)

    async def both() -> tuple[list[float], list[float]]:
        pacer.slow_down()
        slow = await send_all(pacer, time, 40, 4, [0.0])
        await time.sleep(61)
        assert not pacer.slowed
        return slow, await send_all(pacer, time, 40, 4, [0.0])

    slow, fast = time.run(both())
    assert most_in_window(slow, 1.0) <= 5
    assert most_in_window(fast, 1.0) == 10


def test_a_fractional_rate_never_rounds_up() -> None:
    time = VirtualTime()
    pacer = Pacer(2.5, clock=time.clock, sleep=time.sleep)
    sent = time.run(send_all(pacer, time, 30, 4, [0.0]))
    assert most_in_window(sent, 1.0) <= 2


@settings(max_examples=40, deadline=None)
@given(
    rate=st.floats(min_value=1, max_value=40),
    commits=st.lists(st.floats(min_value=0, max_value=0.3), min_size=1, max_size=10),
)
def test_work_done_in_a_turn_never_bunches_the_sends(rate: float, commits: list[float]) -> None:
    """A commit of variable time inside the turn (the journal's "sent"), then the send."""
    time = VirtualTime()
    pacer = Pacer(rate, clock=time.clock, sleep=time.sleep)
    sent: list[float] = []
    turns = iter(range(60))

    async def worker() -> None:
        for turn in turns:
            went = await pacer.acquire()
            time.now += commits[turn % len(commits)]  # the event loop is blocked meanwhile
            went.out()  # the request leaves now
            sent.append(time.clock())

    async def all_workers() -> None:
        await asyncio.gather(*(worker() for _ in range(6)))

    time.run(all_workers())
    assert most_in_window(sorted(sent), max(1.0, 1 / rate)) <= max(1, math.floor(rate))


class _Connecting:
    """A transport whose requests leave only after their connection's set-up (virtual time)."""

    def __init__(self, time: VirtualTime, setups: list[float]) -> None:
        self._time = time
        self._setups = setups
        self.left: list[float] = []

    async def call(
        self,
        tool: str,
        body: bytes,
        idempotency_key: str | None = None,
        *,
        on_sent: Callable[[], None] | None = None,
    ) -> Answer:
        await self._time.sleep(self._setups[len(self.left) % len(self._setups)])
        self.left.append(self._time.clock())
        if on_sent is not None:
            on_sent()
        return Answer(200, b'{"success": true, "data": {"text": "ok"}}')


@settings(max_examples=40, deadline=None)
@given(
    rate=st.floats(min_value=1, max_value=40),
    setups=st.lists(st.floats(min_value=0, max_value=0.3), min_size=1, max_size=10),
)
def test_free_calls_are_timed_when_they_leave_not_when_their_turn_came(
    rate: float, setups: list[float]
) -> None:
    """Pre-flight and lookups open new connections: a set-up of variable time, then the send."""
    time = VirtualTime()
    pacer = Pacer(rate, clock=time.clock, sleep=time.sleep)
    transport = _Connecting(time, setups)

    async def asker() -> None:
        for _ in range(8):
            await ask(transport, pacer, "get_usage_status", {}, sleep=time.sleep)

    async def all_askers() -> None:
        await asyncio.gather(*(asker() for _ in range(6)))

    time.run(all_askers())
    assert most_in_window(transport.left, max(1.0, 1 / rate)) <= max(1, math.floor(rate))
