"""The journal (CONTRACT §6): SQLite, WAL, synchronous=FULL, one lock per journal.

Usage::

    with Journal.open(path) as journal:
        step = journal.plan_step(fp, "create_tiktok_campaign", body)   # key stored first
        journal.mark_sending(fp, step.tool)                            # committed before the send
        journal.record_answer(fp, step.tool, status="done", http_status=200, answer="...")

Every write commits at once: a `kill -9` at any moment loses nothing. Rows are
keyed by fingerprint (a row *version*); `row_number` says where it was last seen.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from bulkads.errors import JournalError, JournalLocked
from bulkads.journal_file import MARK, START_AFRESH, check_is_journal, create_private
from bulkads.states import RowRecord, RowState, StepRecord, StepState

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rows (
    fingerprint TEXT PRIMARY KEY,
    row_number  INTEGER NOT NULL,
    status      TEXT NOT NULL,             -- pending | created | rejected
    message     TEXT NOT NULL DEFAULT '',
    ids         TEXT NOT NULL DEFAULT '{}', -- JSON: campaign_id, asset_bundle_id, image_ids, ...
    finished_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS rows_by_number ON rows (row_number);
CREATE TABLE IF NOT EXISTS steps (
    fingerprint     TEXT NOT NULL,
    tool            TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body            BLOB NOT NULL,          -- the exact bytes sent, resent byte-identical
    status          TEXT NOT NULL,          -- planned | sent | done | rejected
    attempts        INTEGER NOT NULL DEFAULT 0,
    http_status     INTEGER,
    answer          TEXT NOT NULL DEFAULT '',
    ids             TEXT NOT NULL DEFAULT '{}', -- JSON: the IDs a done step produced
    created_at      TEXT NOT NULL,
    finished_at     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (fingerprint, tool)
);
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    command     TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    ended_at    TEXT NOT NULL DEFAULT '',
    calls_spent INTEGER NOT NULL DEFAULT 0,
    quota_used  INTEGER,
    quota_limit INTEGER,
    outcome     TEXT NOT NULL DEFAULT ''
);
"""


def utc_now() -> datetime:
    return datetime.now(UTC)


FINISHED = "finished"  # the outcome of a run that ended without a halt


class Journal:
    """One run's durable state. Open with `Journal.open`; one writer at a time."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        lock_fd: int | None,
        *,
        clock: Callable[[], datetime] = utc_now,
        new_key: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._db = connection
        self._lock_fd = lock_fd  # held for the journal's lifetime; None when read-only
        self._clock = clock
        self._new_key = new_key

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        clock: Callable[[], datetime] = utc_now,
        new_key: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> Journal:
        """Open (creating) the journal for writing; JournalLocked if another run holds it."""
        lock_fd = _lock(path)
        try:
            check_is_journal(path)
            create_private(path)
            with _translated(path):
                db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.executescript(_SCHEMA + MARK)
        except BaseException:
            os.close(lock_fd)
            raise
        return cls(db, lock_fd, clock=clock, new_key=new_key)

    @classmethod
    def open_readonly(cls, path: Path) -> Journal | None:
        """The journal for reading (no lock), or None if there is none yet."""
        if not path.exists():
            return None
        check_is_journal(path)
        with _translated(path):
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            db.execute("SELECT 1 FROM rows LIMIT 1")
        return cls(db, None)

    def close(self) -> None:
        self._db.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------

    def rows(self) -> dict[str, RowRecord]:
        """Every row version, by fingerprint."""
        cursor = self._query(
            "SELECT fingerprint, row_number, status, message, ids, finished_at FROM rows"
        )
        return {r[0]: RowRecord(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in cursor}

    def steps(self) -> dict[str, dict[str, StepRecord]]:
        """Every step, by fingerprint then tool."""
        found: dict[str, dict[str, StepRecord]] = {}
        for r in self._query("SELECT * FROM steps"):
            found.setdefault(r[0], {})[r[1]] = _step_record(r)
        return found

    def last_run(self) -> tuple[str, str, str, str] | None:
        """The latest run's (command, started_at, ended_at, outcome); ended_at is empty for
        a run that never ended (killed)."""
        sql = "SELECT command, started_at, ended_at, outcome FROM runs ORDER BY id DESC LIMIT 1"
        found = self._query(sql).fetchone()
        return (str(found[0]), str(found[1]), str(found[2]), str(found[3])) if found else None

    def step(self, fingerprint: str, tool: str) -> StepRecord | None:
        sql = "SELECT * FROM steps WHERE fingerprint = ? AND tool = ?"
        r = self._query(sql, (fingerprint, tool)).fetchone()
        return _step_record(r) if r else None

    # -- writing (each call one durable commit) -----------------------------------

    def ensure_row(self, fingerprint: str, row_number: int) -> None:
        self._write(
            "INSERT INTO rows (fingerprint, row_number, status) VALUES (?, ?, 'pending') "
            "ON CONFLICT (fingerprint) DO UPDATE SET row_number = excluded.row_number",
            (fingerprint, row_number),
        )

    def plan_step(self, fingerprint: str, tool: str, body: bytes) -> StepRecord:
        """The step's record, created with a fresh key if new. An existing record is kept
        as it is (same key, same bytes) unless it never went out and `body` differs."""
        existing = self.step(fingerprint, tool)
        if existing is not None and (existing.body == body or existing.attempts > 0):
            return existing
        if existing is not None:
            return self.replace_step(fingerprint, tool, body)
        self._write(
            "INSERT INTO steps (fingerprint, tool, idempotency_key, body, status, created_at) "
            "VALUES (?, ?, ?, ?, 'planned', ?)",
            (fingerprint, tool, self._new_key(), body, self._now()),
        )
        return self._must_step(fingerprint, tool)

    def replace_step(self, fingerprint: str, tool: str, body: bytes) -> StepRecord:
        """A new logical operation for this step: a new key, new bytes, no attempts."""
        self._write(
            "INSERT OR REPLACE INTO steps "
            "(fingerprint, tool, idempotency_key, body, status, created_at) "
            "VALUES (?, ?, ?, ?, 'planned', ?)",
            (fingerprint, tool, self._new_key(), body, self._now()),
        )
        return self._must_step(fingerprint, tool)

    def forget_steps(self, fingerprint: str, tools: tuple[str, ...]) -> None:
        """Drop steps so they are planned again with new keys (e.g. a stale bundle)."""
        marks = ",".join("?" * len(tools))
        self._write(
            f"DELETE FROM steps WHERE fingerprint = ? AND tool IN ({marks})", (fingerprint, *tools)
        )

    def mark_sending(self, fingerprint: str, tool: str) -> None:
        self._write(
            "UPDATE steps SET status = 'sent', attempts = attempts + 1 "
            "WHERE fingerprint = ? AND tool = ?",
            (fingerprint, tool),
        )

    def record_answer(
        self,
        fingerprint: str,
        tool: str,
        *,
        status: StepState,
        http_status: int | None,
        answer: str,
        ids: dict[str, Any] | None = None,
    ) -> None:
        finished = self._now() if status in ("done", "rejected") else ""
        self._write(
            "UPDATE steps SET status = ?, http_status = ?, answer = ?, ids = ?, finished_at = ? "
            "WHERE fingerprint = ? AND tool = ?",
            (status, http_status, answer[:4000], _json(ids or {}), finished, fingerprint, tool),
        )

    def finish_row(
        self, fingerprint: str, *, status: RowState, message: str, ids: dict[str, Any]
    ) -> None:
        finished = self._now() if status != "pending" else ""
        self._write(
            "UPDATE rows SET status = ?, message = ?, ids = ?, finished_at = ? "
            "WHERE fingerprint = ?",
            (status, message, _json(ids), finished, fingerprint),
        )

    def reopen_row(self, fingerprint: str) -> None:
        """Make a rejected row sendable again (`--retry-rejected`): every step afresh, new keys."""
        self._write("DELETE FROM steps WHERE fingerprint = ?", (fingerprint,))
        self.finish_row(fingerprint, status="pending", message="", ids={})

    def meta(self, key: str) -> str | None:
        row = self._query("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._write("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def start_run(self, command: str) -> int:
        cursor = self._write(
            "INSERT INTO runs (command, started_at) VALUES (?, ?)", (command, self._now())
        )
        return int(cursor.lastrowid or 0)

    def end_run(
        self,
        run_id: int,
        *,
        outcome: str,
        calls_spent: int,
        quota_used: int | None,
        quota_limit: int | None,
    ) -> None:
        self._write(
            "UPDATE runs SET ended_at = ?, outcome = ?, calls_spent = ?, quota_used = ?, "
            "quota_limit = ? WHERE id = ?",
            (self._now(), outcome, calls_spent, quota_used, quota_limit, run_id),
        )

    # -- internals -----------------------------------------------------------------

    def _now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    def _must_step(self, fingerprint: str, tool: str) -> StepRecord:
        step = self.step(fingerprint, tool)
        assert step is not None
        return step

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise JournalError(f"the journal could not be read: {exc}") from exc

    def _write(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        # isolation_level=None: each statement is its own durable transaction.
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise JournalError(f"the journal could not be written: {exc}") from exc


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _step_record(r: tuple[Any, ...]) -> StepRecord:
    fingerprint, tool, key, body, status, attempts, http_status, answer, ids, created, finished = r
    return StepRecord(
        fingerprint,
        tool,
        key,
        bytes(body),
        status,
        attempts,
        http_status,
        answer,
        json.loads(ids),
        created,
        finished,
    )


def _lock(path: Path) -> int:
    lock_path = path.with_name(path.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise JournalError(
            f"cannot create the journal's lock {lock_path}: {exc.strerror}; the journal needs a "
            "folder bulkads can write to: pass -o PATH (the results, with the journal beside "
            "them) or --journal PATH in a writable folder"
        ) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        os.close(fd)
        raise JournalLocked(
            f"another `bulkads run` is using the journal {path}; wait for it to finish, then "
            "rerun the same command (another --journal would send the same rows again)"
        ) from exc
    return fd


@contextmanager
def _translated(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise JournalError(f"the journal {path} cannot be used ({exc}); {START_AFRESH}") from exc
