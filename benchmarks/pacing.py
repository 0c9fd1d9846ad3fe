"""Pacers compared: aiolimiter's `AsyncLimiter(1, 1/rate)` against `bulkads.pacing.Pacer`.

Usage::

    python benchmarks/pacing.py            # prints a markdown table
    python benchmarks/pacing.py --quick

Workers acquire, "send" (a synchronous pause standing for the journal commit and the
progress line, then an await standing for the call), and acquire again, as the engine's
workers do. Reported: the sustained rate as a fraction of the one asked for, and the
most sends in any one-second window (must never exceed the rate).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable

from aiolimiter import AsyncLimiter

from bulkads.pacing import Pacer

Acquire = Callable[[], Awaitable[object]]


async def measure(acquire: Acquire, rate: float, count: int, *, busy_s: float) -> tuple[float, int]:
    sends: list[float] = []

    async def worker() -> None:
        while len(sends) < count:
            await acquire()
            sends.append(time.monotonic())
            time.sleep(busy_s)  # the event loop is busy: journal commit, progress line
            await asyncio.sleep(0.05)  # the call itself

    await asyncio.gather(*(worker() for _ in range(8)))
    sends = sorted(sends)[:count]
    most, start = 0, 0
    for end, sent in enumerate(sends):
        while sent - sends[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return (count - 1) / (sends[-1] - sends[0]) / rate, most


async def main(quick: bool) -> None:
    print(
        "| rate /s | busy ms a send | AsyncLimiter(1, 1/rate) | most in 1 s "
        "| AsyncLimiter(1, 1.03/rate) | most in 1 s | bulkads Pacer (3% margin) | most in 1 s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for rate in (2, 5, 20, 50):
        for busy in (0.0, 0.003):
            count = int(rate * (3 if quick else 8))
            cells: list[object] = [rate, f"{busy * 1000:g}"]
            for acquire in (
                AsyncLimiter(1, 1 / rate).acquire,
                AsyncLimiter(1, 1.03 / rate).acquire,
                Pacer(rate).acquire,
            ):
                ratio, most = await measure(acquire, rate, count, busy_s=busy)
                cells += [f"{ratio:.3f}", most]
            print("| " + " | ".join(map(str, cells)) + " |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds a case")
    asyncio.run(main(parser.parse_args().quick))
