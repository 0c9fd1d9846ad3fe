"""CONTRACT §2a: names only the API's catalogue holds (interest categories, provinces,
cities), looked up with search_tiktok_targeting once per type, cached beside the journal
with its date, counted in the plan; and a sheet of words sent as the API's values."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from runs import QUICK, campaign_row, config_for, served, write_csv

from bulkads.config import default_journal_path, default_results_path
from bulkads.runner import run, run_async
from bulkads.sandbox import Sandbox
from bulkads.status import validate
from bulkads.targeting import (
    TOOL,
    Catalogue,
    Entry,
    cache_path,
    parse_entries,
    read_cache,
    write_cache,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CATALOGUE = Catalogue.empty().with_type(
    "interest_categories",
    [Entry("10300", "Gaming"), Entry("10103", "Accessories", "Apparel & Accessories"),
     Entry("10601", "Accessories", "Tech & Electronics")],
    fetched=NOW,
)  # fmt: skip

# A sheet as a marketer writes it: words for headers and values.
WORDS: dict[str, Any] = {
    "Campaign": "Gamer Hoodies",
    "Ad Text": "Hoodies for the long sessions",
    "Brand": "Acme Outfitters",
    "Landing Page": "https://www.example.com/hoodies",
    "Daily Budget": "$60.00",
    "End Date": "12/31/2030",
    "CTA": "Shop now",
    "Locations": "US, UK, Ontario, Toronto",
    "Age Groups": "18-24, 25–34",
    "Gender": "Female",
    "Language(s)": "English, Spanish",
    "OS": "iOS",
    "Placement Type": "Manual",
    "Placement(s)": "TikTok",
    "Interests": "Gaming; Beauty & Personal Care",
    "Spark Post": "7350000000000000101",
}
SENT: dict[str, Any] = {
    "campaign_name": "Gamer Hoodies",
    "ad_text": "Hoodies for the long sessions",
    "display_name": "Acme Outfitters",
    "landing_page_url": "https://www.example.com/hoodies",
    "budget_daily": 60.0,
    "schedule_end_time": "2030-12-31 23:59:59",
    "call_to_action": "SHOP_NOW",
    "target_locations": ["6252001", "2635167", "6093943", "6167865"],
    "target_age_groups": ["AGE_18_24", "AGE_25_34"],
    "target_gender": "GENDER_FEMALE",
    "languages": ["en", "es"],
    "operating_systems": ["IOS"],
    "placement_type": "PLACEMENT_TYPE_NORMAL",
    "placements": ["PLACEMENT_TIKTOK"],
    "interest_category_ids": ["10300", "10200"],
    "tiktok_item_id": "7350000000000000101",
}


# A row of words that needs no lookup.
PLAIN_WORDS = {**WORDS, "Campaign": "No names", "Interests": "", "Locations": "US"}


def lookups(sandbox: Sandbox) -> list[str]:
    return [call.tool for call in sandbox.calls(TOOL)]


# --- the catalogue ----------------------------------------------------------------------------


def test_a_name_of_one_entry_is_its_id_in_any_case_and_spacing() -> None:
    assert CATALOGUE.resolve("interest_categories", " gaming ") == "10300"


def test_a_name_of_several_entries_is_an_error_listing_them() -> None:
    try:
        CATALOGUE.resolve("interest_categories", "Accessories")
    except ValueError as error:
        assert str(error) == (
            "'Accessories' matches several interest categorys: 10103 (Accessories, Apparel & "
            "Accessories) or 10601 (Accessories, Tech & Electronics); write the ID of the one "
            "you mean"
        )
    else:
        raise AssertionError("an ambiguous name was resolved")


def test_an_unknown_name_suggests_the_closest_entries_with_their_ids() -> None:
    try:
        CATALOGUE.resolve("interest_categories", "Gamng")
    except ValueError as error:
        assert "did you mean 10300 (Gaming)?" in str(error)
    else:
        raise AssertionError("an unknown name was resolved")


def test_a_type_not_looked_up_yet_leaves_the_name_waiting() -> None:
    assert CATALOGUE.resolve("regions", "Ontario") is None


def test_entries_are_read_from_structured_data_a_markdown_table_or_labelled_lines() -> None:
    ontario = {"location_id": 6093943, "name": "Ontario", "level": "PROVINCE", "parent": "Canada"}
    structured = {"structured": {"results": [ontario]}}
    assert parse_entries(structured) == [Entry("6093943", "Ontario", "province, Canada")]
    table = {"text": "**Regions**\n\n| Location ID | Name | Level |\n|---|---|---|\n"
                     "| 6093943 | Ontario | PROVINCE |\n"}  # fmt: skip
    assert parse_entries(table) == [Entry("6093943", "Ontario", "PROVINCE")]
    lines = {"text": "Interest categories:\n- Gaming (ID: 10300)\n- **Travel** — id: 10700\n"}
    assert parse_entries(lines) == [Entry("10300", "Gaming"), Entry("10700", "Travel")]


def test_the_cache_keeps_each_type_with_its_date_and_api_and_forgets_it_after_30_days(
    tmp_path: Path,
) -> None:
    path = tmp_path / "launch.results.targeting.json"
    write_cache(path, CATALOGUE, base_url="https://api.adspirer.ai")
    read = read_cache(path, base_url="https://api.adspirer.ai")
    assert read == CATALOGUE
    assert read_cache(path, base_url="http://127.0.0.1:8765") == Catalogue.empty()
    assert read.fresh(NOW + timedelta(days=29)).entries == CATALOGUE.entries
    assert read.fresh(NOW + timedelta(days=30)).entries == {}


def test_an_unreadable_cache_is_an_empty_one(tmp_path: Path) -> None:
    path = tmp_path / "launch.results.targeting.json"
    path.write_text("{not json", encoding="utf-8")
    assert read_cache(path) == Catalogue.empty()


def test_the_cache_lives_beside_the_journal() -> None:
    journal = default_journal_path(default_results_path(Path("/x/launch.xlsx")))
    assert cache_path(journal) == Path("/x/launch.results.targeting.json")


# --- runs against the sandbox -----------------------------------------------------------------


def test_a_sheet_of_words_is_sent_as_the_apis_values(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    box, url = sandbox
    sheet = write_csv(tmp_path / "launch.csv", [WORDS])
    report = run(config_for(sheet, url))
    assert [(r.status, r.message) for r in report.rows] == [("created", report.rows[0].message)], (
        report.rows
    )
    (campaign,) = box.created("campaign")
    assert campaign.arguments == SENT
    assert lookups(box) == [TOOL, TOOL]  # one call per type: interest_categories, regions
    assert report.summary.calls_spent == 3
    assert report.planned_calls == 3
    assert "interest_category_ids: 10300, 10200" in report.rows[0].sent_as


def test_the_targeting_cache_means_a_second_run_makes_no_lookup_call(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    box, url = sandbox
    sheet = write_csv(tmp_path / "launch.csv", [WORDS])
    assert run(config_for(sheet, url)).exit_code == 0
    assert len(lookups(box)) == 2
    more = {**WORDS, "Campaign": "Gamer Hoodies 2", "Interests": "Gaming", "Locations": "Texas"}
    write_csv(sheet, [WORDS, more])
    report = run(config_for(sheet, url))
    assert [r.status for r in report.rows] == ["created", "created"]
    assert len(lookups(box)) == 2
    assert report.summary.calls_spent == 1


def test_a_cache_older_than_30_days_is_looked_up_again(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    box, url = sandbox
    sheet = write_csv(tmp_path / "launch.csv", [{**WORDS, "Locations": "US"}])
    assert run(config_for(sheet, url)).exit_code == 0
    assert len(lookups(box)) == 1  # interest categories only: US is in bulkads' own table
    later = datetime.now(UTC) + timedelta(days=31)
    more = {**WORDS, "Campaign": "Next month", "Locations": "US"}
    write_csv(sheet, [{**WORDS, "Locations": "US"}, more])
    report = run(config_for(sheet, url), clock=lambda: later)
    assert [r.status for r in report.rows] == ["created", "created"]
    assert len(lookups(box)) == 2


def test_a_name_of_several_regions_makes_its_row_invalid_listing_them(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    box, url = sandbox
    rows = [campaign_row(1, Locations="London"), campaign_row(2, Locations="Toronto")]
    report = run(config_for(write_csv(tmp_path / "launch.csv", rows), url))
    assert [r.status for r in report.rows] == ["invalid", "created"]
    assert report.rows[0].message == (
        "target_locations: 'London' matches several regions: 2643743 (London, city, England, "
        "United Kingdom) or 6058560 (London, city, Ontario, Canada); write the ID of the one "
        "you mean"
    )
    assert len(box.created("campaign")) == 1


def test_a_dry_run_counts_the_lookups_and_the_rows_waiting_for_them_and_makes_none(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    box, url = sandbox
    sheet = write_csv(tmp_path / "launch.csv", [WORDS, PLAIN_WORDS])
    report = run(config_for(sheet, url, dry_run=True))
    assert lookups(box) == []
    assert box.quota("solo")["used"] == 0
    assert [r.status for r in report.rows] == ["valid", "valid"]
    assert report.planned_calls == 2 + 2  # two lookups, and each Spark row's create
    assert "finds every name" in report.notes[-1]
    assert report.exit_code == 0


def test_a_run_that_cannot_afford_the_lookups_makes_none_and_leaves_their_rows_pending(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    box, url = sandbox
    sheet = write_csv(tmp_path / "launch.csv", [WORDS, PLAIN_WORDS])
    report = run(config_for(sheet, url, max_calls=1))
    assert lookups(box) == []
    assert [r.status for r in report.rows] == ["pending", "created"]
    assert "needs 3 billable calls (2 of them search_tiktok_targeting" in report.rows[0].message
    assert report.exit_code == 3


def test_a_row_the_budget_cannot_cover_brings_no_lookup_even_when_the_lookups_fit(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    box, url = sandbox
    sheet = write_csv(tmp_path / "launch.csv", [{**WORDS, "Locations": "US"}, PLAIN_WORDS])
    report = run(config_for(sheet, url, max_calls=1))  # 1 lookup fits; its row's create not
    assert lookups(box) == []
    assert [r.status for r in report.rows] == ["pending", "created"]
    assert report.summary.calls_spent == 1


MARKETER = Path(__file__).resolve().parent.parent / "sample_sheets" / "marketer_launch.xlsx"


# Quota left -> the rows sent. The marketer's sheet: rows 2-9, each an image (validate, then
# create) but row 7 (Spark: create only); rows 3-5 name interests, rows 4, 6, 8, 9 regions.
# A lookup is charged to the first row sent that needs its type.
@pytest.mark.parametrize(
    ("left", "sent"),
    [
        (None, [2, 3, 4, 5, 6, 7, 8, 9]),  # 2 lookups + 7 x 2 + 1 = 17
        (1, [7]),
        (2, [2]),  # no lookup: no row naming a type is affordable with it
        (3, [2, 7]),
        (6, [2, 3, 7]),  # interest_categories: 2 + (1 + 2) + 1
        (9, [2, 3, 4, 7]),  # both types: 2 + (1 + 2) + (1 + 2) + 1
        (16, [2, 3, 4, 5, 6, 7, 8]),
    ],
)
def test_a_dry_runs_plan_is_what_the_run_then_bills_and_sends(
    tmp_path: Path, sandbox: tuple[Sandbox, str], left: int | None, sent: list[int]
) -> None:
    box, url = sandbox
    if left is not None:
        box.set_quota("solo", limit=100 + left, used=100)
    sheet = Path(shutil.copy(MARKETER, tmp_path / "launch.xlsx"))
    dry = run(config_for(sheet, url, dry_run=True))
    assert box.quota("solo")["used"] == (100 if left is not None else 0)
    assert [r.number for r in dry.rows if r.status == "valid"] == sent
    real = run(config_for(sheet, url))
    billed = box.quota("solo")["used"] - (100 if left is not None else 0)
    assert dry.planned_calls == real.planned_calls == real.summary.calls_spent == billed
    assert billed <= (left if left is not None else 17)
    assert [r.number for r in real.rows if r.status == "created"] == sent
    assert [r.number for r in real.rows if r.status == "pending"] == [
        n for n in range(2, 10) if n not in sent
    ]


def test_a_dry_run_with_max_calls_plans_what_the_run_then_bills(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    box, url = sandbox
    sheet = Path(shutil.copy(MARKETER, tmp_path / "launch.xlsx"))
    dry = run(config_for(sheet, url, dry_run=True, max_calls=9))
    real = run(config_for(sheet, url, max_calls=9))
    assert dry.planned_calls == real.summary.calls_spent == box.quota("solo")["used"] == 9
    assert len(lookups(box)) == 2
    assert [r.number for r in real.rows if r.status == "created"] == [2, 3, 4, 7]


def test_validate_reads_names_from_the_runs_cache_and_says_which_it_could_not(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [{**WORDS, "Interests": "Gamng"}])
    first = validate(sheet, results=default_results_path(sheet))
    assert [r.status for r in first.rows] == ["valid"]
    assert "looked up with search_tiktok_targeting when the sheet is run" in first.notes[-1]
    assert run(config_for(sheet, sandbox[1])).rows[0].status == "invalid"
    again = validate(sheet, results=default_results_path(sheet))
    assert [r.status for r in again.rows] == ["invalid"]
    assert "did you mean 10300 (Gaming)?" in again.rows[0].message


def test_a_stop_during_the_lookups_sends_nothing_and_says_why(tmp_path: Path) -> None:
    """Cancelled while `search_tiktok_targeting` is answered (2 s each here): the rows without
    names must not go out either; the run stops as on a SIGTERM, results written."""
    plain = {**PLAIN_WORDS, "Spark Post": "7350000000000000102"}
    sheet = write_csv(tmp_path / "launch.csv", [WORDS, plain])
    config = config_for(sheet, "")

    async def cancelled_during_lookups(url: str) -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(
                run_async(dataclasses.replace(config, base_url=url)), timeout=3.0
            )

    with served(dataclasses.replace(QUICK, latency=(2.0, 2.0))) as (sandbox, url):
        asyncio.run(cancelled_during_lookups(url))
        time.sleep(2.5)  # the sandbox records a call when it has answered it
        tools = [call.tool for call in sandbox.calls()]
    assert "search_tiktok_targeting" in tools
    assert "create_tiktok_campaign" not in tools
    assert default_results_path(sheet).exists()


def test_a_stop_between_lookups_counts_them_and_keeps_what_they_found(tmp_path: Path) -> None:
    """Cancelled (as by SIGTERM) after the first lookup was answered, the second on its
    way: the record counts the billed one and the one in flight, and the rerun does not
    pay for the first type again (its names were cached)."""
    sheet = write_csv(tmp_path / "launch.csv", [WORDS])
    config = config_for(sheet, "")

    async def cancelled_between_lookups(url: str) -> None:
        with pytest.raises(TimeoutError):  # pre-flight ~1 s, the 1st lookup ~1 s, then 0.5 s
            await asyncio.wait_for(
                run_async(dataclasses.replace(config, base_url=url)), timeout=2.5
            )

    with served(dataclasses.replace(QUICK, latency=(1.0, 1.0))) as (sandbox, url):
        asyncio.run(cancelled_between_lookups(url))
        time.sleep(1.2)  # the sandbox records a call when it has answered it
        first_run = lookups(sandbox)
        billed_first = sandbox.quota("solo")["used"]
        summary = dict(
            openpyxl.load_workbook(default_results_path(sheet))["Summary"].iter_rows(
                values_only=True
            )
        )
        sandbox.config = dataclasses.replace(sandbox.config, latency=(0.0, 0.005))
        rerun = run(dataclasses.replace(config, base_url=url))
        rerun_lookups = len(lookups(sandbox)) - len(first_run)
        total = sandbox.quota("solo")["used"]
    assert len(first_run) == 2 and billed_first == 2  # the second was billed after the stop
    assert summary["calls spent"] == 1 and summary["calls in flight at the stop"] == 1
    assert rerun.exit_code == 0
    assert rerun_lookups == 1  # the first type came from the cache
    # every call the API billed is in one record or the other
    assert (
        total
        == summary["calls spent"]
        + summary["calls in flight at the stop"]
        + rerun.summary.calls_spent
    )
