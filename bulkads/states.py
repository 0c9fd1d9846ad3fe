"""The states a row and a step can be in, and the journal's records of them.

Usage::

    from bulkads.states import Status, OPEN_STATUSES, RowRecord

Pure data: no I/O here, so the planner and the reports can use them without
importing the journal (SQLite) or the results writer (xlsxwriter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

# A row's status in the results workbook (CONTRACT §7).
Status = Literal["valid", "invalid", "created", "rejected", "pending"]
STATUSES: tuple[Status, ...] = ("valid", "invalid", "created", "rejected", "pending")
# The statuses that need the user: listed after a run and by `bulkads status`.
OPEN_STATUSES: tuple[Status, ...] = ("pending", "rejected", "invalid")

# What the journal remembers of a row version and of one of its calls (CONTRACT §6).
RowState = Literal["pending", "created", "rejected"]
StepState = Literal["planned", "sent", "done", "rejected"]


@dataclass(frozen=True)
class RowRecord:
    """A row version as journaled (keyed by fingerprint)."""

    fingerprint: str
    row_number: int
    status: RowState
    message: str
    ids: dict[str, Any]
    finished_at: str


@dataclass(frozen=True)
class StepRecord:
    """One call of a row as journaled: its key and exact bytes, and how it went."""

    fingerprint: str
    tool: str
    idempotency_key: str
    body: bytes
    status: StepState
    attempts: int
    http_status: int | None
    answer: str
    ids: dict[str, Any]
    created_at: str
    finished_at: str
