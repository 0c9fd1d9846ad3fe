"""sample_sheets/: the valid sheets validate clean and are creatable; the mistakes sheet
breaks each rule of CONTRACT §3 with the rule's message."""

from __future__ import annotations

import re
import runpy
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from runs import config_for

from bulkads.rules import CheckedRow, check_sheet
from bulkads.runner import run
from bulkads.sandbox import AGENCY_KEY, SOLO_KEY, Sandbox
from bulkads.sheet import Sheet, read_sheet

SAMPLES = Path(__file__).resolve().parent.parent / "sample_sheets"
VALID = ("small_launch.xlsx", "marketer_launch.xlsx", "agency_launch.xlsx",
         "image_and_carousel.csv")  # fmt: skip
ALL = (*VALID, "common_mistakes.xlsx")
NOW = datetime(2026, 6, 1, 12, 0)
CREATIVES = ("image_urls", "existing_image_ids", "tiktok_item_id", "carousel_image_urls",
             "carousel_image_ids")  # fmt: skip
AGENCY = {"7100000000000000001", "7100000000000000002", "7100000000000000003"}

# Notes cell -> (column of the expected issue, a fragment of its message, severity).
EXPECTED: dict[str, tuple[str, str, str]] = {
    "duplicate: the same arguments as the first row": ("row", "duplicate of row 2", "error"),
    "missing campaign_name": ("campaign_name", "required", "error"),
    "campaign_name over 480 characters": ("campaign_name", "at most 480 characters", "error"),
    "missing ad_text": ("ad_text", "required", "error"),
    "ad_text over 100 characters": ("ad_text", "at most 100 characters", "error"),
    "missing display_name": ("display_name", "required", "error"),
    "display_name over 40 characters": ("display_name", "at most 40 characters", "error"),
    "display_name in CJK counts double (25 characters = 50)":
        ("display_name", "has 50 (CJK characters count double)", "error"),
    "missing landing_page_url": ("landing_page_url", "required", "error"),
    "http:// landing page": ("landing_page_url", "https://", "error"),
    "landing page is not a URL": ("landing_page_url", "https://", "error"),
    "bad enum: objective TRAFIC": ("objective", "'TRAFIC' is not one of", "error"),
    "APP_PROMOTION without app_id": ("app_id", "required when objective is APP_PROMOTION", "error"),
    "app_promotion_type without APP_PROMOTION":
        ("app_promotion_type", "only with objective APP_PROMOTION", "error"),
    "CONVERSIONS without pixel_id": ("pixel_id", "required when objective is CONVERSIONS", "error"),
    "optimization_event without pixel_id": ("optimization_event", "only with pixel_id", "error"),
    "bad enum: optimization_event PURCHASES":
        ("optimization_event", "did you mean Purchase (COMPLETE_PAYMENT)?", "error"),
    "both budgets": ("budget_lifetime", "not with budget_daily", "error"),
    "budget_lifetime without schedule_end_time":
        ("schedule_end_time", "required with budget_lifetime", "error"),
    "budget under 1": ("budget_daily", "at least 1", "error"),
    "budget is not a number": ("budget_daily", "not an amount", "error"),
    "past schedule_end_time": ("schedule_end_time", "in the future", "error"),
    "schedule_end_time is not a date": ("schedule_end_time", "not a date", "error"),
    "schedule_end_time whose day and month could be swapped":
        ("schedule_end_time", "could be 2031-03-04 (March 4) or 2031-04-03 (April 3)", "error"),
    "two creatives: image_urls and tiktok_item_id":
        ("tiktok_item_id", "exactly one creative", "error"),
    "no creative": ("image_urls", "no creative", "error"),
    "card_id without card_type": ("card_type", "required with card_id", "error"),
    "bad enum: card_type VIDEO": ("card_type", "'VIDEO' is not one of", "error"),
    "bad enum: call_to_action BUY": ("call_to_action", "'BUY' is not one of", "error"),
    "bad enum: target_gender MALES": ("target_gender", "did you mean Male (GENDER_MALE)", "error"),
    "bad enum: target_age_groups AGE_18_30": ("target_age_groups", "'AGE_18_30'", "error"),
    "bad enum: operating_systems WINDOWS":
        ("operating_systems", "'WINDOWS' is not one of", "error"),
    "placements without PLACEMENT_TYPE_NORMAL":
        ("placements", "only with placement_type PLACEMENT_TYPE_NORMAL", "error"),
    "PLACEMENT_TYPE_NORMAL without placements":
        ("placements", "required with placement_type PLACEMENT_TYPE_NORMAL", "error"),
    "target_locations: a US state's code alone":
        ("target_locations", "for the US state Texas write US-TX or Texas (4736286)", "error"),
    "target_locations: a name that is a country and a US state":
        ("target_locations", "614540 (Georgia, GE) or 4197000 (Georgia, US-GA)", "error"),
    "interest_category_ids: a letter O for a zero":
        ("interest_category_ids", "digits only", "error"),
    "audience both included and excluded":
        ("excluded_audience_ids", "also in audience_ids", "error"),
    'language misspelt "Englsh"': ("languages", "did you mean English (en)", "error"),
    "http:// image URL": ("image_urls", "https://", "error"),
    "image URL on a private host": ("image_urls", "not a public URL", "error"),
    "21 image_urls (at most 20)": ("image_urls", "at most 20 items", "error"),
    "carousel with 1 image URL (2-10)": ("carousel_image_urls", "at least 2 items", "error"),
    "carousel with 1 library image (2-10)": ("carousel_image_ids", "at least 2 items", "error"),
    "advertiser_id typed as a number": ("advertiser_id", "format the column as text", "error"),
    "budget_optimize_on is not a boolean": ("budget_optimize_on", "not a boolean", "error"),
    "warning: ad_text over 50 characters": ("ad_text", "over 50 characters", "warning"),
    "warning: budget under 50": ("budget_daily", "under 50", "warning"),
    "warning: no budget": ("budget_daily", "default applies", "warning"),
}  # fmt: skip


def checked(name: str) -> tuple[Sheet, list[CheckedRow]]:
    sheet = read_sheet(SAMPLES / name)
    return sheet, check_sheet(sheet, now=NOW)


def column_values(sheet: Sheet, name: str) -> list[object]:
    column = next(c for c in sheet.columns if c.name == name)
    return [row.cells[column.index] for row in sheet.rows]


@pytest.mark.parametrize("name", VALID)
def test_valid_sample_sheets_validate_clean(name: str) -> None:
    sheet, rows = checked(name)
    assert sheet.warnings == ()
    assert [(row.number, row.issues) for row in rows if row.issues] == []
    assert all(column.role == "argument" for column in sheet.columns)


def test_small_launch_is_one_brand_on_the_single_advertiser_key() -> None:
    sheet, rows = checked("small_launch.xlsx")
    assert 8 <= len(rows) <= 12
    assert all("advertiser_id" not in row.arguments for row in rows)
    assert set(column_values(sheet, "display_name")) == {"Acme Outfitters"}
    used = {c for row in rows for c in CREATIVES if c in row.arguments}
    assert used == {"image_urls", "existing_image_ids", "tiktok_item_id"}


def test_agency_launch_spreads_over_three_advertisers_typed_as_text() -> None:
    _, rows = checked("agency_launch.xlsx")
    assert 15 <= len(rows) <= 30
    assert {row.arguments["advertiser_id"] for row in rows} == AGENCY
    cells = openpyxl.load_workbook(SAMPLES / "agency_launch.xlsx").worksheets[0]
    column = [c.value for c in cells[1]].index("Advertiser ID") + 1
    ids = [cells.cell(r, column) for r in range(2, cells.max_row + 1)]
    assert all(cell.data_type == "s" for cell in ids)


def test_image_and_carousel_has_each_image_creative() -> None:
    _, rows = checked("image_and_carousel.csv")
    kinds = [[c for c in CREATIVES if c in row.arguments] for row in rows]
    assert all(len(found) == 1 for found in kinds)
    assert {found[0] for found in kinds} == {"image_urls", "carousel_image_urls",
                                              "carousel_image_ids"}  # fmt: skip
    carousels = [len(row.arguments["carousel_image_urls"]) for row in rows
                 if "carousel_image_urls" in row.arguments]  # fmt: skip
    assert min(carousels) == 2 and max(carousels) == 10


@pytest.mark.parametrize("name", VALID)
def test_sample_image_urls_are_public_https_and_9_by_16(name: str) -> None:
    _, rows = checked(name)
    urls = [url for row in rows for key in ("image_urls", "carousel_image_urls")
            for url in row.arguments.get(key, ())]  # fmt: skip
    assert urls
    for url in urls:
        size = re.search(r"_(\d+)x(\d+)\.jpg$", url)
        assert url.startswith("https://") and size, url
        assert int(size[1]) * 16 == int(size[2]) * 9, url


def test_common_mistakes_break_each_rule_with_its_message() -> None:
    sheet, rows = checked("common_mistakes.xlsx")
    notes = dict(
        zip((row.number for row in sheet.rows), column_values(sheet, "Notes"), strict=True)
    )
    seen = set()
    for row in rows:
        note = str(notes[row.number])
        if note.startswith("valid:"):
            assert row.issues == (), note
            continue
        column, fragment, severity = EXPECTED[note]
        seen.add(note)
        matching = [i for i in row.issues if i.column == column and fragment in i.message]
        assert matching and matching[0].severity == severity, (note, row.issues)
        assert matching[0].message.startswith(f"{column}: "), "the message names the column"
        assert row.valid == (severity == "warning"), note
    assert seen == set(EXPECTED)


def test_common_mistakes_keep_a_few_valid_rows() -> None:
    sheet, rows = checked("common_mistakes.xlsx")
    assert sum(1 for row in rows if not row.issues) >= 3
    assert any("Notes" in warning for warning in sheet.warnings)  # unknown column, copied


def test_common_mistakes_types_the_19_digit_advertiser_id_as_a_number() -> None:
    cells = openpyxl.load_workbook(SAMPLES / "common_mistakes.xlsx").worksheets[0]
    column = [c.value for c in cells[1]].index("advertiser_id") + 1
    typed = [cells.cell(r, column) for r in range(2, cells.max_row + 1)]
    numbers = [cell for cell in typed if cell.value is not None]
    assert [cell.data_type for cell in numbers] == ["n"]


def test_sample_sheets_match_their_generator(tmp_path: Path) -> None:
    generator = runpy.run_path(str(SAMPLES / "generate.py"))
    assert generator["main"]([str(tmp_path)]) == 0
    for name in ALL:
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), (
            f"sample_sheets/{name} is stale: run `python sample_sheets/generate.py`"
        )


@pytest.mark.parametrize(
    ("name", "key"),
    [("small_launch.xlsx", SOLO_KEY), ("marketer_launch.xlsx", SOLO_KEY),
     ("agency_launch.xlsx", AGENCY_KEY), ("image_and_carousel.csv", SOLO_KEY)],
)  # fmt: skip
def test_valid_sample_sheets_are_created_in_the_sandbox(
    tmp_path: Path, sandbox: tuple[Sandbox, str], name: str, key: str
) -> None:
    sheet = tmp_path / name
    shutil.copyfile(SAMPLES / name, sheet)
    report = run(config_for(sheet, sandbox[1], key=key))
    assert [(r.number, r.status, r.message) for r in report.rows if r.status != "created"] == []
    assert report.exit_code == 0


def test_the_demo_runs_the_marketer_launch_sheet() -> None:
    name = "marketer_launch.xlsx"
    demo_copy = Path(__file__).resolve().parent.parent / "bulkads" / "data" / name
    assert demo_copy.is_file(), f"copy sample_sheets/{name} to bulkads/data/"
    assert demo_copy.read_bytes() == (SAMPLES / name).read_bytes()


def test_the_marketer_sheet_is_written_in_words_and_sent_as_values() -> None:
    sheet, rows = checked("marketer_launch.xlsx")
    assert [c.header for c in sheet.columns if c.header == c.name] == []  # no argument names
    words = {str(row.cells[c.index]) for c in sheet.columns for row in sheet.rows}
    assert {"Shop now", "US, UK", "18-24, 25–34", "Female", "English", "12/31/2030",
            "Gaming"} <= words  # fmt: skip
    assert all(row.sent_as or row.names for row in rows)
    assert {name for row in rows for name in row.names} >= {"Gaming", "Ontario"}
