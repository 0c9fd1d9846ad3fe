"""The journal's file: made private, marked as bulkads's, and no other file taken for one.

Usage::

    check_is_journal(path)        # JournalError if `path` holds anything but a bulkads journal
    create_private(path)          # a new, empty journal file, 0600 (its -wal/-shm follow)
    db.executescript(MARK)        # stamp it: PRAGMA application_id / user_version

A journal holds every request body: it is created readable by its owner only, and
SQLite gives its `-wal` and `-shm` files the same mode. `--journal` pointing at another
program's database must not be altered (no table added, no switch to WAL): an existing
file is opened only if its header carries bulkads's application_id, or, for a journal
made before the mark existed, if it holds exactly bulkads's tables.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from bulkads.errors import JournalError

APPLICATION_ID = int.from_bytes(b"BLKA", "big")  # SQLite header bytes 68-71
SCHEMA_VERSION = 1  # SQLite header bytes 60-63 (user_version)
MARK = f"PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_UNMARKED_TABLES = frozenset({"rows", "steps", "meta", "runs"})

START_AFRESH = (
    "to start afresh, pass another --journal (or -o for new results beside a new journal): "
    "rows already created would then be created again, unless you run the results workbook "
    "(it holds their campaign_id) as the sheet"
)


def check_is_journal(path: Path) -> None:
    """Nothing for a missing or empty file or a bulkads journal; JournalError otherwise,
    and the file is left exactly as it was."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise JournalError(f"the journal {path} cannot be read ({exc.strerror})") from exc
    if not header:
        return
    if not header.startswith(_SQLITE_MAGIC) or len(header) < 100:
        raise _not_a_journal(path, "it is not an SQLite file")
    if int.from_bytes(header[68:72], "big") == APPLICATION_ID:
        return
    found = _marks(path)  # the mark may still be in the -wal of a run killed early
    if found is None:
        raise _not_a_journal(path, "SQLite cannot read it")
    application_id, tables = found
    if application_id == APPLICATION_ID or (application_id == 0 and tables == _UNMARKED_TABLES):
        return
    raise _not_a_journal(path, "it is another program's SQLite database")


def create_private(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist (SQLite would use 0644)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise JournalError(
            f"cannot create the journal {path}: {exc.strerror}; pass --journal (or -o) "
            "in a folder bulkads can write to"
        ) from exc


def _marks(path: Path) -> tuple[int, frozenset[str]] | None:
    """The database's application_id and table names, read without writing anything."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            application_id = int(db.execute("PRAGMA application_id").fetchone()[0])
            names = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return application_id, frozenset(str(row[0]) for row in names)
        finally:
            db.close()
    except sqlite3.Error:
        return None


def _not_a_journal(path: Path, why: str) -> JournalError:
    return JournalError(
        f"{path} is not a bulkads journal ({why}); it was not changed. Pass --journal with "
        "the path of this sheet's journal, or a new path"
    )
