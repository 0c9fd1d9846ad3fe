"""What the page shows, as JSON-ready dicts: pure functions over a read sheet and a report.

Usage::

    check_view(sheet, report)             # the rows table, bad cells and their messages
    plan_view(plan, found, report)        # rows to send, calls, quota, what cannot be afforded
    outcome_view(sheet, rows, halt)       # created rows with their IDs, rows to fix

The messages are the results workbook's own (`RowResult.message`, `Issue.message`):
the page validates nothing itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from bulkads.plan import Plan
from bulkads.preflight import Preflight
from bulkads.report import RowResult, Summary
from bulkads.rules import Issue
from bulkads.sheet import Sheet, SheetRow
from bulkads.states import STATUSES

MOST_ROWS = 2000  # rows sent to the page; the results workbook holds them all
_PROBLEMS = ("invalid", "rejected", "pending")


def check_view(sheet: Sheet, rows: Sequence[RowResult], *, notes: Sequence[str]) -> dict[str, Any]:
    """The sheet as a table: every row's status and message, each bad cell's messages."""
    positions = {column.name: column.index for column in sheet.columns}
    by_number = {row.number: row for row in sheet.rows}
    shown = _rows_to_show(rows)
    return {
        "worksheet": sheet.name,
        "columns": [
            {"header": c.header, "name": c.name, "role": c.role, "letter": c.letter}
            for c in sheet.columns
        ],
        "rows": [_row(result, by_number.get(result.number), positions) for result in shown],
        "total": len(rows),
        "counts": counts(rows),
        "warned": sum(1 for row in rows if _warnings(row.issues)),
        "warnings": list(notes),
    }


def counts(rows: Sequence[RowResult]) -> dict[str, int]:
    found = Counter(row.status for row in rows)
    return {status: found.get(status, 0) for status in STATUSES if found.get(status)}


def _rows_to_show(rows: Sequence[RowResult]) -> list[RowResult]:
    """Every row up to the cap; past it, the rows with problems first."""
    if len(rows) <= MOST_ROWS:
        return list(rows)
    flagged = [row for row in rows if row.status in _PROBLEMS or row.issues]
    chosen = {row.number for row in flagged[:MOST_ROWS]}
    for row in rows:
        if len(chosen) >= MOST_ROWS:
            break
        chosen.add(row.number)
    return [row for row in rows if row.number in chosen]


def _row(result: RowResult, cells: SheetRow | None, positions: dict[str, int]) -> dict[str, Any]:
    notes: dict[int, dict[str, Any]] = {}
    for issue in result.issues:
        position = positions.get(issue.column)
        if position is None:
            continue
        note = notes.setdefault(position, {"level": "warning", "messages": []})
        if issue.severity == "error":
            note["level"] = "error"
        note["messages"].append(issue.message)
    return {
        "number": result.number,
        "status": result.status,
        "message": result.message,
        "sent_as": result.sent_as,  # what the sheet's words are sent as (§2a)
        "cells": [display(value) for value in (cells.cells if cells else ())],
        "notes": {str(position): note for position, note in notes.items()},
    }


def _warnings(issues: Sequence[Issue]) -> list[str]:
    return [issue.message for issue in issues if issue.severity == "warning"]


def display(value: object) -> str:
    """A cell as a person would read it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def plan_view(plan: Plan, found: Preflight, rows: Sequence[RowResult]) -> dict[str, Any]:
    """The plan: what will be sent and spent, the quota, the rows it cannot afford."""
    quota = found.quota
    accounts = found.accounts
    short = [row for row in rows if row.status == "pending"]
    return {
        "rows_to_send": len(plan.work),
        "calls": plan.calls,
        "quota": None
        if quota is None
        else {"used": quota.used, "limit": quota.limit, "left": quota.left, "tier": quota.tier},
        "advertisers": []
        if accounts is None
        else [{"id": i, "name": accounts.names.get(i, "")} for i in accounts.ids],
        "cannot_afford": [{"number": row.number, "message": row.message} for row in short],
        "counts": counts(rows),
        "notes": list(found.notes),
    }


def outcome_view(
    rows: Sequence[RowResult],
    names: dict[int, str],
    *,
    halt: str | None,
    summary: Summary | None = None,
) -> dict[str, Any]:
    """After a launch: the created rows with their IDs, the rows that need the user, and
    the run's record as its Summary sheet keeps it (calls spent, quota left, target)."""
    record = None
    if summary is not None:
        record = {
            "calls_spent": summary.calls_spent,
            "quota_left": summary.quota_left,
            "target": summary.target,
        }
    return {
        "counts": counts(rows),
        "halt": halt,
        "record": record,
        "created": [
            {
                "number": row.number,
                "campaign_name": names.get(row.number, ""),
                "campaign_id": row.campaign_id,
                "message": row.message,
            }
            for row in rows
            if row.status == "created"
        ][:MOST_ROWS],
        "to_fix": [
            {"number": row.number, "status": row.status, "message": row.message}
            for row in rows
            if row.status in ("invalid", "rejected")
        ][:MOST_ROWS],
        "pending": sum(1 for row in rows if row.status == "pending"),
    }
