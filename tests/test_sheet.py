"""CONTRACT §2: reading a sheet, and refusing a bad file with one clear line."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulkads.arguments import BY_KEY, RESULT_KEYS, header_key
from bulkads.errors import SheetError
from bulkads.guard import Limits
from bulkads.sheet import Sheet, read_sheet

HEADER = ["campaign_name", "ad_text", "display_name", "landing_page_url"]
ROW = ["Spring", "Buy now", "Acme", "https://example.com"]


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    title: str = "Sheet1",
    at: tuple[int, int] = (1, 1),
    more: dict[str, Sequence[Sequence[object]]] | None = None,
) -> Path:
    """Write `rows` with their top-left cell at `at` (1-based row, column); None = no cell."""
    book = openpyxl.Workbook()
    sheets = {title: rows, **(more or {})}
    for index, (name, grid) in enumerate(sheets.items()):
        worksheet = book.active if index == 0 else book.create_sheet()
        worksheet.title = name
        for r, values in enumerate(grid):
            for c, value in enumerate(values):
                if value is not None:
                    cell = worksheet.cell(at[0] + r, at[1] + c, value)
                    if isinstance(value, str):
                        cell.data_type = "s"  # never a formula or an error code
    book.save(path)
    return path


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_ods(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """A minimal OpenDocument spreadsheet, by hand (no library in the venv writes ODS)."""

    def cell(value: object) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        text = f"<text:p>{escape(str(value))}</text:p>"
        return f'<table:table-cell office:value-type="string">{text}</table:table-cell>'

    body = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join("<table:table-row>" + "".join(map(cell, r)) + "</table:table-row>" for r in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def patch_zip(path: Path, entry: str, change: Callable[[bytes], bytes]) -> Path:
    """Rewrite one entry of a zip package in place."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, change(data) if info.filename == entry else data)
    return path


def add_entry(path: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return path


def numbers(sheet: Sheet) -> list[int]:
    return [row.number for row in sheet.rows]


# --- header ---------------------------------------------------------------------------------


def test_headers_match_argument_names_ignoring_case_spaces_underscores_and_hyphens(
    tmp_path: Path,
) -> None:
    headers = ["Campaign Name", "AD-TEXT", "display_Name", " Landing_Page URL "]
    sheet = read_sheet(write_xlsx(tmp_path / "s.xlsx", [headers, ROW]))
    assert [c.name for c in sheet.columns] == HEADER
    assert [c.header for c in sheet.columns] == [h.strip() for h in headers]
    assert {c.role for c in sheet.columns} == {"argument"}
    assert sheet.arguments(sheet.rows[0]) == dict(zip(HEADER, ROW, strict=True))


def test_unknown_columns_are_kept_for_the_results_never_sent_and_warned_about_once(
    tmp_path: Path,
) -> None:
    rows = [[*HEADER, "Notes"], [*ROW, "ask Bob"], [*ROW[:3], "https://b.example", "later"]]
    sheet = read_sheet(write_xlsx(tmp_path / "s.xlsx", rows))
    notes = sheet.columns[4]
    assert (notes.role, notes.name, notes.header) == ("unknown", "Notes", "Notes")
    assert [row.cells[notes.index] for row in sheet.rows] == ["ask Bob", "later"]
    assert "Notes" not in sheet.arguments(sheet.rows[0])
    assert sheet.warnings == (
        "column 'Notes' is not an argument of create_tiktok_campaign;"
        " it is copied to the results but never sent",
    )


def test_two_columns_for_one_argument_is_an_error_naming_both_headers_and_letters(
    tmp_path: Path,
) -> None:
    rows = [["Campaign Name", "ad_text", "campaign_name"], ["a", "b", "c"]]
    with pytest.raises(SheetError) as error:
        read_sheet(write_xlsx(tmp_path / "s.xlsx", rows))
    message = str(error.value)
    assert "'Campaign Name' (A)" in message and "'campaign_name' (C)" in message


def test_one_result_column_twice_is_an_error(tmp_path: Path) -> None:
    rows = [[*HEADER, "status", "Status"], [*ROW, "valid", "valid"]]
    with pytest.raises(SheetError, match=r"'status' \(E\) and 'Status' \(F\)"):
        read_sheet(write_xlsx(tmp_path / "s.xlsx", rows))


def test_results_workbook_columns_are_results_not_arguments(tmp_path: Path) -> None:
    rows: list[Sequence[object]] = [
        ["row", "status", "message", *HEADER, "campaign_id", "Idempotency Key"],
        [2, "created", "", *ROW, "1800000000000001", "k-1"],
        [3, "invalid", "ad_text: required", *ROW[:1], None, *ROW[2:], None, None],
    ]
    sheet = read_sheet(write_xlsx(tmp_path / "launch.results.xlsx", rows))
    roles = {c.name: c.role for c in sheet.columns}
    assert roles["status"] == roles["campaign_id"] == roles["idempotency_key"] == "result"
    first, second = sheet.rows
    assert sheet.result(first, "campaign_id") == "1800000000000001"
    assert sheet.result(second, "campaign_id") is None
    assert sheet.result(first, "ad_id") is None  # no such column
    assert set(sheet.arguments(first)) == set(HEADER)
    assert sheet.warnings == ()


def test_no_argument_column_is_an_error_pointing_to_the_template(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", "name,colour\nx,y\n")
    with pytest.raises(
        SheetError, match=r"no header row with argument names found.*bulkads template"
    ):
        read_sheet(path)


def test_empty_header_over_data_becomes_an_unknown_column_named_by_its_letter(
    tmp_path: Path,
) -> None:
    rows: list[Sequence[object]] = [[*HEADER, None, "notes"], [*ROW, "stray", "n"]]
    sheet = read_sheet(write_xlsx(tmp_path / "s.xlsx", rows))
    stray = sheet.columns[4]
    assert (stray.header, stray.role, stray.letter) == ("column E", "unknown", "E")
    assert sheet.rows[0].cells[4] == "stray"
    assert any(w.startswith("column E has data but no header") for w in sheet.warnings)


def test_columns_without_header_or_data_are_dropped(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", "campaign_name,,ad_text,\nx,,y,  \n")
    sheet = read_sheet(path)
    assert [(c.header, c.letter, c.index) for c in sheet.columns] == [
        ("campaign_name", "A", 0),
        ("ad_text", "C", 1),
    ]
    assert sheet.rows[0].cells == ("x", "y")


def test_whitespace_only_cells_are_not_arguments_but_are_kept(tmp_path: Path) -> None:
    sheet = read_sheet(write_csv(tmp_path / "s.csv", "campaign_name,ad_text\nx,   \n"))
    assert sheet.arguments(sheet.rows[0]) == {"campaign_name": "x"}
    assert sheet.rows[0].cells == ("x", "   ")


# --- row numbers ----------------------------------------------------------------------------


def test_xlsx_row_numbers_are_the_sheets_own_with_leading_and_middle_blank_rows(
    tmp_path: Path,
) -> None:
    rows: list[Sequence[object]] = [HEADER, ROW, [None], ["  ", None, "\t"], ROW, [None], ROW]
    sheet = read_sheet(write_xlsx(tmp_path / "s.xlsx", rows, at=(3, 2)))  # header in B3
    assert sheet.header_row == 3
    assert numbers(sheet) == [4, 7, 9]
    assert [c.letter for c in sheet.columns] == ["B", "C", "D", "E"]
    assert sheet.arguments(sheet.rows[1])["campaign_name"] == "Spring"


def test_csv_row_numbers_are_record_numbers_counting_blank_lines(tmp_path: Path) -> None:
    text = "\n,,\n" + ",".join(HEADER) + "\n" + ",".join(ROW) + "\n\n \n" + ",".join(ROW) + "\n"
    sheet = read_sheet(write_csv(tmp_path / "s.csv", text))
    assert sheet.header_row == 3
    assert numbers(sheet) == [4, 7]


def test_a_quoted_csv_cell_with_newlines_is_one_row(tmp_path: Path) -> None:
    text = 'campaign_name,ad_text\r\n"A","line 1\r\nline 2\nline 3"\r\nB,plain\r\n'
    sheet = read_sheet(write_csv(tmp_path / "s.csv", text))
    assert numbers(sheet) == [2, 3]
    assert sheet.rows[0].cells == ("A", "line 1\r\nline 2\nline 3")
    assert sheet.rows[1].cells == ("B", "plain")


def test_ods_is_read_with_the_sheets_own_row_numbers(tmp_path: Path) -> None:
    grid: list[Sequence[object]] = [
        [None],
        [None, *HEADER],
        [None, *ROW],
        [None],
        [None, "Other", 50],
    ]
    sheet = read_sheet(write_ods(tmp_path / "s.ods", {"Launch": grid, "Second": [["x"]]}))
    assert sheet.name == "Launch"
    assert numbers(sheet) == [3, 5]
    assert sheet.arguments(sheet.rows[1]) == {"campaign_name": "Other", "ad_text": 50.0}


# --- CSV text -------------------------------------------------------------------------------


def test_utf8_bom_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    sheet = read_sheet(
        write_csv(tmp_path / "s.csv", "campaign_name,ad_text\nCafé,ü\n", "utf-8-sig")
    )
    assert sheet.columns[0].name == "campaign_name"
    assert sheet.rows[0].cells == ("Café", "ü")
    assert sheet.warnings == ()


def test_csv_that_is_not_utf8_is_read_as_windows_1252_with_a_warning(tmp_path: Path) -> None:
    sheet = read_sheet(
        write_csv(tmp_path / "s.csv", "campaign_name;ad_text\nCafé;€5 off\n", "cp1252")
    )
    assert sheet.rows[0].cells == ("Café", "€5 off")
    assert len(sheet.warnings) == 1 and "Windows-1252" in sheet.warnings[0]


def test_csv_neither_utf8_nor_windows_1252_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(b"campaign_name\n\x81\x8d\n")  # bytes Windows-1252 leaves undefined
    with pytest.raises(SheetError, match="neither UTF-8 nor Windows-1252"):
        read_sheet(path)


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_csv_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(HEADER) + "\n" + delimiter.join(['"A, B; C"', *ROW[1:]]) + "\n"
    sheet = read_sheet(write_csv(tmp_path / "s.csv", text))
    assert [c.name for c in sheet.columns] == HEADER
    assert sheet.rows[0].cells[0] == "A, B; C"


def test_tsv_is_tab_separated_whatever_its_first_line(tmp_path: Path) -> None:
    text = "campaign_name\tad_text,display_name;x\nA\tB, C\n"
    sheet = read_sheet(write_csv(tmp_path / "s.tsv", text))
    assert [c.header for c in sheet.columns] == ["campaign_name", "ad_text,display_name;x"]
    assert sheet.rows[0].cells == ("A", "B, C")


def test_csv_cells_stay_text_so_ids_keep_every_digit(tmp_path: Path) -> None:
    text = "campaign_name,advertiser_id,budget_daily\n00123,7001234567890123456,1.50\n"
    sheet = read_sheet(write_csv(tmp_path / "s.csv", text))
    assert sheet.rows[0].cells == ("00123", "7001234567890123456", "1.50")


# --- workbook cells -------------------------------------------------------------------------


def test_formulas_are_read_as_their_cached_values_never_evaluated(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    worksheet = book.active
    worksheet.append(["campaign_name", "budget_daily", "ad_text"])
    worksheet.append(["x", "=10*5", '=A2&"y"'])
    book.save(tmp_path / "f.xlsx")

    def cache(xml: bytes) -> bytes:  # openpyxl writes no cached values: add them as Excel would
        xml = xml.replace(b'<c r="B2"><f>10*5</f><v /></c>', b'<c r="B2"><f>10*5</f><v>7</v></c>')
        old = b'<c r="C2"><f>A2&amp;"y"</f><v /></c>'
        assert old in xml
        return xml.replace(old, b'<c r="C2" t="str"><f>A2&amp;"y"</f><v>cached</v></c>')

    sheet = read_sheet(patch_zip(tmp_path / "f.xlsx", "xl/worksheets/sheet1.xml", cache))
    # 7, not 50: the value Excel saved, not a fresh evaluation
    assert sheet.arguments(sheet.rows[0]) == {
        "campaign_name": "x",
        "budget_daily": 7.0,
        "ad_text": "cached",
    }


def test_a_19_digit_id_typed_as_a_number_arrives_as_an_inexact_float(tmp_path: Path) -> None:
    rows: list[Sequence[object]] = [[*HEADER, "advertiser_id"], [*ROW, 7001234567890123457]]
    sheet = read_sheet(write_xlsx(tmp_path / "s.xlsx", rows))
    value = sheet.arguments(sheet.rows[0])["advertiser_id"]
    assert isinstance(value, float)  # raw: `rules` tells the user to format the column as text
    assert int(value) != 7001234567890123457


def test_workbook_cells_keep_their_types(tmp_path: Path) -> None:
    when = dt.datetime(2030, 5, 17, 13, 30)
    rows: list[Sequence[object]] = [
        ["campaign_name", "budget_daily", "comment_disabled", "schedule_end_time", "ad_text"],
        ["x", 50, True, when, "7001234567890123457"],
    ]
    sheet = read_sheet(write_xlsx(tmp_path / "s.xlsx", rows))
    assert sheet.rows[0].cells == ("x", 50.0, True, when, "7001234567890123457")
    assert isinstance(sheet.rows[0].cells[3], dt.datetime)


def test_xlsm_is_read_like_xlsx(tmp_path: Path) -> None:
    sheet = read_sheet(write_xlsx(tmp_path / "s.xlsm", [HEADER, ROW]))
    assert sheet.rows[0].cells == tuple(ROW)


# --- worksheets -----------------------------------------------------------------------------


def test_the_first_worksheet_is_read_by_default_and_sheet_picks_one_by_name(
    tmp_path: Path,
) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [HEADER, ROW], title="EU", more={"US": [HEADER, ["US"]]})
    assert read_sheet(path).name == "EU"
    us = read_sheet(path, sheet_name="US")
    assert (us.name, us.rows[0].cells[0]) == ("US", "US")


def test_sheet_name_matches_ignoring_case_when_unambiguous(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [HEADER], title="EU", more={"Launch": [HEADER, ROW]})
    assert read_sheet(path, sheet_name="launch").name == "Launch"


def test_the_default_worksheet_is_the_first_visible_one(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx", [["hidden"]], title="Lists", more={"Launch": [HEADER, ROW]}
    )
    book = openpyxl.load_workbook(path)
    book["Lists"].sheet_state = "hidden"
    book.save(path)
    assert read_sheet(path).name == "Launch"


def test_a_sheet_name_that_does_not_exist_lists_the_worksheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [HEADER, ROW], title="EU", more={"US": [HEADER]})
    with pytest.raises(SheetError, match=r"no worksheet named 'APAC'; its worksheets: 'EU', 'US'"):
        read_sheet(path, sheet_name="APAC")


def test_sheet_option_on_a_csv_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", "campaign_name\nx\n")
    with pytest.raises(SheetError, match="CSV files have one sheet"):
        read_sheet(path, sheet_name="Sheet1")


# --- bad files ------------------------------------------------------------------------------


def xlsx(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "s.xlsx", [HEADER, ROW])


DOCTYPE = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'


def after_declaration(xml: bytes, insert: bytes) -> bytes:
    """`insert` placed after the XML declaration, if any (openpyxl writes none)."""
    end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:end] + insert + xml[end:]


def with_doctype(xml: bytes) -> bytes:
    return after_declaration(xml, DOCTYPE)


def fake_encrypted(tmp_path: Path) -> Path:
    # What Excel saves with a password: an OLE2 container whose directory names
    # "EncryptedPackage". No library here writes one; this stands in for it.
    path = tmp_path / "locked.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le")
    )
    return path


def directory(tmp_path: Path) -> Path:
    (tmp_path / "dir.xlsx").mkdir()
    return tmp_path / "dir.xlsx"


def truncated(tmp_path: Path) -> Path:
    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx(tmp_path).read_bytes()[:2000])
    return path


def malformed_sheet(tmp_path: Path) -> Path:
    """Sound zip, sound prolog, but the sheet's XML stops half-way: calamine's error."""
    return patch_zip(xlsx(tmp_path), "xl/worksheets/sheet1.xml", lambda x: x[: len(x) // 2])


BAD_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (lambda d: d / "nope.xlsx", "no such file"),
    "directory": (directory, "is a folder"),
    "empty": (lambda d: write_csv(d / "s.xlsx", ""), "empty"),
    "empty csv": (lambda d: write_csv(d / "s.csv", ""), "empty"),
    "no non-empty row csv": (lambda d: write_csv(d / "s.csv", "\n , ,\n\n"), "no non-empty row"),
    "no non-empty row xlsx": (
        lambda d: write_xlsx(d / "s.xlsx", [[None, " "]]),
        "no non-empty row",
    ),
    "unknown extension": (lambda d: write_csv(d / "s.txt", "campaign_name\n"), "not a spreadsheet"),
    "xlsx that is text": (
        lambda d: write_csv(d / "s.xlsx", "campaign_name\n"),
        "not a spreadsheet",
    ),
    "xlsx that is a docx": (
        lambda d: add_entry(d / "s.xlsx", "word/document.xml", b"<w/>"),
        "not a spreadsheet",
    ),
    "ods that is not a spreadsheet": (
        lambda d: add_entry(d / "s.ods", "mimetype", b"application/vnd.oasis.opendocument.text"),
        "not a spreadsheet",
    ),
    "xls that is text": (lambda d: write_csv(d / "s.xls", "campaign_name\n"), "not a spreadsheet"),
    "xls that is an xlsx": (lambda d: xlsx(d).rename(d / "s.xls"), "rename it .xlsx"),
    "csv that is an xlsx": (lambda d: xlsx(d).rename(d / "s.csv"), "rename it .xlsx"),
    "csv with binary content": (
        lambda d: write_csv(d / "s.csv", "campaign_name\n\x00\x01\x02"),
        "not a spreadsheet",
    ),
    "truncated zip": (truncated, "damaged"),
    "malformed sheet xml": (malformed_sheet, "damaged"),
    "password-protected": (
        fake_encrypted,
        "password-protected: remove the password in Excel and save again",
    ),
    "zip bomb by ratio": (
        lambda d: add_entry(xlsx(d), "xl/media/pad.bin", bytes(4 * 2**20)),
        "zip bomb: xl/media/pad.bin inflates",
    ),
    "dtd in workbook.xml": (
        lambda d: patch_zip(xlsx(d), "xl/workbook.xml", with_doctype),
        "xl/workbook.xml declares a DTD or entities",
    ),
    "dtd in a sheet": (
        lambda d: patch_zip(xlsx(d), "xl/worksheets/sheet1.xml", with_doctype),
        "sheet1.xml declares a DTD or entities",
    ),
    "dtd in ods content": (
        lambda d: patch_zip(write_ods(d / "s.ods", {"S": [HEADER]}), "content.xml", with_doctype),
        "content.xml declares a DTD or entities",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_every_bad_file_is_one_clear_sheet_error(tmp_path: Path, case: str) -> None:
    make, expected = BAD_FILES[case]
    path = make(tmp_path)
    with pytest.raises(SheetError) as error:
        read_sheet(path)
    message = str(error.value)
    assert expected in message
    assert "\n" not in message and message.startswith(str(path))


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        (Limits(max_bytes=1000), "too big"),
        (Limits(max_total=1000), "zip bomb: it unpacks to"),
        (Limits(max_entries=3), "zip bomb: 9 entries"),
        (Limits(max_ratio=2, ratio_exempt=100), "inflates"),
    ],
)
def test_caps_on_size_and_inflation_refuse_the_file(
    tmp_path: Path, limits: Limits, expected: str
) -> None:
    with pytest.raises(SheetError, match=expected):
        read_sheet(xlsx(tmp_path), limits=limits)


def test_an_xml_prolog_too_long_to_check_is_refused(tmp_path: Path) -> None:
    def pad(xml: bytes) -> bytes:
        return after_declaration(xml, b"<!--" + b" " * 200_000 + b"-->")

    path = patch_zip(xlsx(tmp_path), "xl/worksheets/sheet1.xml", pad)
    with pytest.raises(SheetError, match="no XML root element in its first 64 KB"):
        read_sheet(path, limits=Limits(max_prolog=64 * 1024))
    assert read_sheet(path).rows  # the default reads far enough


# --- property -------------------------------------------------------------------------------

TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from(",;\t\n\"' =é€中\u2028"),
    ),
    max_size=8,
)
NUMBER = st.one_of(st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False))
CELL = st.one_of(st.none(), TEXT, NUMBER)
# Always an argument column; sometimes a column twice (a SheetError), sometimes unknown ones.
HEADERS = st.tuples(
    st.sampled_from(["campaign_name", "Campaign Name", "ad_text"]),
    st.lists(st.sampled_from(["ad_text", "notes", "Notes", "status"]), max_size=2),
).map(lambda first_rest: [first_rest[0], *first_rest[1]])
GRIDS = st.lists(st.lists(CELL, max_size=3), max_size=8)


def expected_rows(
    header: list[str], grid: list[list[object]], text: Callable[[object], object]
) -> list[tuple[int, tuple[object, ...]]]:
    """The non-blank rows below the header, as (number, the header's columns' cells)."""
    rows = []
    for number, values in enumerate(grid, 2):
        cells = [None if v is None or v == "" else text(v) for v in values]
        if any(c is not None and not (isinstance(c, str) and c.isspace()) for c in cells):
            cells = cells[: len(header)] + [None] * (len(header) - len(cells))
            rows.append((number, tuple(cells)))
    return rows


def header_is_bad(header: list[str]) -> bool:
    """No argument column, or one argument or result column twice."""
    names = [BY_KEY[k].name if k in BY_KEY else RESULT_KEYS.get(k) for k in map(header_key, header)]
    named = [n for n in names if n]
    return not any(header_key(h) in BY_KEY for h in header) or len(set(named)) < len(named)


def check_round_trip(
    path: Path, header: list[str], grid: list[list[object]], text: Callable[[object], object]
) -> None:
    try:
        sheet = read_sheet(path)
    except SheetError:
        assert header_is_bad(header)
        return
    assert not header_is_bad(header)
    got = [(row.number, row.cells[: len(header)]) for row in sheet.rows]
    assert [n for n, _ in got] == sorted({n for n, _ in got})  # strictly increasing
    assert got == expected_rows(header, grid, text)


def as_csv_text(value: object) -> object:
    """What the csv module writes for a value, which the reader gives back as text."""
    return repr(value) if isinstance(value, float) else str(value)


@settings(max_examples=50, deadline=None)
@given(header=HEADERS, grid=GRIDS)
def test_any_csv_grid_reads_back_cell_for_cell_as_text_or_is_a_sheet_error(
    header: list[str], grid: list[list[object]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.csv"
        with path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            writer.writerows(grid)
        check_round_trip(path, header, grid, as_csv_text)


def as_openpyxl_wrote(value: object) -> object:
    """What the xlsx holds: openpyxl writes floats with 16 significant digits, and a text
    of XML white space only (space, tab, LF) comes back empty."""
    if isinstance(value, str) and value.strip(" \t\n") == "":
        return None
    return float(f"{value:.16g}") if isinstance(value, float) else value


# XML turns a CR into LF, so Excel itself cannot hold one in a cell.
XLSX_CELL = st.one_of(st.none(), TEXT.filter(lambda s: "\r" not in s), NUMBER)


@settings(max_examples=50, deadline=None)
@given(header=HEADERS, grid=st.lists(st.lists(XLSX_CELL, max_size=3), max_size=8))
def test_any_xlsx_grid_reads_back_cell_for_cell_or_is_a_sheet_error(
    header: list[str], grid: list[list[object]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(Path(folder) / "s.xlsx", [header, *grid])
        check_round_trip(path, header, grid, as_openpyxl_wrote)


def test_utf16_csv_with_a_bom_is_read(tmp_path: Path) -> None:
    sheet = read_sheet(
        write_csv(tmp_path / "s.csv", "\ufeffcampaign_name\tad_text\nCafé\t中文\n", "utf-16-le")
    )
    assert sheet.rows[0].cells == ("Café", "中文")
