"""What a sheet's rows are, without sending anything: `validate` and `bulkads status`.

Usage::

    report = validate(Path("launch.xlsx"), results=Path("launch.results.xlsx"))
    rows = sheet_status(Path("launch.xlsx"), journal=Path("launch.results.journal.sqlite"))

`load` and `facts_from` are the first steps of a run too (sheet → checked rows →
what is known before any call).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bulkads.journal import Journal, utc_now
from bulkads.plan import EARLIER_IDS, Facts, make_plan
from bulkads.report import Report, RowResult, build_rows, summarize, text, validated_row
from bulkads.results import write_results
from bulkads.rules import CheckedRow, check_sheet
from bulkads.sheet import Sheet, read_sheet


def load(
    source: Path | Sheet, *, sheet_name: str | None, advertiser_id: str | None, now: datetime
) -> tuple[Sheet, list[CheckedRow]]:
    """The sheet and every row checked against the rules."""
    sheet = source if isinstance(source, Sheet) else read_sheet(source, sheet_name=sheet_name)
    return sheet, check_sheet(sheet, now=now, default_advertiser_id=advertiser_id)


def facts_from(sheet: Sheet, journal: Journal | None, *, retry_rejected: bool = False) -> Facts:
    """What the sheet and the journal say before any call (accounts come from pre-flight)."""
    created_earlier = {}
    for row in sheet.rows:
        if sheet.result(row, "campaign_id") not in (None, ""):
            ids = {name: text(sheet.result(row, name)) for name in EARLIER_IDS}
            created_earlier[row.number] = {name: value for name, value in ids.items() if value}
    return Facts(
        journal_rows=journal.rows() if journal else {},
        journal_steps=journal.steps() if journal else {},
        created_earlier=created_earlier,
        retry_rejected=retry_rejected,
    )


def validate(
    path: Path | Sheet,
    *,
    results: Path | None,
    sheet_name: str | None = None,
    advertiser_id: str | None = None,
    command: str = "bulkads validate",
    clock: Callable[[], datetime] = utc_now,
) -> Report:
    """Read and check every row; write the results workbook (`valid` / `invalid`)."""
    started = clock()
    sheet, checked = load(path, sheet_name=sheet_name, advertiser_id=advertiser_id, now=started)
    rows = tuple(validated_row(row) for row in checked)
    summary = summarize(rows, command=command, started=started, ended=clock())
    if results is not None:
        write_results(results, sheet, rows, summary)
    return Report(
        rows=rows, summary=summary, results_path=results, notes=sheet.warnings, sheet=sheet
    )


def sheet_status(
    sheet_path: Path | Sheet,
    *,
    journal: Path,
    sheet_name: str | None = None,
    advertiser_id: str | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> tuple[RowResult, ...]:
    """Every row's status as the next run would start from it (accounts not checked)."""
    now = clock()
    sheet, checked = load(sheet_path, sheet_name=sheet_name, advertiser_id=advertiser_id, now=now)
    readonly = Journal.open_readonly(journal)
    try:
        facts = facts_from(sheet, readonly)
    finally:
        if readonly is not None:
            readonly.close()
    plan = make_plan(checked, facts, budget=None, now=now)
    return build_rows(checked, plan, facts.journal_rows, facts.journal_steps, None)


def last_run(journal: Path) -> str:
    """How the journal's latest run ended, in one line ("" when nothing ran yet)."""
    readonly = Journal.open_readonly(journal)
    if readonly is None:
        return ""
    try:
        found = readonly.last_run()
    finally:
        readonly.close()
    if found is None:
        return ""
    command, started, ended, outcome = found
    if not ended:
        return f"the last run ({command}, started {started}) never ended: killed, or still running"
    return f"the last run ({command}) ended {ended}: {outcome}"
