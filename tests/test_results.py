"""CONTRACT §7: the results workbook, written for real and read back with openpyxl."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.escape import unescape
from workbooks import dropdowns

import bulkads.results as results_module
from bulkads.arguments import BY_NAME
from bulkads.columns import Column
from bulkads.errors import UsageError
from bulkads.guidance import header_note
from bulkads.report import RowResult, Summary
from bulkads.results import write_results
from bulkads.results_cells import ERROR_FILL, STATUS_FILLS, WARNING_FILL
from bulkads.results_sheet import RESULT_NOTES, result_headers
from bulkads.rules import Issue
from bulkads.sheet import Sheet, SheetRow
from bulkads.states import STATUSES
from bulkads.template import write_template

CONTRACT_TRAILING = [
    "campaign_id",
    "ad_group_id",
    "ad_id",
    "idempotency_key",
    "attempts",
    "response",
    "finished_at",
    "prepared_asset_bundle_id",
    "prepared_image_ids",
    "prepared_card_id",
    "sent_as",  # §2a: what the words were sent as
]
END = datetime(2028, 6, 30, 23, 59)


def make_sheet(columns: list[tuple[str, str, str]], rows: list[tuple[object, ...]]) -> Sheet:
    """columns: (header, role, name); rows numbered from 2 as Excel shows them."""
    return Sheet(
        path=Path("launch.xlsx"),
        name="Campaigns",
        columns=tuple(
            Column(index=i, header=header, role=role, name=name)  # type: ignore[arg-type]
            for i, (header, role, name) in enumerate(columns)
        ),
        rows=tuple(SheetRow(number=n, cells=cells) for n, cells in enumerate(rows, start=2)),
        warnings=(),
    )


LAUNCH = make_sheet(
    [
        ("Campaign Name", "argument", "campaign_name"),
        ("budget_daily", "argument", "budget_daily"),
        ("schedule_end_time", "argument", "schedule_end_time"),
        ("advertiser_id", "argument", "advertiser_id"),
        ("ad_text", "argument", "ad_text"),
        ("Notes", "unknown", "Notes"),
    ],
    [
        ("Spring US", 50.0, END, "7000000000000000001", "Fresh styles", "first"),
        ("Spring UK", 75, None, None, "x" * 120, True),
        ("Spring CA", 20.5, END, "7000000000000000001", "Short", None),
    ],
)
SUMMARY = Summary(command="bulkads validate launch.xlsx", started="2028-01-01 10:00:00", ended="x")


def launch_rows() -> list[RowResult]:
    return [
        RowResult(
            number=2,
            status="created",
            message="",
            campaign_id="1800000000000000001",
            ad_group_id="1810000000000000001",
            ad_id="1820000000000000001",
            idempotency_key="0f8fad5b-d9cb-469f-a165-70867728950e",
            attempts=1,
            response="Campaign ID: 1800000000000000001",
            finished_at="2028-01-01 10:00:30",
        ),
        RowResult(
            number=3,
            status="invalid",
            message="ad_text: at most 100 characters (has 120)",
            issues=(
                Issue("ad_text", "ad_text: at most 100 characters (has 120)"),
                Issue("budget_daily", "budget_daily: under 50", "warning"),
                Issue("pixel_id", "pixel_id: required for objective CONVERSIONS"),
            ),
        ),
        RowResult(number=4, status="pending", message="quota spent"),
    ]


def write(tmp_path: Path, sheet: Sheet = LAUNCH, rows: list[RowResult] | None = None) -> Path:
    path = tmp_path / "launch.results.xlsx"
    write_results(path, sheet, launch_rows() if rows is None else rows, SUMMARY)
    return path


def results_sheet(path: Path) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(path)["Results"]


def header(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[object]:
    return [cell.value for cell in ws[1]]


def cell_of(ws: openpyxl.worksheet.worksheet.Worksheet, sheet_row: int, name: str) -> object:
    """The cell of results row `sheet_row` (1-based data row) under header `name`."""
    return ws.cell(sheet_row + 1, header(ws).index(name) + 1)


def test_results_columns_are_in_the_contracts_order(tmp_path: Path) -> None:
    ws = results_sheet(write(tmp_path))
    own = [
        "Campaign Name",
        "budget_daily",
        "schedule_end_time",
        "advertiser_id",
        "ad_text",
        "Notes",
    ]
    assert header(ws) == ["row", "status", "message", *own, *CONTRACT_TRAILING]
    assert result_headers(LAUNCH) == header(ws)


def test_results_is_the_first_sheet_and_summary_the_second(tmp_path: Path) -> None:
    assert openpyxl.load_workbook(write(tmp_path)).sheetnames == ["Results", "Summary"]


def test_one_results_row_per_row_result_in_the_order_given(tmp_path: Path) -> None:
    rows = list(reversed(launch_rows()))
    ws = results_sheet(write(tmp_path, rows=rows))
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == [4, 3, 2]
    assert [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)] == [
        "pending",
        "invalid",
        "created",
    ]
    assert ws.cell(2, 4).value == "Spring CA"


def test_sheet_columns_are_copied_with_their_values_and_types(tmp_path: Path) -> None:
    ws = results_sheet(write(tmp_path))
    copied = [
        [
            cell_of(ws, r, h)
            for h in (
                "Campaign Name",
                "budget_daily",
                "schedule_end_time",
                "advertiser_id",
                "Notes",
            )
        ]
        for r in (1, 2)
    ]
    assert [[c.value for c in row] for row in copied] == [  # type: ignore[attr-defined]
        ["Spring US", 50, END, "7000000000000000001", "first"],
        ["Spring UK", 75, None, None, True],
    ]
    assert copied[0][1].data_type == "n"  # type: ignore[attr-defined]
    assert copied[0][2].is_date  # type: ignore[attr-defined]
    assert copied[0][3].data_type == "s"  # type: ignore[attr-defined]
    assert copied[1][4].data_type == "b"  # type: ignore[attr-defined]


def test_result_columns_of_a_fed_back_sheet_are_replaced_not_repeated(tmp_path: Path) -> None:
    fed_back = make_sheet(
        [
            ("row", "result", "row"),
            ("status", "result", "status"),
            ("message", "result", "message"),
            ("campaign_name", "argument", "campaign_name"),
            ("campaign_id", "result", "campaign_id"),
            ("attempts", "result", "attempts"),
        ],
        [
            (2, "created", "", "Spring US", "1800000000000000001", 1),
            (3, "invalid", "bad", "Spring UK", None, 0),
        ],
    )
    rows = [
        RowResult(
            number=2, status="created", message="created earlier", campaign_id="1800000000000000001"
        ),
        RowResult(number=3, status="created", message="", campaign_id="1800000000000000002"),
    ]
    ws = results_sheet(write(tmp_path, fed_back, rows))
    assert header(ws) == ["row", "status", "message", "campaign_name", *CONTRACT_TRAILING]
    assert [cell_of(ws, r, "campaign_id").value for r in (1, 2)] == [  # type: ignore[attr-defined]
        "1800000000000000001",
        "1800000000000000002",
    ]
    assert cell_of(ws, 2, "status").value == "created"  # type: ignore[attr-defined]


FORMULA_LIKE = [
    "=SUM(A1)",
    "+1",
    "-x",
    "@x",
    "\tx",
    "\rx",
    "\nx",
    '=HYPERLINK("http://e")',
    "<r>x</r>",
    "<r><t>x</t></r>",
    " padded ",
    "_x000D_",
]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_is_stored_as_the_same_string(tmp_path: Path, text: str) -> None:
    columns = [("campaign_name", "argument", "campaign_name"), ("Notes", "unknown", "Notes")]
    sheet = make_sheet(columns, [(text, text)])
    rows = [RowResult(number=2, status="invalid", message=text, response=text)]
    path = write(tmp_path, sheet, rows)
    ws = results_sheet(path)
    for name in ("message", "campaign_name", "Notes", "response"):
        cell = cell_of(ws, 1, name)
        assert cell.data_type == "s"  # type: ignore[attr-defined]
        # openpyxl does not decode Excel's _xHHHH_ escape (CR is stored as _x000D_, as
        # Excel itself does); Excel and calamine do.
        assert unescape(cell.value) == text  # type: ignore[attr-defined]
        if "\r" not in text and "_x" not in text:
            assert cell.value == text  # type: ignore[attr-defined]
    grid = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Results")
    row = grid.to_python()[1]
    assert {*row[2:5], row[10]} == {text}  # what bulkads reads when the file is fed back


def test_no_cell_of_the_workbook_is_a_formula(tmp_path: Path) -> None:
    sheet = make_sheet([("Notes", "unknown", "Notes")], [(text,) for text in FORMULA_LIKE])
    rows = [RowResult(number=n, status="valid", message="=1+1") for n in range(2, 14)]
    path = write(tmp_path, sheet, rows)
    for ws in openpyxl.load_workbook(path).worksheets:
        assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)


def test_ids_are_written_as_text(tmp_path: Path) -> None:
    ws = results_sheet(write(tmp_path))
    for name in ("campaign_id", "ad_group_id", "ad_id", "idempotency_key"):
        assert cell_of(ws, 1, name).data_type == "s"  # type: ignore[attr-defined]
    assert cell_of(ws, 1, "campaign_id").value == "1800000000000000001"  # type: ignore[attr-defined]
    assert cell_of(ws, 1, "attempts").value == 1  # type: ignore[attr-defined]


def test_a_huge_integer_cell_is_kept_exact_as_text(tmp_path: Path) -> None:
    sheet = make_sheet([("advertiser_id", "argument", "advertiser_id")], [(7100000000000000001,)])
    ws = results_sheet(write(tmp_path, sheet, [RowResult(number=2, status="valid", message="")]))
    assert cell_of(ws, 1, "advertiser_id").value == "7100000000000000001"  # type: ignore[attr-defined]


def test_invalid_cell_is_highlighted_with_a_comment_naming_the_rule(tmp_path: Path) -> None:
    ws = results_sheet(write(tmp_path))
    bad = cell_of(ws, 2, "ad_text")
    assert bad.fill.fgColor.rgb == "FF" + ERROR_FILL[1:]  # type: ignore[attr-defined]
    assert "ad_text: at most 100 characters" in bad.comment.text  # type: ignore[attr-defined]
    assert cell_of(ws, 1, "ad_text").comment is None  # type: ignore[attr-defined]
    assert cell_of(ws, 1, "ad_text").fill.fill_type is None  # type: ignore[attr-defined]


def test_a_warning_gets_a_lighter_fill_and_its_comment(tmp_path: Path) -> None:
    ws = results_sheet(write(tmp_path))
    warned = cell_of(ws, 2, "budget_daily")
    assert warned.fill.fgColor.rgb == "FF" + WARNING_FILL[1:]  # type: ignore[attr-defined]
    assert "budget_daily: under 50" in warned.comment.text  # type: ignore[attr-defined]
    assert warned.value == 75  # type: ignore[attr-defined]


def test_an_issue_about_a_missing_column_marks_no_cell(tmp_path: Path) -> None:
    ws = results_sheet(write(tmp_path))
    comments = [
        cell.comment.text for row in ws.iter_rows(min_row=2) for cell in row if cell.comment
    ]
    assert len(comments) == 2
    assert not any("pixel_id" in text for text in comments)


def test_status_cell_is_colored_by_status(tmp_path: Path) -> None:
    ws = results_sheet(write(tmp_path))
    colors = {ws.cell(r, 2).value: ws.cell(r, 2).fill.fgColor.rgb for r in (2, 3, 4)}
    assert colors == {s: "FF" + STATUS_FILLS[s][1:] for s in ("created", "invalid", "pending")}


def test_header_is_bold_and_frozen(tmp_path: Path) -> None:
    ws = results_sheet(write(tmp_path))
    assert all(cell.font.b for cell in ws[1])
    assert ws.freeze_panes is not None
    assert ws.freeze_panes.endswith("2")


def test_autofilter_covers_the_data(tmp_path: Path) -> None:
    ws = results_sheet(write(tmp_path))
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}4"


def test_columns_have_sensible_widths(tmp_path: Path) -> None:
    ws = results_sheet(write(tmp_path))
    widths = {
        name: ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width
        for i, name in enumerate(header(ws))
    }
    assert widths["row"] < widths["campaign_id"] < widths["idempotency_key"] < 61
    assert 60 <= widths["ad_text"] < 61  # capped, not 120 characters wide


def test_summary_counts_every_status(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    summary = Summary(
        command="bulkads run launch.xlsx --rate 2",
        started="2028-01-01 10:00:00",
        ended="2028-01-01 10:05:00",
        counts={"created": 1, "invalid": 1, "pending": 1},
        calls_spent=2,
        quota_used=42,
        quota_left=108,
    )
    write_results(path, LAUNCH, launch_rows(), summary)
    ws = openpyxl.load_workbook(path)["Summary"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert {status: values[status] for status in STATUSES} == {
        "valid": 0,
        "invalid": 1,
        "created": 1,
        "rejected": 0,
        "pending": 1,
    }
    assert values["calls spent"] == 2
    assert (values["quota used"], values["quota left"]) == (42, 108)
    assert (values["started"], values["ended"]) == ("2028-01-01 10:00:00", "2028-01-01 10:05:00")
    assert values["command"] == "bulkads run launch.xlsx --rate 2"


def test_summary_counts_the_rows_when_not_given_counts(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(tmp_path))["Summary"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert (values["created"], values["invalid"], values["valid"]) == (1, 1, 0)
    assert values["quota left"] == "unknown"


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    write(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["launch.results.xlsx"]


def test_an_old_results_file_is_replaced_whole(tmp_path: Path) -> None:
    path = write(tmp_path)
    write(tmp_path, rows=launch_rows()[:1])
    ws = results_sheet(path)
    assert ws.max_row == 2
    assert [p.name for p in tmp_path.iterdir()] == ["launch.results.xlsx"]


def test_a_failed_rename_keeps_the_old_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path)
    before = path.read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)  # as the results module calls it
    with pytest.raises(UsageError, match="open in Excel") as raised:
        write(tmp_path, rows=launch_rows()[:1])
    assert "\n" not in str(raised.value)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["launch.results.xlsx"]


def test_a_write_failing_midway_keeps_the_old_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path)
    before = path.read_bytes()
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))

    def explode(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(results_module, "_write_summary_sheet", explode)
    with pytest.raises(UsageError, match="No space left on device"):
        write(tmp_path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["launch.results.xlsx", "system-temp"]
    assert list(system_temp.iterdir()) == []  # nor xlsxwriter's own row files


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        write_results(tmp_path / "nowhere" / "r.xlsx", LAUNCH, launch_rows(), SUMMARY)


def test_a_path_that_is_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "launch.results.xlsx").mkdir()
    with pytest.raises(UsageError, match="is a folder"):
        write(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["launch.results.xlsx"]


def test_a_new_results_file_is_readable_by_others(tmp_path: Path) -> None:
    mode = write(tmp_path).stat().st_mode & 0o777
    assert mode == 0o644


def test_an_empty_run_still_writes_both_sheets(tmp_path: Path) -> None:
    path = write(tmp_path, make_sheet([("campaign_name", "argument", "campaign_name")], []), [])
    wb = openpyxl.load_workbook(path)
    assert header(wb["Results"])[:4] == ["row", "status", "message", "campaign_name"]
    assert wb["Results"].max_row == 1


TEXT = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\ufffe\uffff"), max_size=40
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(TEXT, min_size=1, max_size=5))
def test_any_text_reads_back_unchanged_by_bulkads_own_reader(
    tmp_path: Path, texts: list[str]
) -> None:
    sheet = make_sheet([("Notes", "unknown", "Notes")], [(text,) for text in texts])
    rows = [RowResult(number=n, status="valid", message=t) for n, t in enumerate(texts, start=2)]
    path = tmp_path / "prop.results.xlsx"
    write_results(path, sheet, rows, SUMMARY)
    grid = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert [(row[2], row[3]) for row in grid[1:]] == [(t, t) for t in texts]
    os.remove(path)


def test_a_results_workbook_fed_back_reads_as_the_same_sheet(tmp_path: Path) -> None:
    from bulkads.sheet import read_sheet

    path = write(tmp_path)
    fed_back = read_sheet(path)
    roles = {column.header: column.role for column in fed_back.columns}
    for name in ("row", "status", "message", "campaign_id", "attempts", "prepared_card_id"):
        assert roles[name] == "result", name
    own = [c for c in fed_back.columns if c.role != "result"]
    assert [c.header for c in own] == [c.header for c in LAUNCH.columns]
    first = fed_back.rows[0]
    assert fed_back.result(first, "campaign_id") == "1800000000000000001"
    assert fed_back.arguments(first)["advertiser_id"] == "7000000000000000001"
    assert fed_back.arguments(first)["campaign_name"] == "Spring US"


# --- the results workbook as the place where rows get fixed ---------------------------------

FIX_COLUMNS = ("campaign_name", "objective", "target_age_groups", "budget_optimize_on")


def fix_sheet(tmp_path: Path) -> Path:
    """A sheet with choice columns, an ID column, a column that is not an argument."""
    path = tmp_path / "launch.csv"
    rest = "Fresh styles,Acme,https://example.com/a,https://cdn.example.com/a.jpg,50"
    lines = [
        "campaign_name,objective,target_age_groups,budget_optimize_on,advertiser_id,Notes,"
        "ad_text,display_name,landing_page_url,image_urls,budget_daily",
        f"Spring US,TRAFFIC,AGE_18_24,true,7000000000000000001,first,{rest}",
        f"Spring UK,TRAFIC,AGE_18_24,maybe,,second,{rest}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_argument_columns_carry_the_templates_dropdowns(tmp_path: Path) -> None:
    from bulkads.status import validate

    results = tmp_path / "launch.results.xlsx"
    validate(fix_sheet(tmp_path), results=results)
    ws = results_sheet(results)
    template = tmp_path / "template.xlsx"
    write_template(template)
    wanted = dropdowns(openpyxl.load_workbook(template)["Campaigns"])
    found = dropdowns(ws)
    assert sorted(found) == ["budget_optimize_on", "objective", "target_age_groups"]
    # one validation per column range, never one per cell
    assert len(ws.data_validations.dataValidation) == 3
    for name, validation in found.items():
        same = wanted[name]
        assert (validation.type, validation.formula1) == (same.type, same.formula1)
        assert validation.errorStyle == same.errorStyle
        col = openpyxl.utils.get_column_letter(header(ws).index(name) + 1)
        assert str(validation.sqref) == f"{col}2:{col}1048576"


def test_every_header_has_a_note_and_argument_headers_the_templates(tmp_path: Path) -> None:
    from bulkads.status import validate

    results = tmp_path / "launch.results.xlsx"
    validate(fix_sheet(tmp_path), results=results)
    ws = results_sheet(results)
    notes = {cell.value: cell.comment.text if cell.comment else None for cell in ws[1]}
    for name in (*FIX_COLUMNS, "advertiser_id"):
        assert notes[name] == header_note(BY_NAME[name])
    for name in ("row", "status", "message", *CONTRACT_TRAILING):
        assert notes[name] == RESULT_NOTES[name]
    assert "never sent" in str(notes["Notes"])
    assert "give it back to bulkads" in RESULT_NOTES["status"]


def test_fixing_a_row_and_feeding_the_workbook_back_keeps_notes_and_dropdowns(
    tmp_path: Path,
) -> None:
    from bulkads.status import validate

    first = tmp_path / "launch.results.xlsx"
    before = validate(fix_sheet(tmp_path), results=first)
    assert [row.status for row in before.rows] == ["valid", "invalid"]
    book = openpyxl.load_workbook(first)
    ws = book["Results"]
    ws.cell(3, header(ws).index("objective") + 1).value = "TRAFFIC"  # the user's fix
    ws.cell(3, header(ws).index("budget_optimize_on") + 1).value = "false"
    book.save(first)
    second = tmp_path / "launch.fixed.results.xlsx"
    report = validate(first, results=second)
    assert [row.status for row in report.rows] == ["valid", "valid"]
    again = results_sheet(second)
    assert header(again) == header(results_sheet(first))
    assert sorted(dropdowns(again)) == sorted(dropdowns(ws))
    notes = {cell.value: cell.comment.text for cell in again[1] if cell.comment}
    assert notes["objective"] == header_note(BY_NAME["objective"])


def test_id_argument_columns_are_formatted_as_text_for_typing_fixes(tmp_path: Path) -> None:
    from bulkads.status import validate

    results = tmp_path / "launch.results.xlsx"
    validate(fix_sheet(tmp_path), results=results)
    ws = results_sheet(results)
    letter = openpyxl.utils.get_column_letter(header(ws).index("advertiser_id") + 1)
    assert ws.column_dimensions[letter].number_format == "@"


def test_the_message_column_wraps(tmp_path: Path) -> None:
    ws = results_sheet(write(tmp_path))
    message = header(ws).index("message") + 1
    assert ws.cell(3, message).value
    assert ws.cell(3, message).alignment.wrap_text


def test_a_long_message_gets_a_row_tall_enough_for_it(tmp_path: Path) -> None:
    """LibreOffice grows no row by itself: without a height the text runs over the next row."""
    long = "; ".join(f"column_{n}: not one of the allowed values" for n in range(12))
    rows = [*launch_rows()[:1], RowResult(number=3, status="invalid", message=long)]
    ws = results_sheet(write(tmp_path, rows=rows))
    width = ws.column_dimensions["C"].width
    assert len(long) > 3 * width
    assert ws.row_dimensions[3].height >= 15 * len(long) / (width * 1.2)
    assert ws.row_dimensions[2].height is None  # a short message keeps the default height


def test_printing_is_landscape_full_size_with_the_header_and_row_on_each_page(
    tmp_path: Path,
) -> None:
    """Not squeezed onto one page's width (46 columns printed at about 13%): page after page
    across, each with the header row and the row number and status, as frozen on screen."""
    ws = results_sheet(write(tmp_path))
    assert ws.page_setup.orientation == "landscape"
    assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.pageOrder == "overThenDown" and ws.page_setup.scale == 75
    assert ws.print_title_rows == "$1:$1"
    assert ws.print_title_cols == "$A:$B"
    assert ws.freeze_panes == "C2"


def test_the_summary_prints_on_one_page_wide(tmp_path: Path) -> None:
    summary = openpyxl.load_workbook(write(tmp_path))["Summary"]
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    assert summary.page_setup.fitToHeight == 0
