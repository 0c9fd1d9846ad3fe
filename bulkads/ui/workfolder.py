"""The work folder: uploaded sheets, and each sheet's results and journal for each target.

Usage::

    folder = WorkFolder(Path("."))
    path = await folder.save_upload(part, limit=200 * MiB)   # launch.xlsx, guarded
    folder.sheets()                                        # ["launch.xlsx", ...]
    folder.paths("launch.xlsx", rehearsal=False)           # the CLI's own defaults

A live launch uses exactly the paths `bulkads run SHEET` uses, so the page and the
command line resume each other's runs. A rehearsal keeps results and journal of its
own (`launch.rehearsal.xlsx`), so the sandbox's campaigns never mix with real ones.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bulkads.config import default_journal_path, default_results_path
from bulkads.destinations import is_results_workbook
from bulkads.errors import JournalError, SheetError, UsageError
from bulkads.guard import FORMATS, MiB
from bulkads.journal_file import check_is_journal
from bulkads.sheet import read_sheet

REHEARSAL = ".rehearsal"
_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()\-]+")
_MOST_NAME = 120
_JOURNAL_SIDES = ("", "-wal", "-shm", ".lock")


class Part(Protocol):
    """A multipart field being received (aiohttp's BodyPartReader)."""

    @property
    def filename(self) -> str | None: ...

    async def read_chunk(self, size: int = ...) -> bytes: ...


@dataclass(frozen=True)
class Paths:
    sheet: Path
    results: Path
    journal: Path


class TooBig(UsageError):
    """An upload over the size cap."""


class WorkFolder:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def sheets(self) -> list[str]:
        """The spreadsheets in the folder a user may pick (not rehearsal results)."""
        found = [
            path.name
            for path in self.root.iterdir()
            if path.is_file() and _pickable(path.name) and not path.stem.endswith(REHEARSAL)
        ]
        return sorted(found, key=str.lower)

    def sheet(self, name: str) -> Path:
        """A sheet of the folder by its bare name; nothing outside the folder."""
        path = self.root / safe_name(name)
        if path.name != name or not path.is_file():
            raise UsageError(f"no sheet named {name!r} in the work folder {self.root}")
        return path

    def paths(self, name: str, *, rehearsal: bool) -> Paths:
        sheet = self.sheet(name)
        results = default_results_path(sheet)
        if rehearsal:
            results = results.with_name(f"{results.stem}{REHEARSAL}.xlsx")
        return Paths(sheet, results, default_journal_path(results))

    def forget(self, paths: Paths) -> None:
        """Remove a rehearsal's results workbook and journal (its sandbox is new): only
        files bulkads wrote. A file of that name that is not ours stays, and the rehearsal
        then refuses to write over it, as `bulkads run` does."""
        try:
            check_is_journal(paths.journal)
        except JournalError:
            return
        for side in _JOURNAL_SIDES:
            with contextlib.suppress(FileNotFoundError):
                paths.journal.with_name(paths.journal.name + side).unlink()
        if is_results_workbook(paths.results):
            paths.results.unlink()

    async def save_upload(self, part: Part, *, limit: int) -> Path:
        """Receive a sheet into the folder, at most `limit` bytes, checked by the same file
        guards as the command line before it replaces a file of the same name."""
        name = safe_name(part.filename or "")
        final = self.root / name
        temporary = self.root / f".upload-{secrets.token_hex(6)}-{name}"
        try:
            await _receive(part, temporary, limit=limit)
            try:
                read_sheet(temporary)
            except SheetError as exc:
                raise SheetError(str(exc).replace(str(temporary), name)) from None
            os.replace(temporary, final)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        return final


def safe_name(name: str) -> str:
    """A file name the folder can hold: no folders, no hidden files, a sheet's extension."""
    bare = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    suffix = Path(bare).suffix.lower()
    if suffix not in FORMATS:
        raise SheetError(
            f"{name or 'the file'}: not a spreadsheet; drop a .xlsx, .xlsm, .xls, .ods, .csv "
            "or .tsv file"
        )
    stem = bare[: -len(suffix)][: _MOST_NAME - len(suffix)] or "sheet"
    return f"{stem}{suffix}"


def _pickable(name: str) -> bool:
    try:
        return safe_name(name) == name
    except SheetError:
        return False


async def _receive(part: Part, path: Path, *, limit: int) -> None:
    size = 0
    with path.open("wb") as file:
        while chunk := await part.read_chunk(256 * 1024):
            size += len(chunk)
            if size > limit:
                raise TooBig(
                    f"the file is over {limit / MiB:.0f} MB, the most a sheet may be; "
                    "split it into smaller sheets"
                )
            file.write(chunk)
