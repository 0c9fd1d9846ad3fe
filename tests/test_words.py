"""CONTRACT §2a: words for values. Headers, enum words, ages, places, languages, dates, and
errors that say what to write instead."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_rules import NOW, VALID, check, errors

from bulkads.arguments import ALIASES, ARGUMENTS, BY_NAME, Kind, argument_for
from bulkads.cells import CellError, parse_cell
from bulkads.results_cells import ERROR_FILL
from bulkads.rules import check_arguments, check_sheet
from bulkads.sheet import read_sheet
from bulkads.status import validate
from bulkads.words import COUNTRIES, US_STATES, age_groups, word_forms

ENUM_ARGUMENTS = [a for a in ARGUMENTS if a.kind in (Kind.ENUM, Kind.ENUMS)]


def read(column: str, raw: object) -> Any:
    return parse_cell(BY_NAME[column], raw)


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Daily Budget", "budget_daily"),
        ("Lifetime Budget", "budget_lifetime"),
        ("End Date", "schedule_end_time"),
        ("CTA", "call_to_action"),
        ("Call to Action", "call_to_action"),
        ("Locations", "target_locations"),
        ("Location", "target_locations"),
        ("Countries", "target_locations"),
        ("Age", "target_age_groups"),
        ("Age Groups", "target_age_groups"),
        ("Gender", "target_gender"),
        ("Language(s)", "languages"),
        ("Languages", "languages"),
        ("OS", "operating_systems"),
        ("Placement(s)", "placements"),
        ("Interests", "interest_category_ids"),
        ("Advertiser", "advertiser_id"),
        ("Daily Budget ($)", "budget_daily"),
        ("campaign-name", "campaign_name"),
    ],
)
def test_a_header_in_a_marketers_words_names_its_argument(header: str, name: str) -> None:
    found = argument_for(header)
    assert found is not None and found.name == name


def test_no_alias_names_two_arguments_or_an_unknown_one() -> None:
    assert set(ALIASES) <= set(BY_NAME)
    seen: dict[str, str] = {}
    for name, aliases in ALIASES.items():
        for alias in aliases:
            found = argument_for(alias)
            assert found is not None and found.name == name, alias
            assert seen.setdefault(alias.casefold(), name) == name


def test_a_daily_budget_column_is_the_budget_that_is_sent(tmp_path: Path) -> None:
    path = tmp_path / "launch.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Campaign Name", "Ad Text", "Brand", "Landing Page", "Daily Budget",
                         "Images"])  # fmt: skip
        writer.writerow(["Spring", "Hello", "Acme", "https://a.example.com", "$75.00",
                         "https://cdn.example.com/a.jpg"])  # fmt: skip
    sheet = read_sheet(path)
    assert sheet.warnings == ()
    (row,) = check_sheet(sheet, now=NOW)
    assert row.arguments["budget_daily"] == 75.0
    assert row.issues == ()


def test_an_unknown_column_that_resembles_an_argument_warns_with_did_you_mean(
    tmp_path: Path,
) -> None:
    path = tmp_path / "launch.csv"
    path.write_text("campaign_name,Daily Budgt,Notes\nSpring,50,x\n", encoding="utf-8")
    warnings = read_sheet(path).warnings
    assert warnings[0] == (
        "column 'Daily Budgt' is not an argument of create_tiktok_campaign; it is copied to "
        "the results but never sent; did you mean budget_daily (Daily Budget)? (rename the column)"
    )
    assert "did you mean" not in warnings[1]


# --- enum words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "word", "value"),
    [
        ("call_to_action", "Shop now", "SHOP_NOW"),
        ("target_gender", "Female", "GENDER_FEMALE"),
        ("target_gender", "All", "GENDER_UNLIMITED"),
        ("operating_systems", "iOS", ["IOS"]),
        ("placements", "TikTok", ["PLACEMENT_TIKTOK"]),
        ("placement_type", "Automatic", "PLACEMENT_TYPE_AUTOMATIC"),
        ("objective", "Lead generation", "LEAD_GENERATION"),
        ("optimization_event", "Add to cart", "ON_WEB_CART"),
    ],
)
def test_the_contracts_enum_words_read_as_their_values(column: str, word: str, value: Any) -> None:
    assert read(column, word) == value


def _respelled(draw: st.DrawFn, word: str) -> str:
    """`word` in any case, with its spaces and underscores as any run of separators."""
    cased = "".join(draw(st.sampled_from([c.lower(), c.upper()])) for c in word)
    parts = [part for part in cased.replace("_", " ").split(" ") if part]
    separators = st.sampled_from([" ", "_", "-", "  ", " _ "])
    joined = parts[0] + "".join(draw(separators) + part for part in parts[1:])
    return draw(st.sampled_from(["", " ", "\t"])) + joined + draw(st.sampled_from(["", " "]))


@st.composite
def enum_words(draw: st.DrawFn) -> tuple[str, str, str]:
    argument = draw(st.sampled_from(ENUM_ARGUMENTS))
    choice = draw(st.sampled_from(argument.choices))
    word = draw(st.sampled_from([choice, *word_forms(argument)[choice]]))
    return argument.name, _respelled(draw, word), choice


@settings(max_examples=300, deadline=None)
@given(enum_words())
def test_any_word_form_of_an_enum_in_any_case_and_spacing_maps_to_its_value(
    drawn: tuple[str, str, str],
) -> None:
    column, word, value = drawn
    read_value = read(column, word)
    assert read_value == ([value] if BY_NAME[column].kind is Kind.ENUMS else value)


@st.composite
def misspelt_words(draw: st.DrawFn) -> tuple[str, str]:
    """A word form of a choice with one letter dropped or changed."""
    argument = draw(st.sampled_from(ENUM_ARGUMENTS))
    forms = [f for forms in word_forms(argument).values() for f in forms if len(f) >= 5]
    word = draw(st.sampled_from(forms))
    at = draw(st.integers(0, len(word) - 1))
    typo = draw(st.sampled_from(["", "q", "x", "z"]))
    return argument.name, word[:at] + typo + word[at + 1 :]


@settings(max_examples=300, deadline=None)
@given(misspelt_words())
def test_a_word_that_maps_to_nothing_is_invalid_with_a_suggestion(drawn: tuple[str, str]) -> None:
    column, text = drawn
    try:
        read(column, text)
    except CellError:
        pass
    else:
        return  # the typo made another word (`Mail` for `Male`?): nothing to suggest
    (issue,) = [i for i in check(**{column: text})[1] if "is not one of" in i.message]
    assert issue.severity == "error"
    assert "did you mean " in issue.message
    assert "is not one of " + ", ".join(BY_NAME[column].choices) in issue.message


@pytest.mark.parametrize(
    ("word", "suggested"),
    [
        (("call_to_action", "Shop noww"), "did you mean Shop now (SHOP_NOW)?"),
        (("objective", "TRAFIC"), "did you mean Traffic (TRAFFIC)?"),
        (("target_gender", "femal"), "did you mean Female (GENDER_FEMALE)"),
    ],
)
def test_a_misspelt_word_suggests_the_closest_value(word: tuple[str, str], suggested: str) -> None:
    column, text = word
    with pytest.raises(CellError, match=r"is not one of") as error:
        read(column, text)
    assert suggested in str(error.value)


# --- ages ---------------------------------------------------------------------------------

GROUPS_FROM_18 = ["AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100"]


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("18-24", ["AGE_18_24"]),
        ("25–34", ["AGE_25_34"]),
        ("55+", ["AGE_55_100"]),
        ("18+", GROUPS_FROM_18),
        ("13-17", ["AGE_13_17"]),
        ("25 to 44", ["AGE_25_34", "AGE_35_44"]),
    ],
)
def test_age_ranges_read_as_tiktoks_age_groups(text: str, groups: list[str]) -> None:
    assert read("target_age_groups", text) == groups


def test_age_ranges_in_one_cell_give_each_group_once_in_order() -> None:
    assert read("target_age_groups", "18-24; 18+") == GROUPS_FROM_18


@pytest.mark.parametrize("text", ["18-30", "55-64", "20+", "0-12"])
def test_an_age_range_off_tiktoks_bounds_says_what_to_write(text: str) -> None:
    assert age_groups(text) is None
    with pytest.raises(CellError, match=r"write age ranges like 18-24, 25-34"):
        read("target_age_groups", text)


# --- places ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("US", ["6252001"]),
        ("GB, UK", ["2635167"]),
        ("CA", ["6251999"]),
        ("AU", ["2077456"]),
        ("DE", ["2921044"]),
        ("United States, United Kingdom", ["6252001", "2635167"]),
        ("Texas; US-CA", ["4736286", "5332921"]),
        ("6252001, Canada", ["6252001", "6251999"]),
    ],
)
def test_countries_and_us_states_read_as_their_geonames_ids(text: str, ids: list[str]) -> None:
    assert read("target_locations", text) == ids


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(COUNTRIES), st.data())
def test_every_country_of_the_table_by_code_and_name_maps_to_its_id(
    country: Any, data: st.DataObject
) -> None:
    written = data.draw(st.sampled_from([country.code, country.name]))
    if country.name == "Georgia" or "," in written:  # a US state too; a list
        written = country.code
    spelled = data.draw(st.sampled_from([written, written.upper(), written.lower()]))
    assert read("target_locations", spelled) == [country.id]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(US_STATES))
def test_every_us_state_by_name_and_code_maps_to_its_id(state: Any) -> None:
    written = state.code if state.name == "Georgia" else state.name
    assert read("target_locations", written) == [state.id]
    assert read("target_locations", state.code) == [state.id]


def test_a_name_of_a_country_and_a_us_state_lists_both_with_their_ids() -> None:
    assert errors(target_locations="Georgia") == [
        "target_locations: 'Georgia' could be 614540 (Georgia, GE) or 4197000 (Georgia, US-GA); "
        "write the one you mean by its ID"
    ]


def test_a_two_letter_code_is_a_country_and_a_states_code_alone_says_how_to_write_it() -> None:
    assert errors(target_locations="TX") == [
        "target_locations: 'TX' is not a country code; for the US state Texas write US-TX or "
        "Texas (4736286)"
    ]


# --- languages ------------------------------------------------------------------------------


def test_languages_by_name_or_code_are_sent_as_codes() -> None:
    assert read("languages", "English, Spanish; fr, PT") == ["en", "es", "fr", "pt"]


def test_an_unknown_language_suggests_the_closest_with_its_code() -> None:
    (message,) = errors(languages="Englsh")
    assert message.startswith("languages: 'Englsh' is not a language: did you mean English (en)")


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("2027-12-31", "2027-12-31 23:59:59"),
        ("12/31/2027", "2027-12-31 23:59:59"),
        ("31/12/2027", "2027-12-31 23:59:59"),
        ("12/31/2027 6:30 PM", "2027-12-31 18:30:00"),
        ("Dec 31, 2027", "2027-12-31 23:59:59"),
        ("31 December 2027 18:00", "2027-12-31 18:00:00"),
        ("2027/05/05", "2027-05-05 23:59:59"),
    ],
)
def test_a_date_as_people_write_it_is_read_and_a_date_alone_is_the_end_of_that_day(
    text: str, sent: str
) -> None:
    assert read("schedule_end_time", text) == sent


def test_a_date_whose_day_and_month_could_be_swapped_shows_both_iso_readings() -> None:
    (message,) = errors(budget_daily=None, budget_lifetime=500, schedule_end_time="03/04/2027")
    assert message == (
        "schedule_end_time: '03/04/2027' could be 2027-03-04 (March 4) or 2027-04-03 (April 3): "
        "day and month can be swapped; write it as YYYY-MM-DD (e.g. 2026-03-31 18:00)"
    )


@settings(max_examples=50, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)))
def test_a_date_error_gives_an_example_in_the_future_of_today(now: datetime) -> None:
    issues = check_arguments({**VALID, "schedule_end_time": "soon"}, now=now)[1]
    (message,) = [i.message for i in issues if i.column == "schedule_end_time"]
    example = message.rsplit("(e.g. ", 1)[1].rstrip(")")
    assert datetime.strptime(example, "%Y-%m-%d %H:%M") > now
    assert check_arguments({**VALID, "schedule_end_time": example}, now=now)[1] == []


# --- what was sent ----------------------------------------------------------------------------


def test_the_checked_row_says_what_its_words_were_sent_as(tmp_path: Path) -> None:
    path = tmp_path / "launch.csv"
    rows = [["Campaign Name", "Ad Text", "Brand", "Landing Page", "Images", "Locations", "CTA",
             "Age", "Gender"],
            ["Spring", "Hi", "Acme", "https://a.example.com", "https://cdn.example.com/a.jpg",
             "US, UK", "Shop now", "18+", "Female"]]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    (row,) = check_sheet(read_sheet(path), now=NOW)
    assert row.sent_as == (
        "target_locations: 6252001, 2635167",
        "target_age_groups: " + ", ".join(GROUPS_FROM_18),
        "target_gender: GENDER_FEMALE",
    )  # `Shop now` is SHOP_NOW written another way: nothing to say


def test_the_api_itself_reads_only_its_own_values() -> None:
    raw = {**VALID, "call_to_action": "Shop now", "target_locations": "US"}
    issues = check_arguments(raw, now=NOW, plain=True)[1]
    assert [i.column for i in issues] == ["call_to_action", "target_locations"]


def test_a_row_without_a_creative_is_marked_on_the_creative_columns_of_the_results(
    tmp_path: Path,
) -> None:
    path = tmp_path / "launch.csv"
    rows = [["Campaign Name", "Ad Text", "Brand", "Landing Page", "Images", "Spark Post", "CTA"],
            ["Spring", "Hi", "Acme", "https://a.example.com", "", "", "Shop now"]]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    results = tmp_path / "launch.results.xlsx"
    validate(path, results=results)
    sheet = openpyxl.load_workbook(results)["Results"]
    header = [cell.value for cell in sheet[1]]
    marked = {
        header[cell.column - 1]
        for cell in sheet[2]
        if cell.fill.fgColor.rgb == "FF" + ERROR_FILL[1:] and cell.comment is not None
    }
    assert marked == {"Images", "Spark Post"}
