"""How big a grid a workbook unpacks to, measured before calamine builds it (CONTRACT §2).

Usage::

    check_xlsx_extent(path, "Sheet1", limits=DEFAULT_LIMITS)   # before get_sheet_by_name
    check_ods_extent(path, limits=DEFAULT_LIMITS)              # before opening an .ods
    check_grid(path, "Sheet1", rows=3, columns=4, limits=...)  # any grid, e.g. an .xls

calamine turns a worksheet into a dense grid over its used range: two values at A1 and
XFD1048576 ask for 17 billion cells and abort the process. The worksheet's XML is
scanned for the cells that hold a value (as calamine counts them; empty styled cells
do not count, nor does the `<dimension>` element, which may lie) and the range they
span is checked against `Limits.max_cells`.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO

from defusedxml.ElementTree import fromstring

from bulkads.errors import SheetError
from bulkads.guard import Limits

_CHUNK = 4 * 2**20
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# The usual form, `<c r="B2" ...>` with content (not `<c r="B2" s="1"/>` nor `<c ...></c>`).
_VALUED_REF = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^/>]*>(?!</c>)')
_OTHER_CELL = re.compile(rb'<c[\s>/](?!r="[A-Z]{1,3}[0-9]{1,7}")')
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
_DIGITS, _LETTERS = b"0123456789", bytes(range(ord("A"), ord("Z") + 1))
# The stateful scan, for cells without a reference and for OpenDocument's repeats.
_XLSX_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?![\w.:-])")
_ODS_TAG = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(table-row|table-cell|covered-table-cell|table)(?![\w.:-])"
)
_ATTR = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


class _Extent:
    """The smallest box holding every cell that has a value (0-based, inclusive)."""

    def __init__(self) -> None:
        self.top = self.left = 2**63
        self.bottom = self.right = -1

    def add(self, top: int, left: int, bottom: int, right: int) -> None:
        self.top, self.left = min(self.top, top), min(self.left, left)
        self.bottom, self.right = max(self.bottom, bottom), max(self.right, right)

    def size(self) -> tuple[int, int]:
        if self.bottom < 0:
            return 0, 0
        return self.bottom - self.top + 1, self.right - self.left + 1


def check_grid(path: object, sheet: str, *, rows: int, columns: int, limits: Limits) -> None:
    """SheetError when a `rows` x `columns` grid is over the budget."""
    if rows * columns > limits.max_cells:
        raise SheetError(
            f"{path}: worksheet {sheet!r} spans {rows:,} rows x {columns:,} columns"
            f" ({rows * columns:,} cells; the limit is {limits.max_cells:,}); usually a stray value"
            " far below or right of the data: delete the empty rows and columns after the data"
            " (Ctrl+End shows the last cell) and save it again, or split the sheet"
        )


def check_xlsx_extent(path: object, sheet: str, *, limits: Limits) -> None:
    """Check the cells of worksheet `sheet` of the .xlsx/.xlsm at `path`."""
    try:
        with zipfile.ZipFile(str(path)) as archive:
            entry = _worksheet_entry(archive, sheet)
            if entry is None:
                return  # calamine will say what is wrong with the workbook
            extent = _Extent()
            with archive.open(entry) as stream:
                for data in _pieces(stream):
                    if not _usual_form(data):
                        extent = _scan_xlsx_by_position(archive, entry)
                        break
                    _add_refs(extent, data)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
        raise SheetError(f"{path}: damaged workbook ({exc}); save it again") from exc
    check_grid(path, sheet, rows=extent.size()[0], columns=extent.size()[1], limits=limits)


def check_ods_extent(path: object, *, limits: Limits) -> None:
    """Check every table of the .ods at `path` (calamine reads them all when it opens it)."""
    try:
        with zipfile.ZipFile(str(path)) as archive, archive.open("content.xml") as stream:
            tables = _scan_ods(stream)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError(f"{path}: damaged spreadsheet ({exc}); save it again") from exc
    for name, extent in tables:
        rows, columns = extent.size()
        check_grid(path, name, rows=rows, columns=columns, limits=limits)


def _pieces(stream: IO[bytes]) -> Iterator[bytes]:
    """The stream in chunks that each end before a tag's `<` (no tag is cut in two)."""
    read = stream.read
    tail = b""
    while chunk := read(_CHUNK):
        data = tail + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            tail = data
            continue
        tail = data[cut:]
        yield data[:cut]
    if tail:
        yield tail


def _usual_form(data: bytes) -> bool:
    """Every cell is written `<c r="…"`, without a namespace prefix (the regex's fast path)."""
    return not (_OTHER_CELL.search(data) or _PREFIXED_CELL.search(data))


def _add_refs(extent: _Extent, data: bytes) -> None:
    # Per-cell Python work is what costs here (1.6M cells in a 100k-row sheet): letters
    # and digits are split apart in C, and only distinct values are converted.
    refs = _VALUED_REF.findall(data)
    if not refs:
        return
    joined = b" ".join(refs)
    columns = [_column(name) for name in set(joined.translate(None, _DIGITS).split())]
    rows = [int(number) - 1 for number in set(joined.translate(None, _LETTERS).split())]
    extent.add(min(rows), min(columns), max(rows), max(columns))


def _column(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _worksheet_entry(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip entry of the worksheet named `sheet`, from workbook.xml and its rels."""
    book = fromstring(archive.read("xl/workbook.xml"))
    rid = next(
        (
            element.get(f"{_REL_NS}id")
            for element in book.iter()
            if element.tag.endswith("}sheet") and element.get("name") == sheet
        ),
        None,
    )
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels.iter() if r.get("Id") == rid), None)
    if rid is None or not target:
        return None
    if str(target).startswith("/"):
        return str(target).lstrip("/")
    return posixpath.normpath(posixpath.join("xl", str(target)))


def _scan_xlsx_by_position(archive: zipfile.ZipFile, entry: str) -> _Extent:
    """Like calamine: a cell without `r` follows the one before it, a row without `r` too."""
    extent = _Extent()
    row, column = -1, -1
    with archive.open(entry) as stream:
        for data in _pieces(stream):
            for match in _XLSX_TAG.finditer(data):
                closing, name = match.group(1), match.group(2)
                if closing:
                    continue
                attributes, valued = _attributes(data, match.end())
                if name == b"row":
                    row = int(attributes[b"r"]) - 1 if b"r" in attributes else row + 1
                    column = -1
                elif name == b"c":
                    reference = attributes.get(b"r", "").strip().upper()
                    letters = reference.rstrip("0123456789")
                    if letters:
                        row = int(reference[len(letters) :]) - 1
                        column = _column(letters.encode())
                    else:
                        column += 1
                    if valued:
                        extent.add(row, column, row, column)
    return extent


def _attributes(data: bytes, start: int) -> tuple[dict[bytes, str], bool]:
    """A tag's attributes from `start` to its `>` (values as XML reads them: `&#88;` is X,
    either quote), and whether it has content."""
    end = data.find(b">", start)
    end = len(data) if end < 0 else end
    text = data[start:end]
    closed = text.endswith(b"/") or data.startswith(b"</", end + 1)
    attributes = {
        name.split(b":")[-1]: html.unescape((double or single).decode("utf-8", "replace"))
        for name, double, single in _ATTR.findall(text)
    }
    return attributes, not closed


def _scan_ods(stream: IO[bytes]) -> list[tuple[str, _Extent]]:
    """Each table's extent, repeats counted (`number-rows-repeated`, `number-columns-…`)."""
    tables: list[tuple[str, _Extent]] = []
    extent, row, rows_repeated, column = _Extent(), -1, 1, 0
    for data in _pieces(stream):
        for match in _ODS_TAG.finditer(data):
            closing, name = match.group(1), match.group(2)
            if closing:
                if name == b"table-row":
                    row += rows_repeated - 1
                continue
            attributes, valued = _attributes(data, match.end())
            if name == b"table":
                extent, row = _Extent(), -1
                tables.append((attributes.get(b"name", ""), extent))
            elif name == b"table-row":
                row, rows_repeated, column = row + 1, _repeat(attributes, b"rows"), 0
                if not valued:  # an empty self-closed row
                    row += rows_repeated - 1
            elif name in (b"table-cell", b"covered-table-cell"):
                repeated = _repeat(attributes, b"columns")
                if valued or b"value-type" in attributes:
                    extent.add(row, column, row + rows_repeated - 1, column + repeated - 1)
                column += repeated
    return tables


def _repeat(attributes: dict[bytes, str], what: bytes) -> int:
    value = attributes.get(b"number-" + what + b"-repeated", "1").strip()
    return int(value) if value.isdecimal() and int(value) > 0 else 1
