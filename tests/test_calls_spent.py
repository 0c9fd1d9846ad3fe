"""CONTRACT §7: "calls spent" is what the API billed — a call whose answer was lost and
that was replayed counts once, and the figure agrees with the answers' data.quota.used."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import openpyxl
from runs import QUICK, campaign_row, config_for, served, write_csv

from bulkads.answers import Quota
from bulkads.engine import Stats
from bulkads.runner import run, run_async
from bulkads.sandbox import Sandbox
from bulkads.states import RowState

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


def test_the_quota_shown_never_goes_back_up_when_an_old_answer_arrives_late() -> None:
    """A replayed or overtaken answer carries the count of its time: the quota known stays
    the highest `used` seen, so progress and the record never show quota coming back."""
    stats = Stats()
    seen = [stats.learn(Quota(used=used, limit=150)).left for used in (10, 14, 11, 15, 3)]
    assert seen == [140, 136, 136, 135, 135]
    assert stats.quota == Quota(used=15, limit=150)


class QuotaShown:
    """A progress listener that keeps the quota left it was shown."""

    def __init__(self) -> None:
        self.left: list[int] = []

    def row_finished(self, number: int, status: RowState, message: str) -> None:
        pass

    def quota_seen(self, quota: Quota) -> None:
        self.left.append(quota.left)

    def stopping(self, reason: str, in_flight: int, *, abandoned: bool = False) -> None:
        pass

    def calls_in_flight(self, count: int) -> None:
        pass


def test_progress_never_shows_the_quota_left_going_up_when_replays_arrive(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(30)])
    shown = QuotaShown()

    @contextmanager
    def progress(total: int) -> Iterator[QuotaShown]:
        yield shown

    with served(replace(QUICK, drop_rate=0.3, latency=(0.0, 0.05), seed=5)) as (sandbox, url):
        report = asyncio.run(run_async(config_for(sheet, url, concurrency=8), progress=progress))
        replays = [call for call in sandbox.calls() if call.replayed]
    assert report.exit_code == 0 and replays
    assert shown.left == sorted(shown.left, reverse=True)
    assert shown.left[-1] == 3000 - 30


def test_a_resume_of_replays_never_shows_more_quota_left_than_pre_flight_said(
    tmp_path: Path,
) -> None:
    # The first run's lost answers are replayed by the second with the count of their own
    # time, lower than what pre-flight has just read: neither the progress nor the record
    # may show the quota coming back.
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(8)])
    shown = QuotaShown()

    @contextmanager
    def progress(total: int) -> Iterator[QuotaShown]:
        yield shown

    with served(replace(QUICK, drop_rate=0.5, seed=3)) as (sandbox, url):
        run(config_for(sheet, url, max_attempts=1))  # a lost answer is left to the rerun
        before = sandbox.quota("solo")
        sandbox.config = replace(sandbox.config, drop_rate=0.0)
        second = asyncio.run(run_async(config_for(sheet, url), progress=progress))
        after = sandbox.quota("solo")
        replays = [call for call in sandbox.calls() if call.replayed]
    assert replays and second.exit_code == 0
    assert shown.left[0] == before["limit"] - before["used"]  # pre-flight's figure first
    assert shown.left == sorted(shown.left, reverse=True)
    assert second.summary.quota_left == after["limit"] - after["used"]
