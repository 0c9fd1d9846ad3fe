"""What a sheet's rows are, without sending anything: `validate` and `bulkads status`.

Usage::

    report = validate(Path("launch.xlsx"), results=Path("launch.results.xlsx"))
    found = sheet_status(Path("launch.xlsx"), journal=Path("launch.results.journal.sqlite"))
    found.rows, found.notes

`read` and `facts_from` are the first steps of a run too (sheet → what is known before
any call); the run checks the rows while its free pre-flight calls are answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bulkads.accounts import Accounts
from bulkads.cells import Resolve, is_empty
from bulkads.config import default_journal_path
from bulkads.journal import Journal, utc_now
from bulkads.plan import EARLIER_IDS, Facts, make_plan
from bulkads.report import Report, RowResult, build_rows, summarize, text, validated_row
from bulkads.results import write_results
from bulkads.rules import CheckedRow, check_sheet
from bulkads.sheet import Sheet, read_sheet
from bulkads.targeting import Catalogue, cache_path, read_cache

ADVERTISER_META = "advertiser_id"  # the journal's meta key: the default its last run gave


def remembered_advertiser(journal: Path) -> str | None:
    """The `--advertiser-id` the journal's last run gave rows without one (None: none).

    The default is part of a row's arguments, so its fingerprint: a later `status` or `run`
    without the option must read the rows as they were sent, not as changed after creation."""
    with _reading(journal) as readonly:
        return readonly.meta(ADVERTISER_META) if readonly else None


def remembered_note(
    sheet: Sheet, advertiser: str | None, *, journal: Path, accounts: Accounts | None
) -> tuple[str, ...]:
    """What a run says when rows without an advertiser_id go to the advertiser its journal
    remembers (nothing when it remembers none, or every row names its own)."""
    if advertiser is None or all(
        not is_empty(sheet.arguments(row).get("advertiser_id")) for row in sheet.rows
    ):
        return ()
    name = accounts.names.get(advertiser) if accounts else None
    called = f"{advertiser} ({name})" if name else advertiser
    return (
        f"rows without an advertiser_id go to advertiser {called}, remembered from the "
        f"--advertiser-id of an earlier run with this journal ({journal.name}); to change it, "
        "pass --advertiser-id (advertiser_id= from Python) or fill in the advertiser_id column",
    )


@contextmanager
def _reading(journal: Path) -> Iterator[Journal | None]:
    """The journal opened for reading (None if there is none yet), closed afterwards."""
    readonly = Journal.open_readonly(journal)
    try:
        yield readonly
    finally:
        if readonly is not None:
            readonly.close()


def load(
    source: Path | Sheet,
    *,
    sheet_name: str | None,
    advertiser_id: str | None,
    now: datetime,
    resolve: Resolve | None = None,
) -> tuple[Sheet, list[CheckedRow]]:
    """The sheet and every row checked against the rules; `resolve` looks names up (§2a)."""
    sheet = read(source, sheet_name=sheet_name)
    checked = check_sheet(sheet, now=now, default_advertiser_id=advertiser_id, resolve=resolve)
    return sheet, checked


def read(source: Path | Sheet, *, sheet_name: str | None) -> Sheet:
    """The sheet a path names (a DataFrame's is already read)."""
    return source if isinstance(source, Sheet) else read_sheet(source, sheet_name=sheet_name)


def cached_names(journal: Path, now: datetime, *, base_url: str | None = None) -> Catalogue:
    """The targeting catalogue saved beside `journal` (from `base_url`, when given), the
    parts younger than 30 days."""
    return read_cache(cache_path(journal), base_url=base_url).fresh(now)


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
    """Read and check every row; write the results workbook (`valid` / `invalid`).

    Names that need search_tiktok_targeting are read from the catalogue a run saved beside
    its journal; without one they are said in a note (validating sends nothing)."""
    started = clock()
    names = cached_names(default_journal_path(results), started) if results else None
    sheet, checked = load(
        path,
        sheet_name=sheet_name,
        advertiser_id=advertiser_id,
        now=started,
        resolve=names.resolve if names else None,
    )
    rows = tuple(validated_row(row) for row in checked)
    summary = summarize(rows, command=command, started=started, ended=clock())
    if results is not None:
        write_results(results, sheet, rows, summary)
    notes = (*sheet.warnings, *_names_note(checked))
    return Report(rows=rows, summary=summary, results_path=results, notes=notes, sheet=sheet)


def _names_note(checked: list[CheckedRow]) -> list[str]:
    """What `validate` could not check: names only a run can look up."""
    names = {(name.targeting_type, str(name)) for row in checked if row.valid for name in row.names}
    if not names:
        return []
    types = sorted({kind for kind, _ in names})
    shown = ", ".join(repr(name) for _, name in sorted(names)[:8])
    more = f" and {len(names) - 8} more" if len(names) > 8 else ""
    return [
        f"{len(names)} name(s) are looked up with search_tiktok_targeting when the sheet is run "
        f"({len(types)} billable call(s): {', '.join(types)}): {shown}{more}; "
        "`bulkads run --dry-run` shows the plan"
    ]


@dataclass(frozen=True)
class SheetStatus:
    rows: tuple[RowResult, ...]
    notes: tuple[str, ...]  # the remembered advertiser, when rows are read with it
    last_run: str  # how the journal's latest run ended ("" when nothing ran yet)


def sheet_status(
    sheet_path: Path | Sheet,
    *,
    journal: Path,
    sheet_name: str | None = None,
    advertiser_id: str | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> SheetStatus:
    """Every row's status as the next run would start from it (accounts not checked);
    without `advertiser_id`, the default the journal's last run gave, said in a note."""
    now = clock()
    names = read_cache(cache_path(journal))  # of any age: as the last run read the names
    with _reading(journal) as readonly:  # opened once for all it is asked
        remembered = None if advertiser_id or not readonly else readonly.meta(ADVERTISER_META)
        sheet, checked = load(
            sheet_path,
            sheet_name=sheet_name,
            advertiser_id=advertiser_id or remembered,
            now=now,
            resolve=names.resolve,
        )
        facts = facts_from(sheet, readonly)
        ran = _ran(readonly.last_run() if readonly else None)
    plan = make_plan(checked, facts, budget=None, now=now)
    rows = build_rows(checked, plan, facts.journal_rows, facts.journal_steps, None)
    notes = remembered_note(sheet, remembered, journal=journal, accounts=None)
    return SheetStatus(rows, notes, ran)


def last_run(journal: Path) -> str:
    """How the journal's latest run ended, in one line ("" when nothing ran yet)."""
    with _reading(journal) as readonly:
        return _ran(readonly.last_run() if readonly else None)


def _ran(found: tuple[str, str, str, str] | None) -> str:
    if found is None:
        return ""
    command, started, ended, outcome = found
    if not ended:
        return f"the last run ({command}, started {started}) never ended: killed, or still running"
    return f"the last run ({command}) ended {ended}: {outcome}"
