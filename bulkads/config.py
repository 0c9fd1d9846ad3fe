"""Run configuration: built once at an edge (the CLI, `bulkads.run`), frozen, passed down.

Nothing below the edges reads the environment; `bulkads.options` builds a RunConfig
from the options both edges take, by the same names.
"""

from __future__ import annotations

import os
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bulkads.sheet import Sheet

from bulkads.concurrency import DEFAULT_MAX, Setting
from bulkads.errors import UsageError

DEFAULT_BASE_URL = "https://api.adspirer.ai"
KEY_ENV = "ADSPIRER_API_KEY"
BASE_URL_ENV = "ADSPIRER_BASE_URL"


class Secret:
    """A value that never shows itself in a repr, a log line or a traceback."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__


@dataclass(frozen=True, kw_only=True)
class EngineSettings:
    """How the engine sends: calls in flight, retries and their back-off."""

    concurrency: Setting = "auto"  # calls in flight; a number pins them
    max_concurrency: int = DEFAULT_MAX  # the most `auto` may reach
    max_attempts: int = 5  # per call per run
    backoff_base: float = 1.0  # seconds; full-jitter exponential back-off
    backoff_cap: float = 60.0

    def __post_init__(self) -> None:
        if self.concurrency != "auto" and self.concurrency > self.max_concurrency:
            raise UsageError(
                f"concurrency (--concurrency) {self.concurrency} is more than max_concurrency "
                f"(--max-concurrency) {self.max_concurrency}: raise that too, or use 'auto'"
            )


@dataclass(frozen=True, kw_only=True)
class RunConfig(EngineSettings):
    """Everything one `bulkads run` needs (its engine settings included: it is one).

    `sheet` is a path, or a sheet already read (a DataFrame's); `results` None writes
    no results workbook (a DataFrame run that did not ask for one).
    """

    sheet: Path | Sheet
    results: Path | None
    journal: Path
    api_key: Secret
    base_url: str = DEFAULT_BASE_URL
    sheet_name: str | None = None
    rate: float = 2.0
    timeout: float = 180.0
    max_calls: int | None = None
    advertiser_id: str | None = None
    dry_run: bool = False
    retry_rejected: bool = False
    command: str = "bulkads run"  # for the Summary sheet; never holds the key

    def __post_init__(self) -> None:
        super().__post_init__()
        check_outputs(results=self.results, journal=self.journal, sheet=self.sheet)


def check_outputs(*, results: Path | None, journal: Path, sheet: Path | Sheet) -> None:
    """UsageError when the results or the sheet are the journal (or one of its side files):
    writing one would destroy the other, and with the journal what was already sent."""
    journal_files = {
        os.path.realpath(journal.with_name(journal.name + side))
        for side in ("", "-wal", "-shm", "-journal", ".lock")
    }
    if results is not None and os.path.realpath(results) in journal_files:
        raise UsageError(
            f"the results ({results}) and the journal ({journal}) would be one file: writing the"
            " results would destroy the journal of what was sent; give -o and --journal"
            " different paths"
        )
    if isinstance(sheet, Path) and os.path.realpath(sheet) in journal_files:
        raise UsageError(
            f"the journal ({journal}) would be the sheet itself; give --journal another path"
        )


# The least and most each numeric option takes (None: no bound), ints for int options;
# the CLI's ranges too.
LIMITS: dict[str, tuple[Any, Any]] = {
    "rate": (0.01, None),
    "concurrency": (1, 1000),  # a pinned number; at most max_concurrency too
    "max_concurrency": (1, 1000),
    "timeout": (1.0, None),
    "max_calls": (0, None),
    "max_attempts": (1, None),
    "backoff_base": (0.0, None),
    "backoff_cap": (0.0, None),
}


def default(name: str) -> Any:
    """RunConfig's default for the option `name`: the one place defaults are written."""
    found = next(f for f in fields(RunConfig) if f.name == name)
    if found.default is MISSING:
        raise KeyError(f"RunConfig.{name} has no default")
    return found.default


def default_results_path(sheet: Path) -> Path:
    """`launch.xlsx` → `launch.results.xlsx`, beside the sheet; a results workbook fed
    back in is its own results path, so it keeps its journal."""
    if sheet.name.endswith(".results.xlsx"):
        return sheet
    return sheet.with_name(f"{sheet.stem}.results.xlsx")


def default_journal_path(results: Path) -> Path:
    """`launch.results.xlsx` → `launch.results.journal.sqlite`."""
    name = results.name[: -len(".xlsx")] if results.name.endswith(".xlsx") else results.name
    return results.with_name(f"{name}.journal.sqlite")
