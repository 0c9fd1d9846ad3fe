"""What the commands print: the plan, the counts, the summary, JSON for scripts.

Usage::

    print_plan(console, plan, found, dry_run=False)
    print_report(report, console=out, err=err, as_json=False, title="Run")
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from bulkads.inert import json_inert, shown
from bulkads.plan import Plan
from bulkads.preflight import UNREAD_ACCOUNTS, Preflight
from bulkads.report import Report, RowResult, Sending
from bulkads.states import OPEN_STATUSES

_LISTED = 50  # rows listed by `status` before "... and N more"
_SHOWN = 10  # rows listed after a run or a validation


def print_plan(console: Console, plan: Plan, found: Preflight, *, dry_run: bool) -> None:
    _print_notes(console, found.notes)
    quota = found.quota
    left = f"{quota.left} of {quota.limit} ({quota.tier})" if quota else "unknown"
    unaffordable = sum(1 for d in plan.decisions.values() if d.status == "pending" and not d.lookup)
    waiting = sum(1 for d in plan.decisions.values() if d.lookup)
    verb = "would send" if dry_run else "sending"
    line = f"Plan: {verb} {len(plan.work)} row(s), {plan.calls} billable call(s)"
    if plan.lookups:
        looked = "would look up" if dry_run else "looked up"
        line += f" (of which {len(plan.lookups)} {looked}: {', '.join(plan.lookups)})"
    line += f"; quota left: {left}"
    if not plan.work and not plan.lookups and not waiting:
        line = f"Plan: nothing to send (no row is waiting to be sent); quota left: {left}"
    if unaffordable:
        line += f"; {unaffordable} row(s) not affordable, left pending"
    if waiting:
        line += f"; {waiting} row(s) wait for names to be looked up"
    console.print(shown(line))


def counts_table(counts: Mapping[str, int], *, title: str) -> Table:
    table = Table(title=shown(title), title_justify="left", min_width=len(title) + 2)
    table.add_column("status")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        if count:
            table.add_row(name, str(count))
    return table


def print_report(
    report: Report,
    *,
    console: Console,
    err: Console,
    as_json: bool,
    title: str,
    said: Collection[str] = frozenset(),
) -> None:
    """The report on the terminal, or as JSON (every note); `said`: notes not repeated."""
    summary = report.summary
    if as_json:
        _print_json(console, json_summary(report))
    else:
        _print_notes(console, report.notes, skip=said)
        console.print(counts_table(summary.counts, title=f"{title}: {len(report.rows)} row(s)"))
        halt = str(report.halt) if report.halt else ""
        _list_open_rows(console, report.rows, limit=_SHOWN, halt=halt)
        _list_warned_rows(console, report.rows, limit=_SHOWN)
        if report.sending is not None and report.sending.rows:
            console.print(sending_line(report.sending), markup=False)
        if summary.calls_spent or summary.quota_left is not None:
            left = "unknown" if summary.quota_left is None else summary.quota_left
            console.print(shown(f"Billable calls spent: {summary.calls_spent}; quota left: {left}"))
        if summary.left_in_flight:
            console.print(shown(left_in_flight_line(summary.left_in_flight)))
        if report.results_path:
            console.print(shown(f"Results: {report.results_path}"))
    if report.halt is not None:
        err.print(shown(f"bulkads: halted: {report.halt}"))
    elif report.exit_code == 3:
        pending = summary.counts.get("pending", 0)
        err.print(f"bulkads: {pending} row(s) pending: rerun the same command to resume")


def left_in_flight_line(count: int) -> str:
    """What a stop left in flight: the API bills those it finishes, maybe after the run ended,
    so "calls spent" may not hold them yet."""
    return (
        f"{count} call(s) were still in flight when the run stopped: the API bills those it "
        "finishes, and calls spent above holds only what it had billed by then; the next run "
        "resends them with their keys (never billed twice)"
    )


def json_summary(report: Report) -> dict[str, Any]:
    summary = report.summary
    return {
        "exit_code": report.exit_code,
        "counts": summary.counts,
        "calls_spent": summary.calls_spent,
        "left_in_flight": summary.left_in_flight,
        "planned_calls": report.planned_calls,
        "quota_used": summary.quota_used,
        "quota_left": summary.quota_left,
        "results": str(report.results_path) if report.results_path else None,
        "halted": str(report.halt) if report.halt else None,
        "notes": list(report.notes),
        "sending": _sending_json(report.sending),
        "rows": [_row_json(row) | _ids_json(row) for row in report.rows],
    }


def _sending_json(sending: Sending | None) -> dict[str, Any] | None:
    if sending is None:
        return None
    speed = sending.rows_per_second
    return {
        "rows": sending.rows,
        "seconds": round(sending.seconds, 3),
        "rows_per_second": None if speed is None else round(speed, 3),
        "rate": sending.rate,
        "requests": sending.requests,
        "most_in_flight": sending.most_in_flight,
        "concurrency": sending.concurrency,
    }


def sending_line(sending: Sending) -> str:
    """One line: how fast the rows went against the rate, and the calls in flight."""
    speed = sending.rows_per_second
    pace = f"{speed:.2f} rows/s" if speed is not None else "-"
    return (
        f"Sent {sending.rows} row(s) in {sending.seconds:.1f} s: {pace} "
        f"(--rate {sending.rate:g}/s), at most {sending.most_in_flight} call(s) in flight "
        f"(--concurrency {sending.concurrency})"
    )


def print_status(
    rows: Sequence[RowResult],
    *,
    console: Console,
    as_json: bool,
    title: str,
    last_run: str = "",
    notes: Sequence[str] = (),
) -> None:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    open_rows = [row for row in rows if row.status in OPEN_STATUSES]
    if as_json:
        payload = {
            "counts": counts,
            "last_run": last_run or None,
            "notes": list(notes),
            "rows": [_row_json(row) for row in open_rows],
        }
        _print_json(console, payload)
        return
    _print_notes(console, notes)
    console.print(counts_table(counts, title=f"{title}: {len(rows)} row(s)"))
    _list_open_rows(console, rows, limit=_LISTED)
    if last_run:
        console.print(shown(f"{last_run[0].upper()}{last_run[1:]}"))


def _list_open_rows(
    console: Console, rows: Sequence[RowResult], *, limit: int, halt: str = ""
) -> None:
    """The rows that need the user (invalid, rejected, pending): rows that share a message
    on one line (a halt leaves many pending alike), the first `limit` lines."""
    groups: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        if row.status in OPEN_STATUSES:
            message = row.message.replace(halt, "halted (see below)") if halt else row.message
            groups.setdefault((row.status, message), []).append(row.number)
    _print_groups(console, groups, limit=limit, label="", more="row(s)")


def _row_numbers(numbers: Sequence[int], *, shown: int = 5) -> str:
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    listed = ", ".join(str(n) for n in numbers[:shown])
    rest = f" and {len(numbers) - shown} more" if len(numbers) > shown else ""
    return f"{len(numbers)} rows ({listed}{rest})"


def _list_warned_rows(console: Console, rows: Sequence[RowResult], *, limit: int) -> None:
    """Rows that go (or went) out despite a warning (no budget, budget under 50, long text):
    said here too, not only in the workbook (§3); rows that share their warnings on one line."""
    groups: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        warnings = [i.message for i in row.issues if i.severity == "warning"]
        if warnings and row.status not in OPEN_STATUSES:
            groups.setdefault((row.status, "; ".join(warnings)), []).append(row.number)
    _print_groups(console, groups, limit=limit, label=", warning", more="row(s) with warnings")


def _print_groups(
    console: Console,
    groups: dict[tuple[str, str], list[int]],
    *,
    limit: int,
    label: str,
    more: str,
) -> None:
    """One line per (status, message) group, the first `limit` of them, then a count."""
    lines = list(groups.items())
    for (status, message), numbers in lines[:limit]:
        console.print(shown(f"{_row_numbers(numbers)}: {status}{label} — {message}"))
    if len(lines) > limit:
        left = sum(len(numbers) for _, numbers in lines[limit:])
        console.print(f"... and {left} more {more} (see the results workbook)")


def print_accounts(found: Preflight, *, console: Console, as_json: bool) -> None:
    if as_json:
        _print_json(console, _accounts_payload(found))
        return
    quota = found.quota
    if found.accounts is not None:
        table = Table(title="Connected TikTok advertisers")
        table.add_column("advertiser_id")
        table.add_column("name")
        for advertiser in found.accounts.ids:
            table.add_row(shown(advertiser), shown(found.accounts.names.get(advertiser, "")))
        console.print(table)
        if not found.accounts.ids:
            console.print(
                "No TikTok advertiser is connected to this key (connect one at adspirer.ai)."
            )
    elif found.unread:
        console.print(
            "bulkads could not read the connected advertisers from the API's answer; it begins:",
            markup=False,
        )
        for line in found.unread:
            console.print(shown(f"  {line}"))
    if quota is not None:
        used = f"{quota.used} of {quota.limit} calls used this month ({quota.tier})"
        console.print(shown(f"Quota: {used}; {quota.left} left"))
    _print_notes(console, found.notes, skip={UNREAD_ACCOUNTS})  # that one is said above


def _accounts_payload(found: Preflight) -> dict[str, Any]:
    """`bulkads accounts --json`: the advertisers, the answer it could not read, the quota."""
    quota = found.quota
    return {
        "accounts": None
        if found.accounts is None
        else [
            {"advertiser_id": i, "name": found.accounts.names.get(i, "")}
            for i in found.accounts.ids
        ],
        "unreadable_answer": list(found.unread),
        "quota": None if quota is None else {**vars(quota), "left": quota.left},
        "notes": list(found.notes),
    }


def _print_notes(console: Console, notes: Sequence[str], *, skip: Collection[str] = ()) -> None:
    """One `note:` line each, but for those already said (`skip`)."""
    for note in notes:
        if note not in skip:
            console.print(shown(f"note: {note}"))


def _print_json(console: Console, payload: Mapping[str, Any]) -> None:
    """Plain JSON, never wrapped or highlighted, for scripts to parse (and inert). Written to
    the console's file as it is: rich would build a segment for every token (0.4 s for a
    5,000-row report)."""
    console.file.write(json_inert(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n")
    console.file.flush()


def _ids_json(row: RowResult) -> dict[str, str | None]:
    """The IDs as strings, null when missing (as `Report.to_pandas()` has them pd.NA)."""
    return {name: getattr(row, name) or None for name in ("campaign_id", "ad_group_id", "ad_id")}


def _row_json(row: RowResult) -> dict[str, Any]:
    return {"row": row.number, "status": row.status, "message": row.message}
