"""How many calls may be in flight (CONTRACT §1 `--concurrency auto|N`): a pure controller.

Usage::

    limiter = AutoConcurrency(rate=2.0, max_concurrency=64)   # or FixedConcurrency(4)
    if limiter.in_flight < limiter.limit(now):
        ticket = limiter.sent(now)                  # the call went on the wire
        ...
        limiter.answered(ticket, later, Signal.WORK)  # or PUSHBACK, or QUIET

No I/O and no clock of its own: every method takes `now` (seconds, any monotonic
origin), so it is driven in virtual time by the tests and by the engine's clock.

The rule, and where it comes from:
- The target is Little's law: calls in flight = rate × latency. The rate is the one
  the user pays for (`--rate`); the latency is a moving average of answers that did
  work, with 20% headroom plus two calls (one may always wait at the pacer).
  Netflix's concurrency-limits and Envoy's adaptive-concurrency filter compute their
  limits from latency too, but they read *rising* latency as queueing (Gradient2,
  Vegas: the limit shrinks when latency grows). This API's latency is the tool's own
  work (15-30 s), not a queue, and overload shows as 429s (MEASURED.md): a latency
  that doubles means twice as many calls are needed in flight, not fewer. So latency
  only sizes the target, and the back-off comes from push-back alone.
- A call still in flight is a lower bound on the latency: until it answers, the
  estimate is at least its age (capped at twice the average, so one stuck call does
  not push the limit to its bound). From a cold start the target therefore grows
  with the first calls' age and never holds back the pacer, and a latency that
  doubles mid-run is followed before the slow answers arrive.
- Push-back (429 without a quota block, 5xx, timeouts, 409 "still being processed")
  halves the limit (a 429 also puts it below the level it refused): AIMD, as TCP Reno
  and Netflix's `AIMDLimit` do. Only one halving per round trip: push-back for a call
  sent before the last halving belongs to the same episode (TCP's one reduction per
  window), so a burst of 429s does not drive the limit to 1.
- Regrowth, as TCP's ssthresh and CUBIC's W_max: up to the last level the server
  accepted it is fast (+1 per answer, so within about one round trip); past it,
  +1 per `PROBE_ROUNDS` round trips. Only a 429 says where that level is (the calls in
  flight when the refused call was sent, less one); a 5xx or a timeout says "trouble",
  not "how many", so it halves the limit without lowering that level.
"""

from __future__ import annotations

import enum
import math
from typing import Literal, Protocol

from bulkads.answers import Outcome, Verdict

HEADROOM = 1.2  # over rate × latency: latencies vary (15-30 s), in flight must cover the spread
SPARE = 2  # calls beyond that: one waiting at the pacer, one for the newest call's age of 0
SMOOTHING = 0.25  # weight of each new latency sample in the moving average
PROBE_ROUNDS = 8  # round trips per +1 past the last level a 429 refused
AGE_CAP = 2.0  # a call in flight raises the latency estimate to at most this × the average
DEFAULT_MAX = 64

Setting = int | Literal["auto"]  # `--concurrency`: auto, or a number that pins it


class Signal(enum.Enum):
    """What one answer says about the server's load."""

    WORK = "work"  # a fresh answer to work done: a latency sample, and room to grow
    PUSHBACK = "pushback"  # 5xx, no answer (a timeout), 409 "still being processed"
    THROTTLE = "throttle"  # a 429 without a quota block: push-back that says "too many"
    QUIET = "quiet"  # says nothing about load: a replay, a rejection, a halt


def signal_for(status: int | None, outcome: Outcome, *, replayed: bool) -> Signal:
    """What one answer says about the load (CONTRACT §1: 429, 5xx, timeouts push back)."""
    if outcome.verdict is Verdict.RETRY:
        return Signal.THROTTLE if outcome.throttled else Signal.PUSHBACK
    if outcome.verdict is Verdict.DONE and not replayed and status is not None:
        return Signal.WORK
    return Signal.QUIET


class Concurrency(Protocol):
    """What the engine's gate needs from a limiter."""

    @property
    def in_flight(self) -> int: ...

    @property
    def most(self) -> int: ...

    def limit(self, now: float) -> int: ...

    def sent(self, now: float) -> int: ...

    def answered(self, ticket: int, now: float, signal: Signal) -> None: ...


class _Wire:
    """Calls on the wire: when each was sent, and how many were in flight with it."""

    def __init__(self) -> None:
        self._calls: dict[int, tuple[float, int]] = {}  # ticket → (sent at, in flight then)
        self._next = 0

    @property
    def in_flight(self) -> int:
        return len(self._calls)

    def sent(self, now: float) -> int:
        self._next += 1
        self._calls[self._next] = (now, len(self._calls) + 1)
        return self._next

    def _pop(self, ticket: int) -> tuple[float, int]:
        return self._calls.pop(ticket)

    def _oldest_age(self, now: float) -> float:
        # Tickets are issued in send order and dicts keep insertion order.
        return now - next(iter(self._calls.values()))[0] if self._calls else 0.0


class FixedConcurrency(_Wire):
    """`--concurrency N`: N in flight at most, whatever the answers say."""

    def __init__(self, n: int) -> None:
        super().__init__()
        if n < 1:
            raise ValueError(f"concurrency must be at least 1, got {n}")
        self._n = n

    @property
    def most(self) -> int:
        return self._n

    def limit(self, now: float) -> int:
        return self._n

    def answered(self, ticket: int, now: float, signal: Signal) -> None:
        self._pop(ticket)


class AutoConcurrency(_Wire):
    """`--concurrency auto`: rate × latency with headroom, halved on push-back, 1..maximum."""

    def __init__(self, *, rate: float, max_concurrency: int = DEFAULT_MAX) -> None:
        super().__init__()
        if rate <= 0 or max_concurrency < 1:
            raise ValueError(
                f"need rate > 0 and max_concurrency >= 1, got {rate}, {max_concurrency}"
            )
        self._rate = rate
        self._max = max_concurrency
        self._ceiling = float(max_concurrency)  # AIMD's window: halved on push-back
        self._accepted = float(max_concurrency)  # the last level a 429 did not refuse
        self._latency: float | None = None  # moving average of answers that did work
        self._halved_at = -math.inf  # push-back for calls sent before this is the same episode

    @property
    def most(self) -> int:
        return self._max

    @property
    def latency(self) -> float | None:
        """The moving average of the answers' latency, seconds (None before the first)."""
        return self._latency

    def target(self, now: float) -> int:
        """Little's law with headroom: the calls in flight the rate needs."""
        latency = self._latency or 0.0
        age = self._oldest_age(now)
        estimate = max(latency, min(age, AGE_CAP * latency)) if self._latency else age
        return math.ceil(self._rate * estimate * HEADROOM) + SPARE

    def limit(self, now: float) -> int:
        return max(1, min(self._max, math.floor(self._ceiling), self.target(now)))

    def answered(self, ticket: int, now: float, signal: Signal) -> None:
        sent_at, level = self._pop(ticket)
        if signal is Signal.WORK:
            self._sample(now - sent_at)
            self._grow()
        elif signal in (Signal.PUSHBACK, Signal.THROTTLE) and sent_at >= self._halved_at:
            self._ceiling = max(1.0, math.floor(self.limit(now) / 2))
            self._halved_at = now
            if signal is Signal.THROTTLE:
                self._accepted = max(1.0, level - 1.0)
                self._ceiling = min(self._ceiling, self._accepted)

    def _sample(self, latency: float) -> None:
        if self._latency is None:
            self._latency = latency
        else:
            self._latency += SMOOTHING * (latency - self._latency)

    def _grow(self) -> None:
        if self._ceiling < self._accepted:
            self._ceiling = min(self._accepted, self._ceiling + 1.0)
        else:
            self._ceiling += 1.0 / (self._ceiling * PROBE_ROUNDS)
        self._ceiling = min(self._ceiling, float(self._max))


def concurrency_for(
    setting: Setting, *, rate: float, max_concurrency: int = DEFAULT_MAX
) -> Concurrency:
    """The limiter for `--concurrency`: "auto" or a number that pins it."""
    if setting == "auto":
        return AutoConcurrency(rate=rate, max_concurrency=max_concurrency)
    return FixedConcurrency(int(setting))
