"""The results workbook (CONTRACT §7): one row per sheet row, written atomically.

Usage::

    write_results(Path("launch.results.xlsx"), sheet, rows, summary)

Written with xlsxwriter in constant_memory mode (rows streamed to disk in order):
the fastest of the writers measured in benchmarks/RESULTS.md. Here: the file (a
temporary one, then renamed) and the Summary sheet; the Results sheet is
`results_sheet`, and how a value becomes a cell (never a formula) `results_cells`.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException

from bulkads.errors import UsageError
from bulkads.report import RowResult, Summary
from bulkads.results_cells import STATUS_FILLS, Styles, write_text, write_value
from bulkads.results_sheet import write_results_sheet
from bulkads.sheet import Sheet
from bulkads.states import STATUSES

RESULTS_SHEET = "Results"
SUMMARY_SHEET = "Summary"
TARGET_ID = "target id"  # the Summary item a fed-back workbook's target is read from


def write_results(path: Path, sheet: Sheet, rows: Sequence[RowResult], summary: Summary) -> None:
    """Write the Results and Summary sheets to `path` (temporary file, then rename).

    Raises UsageError with one line when the file cannot be written; the old
    file at `path`, if any, is then left as it was.
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(
            f"cannot write the results to {path}: the folder {folder} does not exist "
            "(choose another path with -o)"
        )
    with _quiet_abandoned_files():
        failure = _write_and_replace(path, sheet, rows, summary)
        if failure is not None:
            gc.collect()  # the zip a failed write left open is closed now, in here
    if failure is not None:
        raise failure


def _write_and_replace(
    path: Path, sheet: Sheet, rows: Sequence[RowResult], summary: Summary
) -> BaseException | None:
    """Write a temporary file beside `path` and rename it onto `path`; what went wrong,
    if anything, is returned (not raised) once the temporary file and folder are gone."""
    temporary: Path | None = None
    scratch: str | None = None
    try:
        with _signals_held():
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
            temporary = Path(name)
            # constant_memory streams each sheet's rows through files of its own, and
            # leaves them behind when a sheet stays empty or the write fails: a folder
            # of ours catches them all.
            scratch = tempfile.mkdtemp(prefix="bulkads-")
        _write_workbook(temporary, scratch, sheet, rows, summary)
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
    except (OSError, XlsxWriterException) as exc:
        return _write_error(path, exc)
    except BaseException as exc:  # e.g. SIGTERM turned into an exception: clean up first
        return exc.with_traceback(None)
    finally:
        with _signals_held():
            if temporary is not None:
                temporary.unlink(missing_ok=True)
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
    return None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait while the temporary file and folder are made or
    removed: a stop raised half-way (the CLI turns them into exceptions) would leave one."""
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _write_error(path: Path, exc: BaseException) -> UsageError:
    if isinstance(exc, IsADirectoryError) or path.is_dir():
        reason = "it is a folder"
    elif isinstance(exc, PermissionError):
        reason = "permission denied (is it open in Excel or another program, or read-only?)"
    elif _errno(exc) in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        strerror = getattr(exc, "strerror", None) or os.strerror(_errno(exc) or errno.ENOSPC)
        reason = f"{strerror}: the disk is full (or the file is over a size limit), free some space"
    else:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return UsageError(
        f"cannot write the results to {path}: {reason}; close it or choose another path with -o"
    )


def _errno(exc: BaseException) -> int | None:
    """The errno of `exc` or of what it wraps (xlsxwriter wraps the OSError)."""
    found: BaseException | None = exc
    while found is not None:
        for candidate in (found, *getattr(found, "args", ())):
            if isinstance(candidate, OSError) and candidate.errno:
                return candidate.errno
        found = found.__cause__ or found.__context__
    return None


@contextlib.contextmanager
def _quiet_abandoned_files() -> Iterator[None]:
    """A zip a failed write left open fails again as it is collected (a full disk): say
    nothing then, or Python prints "Exception ignored in ZipFile.__del__" after the error."""
    previous = sys.unraisablehook

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if not isinstance(unraisable.exc_value, OSError):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


def _file_mode(path: Path) -> int:
    """Keep an old file's permissions; a new file gets what the umask gives any new file
    (0o644 under the usual 022), not mkstemp's 0o600."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    try:  # Linux says it without changing it
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_workbook(
    target: Path, scratch: str, sheet: Sheet, rows: Sequence[RowResult], summary: Summary
) -> None:
    workbook = xlsxwriter.Workbook(
        str(target),
        {
            "constant_memory": True,
            "tmpdir": scratch,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    try:
        styles = Styles(workbook)
        write_results_sheet(workbook.add_worksheet(RESULTS_SHEET), styles, sheet, rows)
        _write_summary_sheet(workbook.add_worksheet(SUMMARY_SHEET), styles, summary, rows)
    except BaseException:
        # close() is what closes the row files' handles; the half-written
        # workbook it produces is deleted by the caller.
        with contextlib.suppress(Exception):
            workbook.close()
        raise
    workbook.close()


def _write_summary_sheet(
    worksheet: Any, styles: Styles, summary: Summary, rows: Sequence[RowResult]
) -> None:
    counts = dict(summary.counts)
    if not counts:
        for result in rows:
            counts[result.status] = counts.get(result.status, 0) + 1
    lines: list[tuple[str, object]] = [(status, counts.get(status, 0)) for status in STATUSES]
    lines += [
        ("total rows", sum(counts.get(status, 0) for status in STATUSES)),
        ("calls spent", summary.calls_spent),
        *(
            [("calls in flight at the stop", summary.left_in_flight)]
            if summary.left_in_flight
            else []
        ),
        ("quota used", "unknown" if summary.quota_used is None else summary.quota_used),
        ("quota left", "unknown" if summary.quota_left is None else summary.quota_left),
        ("started", summary.started),
        ("ended", summary.ended),
        ("command", summary.command),
    ]
    if summary.halted:
        lines.insert(len(STATUSES) + 1, ("halted", summary.halted))
    if summary.target:
        lines += [("target", summary.target), (TARGET_ID, summary.target_id)]
    worksheet.set_column(0, 0, 14)
    worksheet.set_column(1, 1, 60)
    worksheet.fit_to_pages(1, 0)  # both columns on one page's width (A4 portrait splits them)
    write_text(worksheet, 0, 0, "item", styles.header)
    write_text(worksheet, 0, 1, "value", styles.header)
    for index, (label, value) in enumerate(lines, start=1):
        fill = STATUS_FILLS.get(label) if label in STATUSES else None
        write_text(worksheet, index, 0, label, styles.get(bold=True, fill=fill))
        write_value(worksheet, styles, index, 1, value, None)
