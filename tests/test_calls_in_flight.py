"""CONTRACT §1 `--concurrency auto`, §4 rate: with the defaults a run reaches the rate the user
asked for at the API's latency, uses a server's capacity without crowding it, creates every
row once, and never puts more than `--rate` requests in a second.

Real runs against the sandbox on loopback. Speeds are checked as ratios of the run's own
figures (rows a second over the rate asked), with room for a loaded machine: the figures
themselves are in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from runs import QUICK, campaign_row, config_for, served, write_csv

from bulkads import preparing, rules, runner
from bulkads.sandbox import SOLO_KEY, Sandbox

CREATE = "create_tiktok_campaign"


def send_rate(sandbox: Sandbox) -> float:
    """Creates taken a second, from the sandbox's ledger: (n - 1) / first to last arrival."""
    arrivals = sorted(call.at for call in sandbox.calls(tool=CREATE, status=200))
    return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])


def created_once(sandbox: Sandbox, rows: int) -> bool:
    names = [c.arguments["campaign_name"] for c in sandbox.created("campaign")]
    return sorted(names) == [f"Launch {n:04d}" for n in range(rows)]


def test_the_defaults_reach_the_rate_at_a_latency_of_seconds(tmp_path: Path) -> None:
    rows, rate = 36, 8.0
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(rows)])
    with served(replace(QUICK, latency=(1.0, 2.0))) as (sandbox, url):
        report = runner.run(config_for(sheet, url, rate=rate, concurrency="auto"))
        assert report.exit_code == 0
        assert send_rate(sandbox) >= 0.8 * rate  # a fixed 4 in flight would give 4 / 1.5 s
        assert sandbox.max_in_flight > 4
        assert sandbox.max_in_window(1.0) <= rate
        assert created_once(sandbox, rows)


def test_a_server_that_takes_five_calls_is_used_near_its_capacity_with_few_429s(
    tmp_path: Path,
) -> None:
    rows, rate, capacity = 36, 8.0, 5
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(rows)])
    config = replace(QUICK, latency=(1.0, 2.0), max_in_flight=capacity)
    with served(config) as (sandbox, url):
        report = runner.run(config_for(sheet, url, rate=rate, concurrency="auto"))
        assert report.exit_code == 0
        refused = sandbox.calls(tool=CREATE, status=429)
        assert len(refused) <= 0.15 * len(sandbox.calls(tool=CREATE))
        assert {call.fault for call in refused} <= {"capacity"}
        assert send_rate(sandbox) >= 0.7 * capacity / 1.5  # capacity / mean latency
        assert sandbox.max_in_flight >= capacity
        assert sandbox.max_in_window(1.0) <= rate
        assert created_once(sandbox, rows)


def test_json_and_progress_lines_show_rows_a_second_against_the_rate_and_calls_in_flight(
    tmp_path: Path,
) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(12)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADSPIRER_")}
    with served(replace(QUICK, latency=(0.2, 0.3))) as (_, url):
        command = [sys.executable, "-m", "bulkads", "run", "launch.csv", "--base-url", url]
        result = subprocess.run(
            [*command, "--rate", "8", "--json"],
            cwd=tmp_path,
            env={**env, "ADSPIRER_API_KEY": SOLO_KEY},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    sending = json.loads(result.stdout)["sending"]
    assert sending["rows"] == 12 and sending["rate"] == 8 and sending["concurrency"] == "auto"
    assert 1 <= sending["most_in_flight"] <= 12 and sending["requests"] == 12
    assert sending["rows_per_second"] == pytest.approx(12 / sending["seconds"], rel=0.01)
    lines = [line for line in result.stderr.splitlines() if "created (paused)" in line]
    assert len(lines) == 12
    assert all("rows/s of 8/s" in line and " in flight" in line for line in lines)
    # No figure from the first answers alone (0.2 s in), then the rows a second so far.
    assert "(- rows/s of 8/s" in lines[0]
    assert re.search(r"\((\d+\.\d\d) rows/s of 8/s", lines[-1])


FREE = ("get_usage_status", "list_connected_accounts")


def _spy_on_checking(
    monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox, seen: list[list[str]]
) -> None:
    """When the run checks the sheet, note which free calls the sandbox has answered by
    then (waiting up to 5 s for them: the sandbox runs on its own thread)."""
    check = rules.check_sheet

    def checking(*args: Any, **kwargs: Any) -> Any:
        deadline = time.monotonic() + 5.0
        while len(answered := free_calls(sandbox)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(answered)
        return check(*args, **kwargs)

    monkeypatch.setattr(preparing, "check_sheet", checking)


def free_calls(sandbox: Sandbox) -> list[str]:
    return sorted(call.tool for call in sandbox.calls() if call.tool in FREE)


def test_the_sheet_is_checked_while_the_free_calls_are_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pre-flight's free calls leave first; the rows are checked while the API answers them
    (seconds at the real API), so checking a big sheet does not delay the first create."""
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(5)])
    seen: list[list[str]] = []
    with served(replace(QUICK, latency=(0.3, 0.3))) as (sandbox, url):
        _spy_on_checking(monkeypatch, sandbox, seen)
        report = runner.run(config_for(sheet, url))
        assert report.exit_code == 0 and created_once(sandbox, 5)
    assert seen == [list(FREE)]  # both had left before a single row was checked


def test_a_finished_sheet_run_again_asks_only_the_quota_and_new_rows_the_accounts_too(
    tmp_path: Path,
) -> None:
    """The accounts are asked at once unless the journal's last run finished; a finished
    sheet run again needs none, and rows added to it are still checked against them."""
    rows = [campaign_row(n) for n in range(3)]
    sheet = write_csv(tmp_path / "launch.csv", rows)
    with served() as (sandbox, url):
        assert runner.run(config_for(sheet, url)).exit_code == 0
        assert free_calls(sandbox) == list(FREE)
        before = len(sandbox.calls())
        assert runner.run(config_for(sheet, url)).exit_code == 0
        assert [call.tool for call in sandbox.calls()[before:]] == ["get_usage_status"]

        stranger = campaign_row(4, advertiser_id="7999999999999999999")
        write_csv(sheet, [*rows, campaign_row(3), stranger])
        before = len(sandbox.calls())
        report = runner.run(config_for(sheet, url))
        tools = sorted(call.tool for call in sandbox.calls()[before:])
    assert tools == ["create_tiktok_campaign", *FREE]
    assert [row.status for row in report.rows] == ["created"] * 4 + ["invalid"]
    assert "not connected" in report.rows[4].message
