"""Reading a CSV or TSV file into records (every cell a str), as Excel users save them.

Usage::

    records, warnings = read_text(Path("launch.csv"), "csv", DEFAULT_LIMITS)
    for record in records: ...     # lazily; a bad line raises SheetError as it is reached

UTF-8 (with or without a BOM) or UTF-16 with a BOM; else Windows-1252, Excel's plain
CSV, with a warning. The delimiter of a .csv is sniffed (comma, semicolon or tab).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from bulkads.errors import SheetError
from bulkads.guard import Limits

_DELIMITERS = (",", ";", "\t")
_SNIFF_BYTES = 64 * 1024


def read_text(path: Path, fmt: str, limits: Limits) -> tuple[Iterator[list[str]], list[str]]:
    """The records of a CSV/TSV file, and the warnings (encoding fallback)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    encoding, warnings = _encoding(path, raw)
    sample = raw[:_SNIFF_BYTES].decode(encoding, errors="ignore")
    delimiter = "\t" if fmt == "tsv" else _sniff(sample)
    # TextIOWrapper decodes in chunks: a whole-file str in a StringIO costs 4 bytes a char.
    text = io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, newline="")
    return _records(path, text, delimiter, limits.max_columns), warnings


def _records(
    path: Path, text: io.TextIOWrapper, delimiter: str, max_columns: int
) -> Iterator[list[str]]:
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for record in reader:
            if len(record) > max_columns:
                raise SheetError(
                    f"{path}: line {reader.line_num} has {len(record):,} columns (the limit is"
                    f" {max_columns:,}, as in Excel); delete the extra separators"
                )
            yield record
    except csv.Error as exc:
        raise SheetError(
            f"{path}: line {reader.line_num}: {exc}; check that its quotes are closed"
        ) from exc
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"{path}: line {reader.line_num + 1}: not valid {text.encoding} text;"
            ' save it as "CSV UTF-8"'
        ) from exc


def _encoding(path: Path, raw: bytes) -> tuple[str, list[str]]:
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", []
    try:
        raw.decode("utf-8")
        return "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"{path}: not a spreadsheet: the text is neither UTF-8 nor Windows-1252;"
            ' save it as "CSV UTF-8"'
        ) from exc
    warning = (
        f"{path.name} is not UTF-8: read as Windows-1252 (Excel's plain CSV);"
        ' save it as "CSV UTF-8" to be sure every character is right'
    )
    return "cp1252", [warning]


def _sniff(sample: str) -> str:
    """The delimiter that splits the first non-empty record into the most fields."""
    best, most = ",", 1
    for delimiter in _DELIMITERS:
        for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in record):
                if len(record) > most:
                    best, most = delimiter, len(record)
                break
    return best
