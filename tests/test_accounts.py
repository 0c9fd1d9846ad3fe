"""CONTRACT §4: connected accounts are read from every plausible shape of the free tool's
answer, only TikTok accounts count, and an answer that cannot be read is said plainly."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from runs import QUICK, campaign_row, config_for, served, write_csv

from bulkads.accounts import Accounts, read_accounts, read_choices
from bulkads.cli import main
from bulkads.runner import run
from bulkads.sandbox import AGENCY_KEY, SOLO_KEY
from bulkads.sandbox.accounts import AGENCY_ADVERTISERS
from bulkads.sandbox.config import ACCOUNT_SHAPES

AGENCY_IDS = tuple(a.advertiser_id for a in AGENCY_ADVERTISERS)

SHAPES = {
    "bullet lines": (
        "**Connected accounts (2)**\n\n"
        "- Northwind Coffee (advertiser_id: 71) — tiktok_ads, primary, connected\n"
        "- Contoso Sports (advertiser_id: 72) — tiktok_ads, secondary, connected"
    ),
    "a markdown table": (
        "| Platform | Account Name | Account ID | Status |\n|---|---|:---:|---|\n"
        "| tiktok_ads | Northwind Coffee | 71 | connected |\n"
        "| google_ads | Search | 123-456-7890 | connected |\n"
        "| TikTok Ads | **Contoso Sports** | `72` | connected |"
    ),
    "a table with an advertiser_id column": (
        "| advertiser_id | name |\n| --- | --- |\n"
        "| 71 | Northwind Coffee |\n| 72 | Contoso Sports |"
    ),
    "JSON inside the text": (
        'Your accounts:\n```json\n{"accounts": [{"platform": "tiktok_ads", "advertiser_id": "71",'
        ' "name": "Northwind Coffee"}, {"platform": "meta_ads", "account_id": "act_9"},'
        ' {"platform": "tiktok", "account_id": 72, "account_name": "Contoso Sports"}]}\n```'
    ),
    "a bare JSON list": (
        '[{"advertiser_id": "71", "advertiser_name": "Northwind Coffee"},'
        ' {"advertiser_id": "72", "advertiser_name": "Contoso Sports"}]'
    ),
    "key = value lines under platform headings": (
        "TikTok Ads\n- account_name: Northwind Coffee, account_id = 71\n"
        "- account_name: Contoso Sports, account_id = 72\n"
        "Google Ads\n- account_name: Search, account_id = 999"
    ),
    "bold labels under headings": (
        "### Northwind Coffee\n**Advertiser ID:** `71`\n**Status:** connected\n\n"
        "### Contoso Sports\n**Advertiser ID**: 72\n"
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_plausible_text_shape_names_the_tiktok_accounts(shape: str) -> None:
    accounts = read_accounts({"text": SHAPES[shape]})
    assert accounts is not None
    assert accounts.ids == ("71", "72")
    assert accounts.names["71"] == "Northwind Coffee"


def test_structured_accounts_come_first_and_other_platforms_do_not_count() -> None:
    data = {
        "text": "- Wrong (advertiser_id: 1)",
        "structured": {
            "accounts": [
                {"platform": "tiktok_ads", "account_id": "71", "account_name": "Northwind"},
                {"platform": "google_ads", "account_id": "555"},
            ]
        },
    }
    accounts = read_accounts(data)
    assert accounts is not None and accounts.ids == ("71",)


@pytest.mark.parametrize(
    "text", ["No tiktok_ads accounts connected.", "| account_id | name |\n|---|---|"]
)
def test_an_answer_that_says_none_are_connected_reads_as_none(text: str) -> None:
    assert read_accounts({"text": text}) == Accounts(())


@pytest.mark.parametrize(
    "text",
    [
        "Connected accounts:\nYou have 2 account(s) connected: Northwind Coffee, Contoso.",
        "- [ ] connect an account",
        "account_id: unknown",
        "",
    ],
)
def test_a_text_naming_no_ids_is_unreadable_never_none_connected(text: str) -> None:
    assert read_accounts({"text": text}) is None


def test_the_multiple_accounts_answer_is_read_by_the_same_reader() -> None:
    table = (
        "You have 2 accounts connected. Please specify which account to use:\n"
        "| account_id | account_name |\n|---|---|\n| 71 | A |\n| 72 | B |"
    )
    choices = read_choices({"success": False, "error": table}, table)
    assert choices is not None and choices.ids == ("71", "72")
    other = "advertiser_id: Input should be a valid string"
    assert read_choices({"error": other}, other) is None


def _accounts_command(url: str, *args: str) -> tuple[int, str]:
    env = {"ADSPIRER_API_KEY": AGENCY_KEY, "ADSPIRER_BASE_URL": url}
    result = CliRunner().invoke(main, ["accounts", *args], env=env)
    return result.exit_code, result.output


@pytest.mark.parametrize("shape", [s for s in ACCOUNT_SHAPES if s != "unreadable"])
def test_bulkads_accounts_lists_the_advertisers_whatever_shape_the_sandbox_answers(
    shape: str,
) -> None:
    with served(dataclasses.replace(QUICK, accounts_as=shape)) as (_, url):
        code, output = _accounts_command(url, "--json")
    assert code == 0
    listed = json.loads(output)["accounts"]
    assert [a["advertiser_id"] for a in listed] == list(AGENCY_IDS)
    assert listed[0]["name"] == AGENCY_ADVERTISERS[0].name


def test_bulkads_accounts_says_plainly_when_the_answer_cannot_be_read() -> None:
    with served(dataclasses.replace(QUICK, accounts_as="unreadable")) as (_, url):
        code, output = _accounts_command(url)
        _, as_json = _accounts_command(url, "--json")
    assert "could not read the connected advertisers" in output
    assert "You have 3 account(s) connected" in output  # the answer's own first lines
    assert "Connected TikTok advertisers" not in output  # no empty table
    assert code == 0 and json.loads(as_json)["accounts"] is None


@pytest.mark.parametrize("shape", ["table", "json", "lines"])
def test_a_row_naming_an_unconnected_advertiser_costs_nothing_whatever_the_shape(
    tmp_path: Path, shape: str
) -> None:
    sheet = write_csv(
        tmp_path / "launch.csv",
        [campaign_row(1, advertiser_id="7999999999999999999"), campaign_row(2)],
    )
    with served(dataclasses.replace(QUICK, accounts_as=shape)) as (sandbox, url):
        report = run(config_for(sheet, url, key=AGENCY_KEY, advertiser_id=AGENCY_IDS[1]))
        creates = sandbox.calls(tool="create_tiktok_campaign")
    first, second = report.rows
    assert first.status == "invalid" and "not connected" in first.message
    assert AGENCY_IDS[0] in first.message  # the choices are named
    assert second.status == "created"
    assert len(creates) == 1


def test_a_run_whose_account_list_cannot_be_read_goes_on_and_says_so(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    with served(dataclasses.replace(QUICK, accounts_as="unreadable")) as (_, url):
        report = run(config_for(sheet, url))
    assert report.rows[0].status == "created"
    assert any("could not be read" in note for note in report.notes)


def test_the_terminal_says_a_pre_flight_note_once_and_json_keeps_it(tmp_path: Path) -> None:
    """The note is shown with the plan, before anything is sent; the report after the run
    does not repeat it, while --json (for scripts) still carries every note."""
    for folder in ("shown", "json"):
        (tmp_path / folder).mkdir()
        write_csv(tmp_path / folder / "launch.csv", [campaign_row(1)])
    with served(dataclasses.replace(QUICK, accounts_as="unreadable")) as (_, url):
        env = {"ADSPIRER_API_KEY": SOLO_KEY, "ADSPIRER_BASE_URL": url}
        with contextlib.chdir(tmp_path / "shown"):
            shown = CliRunner().invoke(main, ["run", "launch.csv"], env=env)
        with contextlib.chdir(tmp_path / "json"):
            as_json = CliRunner().invoke(main, ["run", "launch.csv", "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    assert shown.output.count("advertiser IDs are not checked before sending") == 1
    assert any("could not be read" in note for note in json.loads(as_json.stdout)["notes"])
