"""CONTRACT §7: "calls spent" is what the API billed — a call whose answer was lost and
that was replayed counts once, and the figure agrees with the answers' data.quota.used."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
from runs import QUICK, campaign_row, config_for, served, write_csv

from bulkads.answers import Quota
from bulkads.engine import Stats
from bulkads.runner import run
from bulkads.sandbox import Sandbox

BILLABLE = {
    "create_tiktok_campaign",
    "validate_and_prepare_tiktok_assets",
    "upload_tiktok_images",
    "create_tiktok_carousel_card",
}


def billed(sandbox: Sandbox) -> int:
    """What the sandbox charged: answered 200, did the work, not a replay."""
    return sum(
        1 for call in sandbox.calls(status=200) if call.tool in BILLABLE and not call.replayed
    )


def test_calls_spent_equal_the_billed_calls_when_a_quarter_of_answers_are_dropped(
    tmp_path: Path,
) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(30)])
    with served(replace(QUICK, drop_rate=0.25, seed=11)) as (sandbox, url):
        report = run(config_for(sheet, url))
        charged = billed(sandbox)
        used = sandbox.quota("solo")["used"]
        replays = [c for c in sandbox.calls() if c.replayed]
    assert replays, "the drops made the run replay some answers"
    assert report.exit_code == 0
    assert charged == used == 30
    assert report.summary.calls_spent == 30
    summary = dict(
        openpyxl.load_workbook(report.results_path)["Summary"].iter_rows(values_only=True)
    )
    assert summary["calls spent"] == 30


def test_a_resume_counts_only_what_it_was_billed_for(tmp_path: Path) -> None:
    rows = [campaign_row(n) for n in range(6)]
    sheet = write_csv(tmp_path / "launch.csv", rows)
    with served(replace(QUICK, drop_rate=0.5, seed=3)) as (sandbox, url):
        first = run(config_for(sheet, url, max_attempts=1))  # a lost answer is not retried
        after_first = sandbox.quota("solo")["used"]
        sandbox.config = replace(sandbox.config, drop_rate=0.0)
        second = run(config_for(sheet, url))
        total = sandbox.quota("solo")["used"]
    assert first.summary.calls_spent == after_first
    assert second.summary.calls_spent == total - after_first  # its replays were billed before
    assert total == 6


def test_without_quota_figures_the_count_keeps_replays_of_this_runs_calls() -> None:
    stats = Stats(calls_spent=4)
    assert stats.billed_since(None) == 4
    stats.most_used = 19
    assert stats.billed_since(Quota(used=12, limit=150)) == 7  # the API's own figure
