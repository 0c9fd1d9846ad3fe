"""Every exception bulkads raises, grouped by what the caller must do.

Row problems (a bad cell, an API rejection) are values in a row's result, never
exceptions. The exceptions below are for the run as a whole::

    BulkadsError                    exit_code 2 unless a subclass says otherwise
    ├── UsageError                  a bad option, a missing key, a bad base URL: fix the command
    │   ├── OptionError             an unknown option or one of the wrong type (also a TypeError)
    │   └── ForeignFile             an output would replace a file bulkads did not write
    ├── SheetError                  the sheet cannot be read: fix or re-save the file
    ├── JournalError                the journal cannot be used: move it or wait for the other run
    │   └── JournalLocked           another `bulkads run` holds this journal
    ├── ApiConfigError              the API answered 404 or a redirect: wrong --base-url
    ├── WrongTarget                 the journal belongs to another base URL or key: use -o
    └── Halted                      exit_code 3: resumable, rerun the same command
        ├── QuotaExhausted          the monthly quota is spent
        ├── KeyRefused              the API key was refused (401)
        ├── NetworkDown             the API could not be reached
        └── Interrupted             Ctrl-C, SIGTERM/SIGHUP, or the run's task cancelled

Every message says what to do next. A run that ends without an error exits 0 when
every row is done, `ROWS_NEED_FIXING` (1) when some are invalid or rejected, and
`Halted.exit_code` (3) while rows are left pending (see `report.Report.exit_code`).
"""

from __future__ import annotations

from pathlib import Path

ROWS_NEED_FIXING = 1  # the run ended; some rows are invalid or rejected


class BulkadsError(Exception):
    """Base of every bulkads error; `exit_code` is the CLI's exit status."""

    exit_code = 2


class UsageError(BulkadsError):
    """The command line or the configuration is wrong."""


class OptionError(UsageError, TypeError):
    """A Python call named an option bulkads does not take, or gave it the wrong type."""


class ForeignFile(UsageError):
    """An output's path holds a file bulkads did not write (the input sheet, say)."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class SheetError(BulkadsError):
    """The sheet cannot be read as a whole."""


class JournalError(BulkadsError):
    """The journal file cannot be opened or written."""


class JournalLocked(JournalError):
    """Another run holds the journal's lock."""


class ApiConfigError(BulkadsError):
    """The API answered in a way that means the base URL or the tool name is wrong."""


class Halted(BulkadsError):
    """The run stopped early with its state journaled; the same command resumes it."""

    exit_code = 3


class QuotaExhausted(Halted):
    """The monthly call quota is spent."""


class KeyRefused(Halted):
    """The API refused the key (401)."""


class NetworkDown(Halted):
    """The API could not be reached at all."""


class Interrupted(Halted):
    """The run was stopped from outside: Ctrl-C, SIGTERM or SIGHUP, or its task cancelled."""


class WrongTarget(BulkadsError):
    """The journal or a results workbook fed back belongs to another base URL or key."""
