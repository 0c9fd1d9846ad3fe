"""CONTRACT §1 `bulkads template`: the fill-in templates, written and read back with openpyxl."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bulkads.arguments import ARGUMENTS, Kind
from bulkads.errors import UsageError
from bulkads.rules import check_arguments, check_sheet
from bulkads.sheet import read_sheet
from bulkads.template import (
    README_HEADERS,
    default_template_path,
    example_row,
    main,
    write_template,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NOW = datetime(2026, 6, 1, 12, 0)
NAMES = [argument.name for argument in ARGUMENTS]


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "launch.xlsx"
    write_template(path)
    return path


@pytest.fixture(scope="module")
def campaigns(template_path: Path) -> Worksheet:
    return openpyxl.load_workbook(template_path)["Campaigns"]


def dropdowns(sheet: Worksheet) -> dict[str, openpyxl.worksheet.datavalidation.DataValidation]:
    """Header name → the list validation covering its column."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[sheet.cell(1, cell_range.min_col).value] = validation
    return found


def test_campaigns_is_the_first_sheet_and_readme_follows(template_path: Path) -> None:
    assert openpyxl.load_workbook(template_path).sheetnames == ["Campaigns", "README"]


def test_one_column_per_argument_in_table_order(campaigns: Worksheet) -> None:
    assert [cell.value for cell in campaigns[1]] == NAMES


def test_every_header_has_a_note_with_its_help(campaigns: Worksheet) -> None:
    for col, argument in enumerate(ARGUMENTS, start=1):
        note = campaigns.cell(1, col).comment
        assert note is not None, argument.name
        assert argument.help in note.text
        assert ("(required)" in note.text) == argument.required
        for choice in argument.choices:
            assert choice in note.text


def test_every_enum_and_boolean_column_has_a_dropdown_with_its_choices(
    campaigns: Worksheet,
) -> None:
    found = dropdowns(campaigns)
    wanted = [a for a in ARGUMENTS if a.kind in (Kind.ENUM, Kind.ENUMS, Kind.BOOL)]
    assert sorted(found) == sorted(a.name for a in wanted)
    for argument in wanted:
        validation = found[argument.name]
        choices = argument.choices or ("true", "false")
        assert validation.type == "list"
        assert validation.formula1 == '"' + ",".join(choices) + '"'
        col = get_column_letter(NAMES.index(argument.name) + 1)
        assert str(validation.sqref) == f"{col}2:{col}1048576"


def test_a_single_choice_dropdown_refuses_other_values(campaigns: Worksheet) -> None:
    validation = dropdowns(campaigns)["objective"]
    assert validation.showErrorMessage
    assert validation.errorStyle in (None, "stop")


def test_list_valued_dropdowns_let_several_values_be_typed(campaigns: Worksheet) -> None:
    found = dropdowns(campaigns)
    for argument in ARGUMENTS:
        if argument.kind is Kind.ENUMS:
            validation = found[argument.name]
            assert validation.errorStyle == "information" or not validation.showErrorMessage


def test_id_columns_are_formatted_as_text(campaigns: Worksheet) -> None:
    for col, argument in enumerate(ARGUMENTS, start=1):
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
        for a in ARGUMENTS
    ]
    assert written == expected
    assert campaigns.max_row == 2
    assert campaigns.cell(2, NAMES.index("image_urls") + 1).value


def test_example_row_validates() -> None:
    raw = {name: value for name, value in zip(NAMES, example_row(), strict=True) if value}
    arguments, issues = check_arguments(raw, now=NOW)
    assert issues == []
    assert arguments["campaign_name"] == "Spring Sale - US"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_read_back_as_a_sheet_validates_clean(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"launch.{fmt}"
    write_template(path, fmt=fmt)
    sheet = read_sheet(path)
    assert [column.name for column in sheet.columns] == NAMES
    assert all(column.role == "argument" for column in sheet.columns)
    checked = check_sheet(sheet, now=NOW)
    assert [(row.number, row.issues) for row in checked] == [(2, ())]


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
    notes = " ".join(str(cell.value) for row in readme.iter_rows() for cell in row if cell.value)
    for topic in ("Lists", "Booleans", "Dates", "YYYY-MM-DD HH:MM", "yes/no", "semicolons"):
        assert topic in notes


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
