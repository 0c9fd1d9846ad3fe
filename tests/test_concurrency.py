"""CONTRACT §1 `--concurrency auto|N`: the calls in flight grow toward rate × latency, shrink
on push-back, stay between 1 and `--max-concurrency`; a number pins them.

The controller is pure; these tests drive it in virtual time with a small simulation of
the engine (a pacer spacing sends 1/rate apart, calls answered after a latency) and of a
server that may refuse calls above a capacity.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import given
from hypothesis import strategies as st

from bulkads.concurrency import (
    HEADROOM,
    SPARE,
    AutoConcurrency,
    Concurrency,
    FixedConcurrency,
    Signal,
    concurrency_for,
)

STEP = 0.01  # seconds of virtual time per simulation step


@dataclass
class Run:
    """What a simulated run did."""

    sent: list[float] = field(default_factory=list)  # send times of calls the server took
    refused: int = 0
    samples: list[tuple[float, int, int]] = field(default_factory=list)  # (t, limit, in flight)

    def in_flight_at(self, t: float) -> int:
        return next(flight for at, _, flight in reversed(self.samples) if at <= t)

    def limit_at(self, t: float) -> int:
        return next(limit for at, limit, _ in reversed(self.samples) if at <= t)

    def sends_between(self, start: float, end: float) -> int:
        return sum(1 for at in self.sent if start <= at < end)


def simulate(
    limiter: Concurrency,
    *,
    rate: float,
    latency: Callable[[float], float],
    until: float,
    capacity: int | None = None,
    fail_first: Signal | None = None,
) -> Run:
    """Send as fast as the pacer (1/rate apart) and the limiter allow, for `until` seconds.

    A server with `capacity` answers a call above it at once with a 429 (THROTTLE); the
    refused call goes back to the queue. `fail_first` answers the very first call so.
    """
    run = Run()
    answers: list[tuple[float, int, Signal]] = []  # (due, ticket, signal)
    on_server = 0
    next_send = 0.0
    steps = round(until / STEP)
    for step in range(steps + 1):
        now = step * STEP
        for due, ticket, signal in sorted(a for a in answers if a[0] <= now):
            answers.remove((due, ticket, signal))
            limiter.answered(ticket, now, signal)
            if signal is Signal.WORK:
                on_server -= 1
        while now >= next_send and limiter.in_flight < limiter.limit(now):
            ticket = limiter.sent(now)
            next_send = now + 1 / rate
            if fail_first is not None and not run.sent and not run.refused:
                answers.append((now + latency(now), ticket, fail_first))
                run.refused += 1
            elif capacity is not None and on_server >= capacity:
                answers.append((now + STEP, ticket, Signal.THROTTLE))
                run.refused += 1
            else:
                on_server += 1
                run.sent.append(now)
                answers.append((now + latency(now), ticket, Signal.WORK))
        run.samples.append((now, limiter.limit(now), limiter.in_flight))
    return run


def fixed(seconds: float) -> Callable[[float], float]:
    return lambda _now: seconds


def test_cold_start_reaches_rate_times_latency_within_a_few_round_trips() -> None:
    rate, latency = 2.0, 20.0
    run = simulate(AutoConcurrency(rate=rate), rate=rate, latency=fixed(latency), until=100)
    needed = rate * latency
    assert run.in_flight_at(2 * latency) >= needed - 1
    assert run.limit_at(2 * latency) >= needed
    # ... and the calls go out at the rate asked for from the start: the limit never waits.
    assert run.sends_between(0, 3 * latency) >= rate * 3 * latency - 1


def test_the_api_real_latency_at_the_default_rate_reaches_the_rate() -> None:
    """15-30 s per call and --rate 2: 45 in flight on average, and 2 calls a second."""
    rate = 2.0
    spread = iter(15 + 15 * ((i * 7919) % 100) / 100 for i in range(10_000))
    run = simulate(AutoConcurrency(rate=rate), rate=rate, latency=lambda _: next(spread), until=300)
    assert run.sends_between(60, 300) >= 0.97 * rate * 240


def test_a_429_halves_the_limit() -> None:
    limiter = AutoConcurrency(rate=5.0)
    run = simulate(limiter, rate=5.0, latency=fixed(4.0), until=20)
    now = 20.0
    before = limiter.limit(now)
    assert before >= 20  # 5/s × 4 s, with headroom
    limiter.answered(limiter.sent(now), now + 0.01, Signal.THROTTLE)
    assert limiter.limit(now + 0.01) == before // 2
    assert run.refused == 0


def test_a_5xx_or_a_timeout_halves_the_limit_too() -> None:
    limiter = AutoConcurrency(rate=5.0)
    simulate(limiter, rate=5.0, latency=fixed(4.0), until=20)
    ticket = limiter.sent(20.0)
    before = limiter.limit(20.5)
    limiter.answered(ticket, 20.5, Signal.PUSHBACK)
    assert limiter.limit(20.5) == before // 2


def test_a_burst_of_429s_from_one_round_trip_halves_once() -> None:
    limiter = AutoConcurrency(rate=5.0)
    simulate(limiter, rate=5.0, latency=fixed(4.0), until=20)
    tickets = [limiter.sent(20.0) for _ in range(10)]
    before = limiter.limit(20.0)
    for ticket in tickets:
        limiter.answered(ticket, 20.1, Signal.THROTTLE)
    assert limiter.limit(20.1) == before // 2


def warmed(rate: float, latency: float, calls: int = 50) -> tuple[AutoConcurrency, float]:
    """A limiter that has seen `calls` answers of `latency` s and has nothing in flight."""
    limiter, now = AutoConcurrency(rate=rate), 0.0
    for _ in range(calls):
        limiter.answered(limiter.sent(now), now + latency, Signal.WORK)
        now += 1 / rate
    return limiter, now + latency


def test_after_push_back_the_limit_grows_back_within_a_round_trip() -> None:
    limiter, now = warmed(rate=5.0, latency=4.0)
    before = limiter.limit(now)
    assert before == math.ceil(5.0 * 4.0 * HEADROOM) + SPARE
    limiter.answered(limiter.sent(now), now + 0.1, Signal.PUSHBACK)
    assert limiter.limit(now + 0.1) == before // 2
    for _ in range(before - before // 2):  # one round trip of answers that did work
        limiter.answered(limiter.sent(now + 0.2), now + 4.2, Signal.WORK)
    assert limiter.limit(now + 4.2) == before  # back to the target, and not past it


def test_past_the_level_a_429_refused_it_grows_slowly() -> None:
    limiter, now = warmed(rate=5.0, latency=4.0)
    tickets = [limiter.sent(now) for _ in range(7)]  # the 7th was one too many
    limiter.answered(tickets.pop(), now + 0.1, Signal.THROTTLE)
    for ticket in tickets:
        limiter.answered(ticket, now + 4.0, Signal.WORK)
    assert limiter.limit(now + 4.0) == 6  # back up to the level that was accepted
    for _ in range(6 * 4):  # four more round trips at that level
        limiter.answered(limiter.sent(now + 4.0), now + 8.0, Signal.WORK)
    assert limiter.limit(now + 8.0) == 6


def test_a_failed_first_call_does_not_keep_the_run_at_one_call() -> None:
    rate, latency = 2.0, 10.0
    run = simulate(
        AutoConcurrency(rate=rate),
        rate=rate,
        latency=fixed(latency),
        until=100,
        fail_first=Signal.PUSHBACK,
    )
    assert run.in_flight_at(100) >= rate * latency - 1


def test_a_latency_that_doubles_mid_run_is_followed() -> None:
    rate = 2.0

    def latency(now: float) -> float:
        return 10.0 if now < 100 else 20.0

    run = simulate(AutoConcurrency(rate=rate), rate=rate, latency=latency, until=220)
    assert run.in_flight_at(95) <= rate * 10 + 1
    assert run.in_flight_at(160) >= rate * 20 - 1
    assert run.limit_at(160) >= rate * 20
    # No stall while the slower answers are awaited: the rate holds across the change.
    assert run.sends_between(90, 220) >= 0.97 * rate * 130


def test_a_server_capacity_is_used_near_its_size_with_few_429s() -> None:
    capacity, latency, rate = 6, 2.0, 20.0
    run = simulate(
        AutoConcurrency(rate=rate), rate=rate, latency=fixed(latency), until=400, capacity=capacity
    )
    taken = run.sends_between(40, 400)
    assert taken >= 0.85 * capacity / latency * 360
    assert run.refused <= 0.05 * (len(run.sent) + run.refused)


events = st.lists(
    st.tuples(
        st.floats(0.0, 30.0),  # seconds until this event
        st.sampled_from(["send", *Signal]),
        st.integers(0, 100),  # which call in flight it answers
    ),
    max_size=200,
)


@given(events, st.integers(1, 70), st.floats(0.1, 50.0))
def test_the_limit_never_leaves_its_bounds(
    script: list[tuple[float, object, int]], most: int, rate: float
) -> None:
    limiter = AutoConcurrency(rate=rate, max_concurrency=most)
    now, flying = 0.0, list[int]()
    for wait, what, pick in script:
        now += wait
        if what == "send" or not flying:
            flying.append(limiter.sent(now))
        else:
            assert isinstance(what, Signal)
            limiter.answered(flying.pop(pick % len(flying)), now, what)
        assert 1 <= limiter.limit(now) <= most
        assert limiter.in_flight == len(flying)


def test_a_number_pins_the_calls_in_flight() -> None:
    limiter = concurrency_for(3, rate=100.0)
    assert isinstance(limiter, FixedConcurrency)
    run = simulate(limiter, rate=100.0, latency=fixed(1.0), until=5, capacity=2)
    assert max(flight for _, _, flight in run.samples) == 3
    assert {limit for _, limit, _ in run.samples} == {3}


def test_auto_is_the_adaptive_controller_bounded_by_max_concurrency() -> None:
    limiter = concurrency_for("auto", rate=50.0, max_concurrency=10)
    assert isinstance(limiter, AutoConcurrency)
    run = simulate(limiter, rate=50.0, latency=fixed(5.0), until=30)
    assert max(flight for _, _, flight in run.samples) == 10
    assert math.isclose(limiter.latency or 0.0, 5.0, rel_tol=1e-3)
