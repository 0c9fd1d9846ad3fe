"""CONTRACT §6-§7 for the files bulkads keeps: the journal is private and never taken for
another program's database, and no output is written over another."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from runs import campaign_row, write_csv
from test_commands import bulkads, no_traceback

from bulkads.errors import JournalError
from bulkads.journal import _SCHEMA, Journal


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def other_programs_database(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    db.execute("INSERT INTO notes (text) VALUES ('keep me')")
    db.commit()
    db.close()
    return path


@pytest.mark.parametrize("command", ["run", "status"])
def test_a_journal_option_naming_another_programs_database_is_refused_and_left_untouched(
    tmp_path: Path, command: str
) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    other = other_programs_database(tmp_path / "notes.db")
    before = digest(other)
    args = [command, "launch.csv", "--journal", "notes.db"]
    if command == "run":
        args += ["--base-url", "http://127.0.0.1:9"]
    result = bulkads(*args, cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 2, result.stderr
    said = " ".join(result.stderr.split())
    assert "notes.db is not a bulkads journal (it is another program's SQLite database)" in said
    assert "it was not changed" in said
    assert digest(other) == before
    assert not (tmp_path / "notes.db-wal").exists() and not (tmp_path / "notes.db-shm").exists()


def test_a_journal_option_naming_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n" * 20)
    before = digest(notes)
    with pytest.raises(JournalError, match="not an SQLite file"):
        Journal.open(notes)
    assert digest(notes) == before


def test_a_journal_made_before_journals_were_marked_is_still_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.journal.sqlite"
    db = sqlite3.connect(path)
    db.executescript(_SCHEMA)
    db.close()
    with Journal.open(path) as journal:
        journal.set_meta("seen", "yes")
    with Journal.open(path) as journal:
        assert journal.meta("seen") == "yes"
    header = path.read_bytes()[:100]
    assert header[68:72] == b"BLKA"


def test_the_journal_and_its_wal_and_shm_files_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "launch.results.journal.sqlite"
        with Journal.open(path) as journal:
            journal.set_meta("k", "v")
            modes = {
                name: os.stat(tmp_path / name).st_mode & 0o777 for name in os.listdir(tmp_path)
            }
    finally:
        os.umask(old)
    assert {f"{path.name}{side}" for side in ("", "-wal", "-shm")} <= set(modes)
    assert set(modes.values()) == {0o600}, modes


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_results_workbook_follows_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADSPIRER_")}
    result = subprocess.run(
        [sys.executable, "-m", "bulkads", "validate", "launch.csv"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(umask),
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "launch.results.xlsx").stat().st_mode & 0o777 == mode


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("-o", "x.xlsx", "--journal", "x.xlsx"), "would be one file"),
        (("-o", "x.xlsx", "--journal", "./sub/../x.xlsx"), "would be one file"),
        (("-o", "link.xlsx", "--journal", "j.sqlite"), "would be one file"),
        (("--journal", "launch.csv"), "would be the sheet itself"),
    ],
)
def test_two_outputs_on_one_path_are_refused_before_anything_is_written(
    tmp_path: Path, args: tuple[str, ...], fragment: str
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.xlsx").symlink_to("j.sqlite")  # -o through a link onto the journal
    write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    before = sorted(p.name for p in tmp_path.iterdir())
    result = bulkads("run", "launch.csv", *args, "--base-url", "http://127.0.0.1:9", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 2, result.stderr
    assert fragment in " ".join(result.stderr.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_advice_to_start_afresh_says_created_rows_would_be_created_again(tmp_path: Path) -> None:
    path = tmp_path / "launch.results.journal.sqlite"
    with Journal.open(path) as journal:
        journal.set_meta("k", "v" * 10_000)
    data = bytearray(path.read_bytes())
    data[100:] = bytes(len(data) - 100)  # every page but the header wiped
    path.write_bytes(bytes(data))
    with pytest.raises(JournalError) as error:
        Journal.open(path)
    message = str(error.value)
    assert "rows already created would then be created again" in message
    assert (
        "unless you run the results workbook (it holds their campaign_id) as the sheet" in message
    )
