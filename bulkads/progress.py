"""Progress while rows are sent: a bar on a terminal, plain log lines otherwise.

Usage::

    with progress_for(total=120, console=console, rate=2.0) as listener:
        engine = Engine(..., listener=listener)

The bar shows rows done/total, rows a second against `--rate`, the calls in flight now,
ETA and the quota left; `NO_COLOR` is honoured by rich's Console.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from bulkads.answers import Quota
from bulkads.inert import shown
from bulkads.states import RowState

_STEADY = 1.0  # seconds of sending before rows a second is shown in the log lines


class RateColumn(ProgressColumn):
    """Rows a second (averaged by rich over the last half minute) against the rate asked for,
    and the calls in flight now."""

    def render(self, task: Task) -> Text:
        speed = f"{task.speed:.2f}" if task.speed else "-"
        flight = task.fields.get("in_flight")
        text = f"{speed} rows/s{task.fields.get('rate', '')}"
        if flight is not None:
            text += f", {flight} in flight"
        return Text(text, style="progress.data.speed")


def _of_rate(rate: float | None) -> str:
    return f" of {rate:g}/s" if rate else ""


class BarListener:
    """Drives a rich progress bar: rows done (created or rejected) of the total."""

    def __init__(self, progress: Progress, total: int, rate: float | None = None) -> None:
        self._progress = progress
        self._task = progress.add_task(
            "sending", total=total, quota="quota left: ?", rate=_of_rate(rate), in_flight=None
        )
        self._stopping = False

    def row_finished(self, number: int, status: RowState, message: str) -> None:
        if status != "pending":
            self._progress.advance(self._task)
        if _worth_a_line(status, stopping=self._stopping):
            self._progress.console.print(shown(f"row {number}: {status} — {message}"))

    def quota_seen(self, quota: Quota) -> None:
        self._progress.update(self._task, quota=f"quota left: {quota.left}")

    def calls_in_flight(self, count: int) -> None:
        self._progress.update(self._task, in_flight=count)

    def stopping(self, reason: str, in_flight: int, *, abandoned: bool = False) -> None:
        self._stopping = True
        line = _stopping(reason, in_flight, abandoned=abandoned)
        if line:
            self._progress.console.print(shown(line))


class LineListener:
    """Writes one plain line per finished row, with a running count of rows done."""

    def __init__(self, console: Console, total: int, rate: float | None = None) -> None:
        self._console = console
        self._total = total
        self._rate = _of_rate(rate)
        self._done = 0
        self._quota = "?"
        self._in_flight = 0
        self._started = time.monotonic()
        self._stopping = False

    def row_finished(self, number: int, status: RowState, message: str) -> None:
        if status != "pending":
            self._done += 1
        if not _worth_a_line(status, stopping=self._stopping):
            return
        elapsed = time.monotonic() - self._started
        # Under a second a replayed answer would claim dozens of rows a second.
        rate = f"{self._done / elapsed:.2f}" if elapsed >= _STEADY else "-"
        self._console.print(
            shown(
                f"[{self._done}/{self._total}] row {number}: {status} — {message} "
                f"({rate} rows/s{self._rate}, {self._in_flight} in flight, "
                f"quota left {self._quota})"
            ),
            soft_wrap=True,
        )

    def quota_seen(self, quota: Quota) -> None:
        self._quota = str(quota.left)

    def calls_in_flight(self, count: int) -> None:
        self._in_flight = count

    def stopping(self, reason: str, in_flight: int, *, abandoned: bool = False) -> None:
        self._stopping = True
        line = _stopping(reason, in_flight, abandoned=abandoned)
        if line:
            self._console.print(shown(line), soft_wrap=True)


def _worth_a_line(status: RowState, *, stopping: bool) -> bool:
    """Rows left pending by a stop are summed up after the run, not one line each."""
    return status != "pending" or not stopping


def _stopping(reason: str, in_flight: int, *, abandoned: bool) -> str | None:
    """The live line of a stop, only while calls are in flight; why it stopped is said
    once, by the halt line after the run."""
    if not in_flight:
        return None
    if abandoned:
        return (
            f"Stopping: {in_flight} call(s) in flight left to the next run, which resends "
            "them with their keys"
        )
    again = "; Ctrl-C again to abandon them (they stay resumable)" if "Ctrl-C" in reason else ""
    return f"Stopping: waiting for {in_flight} call(s) in flight{again}"


@contextmanager
def progress_for(
    total: int, *, console: Console, rate: float | None = None
) -> Iterator[BarListener | LineListener]:
    """A bar when `console` is a terminal, log lines otherwise; no bar for nothing to send.
    `rate`: --rate, shown beside the rows a second."""
    if not console.is_terminal or total == 0:
        yield LineListener(console, total, rate)
        return
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[quota]}"),
    )
    progress = Progress(*columns, console=console, transient=False)
    progress.start()
    try:
        yield BarListener(progress, total, rate)
    finally:
        with contextlib.suppress(OSError):  # the terminal is gone (closed): the run goes on
            progress.stop()
