"""The results workbook (CONTRACT §7): one row per sheet row, written atomically.

Usage::

    write_results(Path("launch.results.xlsx"), sheet, rows, summary)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bulkads.rules import Issue
from bulkads.sheet import Sheet

Status = Literal["valid", "invalid", "created", "rejected", "pending"]
STATUSES: tuple[Status, ...] = ("valid", "invalid", "created", "rejected", "pending")


@dataclass(frozen=True, kw_only=True)
class RowResult:
    """What happened to one sheet row."""

    number: int
    status: Status
    message: str
    issues: tuple[Issue, ...] = ()  # highlighted on the row's cells
    campaign_id: str = ""
    ad_group_id: str = ""
    ad_id: str = ""
    prepared_asset_bundle_id: str = ""
    prepared_image_ids: str = ""
    prepared_card_id: str = ""
    idempotency_key: str = ""
    attempts: int = 0
    response: str = ""
    finished_at: str = ""


@dataclass(frozen=True, kw_only=True)
class Summary:
    """The run as a whole, for the Summary sheet."""

    command: str  # without secrets
    started: str
    ended: str
    counts: dict[str, int] = field(default_factory=dict)  # by status
    calls_spent: int = 0
    quota_used: int | None = None
    quota_left: int | None = None


def write_results(path: Path, sheet: Sheet, rows: Sequence[RowResult], summary: Summary) -> None:
    """Write the Results and Summary sheets to `path` (temporary file, then rename)."""
    raise NotImplementedError
