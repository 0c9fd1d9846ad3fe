"""`bulkads status`: what the journal knows about a sheet, without sending anything.

Usage::

    rows = sheet_status(Path("launch.xlsx"), journal=Path("launch.results.journal.sqlite"))
"""

from __future__ import annotations

from pathlib import Path

from bulkads.journal import Journal, utc_now
from bulkads.plan import make_plan
from bulkads.results import RowResult
from bulkads.runner import build_rows, facts_from, load


def sheet_status(
    sheet_path: Path,
    *,
    journal: Path,
    sheet_name: str | None = None,
    advertiser_id: str | None = None,
) -> tuple[RowResult, ...]:
    """Every row's status as the next run would start from it (accounts not checked)."""
    now = utc_now()
    sheet, checked = load(sheet_path, sheet_name=sheet_name, advertiser_id=advertiser_id, now=now)
    readonly = Journal.open_readonly(journal)
    try:
        facts = facts_from(sheet, readonly)
    finally:
        if readonly is not None:
            readonly.close()
    plan = make_plan(checked, facts, budget=None, now=now)
    return build_rows(checked, plan, facts.journal_rows, facts.journal_steps, None)
