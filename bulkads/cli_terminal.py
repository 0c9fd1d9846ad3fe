"""How a `bulkads` command meets the terminal and ends (CONTRACT §1): never a traceback.

Usage::

    @main.command()
    @friendly                       # a BulkadsError: one line on stderr, its exit code
    def validate(...) -> None:
        with terminated_as_interrupt():   # SIGTERM/SIGHUP clean up as Ctrl-C does
            report = ...
        finish(report, as_json=False, title="Validation")   # print, exit with its code
"""

from __future__ import annotations

import contextlib
import functools
import shlex
import signal
import sys
from collections.abc import Callable, Collection, Iterator
from typing import Any, TypeVar

from rich.console import Console

from bulkads.errors import BulkadsError, Interrupted
from bulkads.inert import shown
from bulkads.output import print_report
from bulkads.report import Report

F = TypeVar("F", bound=Callable[..., Any])


def console(*, stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, emoji=False)


def friendly(command: F) -> F:
    """Turn a BulkadsError into one line on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BulkadsError as exc:
            console(stderr=True).print(shown(f"bulkads: error: {exc}"))
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            console(stderr=True).print("bulkads: interrupted", markup=False)
            sys.exit(Interrupted.exit_code)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def terminated_as_interrupt() -> Iterator[None]:
    """SIGTERM or SIGHUP raise Interrupted where the work is, so a half-written results
    file and its temporary folder are cleaned up on the way out (the default kills)."""

    def stop(signum: int, frame: object) -> None:
        raise Interrupted(
            f"stopped by {signal.Signals(signum).name}; run the command again to finish"
        )

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def command_line() -> str:
    """The command as typed; the key is never an argument, so this holds no secret."""
    return shlex.join(["bulkads", *sys.argv[1:]])


def finish(
    report: Report, *, as_json: bool, title: str, said: Collection[str] = frozenset()
) -> None:
    """Print the report (unless the terminal is gone) and exit with its code; `said`: notes
    the terminal already showed (with the plan), not repeated."""
    out = console()
    err = console(stderr=True)
    with contextlib.suppress(OSError):  # the terminal is gone: the results hold the record
        print_report(report, console=out, err=err, as_json=as_json, title=title, said=said)
    sys.exit(report.exit_code)
