"""Live progress for the page: an engine listener that keeps a snapshot and says when
it changed, so the server can push it (server-sent events).

Usage::

    changes = Changes()
    watch = Watch(total=120, rate=2.0, calls_per_row=1.0, changed=changes.bump)
    engine listener=watch  ->  watch.snapshot()  {"done": 3, "total": 120, "rows_per_s": ...}
    await changes.wait(seen=version, timeout=15)
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from bulkads.answers import Quota
from bulkads.states import RowState

_WINDOW = 30.0  # seconds of finished rows the speed is measured over
_RECENT = 8  # rows with problems listed while the run goes


class Changes:
    """A version number, and a way to wait until it moves."""

    def __init__(self) -> None:
        self.version = 0
        self._event = asyncio.Event()

    def bump(self) -> None:
        self.version += 1
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, *, seen: int, timeout: float) -> None:
        """Return once the version is past `seen`, or after `timeout` seconds."""
        if self.version != seen:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)


class Watch:
    """The engine's listener for one launch from the page."""

    def __init__(
        self,
        *,
        total: int,
        rate: float,
        calls_per_row: float,
        changed: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.rate = rate
        self.calls_per_row = calls_per_row
        self._changed = changed
        self._clock = clock
        self._started = clock()
        self._finished_at: deque[float] = deque()
        self.done = 0
        self.statuses: Counter[str] = Counter()
        self.quota_left: int | None = None
        self.in_flight: int | None = None
        self.stopped_because = ""
        self.recent: deque[dict[str, Any]] = deque(maxlen=_RECENT)

    # --- the engine's Listener ---

    def row_finished(self, number: int, status: RowState, message: str) -> None:
        self.statuses[status] += 1
        if status == "pending":  # left for the next launch: not done
            self.recent.append({"number": number, "status": status, "message": message})
            self._changed()
            return
        now = self._clock()
        self.done += 1
        self._finished_at.append(now)
        while self._finished_at and self._finished_at[0] < now - _WINDOW:
            self._finished_at.popleft()
        if status != "created":
            self.recent.append({"number": number, "status": status, "message": message})
        self._changed()

    def quota_seen(self, quota: Quota) -> None:
        self.quota_left = quota.left
        self._changed()

    def stopping(self, reason: str, in_flight: int, *, abandoned: bool = False) -> None:
        self.stopped_because = reason
        self.in_flight = 0 if abandoned else in_flight
        self._changed()

    def calls_in_flight(self, count: int) -> None:
        self.in_flight = count
        self._changed()

    # --- what the page shows ---

    def rows_per_second(self) -> float | None:
        if not self._finished_at:
            return None
        span = min(_WINDOW, self._clock() - self._started)
        return len(self._finished_at) / span if span > 0 else None

    def snapshot(self) -> dict[str, Any]:
        speed = self.rows_per_second()
        left = self.total - self.done
        return {
            "done": self.done,
            "total": self.total,
            "statuses": dict(self.statuses),
            "rows_per_s": speed,
            "most_rows_per_s": self.rate / self.calls_per_row if self.calls_per_row else None,
            "rate": self.rate,
            "in_flight": self.in_flight,
            "quota_left": self.quota_left,
            "eta_s": left / speed if speed and left > 0 else (0.0 if left <= 0 else None),
            "stopping": self.stopped_because,
            "recent": list(self.recent),
            "elapsed_s": self._clock() - self._started,
        }
