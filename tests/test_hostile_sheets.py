"""CONTRACT §2, untrusted files: a small sheet cannot make bulkads build a huge grid."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_commands import bulkads, no_traceback
from test_sheet import HEADER, ROW, patch_zip, write_ods, write_xlsx

from bulkads.errors import SheetError
from bulkads.guard import Limits
from bulkads.sheet import read_sheet

DATA = Path(__file__).parent / "data"


def far_cell_xlsx(path: Path) -> Path:
    """A 5 KB workbook with a value at A1 and another at XFD1048576 (17 billion cells apart)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(ROW)
    sheet["XFD1048576"] = "x"
    book.save(path)
    return path


@pytest.mark.parametrize("command", ["validate", "run", "status"])
def test_a_tiny_workbook_spanning_the_whole_sheet_is_refused_before_it_is_read(
    tmp_path: Path, command: str
) -> None:
    path = far_cell_xlsx(tmp_path / "launch.xlsx")
    assert path.stat().st_size < 10_000
    result = bulkads(command, "launch.xlsx", cwd=tmp_path, url="http://127.0.0.1:9")
    assert result.returncode == 2, result.stderr
    said = " ".join(result.stderr.split())
    assert "spans 1,048,576 rows x 16,384 columns" in said
    assert "delete the empty rows and columns after the data" in said
    no_traceback(result)


def test_cells_without_references_are_placed_as_excel_places_them(tmp_path: Path) -> None:
    def unreferenced(xml: bytes) -> bytes:
        far = b'<row r="1048576"><c><v>1</v></c><c t="s"><v>0</v></c></row></sheetData>'
        return xml.replace(b"</sheetData>", far).replace(b' r="B2"', b"")

    path = patch_zip(
        write_xlsx(tmp_path / "s.xlsx", [HEADER, ROW]), "xl/worksheets/sheet1.xml", unreferenced
    )
    with pytest.raises(SheetError, match="spans 1,048,576 rows x 4 columns"):
        read_sheet(path, limits=Limits(max_cells=1_000_000))


def test_a_namespace_prefixed_worksheet_is_measured_too(tmp_path: Path) -> None:
    def prefixed(xml: bytes) -> bytes:
        far = b'<row r="900000"><c r="ZZ900000"><v>1</v></c></row></sheetData>'
        xml = xml.replace(b"</sheetData>", far)
        for tag in (b"c", b"v", b"row", b"sheetData", b"is", b"t"):
            xml = xml.replace(b"<" + tag + b" ", b"<x:" + tag + b" ")
            xml = xml.replace(b"<" + tag + b">", b"<x:" + tag + b">")
            xml = xml.replace(b"</" + tag + b">", b"</x:" + tag + b">")
        return xml.replace(
            b"<worksheet ",
            b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ',
        )

    path = patch_zip(
        write_xlsx(tmp_path / "s.xlsx", [HEADER, ROW]), "xl/worksheets/sheet1.xml", prefixed
    )
    with pytest.raises(SheetError, match="spans 900,000 rows x 702 columns"):
        read_sheet(path)


def test_empty_styled_cells_far_away_do_not_count(tmp_path: Path) -> None:
    def styled(xml: bytes) -> bytes:
        far = b'<row r="1048576"><c r="XFD1048576" s="0"/><c r="XFC1048576"></c></row>'
        return xml.replace(b"</sheetData>", far + b"</sheetData>")

    path = patch_zip(
        write_xlsx(tmp_path / "s.xlsx", [HEADER, ROW]), "xl/worksheets/sheet1.xml", styled
    )
    assert len(read_sheet(path).rows) == 1


def test_only_the_worksheet_read_is_measured(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx", [HEADER, ROW], more={"Lookup": [["a"], *[[None]] * 3000, ["b"]]}
    )
    assert len(read_sheet(path, limits=Limits(max_cells=100)).rows) == 1
    with pytest.raises(SheetError, match="'Lookup' spans 3,002 rows x 1 columns"):
        read_sheet(path, sheet_name="Lookup", limits=Limits(max_cells=100))


def test_an_ods_whose_repeated_cells_span_too_much_is_refused(tmp_path: Path) -> None:
    def repeated(xml: bytes) -> bytes:
        row = (
            b'<table:table-row table:number-rows-repeated="5000"><table:table-cell'
            b' table:number-columns-repeated="5000" office:value-type="float" office:value="1">'
            b"<text:p>1</text:p></table:table-cell></table:table-row></table:table>"
        )
        return xml.replace(b"</table:table>", row)

    path = patch_zip(write_ods(tmp_path / "s.ods", {"S": [HEADER, ROW]}), "content.xml", repeated)
    with pytest.raises(SheetError, match="'S' spans 5,002 rows x 5,000 columns"):
        read_sheet(path)


def test_an_ods_with_libreoffices_trailing_empty_repeats_is_read(tmp_path: Path) -> None:
    def trailing(xml: bytes) -> bytes:
        row = (
            b'<table:table-row table:number-rows-repeated="1048574"><table:table-cell'
            b' table:number-columns-repeated="1024"/></table:table-row></table:table>'
        )
        return xml.replace(b"</table:table>", row)

    path = patch_zip(write_ods(tmp_path / "s.ods", {"S": [HEADER, ROW]}), "content.xml", trailing)
    assert len(read_sheet(path).rows) == 1


def test_an_xls_spanning_its_whole_grid_is_refused_before_it_is_converted() -> None:
    path = DATA / "far_cell.xls"  # A1 and IV65536, saved by LibreOffice: 5.6 KB
    with pytest.raises(SheetError, match="spans 65,536 rows x 256 columns"):
        read_sheet(path)


def test_a_ragged_csv_is_measured_as_the_grid_it_pads_to(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    header = ",".join([*HEADER, *(f"note{i}" for i in range(2000))])
    path.write_text(header + "\n" + "\n".join(["Spring"] * 5000) + "\n", encoding="utf-8")
    with pytest.raises(SheetError, match="spans 5,001 rows x 2,004 columns"):
        read_sheet(path)


def test_a_csv_line_wider_than_excel_allows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(",".join(HEADER) + "\n" + "," * 20_000 + "x\n", encoding="utf-8")
    with pytest.raises(SheetError, match="line 2 has 20,001 columns"):
        read_sheet(path)


def test_an_unreadable_workbook_part_is_a_sheet_error(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [HEADER, ROW])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/worksheets/sheet2.xml", b"<")
    assert len(read_sheet(path).rows) == 1


@pytest.mark.parametrize(
    "far",
    [
        b"<c r='XFD1048576'><v>1</v></c>",  # single quotes
        b'<c r = "XFD1048576"><v>1</v></c>',  # spaces around =
        b'<c r="&#88;FD1048576"><v>1</v></c>',  # a character reference for X
        b'<c s="0" r="XFD1048576"><v>1</v></c>',  # r not first
    ],
)
def test_a_far_cell_written_in_any_legal_xml_form_is_found(tmp_path: Path, far: bytes) -> None:
    def add(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", b'<row r="1048576">' + far + b"</row></sheetData>")

    path = patch_zip(
        write_xlsx(tmp_path / "s.xlsx", [HEADER, ROW]), "xl/worksheets/sheet1.xml", add
    )
    with pytest.raises(SheetError, match="spans 1,048,576 rows x 16,384 columns"):
        read_sheet(path)
