"""Run configuration: built once by the CLI (or a script), frozen, passed down.

Nothing below the CLI reads the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_BASE_URL = "https://api.adspirer.ai"


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

    concurrency: int = 4
    max_attempts: int = 5  # per call per run
    backoff_base: float = 1.0  # seconds; full-jitter exponential back-off
    backoff_cap: float = 60.0


@dataclass(frozen=True, kw_only=True)
class RunConfig(EngineSettings):
    """Everything one `bulkads run` needs (its engine settings included: it is one)."""

    sheet: Path
    results: Path
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
