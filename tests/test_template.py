"""CONTRACT §1 `bulkads template`: the fill-in templates, written and read back with openpyxl."""

from __future__ import annotations

import csv
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from workbooks import dropdowns

from bulkads.arguments import ARGUMENTS, CREATIVE_COLUMNS, Argument, Kind
from bulkads.errors import UsageError
from bulkads.guidance import header_note, words_line
from bulkads.rules import EXAMPLE_ROW_MESSAGE, check_arguments, check_sheet
from bulkads.sheet import read_sheet
from bulkads.template import (
    CREATIVE_FILL,
    LEGEND,
    OPTIONAL_FILL,
    README_HEADERS,
    REQUIRED_FILL,
    TEMPLATE_COLUMNS,
    default_template_path,
    example_row,
    main,
    write_template,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NOW = datetime(2026, 6, 1, 12, 0)
NAMES = [argument.name for argument in TEMPLATE_COLUMNS]


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "launch.xlsx"
    write_template(path)
    return path


@pytest.fixture(scope="module")
def campaigns(template_path: Path) -> Worksheet:
    return openpyxl.load_workbook(template_path)["Campaigns"]


def test_campaigns_is_the_first_sheet_and_readme_follows(template_path: Path) -> None:
    assert openpyxl.load_workbook(template_path).sheetnames == ["Campaigns", "README"]


def test_one_column_per_argument(campaigns: Worksheet) -> None:
    assert [cell.value for cell in campaigns[1]] == NAMES
    assert sorted(NAMES) == sorted(argument.name for argument in ARGUMENTS)


def test_required_columns_come_first_and_the_creative_group_last(campaigns: Worksheet) -> None:
    required = [argument.name for argument in ARGUMENTS if argument.required]
    assert NAMES[: len(required)] == required
    group = {*CREATIVE_COLUMNS, "card_type"}
    assert set(NAMES[-len(group) :]) == group
    assert NAMES.index("card_type") == NAMES.index("card_id") + 1
    assert NAMES[-len(group)] == "image_urls"  # the creative bulkads prepares for the user


def test_header_colours_mark_required_creative_and_optional_columns(
    campaigns: Worksheet,
) -> None:
    def fill(argument: Argument) -> str:
        if argument.required:
            return REQUIRED_FILL
        creative = {*CREATIVE_COLUMNS, "card_type"}
        return CREATIVE_FILL if argument.name in creative else OPTIONAL_FILL

    for col, argument in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = campaigns.cell(1, col)
        assert cell.fill.fgColor.rgb == "FF" + fill(argument)[1:], argument.name
        assert cell.font.b


def test_a_legend_explains_the_colours_and_the_example_row(template_path: Path) -> None:
    with zipfile.ZipFile(template_path) as archive:
        drawings = [n for n in archive.namelist() if n.startswith("xl/drawings/drawing")]
        text = " ".join(archive.read(name).decode("utf-8") for name in drawings)
    for line in LEGEND:
        assert line.replace("'", "&apos;") in text or line in text, line
    assert "Orange" in text and "Green" in text and "exactly one" in text


def test_the_legend_is_not_read_as_part_of_the_sheet(template_path: Path) -> None:
    sheet = read_sheet(template_path)
    assert [column.name for column in sheet.columns] == NAMES
    assert [row.number for row in sheet.rows] == [2]
    assert sheet.warnings == ()


def test_printing_is_landscape_full_size_with_the_header_and_name_on_each_page(
    campaigns: Worksheet,
) -> None:
    assert campaigns.page_setup.orientation == "landscape"
    fit = campaigns.sheet_properties.pageSetUpPr
    assert not fit or not fit.fitToPage  # 30 columns on one width printed unreadably small
    assert campaigns.page_setup.pageOrder == "overThenDown" and campaigns.page_setup.scale == 75
    assert campaigns.print_title_rows == "$1:$1"
    assert campaigns.print_title_cols == "$A:$A"


def test_every_header_has_a_note_with_its_help(campaigns: Worksheet) -> None:
    for col, argument in enumerate(TEMPLATE_COLUMNS, start=1):
        note = campaigns.cell(1, col).comment
        assert note is not None, argument.name
        assert note.text == header_note(argument)
        assert argument.help in note.text
        assert ("(required)" in note.text) == argument.required
        for choice in argument.choices:
            assert choice in note.text


def test_the_creative_columns_notes_say_exactly_one_is_used(campaigns: Worksheet) -> None:
    for col, argument in enumerate(TEMPLATE_COLUMNS, start=1):
        note = campaigns.cell(1, col).comment.text
        assert ("exactly one" in note) == (argument.name in CREATIVE_COLUMNS), argument.name


def test_every_enum_and_boolean_column_has_a_dropdown_with_its_choices(
    campaigns: Worksheet,
) -> None:
    found = dropdowns(campaigns)
    wanted = [a for a in ARGUMENTS if a.kind in (Kind.ENUM, Kind.ENUMS, Kind.BOOL)]
    assert sorted(found) == sorted(a.name for a in wanted)
    # One validation per column range, never one per cell.
    assert len(campaigns.data_validations.dataValidation) == len(wanted)
    for argument in wanted:
        validation = found[argument.name]
        choices = argument.choices or ("true", "false")
        assert validation.type == "list"
        assert validation.formula1 == '"' + ",".join(choices) + '"'
        col = get_column_letter(NAMES.index(argument.name) + 1)
        assert str(validation.sqref) == f"{col}2:{col}1048576"


def test_a_single_choice_dropdown_warns_but_lets_a_word_through(campaigns: Worksheet) -> None:
    validation = dropdowns(campaigns)["call_to_action"]
    assert validation.showErrorMessage
    assert validation.errorStyle == "warning"  # the user may keep "Shop now"
    assert "Words are read too (Learn more, Shop now" in validation.error


def test_every_word_a_note_shows_is_read_as_its_value() -> None:
    for argument in ARGUMENTS:
        if not argument.choices:
            continue
        line = next(line for line in header_note(argument).split("\n") if line.startswith("Words"))
        shown = line.removeprefix("Words read too: ").removesuffix(".").split(", ")
        assert len(shown) == len(argument.choices), argument.name
        for word, choice in zip(shown, argument.choices, strict=True):
            parsed = check_arguments({argument.name: word}, now=NOW)[0][argument.name]
            assert parsed in (choice, [choice]), (argument.name, word, parsed)


def test_header_notes_name_the_headers_people_write(campaigns: Worksheet) -> None:
    note = campaigns.cell(1, NAMES.index("budget_daily") + 1).comment.text
    assert "Daily Budget" in note
    note = campaigns.cell(1, NAMES.index("target_locations") + 1).comment.text
    assert "Locations" in note and "United States" in note


def test_list_valued_dropdowns_let_several_values_be_typed(campaigns: Worksheet) -> None:
    found = dropdowns(campaigns)
    for argument in ARGUMENTS:
        if argument.kind is Kind.ENUMS:
            validation = found[argument.name]
            assert validation.errorStyle == "information" or not validation.showErrorMessage


def test_id_columns_are_formatted_as_text(campaigns: Worksheet) -> None:
    for col, argument in enumerate(TEMPLATE_COLUMNS, start=1):
        if argument.kind in (Kind.ID, Kind.IDS):
            letter = get_column_letter(col)
            assert campaigns.column_dimensions[letter].number_format == "@", argument.name
    locations = campaigns.cell(2, NAMES.index("target_locations") + 1)
    assert (locations.value, locations.data_type) == ("6252001", "s")


def test_header_is_frozen(campaigns: Worksheet) -> None:
    assert campaigns.freeze_panes == "B2"


def test_example_row_holds_each_arguments_example(campaigns: Worksheet) -> None:
    written = [campaigns.cell(2, col).value for col in range(1, len(ARGUMENTS) + 1)]
    expected: list[object] = [
        (float(a.example) if a.kind is Kind.MONEY else a.example) if a.example else None
        for a in TEMPLATE_COLUMNS
    ]
    assert written == expected
    assert campaigns.max_row == 2
    assert campaigns.cell(2, NAMES.index("image_urls") + 1).value


def test_example_row_breaks_no_rule_of_its_own() -> None:
    raw = {name: value for name, value in zip(NAMES, example_row(), strict=True) if value}
    arguments, issues = check_arguments(raw, now=NOW)
    assert issues == []
    assert arguments["campaign_name"] == "Spring Sale - US"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_example_row_left_in_the_template_is_refused(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"launch.{fmt}"
    write_template(path, fmt=fmt)
    sheet = read_sheet(path)
    assert [column.name for column in sheet.columns] == NAMES
    assert all(column.role == "argument" for column in sheet.columns)
    (row,) = check_sheet(sheet, now=NOW)
    assert row.number == 2
    assert not row.valid
    assert [issue.message for issue in row.issues] == [f"row: {EXAMPLE_ROW_MESSAGE}"]
    assert "delete it" in EXAMPLE_ROW_MESSAGE


def test_the_example_row_with_only_an_advertiser_added_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "launch.xlsx"
    write_template(path)
    sheet = read_sheet(path)
    (row,) = check_sheet(sheet, now=NOW, default_advertiser_id="7001")
    assert not row.valid
    assert row.arguments["advertiser_id"] == "7001"


def test_an_edited_example_row_is_a_row_like_any_other(tmp_path: Path) -> None:
    path = tmp_path / "launch.csv"
    edited = dict(zip(NAMES, example_row(), strict=True))
    edited["campaign_name"] = "Summer Sale - US"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([NAMES, [edited[name] for name in NAMES]])
    (row,) = check_sheet(read_sheet(path), now=NOW)
    assert row.valid and row.issues == ()


def test_readme_sheet_explains_every_column(template_path: Path) -> None:
    readme = openpyxl.load_workbook(template_path)["README"]
    assert tuple(cell.value for cell in readme[1]) == README_HEADERS
    rows = {
        readme.cell(r, 1).value: [readme.cell(r, c).value for c in range(2, 6)]
        for r in range(2, len(ARGUMENTS) + 2)
    }
    assert list(rows) == NAMES
    for argument in ARGUMENTS:
        required, kind, allowed, help_text = rows[argument.name]
        assert (required == "yes") == argument.required
        assert kind == argument.kind.value
        assert help_text == argument.help
        assert all(choice in allowed for choice in argument.choices)
        assert (words_line(argument) in allowed) if argument.choices else True
    notes = " ".join(str(cell.value) for row in readme.iter_rows() for cell in row if cell.value)
    for topic in ("Lists", "Booleans", "Dates", "YYYY-MM-DD HH:MM", "yes/no", "semicolons"):
        assert topic in notes
    for topic in ("Example row", "Colours", "exactly one"):
        assert topic in notes


def test_readme_rows_are_tall_enough_for_their_wrapped_text(template_path: Path) -> None:
    """No text runs into the next row (LibreOffice grows no row by itself)."""
    readme = openpyxl.load_workbook(template_path)["README"]
    merged = {str(r.coord): r for r in readme.merged_cells.ranges}
    for row in readme.iter_rows(min_row=2):
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            span = next((m for m in merged.values() if cell.coordinate in m), None)
            letters = (
                [get_column_letter(c) for c in range(span.min_col, span.max_col + 1)]
                if span
                else [cell.column_letter]
            )
            width = sum(readme.column_dimensions[letter].width for letter in letters)
            # LibreOffice's fallback for Calibri (DejaVu Sans) fits ~1.2 characters a width unit
            per_line = int(width * 1.2)
            needed = sum(-(-len(line) // per_line) or 1 for line in cell.value.split("\n"))
            if cell.alignment.wrap_text:
                height = readme.row_dimensions[cell.row].height or 15
                assert height >= 15 * needed, (cell.coordinate, cell.value)
            else:  # one line, running on into empty cells at most
                assert needed == 1 or readme.cell(cell.row, cell.column + 1).value is None


def test_csv_template_is_the_header_and_the_example_row(tmp_path: Path) -> None:
    path = tmp_path / "launch.csv"
    write_template(path, fmt="csv")
    with path.open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [NAMES, example_row()]


def test_xlsx_template_is_byte_for_byte_deterministic(tmp_path: Path) -> None:
    write_template(tmp_path / "a.xlsx")
    write_template(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_committed_templates_match_the_code(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 0
    for name in ("bulkads-template.xlsx", "bulkads-template.csv"):
        fresh, committed = tmp_path / name, TEMPLATES / name
        assert committed.read_bytes() == fresh.read_bytes(), (
            f"templates/{name} is stale: run `python -m bulkads.template templates/`"
        )


def test_default_template_path_is_in_the_current_folder() -> None:
    assert default_template_path("xlsx") == Path("bulkads-template.xlsx")
    assert default_template_path("csv") == Path("bulkads-template.csv")


def test_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="xlsx or csv"):
        write_template(tmp_path / "t.ods", fmt="ods")


def test_an_unwritable_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write the template"):
        write_template(tmp_path / "missing" / "t.xlsx")
    with pytest.raises(UsageError, match="cannot write the template"):
        write_template(tmp_path / "missing" / "t.csv", fmt="csv")
