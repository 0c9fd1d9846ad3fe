"""Validation (CONTRACT §3): every rule of create_tiktok_campaign, before any call.

Usage::

    checked = check_sheet(sheet, now=datetime.now(), default_advertiser_id=None)
    arguments, issues = check_arguments({"campaign_name": "x", ...}, now=now)

Pure functions over plain data: no I/O. Row problems are `Issue` values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from bulkads.sheet import Sheet

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One problem of one row: the column (argument name) it is about and the rule broken."""

    column: str
    message: str  # names the column and the rule, e.g. "ad_text: at most 100 characters (has 112)"
    severity: Severity = "error"


@dataclass(frozen=True)
class CheckedRow:
    """A sheet row after validation."""

    number: int  # the sheet's own row number
    arguments: dict[str, Any]  # JSON-ready values, including the multi-step columns
    issues: tuple[Issue, ...]
    fingerprint: str  # of the normalized arguments; identical rows share it

    @property
    def valid(self) -> bool:
        return not any(issue.severity == "error" for issue in self.issues)


def check_arguments(
    raw: Mapping[str, object], *, now: datetime
) -> tuple[dict[str, Any], list[Issue]]:
    """Parse and check one row's raw cells; return the JSON-ready arguments and every issue."""
    raise NotImplementedError


def fingerprint(arguments: Mapping[str, Any]) -> str:
    """A stable hash of normalized arguments."""
    raise NotImplementedError


def check_sheet(
    sheet: Sheet, *, now: datetime, default_advertiser_id: str | None = None
) -> list[CheckedRow]:
    """Check every row, fill the default advertiser, flag duplicates ("duplicate of row N")."""
    raise NotImplementedError
