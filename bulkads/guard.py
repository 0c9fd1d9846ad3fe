"""Checks on an untrusted sheet file, before any parser sees it (CONTRACT §2).

Usage::

    fmt = check_file(Path("launch.xlsx"))           # "xlsx", "xls", "ods", "csv" or "tsv"
    fmt = check_file(path, limits=Limits(max_bytes=1_000_000))

Every bad file raises SheetError with one line that says what to do. Zip-based
workbooks (xlsx, xlsm, ods) are checked for inflate ratio, total size and entry
count from the zip directory (the reader refuses an entry that inflates past its
declared size, so declared sizes are binding), and every XML entry's prolog is
read with defusedxml, which rejects DTDs and entity declarations.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from defusedxml.ElementTree import parse as defused_parse

from bulkads.errors import SheetError

MiB = 2**20
FORMATS = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
    ".csv": "csv",
    ".tsv": "tsv",
}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPES = (
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template",
)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 64 * 1024
_RESAVE = "open it in Excel (or LibreOffice) and save it again"


@dataclass(frozen=True, kw_only=True)
class Limits:
    """Caps on a sheet file. The defaults leave ~10x margin over a 100k-row, 30-column xlsx
    (36 MB on disk, 219 MB unpacked, inflate ratio 6; hyperlink-heavy parts reach ~55)."""

    max_bytes: int = 200 * MiB  # the file on disk
    max_ratio: float = 100.0  # one zip entry's uncompressed / compressed size
    ratio_exempt: int = 1 * MiB  # entries up to this size may inflate at any ratio
    max_total: int = 2 * 1024 * MiB  # all zip entries, uncompressed
    max_entries: int = 10_000
    max_prolog: int = 1 * MiB  # bytes of an XML entry read to reach its root element
    # rows x columns of a worksheet's used range, which calamine builds as a dense grid
    # (~120 bytes a cell once read: 8M cells ~ 1 GB; a 100k-row sheet may be 80 wide)
    max_cells: int = 8_000_000
    max_columns: int = 16_384  # Excel's own limit; a CSV record wider than this is refused


DEFAULT_LIMITS = Limits()


def check_file(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> str:
    """Check `path` before parsing; return its format: "xlsx", "xls", "ods", "csv" or "tsv"."""
    fmt = FORMATS.get(path.suffix.lower())
    size = _size(path)
    if fmt is None:
        raise SheetError(
            f"{path}: not a spreadsheet: {path.suffix or 'no extension'} is not supported;"
            " save it as .xlsx, .xlsm, .xls, .ods, .csv or .tsv"
        )
    if size == 0:
        raise SheetError(
            f"{path}: the file is empty (0 bytes); fill in a template (`bulkads template`)"
        )
    if size > limits.max_bytes:
        raise SheetError(
            f"{path}: too big: {size / MiB:.0f} MB (the limit is {limits.max_bytes / MiB:.0f} MB);"
            " split it into smaller sheets"
        )
    head = _head(path)
    if fmt in ("csv", "tsv"):
        _check_text(path, head)
    elif fmt == "xls":
        _check_xls(path, head)
    else:
        _check_zip_magic(path, fmt, head)
        _check_zip(path, fmt, limits)
    return fmt


def _size(path: Path) -> int:
    try:
        if path.is_dir():
            raise SheetError(f"{path}: is a folder, not a sheet file")
        return path.stat().st_size
    except FileNotFoundError as exc:
        raise SheetError(f"{path}: no such file; check the path") from exc
    except OSError as exc:
        raise SheetError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(_CHUNK)
    except OSError as exc:
        raise SheetError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _check_text(path: Path, head: bytes) -> None:
    if head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise SheetError(
            f"{path}: not a spreadsheet: this is an Excel workbook saved with a {path.suffix} name;"
            " rename it .xlsx (or .xls)"
        )
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in head and not utf16:
        raise SheetError(
            f"{path}: not a spreadsheet: binary content in a {path.suffix} file;"
            " export the sheet as CSV UTF-8"
        )


def _check_xls(path: Path, head: bytes) -> None:
    if head.startswith(ZIP_MAGIC):
        raise SheetError(
            f"{path}: not a spreadsheet: this is an .xlsx (or .ods) workbook named .xls;"
            " rename it .xlsx"
        )
    if not head.startswith(OLE_MAGIC):
        raise SheetError(f"{path}: not a spreadsheet: not an Excel 97-2003 workbook; {_RESAVE}")
    _check_not_encrypted(path)


def _check_zip_magic(path: Path, fmt: str, head: bytes) -> None:
    if head.startswith(OLE_MAGIC):
        _check_not_encrypted(path)
        raise SheetError(
            f"{path}: not a spreadsheet: this is an Excel 97-2003 (.xls) workbook named"
            f" {path.suffix}; rename it .xls"
        )
    if not head.startswith(ZIP_MAGIC):
        raise SheetError(
            f"{path}: not a spreadsheet: a {path.suffix} file is a zip package and this one is not;"
            f" {_RESAVE}"
        )


def _check_not_encrypted(path: Path) -> None:
    """An Office file with a password is an OLE2 container holding an "EncryptedPackage"."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise password_protected(path)


def password_protected(path: Path) -> SheetError:
    """The error for a workbook that needs a password."""
    return SheetError(f"{path}: password-protected: remove the password in Excel and save again")


def _check_zip(path: Path, fmt: str, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_sizes(path, infos, limits)
            _check_content(path, fmt, archive)
            for info in infos:
                if info.filename.lower().endswith(_XML_SUFFIXES):
                    _check_prolog(path, archive, info, limits)
    except SheetError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise SheetError(f"{path}: damaged: not a valid zip package ({exc}); {_RESAVE}") from exc
    except (OSError, RuntimeError, ValueError) as exc:  # e.g. an entry encrypted by a zip tool
        raise SheetError(f"{path}: damaged or unreadable zip package ({exc}); {_RESAVE}") from exc


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise SheetError(
            f"{path}: rejected as a zip bomb: {len(infos)} entries (the limit is"
            f" {limits.max_entries}); {_RESAVE}"
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_exempt and ratio > limits.max_ratio:
            raise SheetError(
                f"{path}: rejected as a zip bomb: {info.filename} inflates {ratio:.0f}x"
                f" (the limit is {limits.max_ratio:.0f}x); {_RESAVE}"
            )
    if total > limits.max_total:
        raise SheetError(
            f"{path}: rejected as a zip bomb: it unpacks to {total / MiB:.0f} MB (the limit is"
            f" {limits.max_total / MiB:.0f} MB); split it into smaller sheets"
        )


def _check_content(path: Path, fmt: str, archive: zipfile.ZipFile) -> None:
    names = set(archive.namelist())
    if fmt == "ods":
        mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
        if mimetype not in ODS_MIMETYPES or "content.xml" not in names:
            raise SheetError(
                f"{path}: not a spreadsheet: not an OpenDocument spreadsheet; {_RESAVE}"
            )
        book = "META-INF/manifest.xml"
    else:
        book = "xl/workbook.xml"
        if book not in names:
            raise SheetError(f"{path}: not a spreadsheet: a zip without xl/workbook.xml; {_RESAVE}")
    if book in names:
        with archive.open(book) as entry, _defused(path, book):
            defused_parse(entry, forbid_dtd=True)


def _check_prolog(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits
) -> None:
    """Feed the entry to defusedxml up to its root element: a DTD can only come before it."""
    parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
    read = 0
    with archive.open(info) as entry:
        while chunk := entry.read(_CHUNK):
            try:
                with _defused(path, info.filename):
                    parser.feed(chunk)
            except _RootReached:
                return
            read += len(chunk)
            if read >= limits.max_prolog:
                raise SheetError(
                    f"{path}: rejected: {info.filename} has no XML root element in its first"
                    f" {limits.max_prolog // 1024} KB; {_RESAVE}"
                )


@contextmanager
def _defused(path: Path, name: str) -> Iterator[None]:
    """Translate defusedxml's and expat's errors about entry `name` into SheetError."""
    try:
        yield
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise SheetError(
            f"{path}: rejected: {name} declares a DTD or entities (an XML attack pattern);"
            f" {_RESAVE}"
        ) from exc
    except ParseError as exc:
        raise SheetError(f"{path}: damaged: malformed XML in {name} ({exc}); {_RESAVE}") from exc


class _RootReached(Exception):
    """Raised by the parser target at the first element: the prolog is over."""


class _StopAtRoot:
    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached

    def close(self) -> Any:
        return None
