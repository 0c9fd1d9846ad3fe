"""Row results and the run's report (CONTRACT §1, §7): what each row ended as, and the run.

Usage::

    rows = build_rows(checked, plan, journal.rows(), journal.steps(), halt)
    summary = summarize(rows, command="bulkads run", started=t0, ended=t1, calls=3, quota=q)
    report = Report(rows=rows, summary=summary, results_path=path, halt=halt)
    report.exit_code      # 0, 1, 2 or 3 (§1)

Pure functions over plain data: the journal and the sheet are read by the caller.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bulkads.answers import Quota
from bulkads.errors import ROWS_NEED_FIXING, BulkadsError, Halted
from bulkads.plan import EARLIER_IDS, Plan, steps_for
from bulkads.rules import CheckedRow, Issue
from bulkads.states import STATUSES, RowRecord, Status, StepRecord
from bulkads.target import Target

if TYPE_CHECKING:
    import pandas as pd

    from bulkads.sheet import Sheet


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
    sent_as: str = ""  # the values the sheet's words were read as (§2a)


@dataclass(frozen=True, kw_only=True)
class Sending:
    """How fast the rows went: rows a second against the rate asked for, calls in flight."""

    rows: int  # rows finished while sending, whatever their status
    seconds: float
    rate: float  # --rate, requests a second
    requests: int
    most_in_flight: int
    concurrency: str  # "auto" or the pinned number

    @property
    def rows_per_second(self) -> float | None:
        return self.rows / self.seconds if self.seconds > 0 else None


@dataclass(frozen=True, kw_only=True)
class Summary:
    """The run as a whole, for the Summary sheet."""

    command: str  # without secrets
    started: str
    ended: str
    counts: dict[str, int] = field(default_factory=dict)  # by status
    calls_spent: int = 0
    left_in_flight: int = 0  # calls abandoned in flight by a stop (billed if the API finished)
    quota_used: int | None = None
    quota_left: int | None = None
    target: str = ""  # the base URL and key fingerprint, as said to the user
    target_id: str = ""  # the same, as `target.Target.encode` (read back when fed in)
    halted: str = ""  # why the run stopped early: the halt line, once


@dataclass(frozen=True, kw_only=True)
class Report:
    """What a run or a validation did, row by row."""

    rows: tuple[RowResult, ...]
    summary: Summary
    results_path: Path | None
    halt: BulkadsError | None = None
    planned_calls: int = 0
    notes: tuple[str, ...] = ()
    sending: Sending | None = None  # None: nothing was sent (validate, dry run, a halt)
    sheet: Sheet | None = field(default=None, repr=False)  # the rows' own cells, for to_pandas

    def to_pandas(self) -> pd.DataFrame:
        """One row per sheet row: `row`, `status`, `message`, the sheet's own columns, then
        `campaign_id`, `ad_group_id`, `ad_id` as strings; missing values are pd.NA."""
        from bulkads.frame import rows_frame  # pandas is imported here, on first use

        return rows_frame(self.sheet, self.rows)

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.summary.counts)

    @property
    def exit_code(self) -> int:
        """The halt's own code (errors.py) if the run stopped; else 3 while rows are pending,
        1 when some are invalid or rejected, 0 when all is done (§1)."""
        if self.halt is not None:
            return self.halt.exit_code
        if self.counts.get("pending"):
            return Halted.exit_code  # resumable, as a halt is
        if self.counts.get("invalid") or self.counts.get("rejected"):
            return ROWS_NEED_FIXING
        return 0


def summarize(
    rows: Sequence[RowResult],
    *,
    command: str,
    started: datetime,
    ended: datetime,
    calls: int = 0,
    left_in_flight: int = 0,
    quota: Quota | None = None,
    target: Target | None = None,
    halt: BulkadsError | None = None,
) -> Summary:
    """The Summary sheet's figures for `rows`."""
    counts = Counter(row.status for row in rows)
    return Summary(
        target=target.describe() if target else "",
        target_id=target.encode() if target else "",
        halted=str(halt) if halt else "",
        command=command,
        started=started.isoformat(timespec="seconds"),
        ended=ended.isoformat(timespec="seconds"),
        counts={status: counts.get(status, 0) for status in STATUSES},
        calls_spent=calls,
        left_in_flight=left_in_flight,
        quota_used=quota.used if quota else None,
        quota_left=quota.left if quota else None,
    )


def validated_row(row: CheckedRow) -> RowResult:
    """A row as `validate` reports it: `valid` or `invalid`, with every issue."""
    status: Status = "valid" if row.valid else "invalid"
    return RowResult(
        number=row.number,
        status=status,
        message=_issues_message(row),
        issues=row.issues,
        sent_as="; ".join(row.sent_as),
    )


def build_rows(
    checked: Sequence[CheckedRow],
    plan: Plan,
    journal_rows: Mapping[str, RowRecord],
    journal_steps: Mapping[str, Mapping[str, StepRecord]],
    halt: BulkadsError | None,
) -> tuple[RowResult, ...]:
    """Every sheet row's result, in sheet order, from the plan and the journal."""
    results = []
    for row in checked:
        record = journal_rows.get(row.fingerprint)
        decision = plan.decisions.get(row.number)
        if decision is not None:
            status, message = decision.status, decision.message
            issues, ids = decision.issues or row.issues, dict(decision.ids)
        elif record is not None:
            status, message, issues, ids = record.status, record.message, row.issues, record.ids
            if status == "pending" and not message:  # the run was killed mid-row
                message = _unfinished(row, journal_steps.get(row.fingerprint, {}))
        else:
            status, issues, ids = "pending", row.issues, {}
            message = f"not sent: {halt}" if halt else "not sent yet"
        if status != "created":
            ids = {k: v for k, v in ids.items() if k not in EARLIER_IDS}
        steps = journal_steps.get(row.fingerprint, {})
        results.append(_row_result(row, status, message, issues, ids, record, steps))
    return tuple(results)


def would_send(rows: Sequence[RowResult], plan: Plan) -> tuple[RowResult, ...]:
    """A dry run's rows: those the plan would send are `valid`, with their cost."""
    costs = {item.number: item.cost for item in plan.work}
    waiting = {number for number, decision in plan.decisions.items() if decision.lookup}
    after = "would be sent once its names are looked up with search_tiktok_targeting"
    return tuple(
        replace(row, status="valid", message=f"would be sent: {costs[row.number]} billable call(s)")
        if row.number in costs
        else replace(row, status="valid", message=after)
        if row.number in waiting
        else row
        for row in rows
    )


def _row_result(
    row: CheckedRow,
    status: Status,
    message: str,
    issues: tuple[Issue, ...],
    ids: Mapping[str, Any],
    record: RowRecord | None,
    steps: Mapping[str, StepRecord],
) -> RowResult:
    ordered = [steps[tool] for tool in steps_for(row.arguments) if tool in steps]
    last = ordered[-1] if ordered else None
    warnings = [i.message for i in row.issues if i.severity == "warning"]
    if warnings and status != "invalid":
        message = f"{message}; warnings: {'; '.join(warnings)}"
    return RowResult(
        number=row.number,
        status=status,
        message=message,
        issues=issues,
        campaign_id=text(ids.get("campaign_id")),
        ad_group_id=text(ids.get("ad_group_id")),
        ad_id=text(ids.get("ad_id")),
        prepared_asset_bundle_id=text(ids.get("asset_bundle_id")),
        prepared_image_ids=", ".join(ids.get("image_ids") or []),
        prepared_card_id=text(ids.get("card_id")),
        idempotency_key=last.idempotency_key if last else "",
        attempts=last.attempts if last else 0,  # of the call whose key is shown, not summed
        response=last.answer if last else "",
        finished_at=record.finished_at if record else "",
        sent_as="; ".join(row.sent_as),
    )


def _unfinished(row: CheckedRow, steps: Mapping[str, StepRecord]) -> str:
    tools = steps_for(row.arguments)
    done = sum(1 for tool in tools if tool in steps and steps[tool].status == "done")
    if not any(tool in steps and steps[tool].status == "sent" for tool in tools):
        return f"started, not finished ({done} of {len(tools)} calls done): rerun to resume"
    return (
        f"started, not finished ({done} of {len(tools)} calls done; a call in flight is "
        "resent with its key): rerun to resume"
    )


def _issues_message(row: CheckedRow) -> str:
    errors = [i.message for i in row.issues if i.severity == "error"]
    warnings = [i.message for i in row.issues if i.severity == "warning"]
    parts = ["; ".join(errors)] if errors else ["ok"]
    if warnings:
        parts.append(f"warnings: {'; '.join(warnings)}")
    return "; ".join(parts)


def text(value: object) -> str:
    """A cell or an ID as text: `None` empty, `12.0` as `12`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
