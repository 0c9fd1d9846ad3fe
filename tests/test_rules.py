"""CONTRACT §2 (reading cells) and §3 (validation): every rule, both sides."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulkads.arguments import ARGUMENTS, BY_NAME, CREATIVE_COLUMNS
from bulkads.cells import text_length
from bulkads.columns import Column
from bulkads.rules import CheckedRow, Issue, check_arguments, check_sheet, fingerprint
from bulkads.sheet import Sheet, SheetRow

NOW = datetime(2026, 3, 1, 12, 0)
VALID: dict[str, object] = {
    "campaign_name": "Spring Sale - US",
    "ad_text": "Fresh spring styles",
    "display_name": "Acme",
    "landing_page_url": "https://www.example.com/spring",
    "budget_daily": 50,
    "image_urls": "https://cdn.example.com/a.jpg",
}


def check(**changes: object) -> tuple[dict[str, Any], list[Issue]]:
    """VALID with `changes` (None removes a column)."""
    raw = {**VALID, **changes}
    return check_arguments({k: v for k, v in raw.items() if v is not None}, now=NOW)


def errors(**changes: object) -> list[str]:
    return [issue.message for issue in check(**changes)[1] if issue.severity == "error"]


def warnings(**changes: object) -> list[str]:
    return [issue.message for issue in check(**changes)[1] if issue.severity == "warning"]


def test_a_complete_row_has_no_issue() -> None:
    assert check() == (
        {
            "campaign_name": "Spring Sale - US",
            "ad_text": "Fresh spring styles",
            "display_name": "Acme",
            "landing_page_url": "https://www.example.com/spring",
            "budget_daily": 50.0,
            "image_urls": ["https://cdn.example.com/a.jpg"],
        },
        [],
    )


# --- §2: each Kind's accepted forms -------------------------------------------------

ACCEPTED = [
    ("campaign_name", "  Spring  ", "Spring"),
    ("campaign_name", 2026, "2026"),
    ("campaign_name", 2026.0, "2026"),
    ("campaign_name", date(2026, 5, 1), "2026-05-01"),
    ("landing_page_url", "https://example.com", "https://example.com"),
    ("landing_page_url", " HTTPS://Example.com/a?b=1,2 ", "HTTPS://Example.com/a?b=1,2"),
    ("advertiser_id", " 7001234567890123456 ", "7001234567890123456"),
    ("advertiser_id", 7001234567890.0, "7001234567890"),
    ("advertiser_id", 7001234567890, "7001234567890"),
    ("advertiser_id", "7001234567890.0", "7001234567890"),
    ("advertiser_id", float(2**53 - 1), str(2**53 - 1)),
    ("pixel_id", "CABC123XYZ", "CABC123XYZ"),
    ("target_locations", "6252001, 2635167", ["6252001", "2635167"]),
    ("target_locations", "6252001;2635167\n6251999", ["6252001", "2635167", "6251999"]),
    ("target_locations", "6252001,,; ,", ["6252001"]),
    ("target_locations", 6252001.0, ["6252001"]),
    ("target_locations", '["6252001", 2635167]', ["6252001", "2635167"]),
    ("target_locations", ["6252001", 2635167, None, ""], ["6252001", "2635167"]),
    ("existing_image_ids", "ad-img-1, ad-img-2", ["ad-img-1", "ad-img-2"]),
    ("objective", " conversions ", "CONVERSIONS"),
    ("target_age_groups", "age_18_24; AGE_25_34", ["AGE_18_24", "AGE_25_34"]),
    ("operating_systems", ["ios", "Android"], ["IOS", "ANDROID"]),
    ("languages", "EN, es", ["en", "es"]),
    ("languages", '["fr"]', ["fr"]),
    ("budget_optimize_on", "TRUE", True),
    ("budget_optimize_on", "no", False),
    ("budget_optimize_on", "Yes", True),
    ("budget_optimize_on", "0", False),
    ("budget_optimize_on", 1, True),
    ("budget_optimize_on", 0.0, False),
    ("budget_optimize_on", False, False),
    ("budget_daily", "$1,250.50", 1250.5),
    ("budget_daily", "USD 1,250", 1250.0),
    ("budget_daily", "75.5 EUR", 75.5),
    ("budget_daily", "€60", 60.0),
    ("budget_daily", "£ 70", 70.0),
    ("budget_daily", "¥100", 100.0),
    ("budget_daily", "1,000,000", 1000000.0),
    ("budget_daily", 80, 80.0),
    ("budget_daily", 99.99, 99.99),
    ("schedule_end_time", "2026-06-01 18:00", "2026-06-01 18:00:00"),
    ("schedule_end_time", "2026-06-01T18:00:30", "2026-06-01 18:00:30"),
    ("schedule_end_time", datetime(2026, 6, 1, 18, 5, 7, 999), "2026-06-01 18:05:07"),
    ("schedule_end_time", date(2026, 6, 1), "2026-06-01 23:59:59"),
]


@pytest.mark.parametrize(("column", "raw", "expected"), ACCEPTED)
def test_each_kind_reads_its_accepted_forms(column: str, raw: object, expected: object) -> None:
    extra: dict[str, object] = {"schedule_end_time": "2027-01-01 00:00"}
    if column in CREATIVE_COLUMNS:
        extra["image_urls"] = None
    arguments, issues = check(**{**extra, column: raw})
    assert arguments[column] == expected
    assert [i for i in issues if i.column == column and i.severity == "error"] == []


REJECTED = [
    ("campaign_name", True, "expected text, got the boolean TRUE"),
    ("campaign_name", ["a"], "expected one value"),
    ("landing_page_url", "http://example.com", "is not an absolute https:// URL"),
    ("landing_page_url", "example.com", "is not an absolute https:// URL"),
    ("landing_page_url", "https://", "has no host"),
    ("landing_page_url", "https:///path", "has no host"),
    ("landing_page_url", "https://exa mple.com", "contains a space"),
    ("landing_page_url", "https://example.com:port/", "is not a valid URL"),
    ("advertiser_id", 7.000123e18, "7.000123e+18 is a number too large to hold the ID exactly"),
    ("advertiser_id", float(2**53), "too large to hold the ID exactly; format the column as text"),
    ("advertiser_id", 2**53, "too large to hold the ID exactly"),
    ("advertiser_id", "7.00012E+18", "scientific notation"),
    ("advertiser_id", "7001234567890123456.0", "too large to hold the ID exactly"),
    ("advertiser_id", 12.5, "is not a whole number"),
    ("advertiser_id", float("inf"), "is not an ID"),
    ("advertiser_id", True, "expected an ID"),
    ("advertiser_id", "700 123", "contains a space"),
    ("target_locations", "6252001, TX", "'TX' is not a country code; for the US state Texas"),
    ("target_locations", "12O45", "'12O45' is not an ID of digits only"),
    ("target_locations", "[6252001", "starts with [ but is not a JSON array"),
    ("target_locations", '{"a": 1}', "is not an ID"),
    ("target_locations", "[[1]]", "expected one value per item"),
    ("target_locations", "６２５", "is not an ID of digits only"),
    ("objective", "clicks", "is not one of TRAFFIC, CONVERSIONS, LEAD_GENERATION"),
    ("target_age_groups", "AGE_18_24, adults", "'adults' is not one of AGE_13_17"),
    ("languages", "en, eng", "'eng' is not a language: did you mean English (en)"),
    ("languages", "Klingon", "is not a language"),
    ("budget_optimize_on", "maybe", "is not a boolean; use true/false, yes/no or 1/0"),
    ("budget_optimize_on", 2, "is not a boolean"),
    ("budget_daily", "1.250,50 €", "is not an amount"),
    ("budget_daily", "1,25", "is not an amount"),
    ("budget_daily", "fifty", "is not an amount"),
    ("budget_daily", True, "expected an amount"),
    ("budget_daily", float("inf"), "is not a finite amount"),
    ("budget_daily", 10**400, "is not a finite amount"),
    ("schedule_end_time", "01/06/2026", "could be 2026-01-06 (January 6) or 2026-06-01 (June 1)"),
    ("schedule_end_time", "next friday", "is not a date and time; write it as YYYY-MM-DD HH:MM"),
    ("schedule_end_time", "2026-02-30 10:00", "is not a real date and time"),
    ("schedule_end_time", "2026-06-01 25:00", "is not a real date and time"),
    ("image_urls", "http://cdn.example.com/a.jpg", "is not an absolute https:// URL"),
]


@pytest.mark.parametrize(("column", "raw", "fragment"), REJECTED)
def test_each_kind_rejects_unreadable_cells_naming_the_column(
    column: str, raw: object, fragment: str
) -> None:
    arguments, issues = check(**{column: raw})
    assert column not in arguments
    mine = [issue.message for issue in issues if issue.column == column]
    assert len(mine) == 1
    assert mine[0].startswith(f"{column}: ")
    assert fragment in mine[0]


def test_an_id_message_tells_the_user_to_format_the_column_as_text() -> None:
    assert errors(advertiser_id=7.000123e18) == [
        "advertiser_id: 7.000123e+18 is a number too large to hold the ID exactly; "
        "format the column as text and type the ID again"
    ]


def test_enum_message_lists_the_choices() -> None:
    (message,) = errors(call_to_action="click")
    assert "'click' is not one of " + ", ".join(BY_NAME["call_to_action"].choices) in message


def test_urls_holding_commas_stay_whole_and_urls_split_on_separators() -> None:
    one = "https://res.example.com/image/upload/w_300,h_200/a.jpg"
    two = "https://cdn.example.com/b.jpg"
    assert check(image_urls=f"{one}, {two}")[0]["image_urls"] == [one, two]
    assert check(image_urls=f"{one}\n{two};{one}")[0]["image_urls"] == [one, two, one]


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost/a.jpg",
        "https://images.localhost/a.jpg",
        "https://127.0.0.1/a.jpg",
        "https://127.1/a.jpg",
        "https://0x7f.0.0.1/a.jpg",
        "https://10.1.2.3/a.jpg",
        "https://172.16.0.9/a.jpg",
        "https://192.168.1.10:8443/a.jpg",
        "https://169.254.169.254/latest/meta-data",
        "https://0.0.0.0/a.jpg",
        "https://[::1]/a.jpg",
        "https://[fe80::1]/a.jpg",
    ],
)
def test_image_urls_must_be_public(url: str) -> None:
    assert errors(image_urls=url) == [
        f"image_urls: '{url}' is not a public URL: TikTok cannot fetch it"
    ]


@pytest.mark.parametrize(
    "url", ["https://cdn.example.com/a.jpg", "https://8.8.8.8/a.jpg", "https://cafe.be/x.png"]
)
def test_public_image_urls_pass(url: str) -> None:
    assert errors(image_urls=url) == []


def test_landing_page_url_need_not_be_public() -> None:
    assert errors(landing_page_url="https://127.0.0.1:8080/shop") == []


# --- lengths, CJK counting double ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("abc", 3),
        ("café", 4),
        ("春", 2),  # CJK Unified Ideograph
        ("ひら", 4),  # Hiragana
        ("カタ", 4),  # Katakana
        ("한국", 4),  # Hangul syllables
        ("ＡＢ", 4),  # fullwidth forms
        ("、", 2),  # CJK punctuation
        ("ｶ", 1),  # halfwidth Katakana is narrow
        ("𠀀", 2),  # Extension B, outside the BMP
        ("Sale 春", 7),
    ],
)
def test_text_length_counts_cjk_double(text: str, length: int) -> None:
    assert text_length(text) == length


def test_cjk_characters_count_double_toward_the_limit() -> None:
    assert errors(display_name="春" * 20) == []
    assert errors(display_name="春" * 21) == [
        "display_name: at most 40 characters, has 42 (CJK characters count double)"
    ]


@pytest.mark.parametrize(
    ("column", "limit"), [("campaign_name", 480), ("ad_text", 100), ("display_name", 40)]
)
def test_text_limits(column: str, limit: int) -> None:
    assert [m for m in errors(**{column: "x" * limit}) if m.startswith(column)] == []
    assert errors(**{column: "x" * (limit + 1)}) == [
        f"{column}: at most {limit} characters, has {limit + 1}"
    ]


def test_ad_text_over_50_is_a_warning_not_an_error() -> None:
    assert warnings(ad_text="x" * 50) == []
    assert errors(ad_text="x" * 51) == []
    assert warnings(ad_text="x" * 51) == ["ad_text: over 50 characters may be truncated, has 51"]


# --- §3: required and cross-field rules ---------------------------------------------


@pytest.mark.parametrize("column", ["campaign_name", "ad_text", "display_name", "landing_page_url"])
@pytest.mark.parametrize("empty", [None, "", "   "])
def test_required_columns(column: str, empty: object) -> None:
    raw = {**VALID, column: empty}
    issues = check_arguments({k: v for k, v in raw.items() if v is not None}, now=NOW)[1]
    assert [issue.message for issue in issues] == [f"{column}: required"]


def test_an_unreadable_required_column_is_reported_once_as_unreadable() -> None:
    assert errors(landing_page_url="http://example.com") == [
        "landing_page_url: 'http://example.com' is not an absolute https:// URL"
    ]


def test_unknown_arguments_are_errors() -> None:
    issues = check(headline="Hi")[1]
    assert issues == [Issue("headline", "headline: not an argument of create_tiktok_campaign")]


def test_app_promotion_needs_app_id() -> None:
    assert errors(objective="APP_PROMOTION") == ["app_id: required when objective is APP_PROMOTION"]
    assert errors(objective="APP_PROMOTION", app_id="123", app_promotion_type="app_install") == []


def test_app_promotion_type_only_with_app_promotion() -> None:
    assert errors(app_promotion_type="APP_INSTALL") == [
        "app_promotion_type: only with objective APP_PROMOTION, not TRAFFIC"
    ]
    assert errors(objective="REACH", app_promotion_type="APP_INSTALL") == [
        "app_promotion_type: only with objective APP_PROMOTION, not REACH"
    ]


def test_conversions_needs_pixel_id() -> None:
    assert errors(objective="CONVERSIONS") == ["pixel_id: required when objective is CONVERSIONS"]
    assert errors(objective="CONVERSIONS", pixel_id="123", optimization_event="form") == []


def test_optimization_event_only_with_pixel_id() -> None:
    assert errors(optimization_event="FORM") == ["optimization_event: only with pixel_id"]
    assert errors(optimization_event="FORM", pixel_id="123") == []


def test_at_most_one_budget() -> None:
    assert errors(budget_lifetime=500, schedule_end_time="2026-04-01 00:00") == [
        "budget_lifetime: not with budget_daily; give one of the two"
    ]
    assert errors(budget_daily=None, budget_lifetime=500, schedule_end_time="2026-04-01") == []


def test_no_budget_is_a_warning_that_tiktoks_default_applies() -> None:
    assert errors(budget_daily=None) == []
    assert warnings(budget_daily=None) == [
        "budget_daily: no budget_daily or budget_lifetime; TikTok's default applies"
    ]


def test_budget_lifetime_needs_schedule_end_time() -> None:
    assert errors(budget_daily=None, budget_lifetime=500) == [
        "schedule_end_time: required with budget_lifetime"
    ]


@pytest.mark.parametrize("column", ["budget_daily", "budget_lifetime"])
def test_budgets_are_at_least_1_and_under_50_warns(column: str) -> None:
    base = {"budget_daily": None, "schedule_end_time": "2026-04-01 00:00"}
    assert errors(**{**base, column: 0.5}) == [f"{column}: at least 1, has 0.5"]
    assert errors(**{**base, column: "-5"}) == [f"{column}: at least 1, has -5"]
    assert errors(**{**base, column: 1}) == []
    assert warnings(**{**base, column: 49.99}) == [
        f"{column}: 49.99 is under 50, TikTok's usual floor for a campaign budget in USD; "
        "TikTok may reject it"
    ]
    assert warnings(**{**base, column: 50}) == []


def test_schedule_end_time_must_be_in_the_future() -> None:
    assert errors(schedule_end_time=NOW + timedelta(minutes=1)) == []
    assert errors(schedule_end_time=NOW) == [
        "schedule_end_time: must be in the future, is 2026-03-01 12:00:00 (e.g. 2026-03-31 18:00)"
    ]
    assert errors(schedule_end_time="2026-02-28 23:59") == [
        "schedule_end_time: must be in the future, is 2026-02-28 23:59:00 (e.g. 2026-03-31 18:00)"
    ]


def test_a_time_zone_on_a_date_cell_is_read_as_the_wall_time_written() -> None:
    aware = datetime(2026, 6, 1, 18, 0, tzinfo=timezone(timedelta(hours=9)))
    assert check(schedule_end_time=aware)[0]["schedule_end_time"] == "2026-06-01 18:00:00"


CREATIVES: dict[str, object] = {
    "asset_bundle_id": "bndl_1",
    "existing_image_ids": "img_1, img_2",
    "tiktok_item_id": "7312345678901234567",
    "card_id": "card_1",
    "image_urls": "https://cdn.example.com/a.jpg",
    "carousel_image_urls": "https://cdn.example.com/a.jpg, https://cdn.example.com/b.jpg",
    "carousel_image_ids": "img_1, img_2",
}


def test_every_creative_column_is_listed() -> None:
    assert set(CREATIVES) == set(CREATIVE_COLUMNS)


@pytest.mark.parametrize("column", CREATIVE_COLUMNS)
def test_each_creative_alone_is_enough(column: str) -> None:
    card = {"card_type": "IMAGE"} if column == "card_id" else {}
    assert errors(**{"image_urls": None, column: CREATIVES[column], **card}) == []


def test_a_row_without_a_creative_lists_and_marks_every_creative_column() -> None:
    issues = check(image_urls=None)[1]
    assert [issue.message for issue in issues] == [
        "image_urls: no creative; fill exactly one of image_urls, tiktok_item_id, "
        "existing_image_ids, carousel_image_urls, carousel_image_ids, card_id, asset_bundle_id "
        "(image_urls is the usual one)"
    ]
    assert {issues[0].column, *issues[0].also} == set(CREATIVE_COLUMNS)


def test_several_creatives_are_named() -> None:
    assert errors(asset_bundle_id="bndl_1", tiktok_item_id="123") == [
        "asset_bundle_id: give exactly one creative, this row has asset_bundle_id, "
        "tiktok_item_id, image_urls"
    ]


def test_card_id_needs_card_type_and_card_type_needs_card_id() -> None:
    assert errors(image_urls=None, card_id="c1") == ["card_type: required with card_id"]
    assert errors(image_urls=None, card_id="c1", card_type="product") == []
    assert errors(card_type="IMAGE") == ["card_type: only with card_id"]


def test_placements_only_with_and_required_by_manual_placement() -> None:
    assert errors(placement_type="PLACEMENT_TYPE_NORMAL") == [
        "placements: required with placement_type PLACEMENT_TYPE_NORMAL"
    ]
    assert errors(placement_type="placement_type_normal", placements="PLACEMENT_TIKTOK") == []
    assert errors(placements="PLACEMENT_TIKTOK") == [
        "placements: only with placement_type PLACEMENT_TYPE_NORMAL"
    ]
    assert errors(placement_type="PLACEMENT_TYPE_AUTOMATIC", placements="PLACEMENT_PANGLE") == [
        "placements: only with placement_type PLACEMENT_TYPE_NORMAL"
    ]


def test_an_audience_cannot_be_both_included_and_excluded() -> None:
    assert errors(audience_ids="111, 222", excluded_audience_ids="333") == []
    assert errors(audience_ids="111, 222", excluded_audience_ids="222; 333") == [
        "excluded_audience_ids: 222 also in audience_ids; "
        "an audience is included or excluded, not both"
    ]


@pytest.mark.parametrize(
    ("column", "low", "high"),
    [("image_urls", 1, 20), ("carousel_image_urls", 2, 10), ("carousel_image_ids", 2, 10)],
)
def test_list_sizes(column: str, low: int, high: int) -> None:
    def items(n: int) -> str:
        if column == "carousel_image_ids":
            return ",".join(f"img_{i}" for i in range(n))
        return ",".join(f"https://cdn.example.com/{i}.jpg" for i in range(n))

    base = {"image_urls": None}
    assert errors(**{**base, column: items(low)}) == []
    assert errors(**{**base, column: items(high)}) == []
    assert errors(**{**base, column: items(high + 1)}) == [
        f"{column}: at most {high} items, has {high + 1}"
    ]
    if low > 1:
        assert errors(**{**base, column: items(low - 1)}) == [
            f"{column}: at least {low} items, has {low - 1}"
        ]


def test_every_problem_of_a_row_is_reported_at_once() -> None:
    issues = check(
        ad_text="x" * 101,  # too long
        objective="CONVERSIONS",  # no pixel_id
        budget_daily="abc",  # unreadable
        languages="englsh",  # no language
        asset_bundle_id="bndl_1",  # a second creative
    )[1]
    assert [issue.column for issue in issues] == [
        "ad_text",
        "budget_daily",
        "languages",
        "pixel_id",
        "asset_bundle_id",
    ]


def test_json_request_bodies_are_read_like_cells() -> None:
    body = {**VALID, "budget_daily": 120, "target_locations": [6252001, "2635167"]}
    body |= {"image_urls": ["https://cdn.example.com/a.jpg"], "comment_disabled": True}
    arguments, issues = check_arguments(body, now=NOW)
    assert issues == []
    assert arguments["target_locations"] == ["6252001", "2635167"]
    assert arguments["budget_daily"] == 120.0


# --- fingerprint --------------------------------------------------------------------


def test_fingerprint_ignores_key_order() -> None:
    arguments = check()[0]
    assert fingerprint(arguments) == fingerprint(dict(reversed(list(arguments.items()))))


def test_fingerprint_is_sha256_of_canonical_json() -> None:
    arguments = {"b": ["春"], "a": 1.5}
    canonical = '{"a":1.5,"b":["春"]}'.encode()
    assert fingerprint(arguments) == hashlib.sha256(canonical).hexdigest()


def test_fingerprint_changes_with_any_value() -> None:
    assert fingerprint(check()[0]) != fingerprint(check(ad_text="Fresh spring style")[0])


def test_cells_that_read_the_same_share_a_fingerprint() -> None:
    one = check(budget_daily="$1,250.50", advertiser_id=7001.0)[0]
    two = check(budget_daily=1250.5, advertiser_id="7001")[0]
    assert fingerprint(one) == fingerprint(two)


# --- check_sheet --------------------------------------------------------------------


def make_sheet(headers: list[str], rows: list[list[object]], first: int = 2) -> Sheet:
    columns = tuple(
        Column(index, header, "argument" if header in BY_NAME else "result", header)
        for index, header in enumerate(headers)
    )
    sheet_rows = tuple(SheetRow(first + n, tuple(cells)) for n, cells in enumerate(rows))
    return Sheet(Path("launch.xlsx"), "Sheet1", columns, sheet_rows, ())


def valid_cells(headers: list[str], **changes: object) -> list[object]:
    return [{**VALID, **changes}.get(header) for header in headers]


HEADERS = [*VALID, "advertiser_id"]


def test_check_sheet_gives_one_checked_row_per_row_in_order() -> None:
    rows = [valid_cells(HEADERS, campaign_name=f"c{n}") for n in range(4)]
    rows[1] = valid_cells(HEADERS, campaign_name="")
    checked = check_sheet(make_sheet(HEADERS, rows, first=5), now=NOW)
    assert [row.number for row in checked] == [5, 6, 7, 8]
    assert [row.valid for row in checked] == [True, False, True, True]


def test_a_later_identical_row_is_a_duplicate_of_the_first() -> None:
    rows = [valid_cells(HEADERS, campaign_name=name) for name in ["a", "b", "a", "a"]]
    rows[2][HEADERS.index("budget_daily")] = "$50.00"  # reads the same as 50
    checked = check_sheet(make_sheet(HEADERS, rows, first=2), now=NOW)
    assert [row.valid for row in checked] == [True, True, False, False]
    assert checked[2].issues == (Issue("row", "row: duplicate of row 2"),)
    assert checked[3].issues == (Issue("row", "row: duplicate of row 2"),)
    assert checked[0].fingerprint == checked[2].fingerprint != checked[1].fingerprint


def test_duplicate_message_names_the_sheets_own_row_number() -> None:
    rows = [valid_cells(HEADERS)] * 2
    checked = check_sheet(make_sheet(HEADERS, rows, first=3), now=NOW)
    assert [issue.message for issue in checked[1].issues] == ["row: duplicate of row 3"]


def test_rows_differing_only_in_unreadable_cells_are_not_called_duplicates() -> None:
    rows = [valid_cells(HEADERS, budget_daily=bad) for bad in ["lots", "plenty"]]
    checked = check_sheet(make_sheet(HEADERS, rows), now=NOW)
    assert not any("duplicate" in issue.message for issue in checked[1].issues)


def test_default_advertiser_fills_empty_advertiser_ids_before_fingerprinting() -> None:
    rows = [
        valid_cells(HEADERS, campaign_name="a", advertiser_id=""),
        valid_cells(HEADERS, campaign_name="b", advertiser_id="7002"),
        valid_cells(HEADERS, campaign_name="a", advertiser_id=7001.0),
    ]
    checked = check_sheet(make_sheet(HEADERS, rows), now=NOW, default_advertiser_id="7001")
    assert [row.arguments["advertiser_id"] for row in checked] == ["7001", "7002", "7001"]
    assert checked[2].issues == (Issue("row", "row: duplicate of row 2"),)


def test_without_a_default_an_empty_advertiser_id_is_omitted() -> None:
    rows = [valid_cells(HEADERS, advertiser_id=None)]
    (row,) = check_sheet(make_sheet(HEADERS, rows), now=NOW)
    assert "advertiser_id" not in row.arguments
    assert row.valid


def test_warnings_do_not_block_a_row() -> None:
    rows = [valid_cells(HEADERS, budget_daily=20, ad_text="x" * 60)]
    (row,) = check_sheet(make_sheet(HEADERS, rows), now=NOW)
    assert [issue.severity for issue in row.issues] == ["warning", "warning"]
    assert row.valid


def test_rows_carrying_a_campaign_id_are_still_checked() -> None:
    headers = [*HEADERS, "campaign_id"]
    rows = [[*valid_cells(HEADERS, display_name="x" * 41), "1800123"]]
    (row,) = check_sheet(make_sheet(headers, rows), now=NOW)
    assert "campaign_id" not in row.arguments
    assert [issue.column for issue in row.issues] == ["display_name"]


def test_rows_never_share_a_list_or_confuse_equal_values_of_other_types() -> None:
    headers = [*HEADERS, "target_locations", "budget_optimize_on"]
    rows = [
        [*valid_cells(HEADERS, advertiser_id=True), "1,2", 1],
        [*valid_cells(HEADERS, advertiser_id=1, campaign_name="b"), "1,2", True],
    ]
    first, second = check_sheet(make_sheet(headers, rows), now=NOW)
    first.arguments["target_locations"].append("3")
    assert second.arguments["target_locations"] == ["1", "2"]
    assert [issue.column for issue in first.issues] == ["advertiser_id"]
    assert second.arguments["advertiser_id"] == "1"
    assert second.valid


EXAMPLE = {argument.name: argument.example for argument in ARGUMENTS if argument.example}


def example_sheet(*rows: Mapping[str, object]) -> Sheet:
    headers = [*EXAMPLE, "advertiser_id"]
    return make_sheet(headers, [[row.get(header) for header in headers] for row in rows])


def test_a_row_identical_to_the_templates_example_row_is_invalid() -> None:
    (row,) = check_sheet(example_sheet(EXAMPLE), now=NOW)
    assert row.issues == (Issue("row", "row: the template's example row: delete it"),)
    assert not row.valid


def test_the_example_row_is_recognised_whatever_its_cells_look_like() -> None:
    # the budget as a number and the name with stray spaces read the same as the template's
    looks = {**EXAMPLE, "budget_daily": 50.0, "campaign_name": f"  {EXAMPLE['campaign_name']} "}
    (row,) = check_sheet(example_sheet(looks), now=NOW)
    assert not row.valid


def test_the_example_row_with_an_advertiser_is_still_the_example_row() -> None:
    rows = (EXAMPLE, {**EXAMPLE, "advertiser_id": "7002"})
    checked = check_sheet(example_sheet(*rows), now=NOW, default_advertiser_id="7001")
    assert [row.valid for row in checked] == [False, False]


@pytest.mark.parametrize(
    "change",
    [{"campaign_name": "Summer Sale - US"}, {"budget_daily": 60}, {"objective": "REACH"}],
)
def test_a_row_changed_from_the_example_row_is_checked_like_any_other(
    change: dict[str, object],
) -> None:
    (row,) = check_sheet(example_sheet({**EXAMPLE, **change}), now=NOW)
    assert row.valid
    assert row.issues == ()


# --- properties ---------------------------------------------------------------------

TIME_ZONES = st.sampled_from([None, UTC, timezone(timedelta(hours=-11))])
SCALARS = st.one_of(
    st.none(),
    st.text(),
    st.sampled_from(
        ["TRAFFIC", "7.00012E+18", "$1,250.50", "2030-01-01 10:00", "[1, 2]", "yes", "en, es"]
    ),
    st.sampled_from(["https://cdn.example.com/a.jpg", "https://127.1/x", "中文广告" * 30]),
    st.floats(),
    st.integers(),
    st.booleans(),
    st.datetimes(timezones=TIME_ZONES),
    st.dates(),
)
CELLS = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from([a.name for a in ARGUMENTS]), CELLS))
def test_any_cells_give_json_ready_arguments_and_known_columns(raw: dict[str, object]) -> None:
    arguments, issues = check_arguments(raw, now=NOW)
    assert all(issue.column in BY_NAME for issue in issues)
    assert all(issue.message.startswith(f"{issue.column}: ") for issue in issues)
    assert set(arguments) <= set(raw)
    json.dumps(arguments, allow_nan=False)
    assert len(fingerprint(arguments)) == 64


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([a.name for a in ARGUMENTS] + ["campaign_id"]), unique=True),
    st.data(),
)
def test_any_grid_gives_exactly_one_checked_row_per_row_in_order(
    headers: list[str], data: st.DataObject
) -> None:
    width = len(headers)
    grid = data.draw(st.lists(st.lists(SCALARS, min_size=width, max_size=width), max_size=300))
    checked = check_sheet(make_sheet(headers, grid, first=2), now=NOW, default_advertiser_id="1")
    assert all(isinstance(row, CheckedRow) for row in checked)
    assert [row.number for row in checked] == list(range(2, 2 + len(grid)))
