"""CONTRACT §1 Signals and §9: SIGTERM and SIGHUP stop sending, leave the calls in flight to
the next run, write the results and exit 3; a run's task cancelled from outside stops the
same way, writes the results, then lets the cancellation through."""

from __future__ import annotations

import asyncio
import os
import pty
import re
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from runs import QUICK, campaign_row, config_for, served, start_bulkads, write_csv

from bulkads.runner import run_async
from bulkads.sandbox import SOLO_KEY, Sandbox
from bulkads.status import last_run

CREATE = "create_tiktok_campaign"
ROWS = 10


def wait_for_creates(sandbox: Sandbox, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(sandbox.calls(tool=CREATE)) < count:
        assert time.monotonic() < deadline, "the run sent nothing"
        time.sleep(0.01)


def statuses(results: Path | None) -> list[str]:
    assert results is not None, "the run was configured without a results workbook"
    book = openpyxl.load_workbook(results)
    return [str(r[1]) for r in book["Results"].iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_signal_stops_the_run_writes_results_exits_3_and_the_rerun_creates_each_row_once(
    tmp_path: Path, signame: str
) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(ROWS)])
    results = tmp_path / "launch.results.xlsx"
    with served(replace(QUICK, latency=(1.5, 1.5))) as (sandbox, url):
        run = ("run", "launch.csv", "--base-url", url, "--rate", "50", "--concurrency", "3")
        process = start_bulkads(tmp_path, *run)
        wait_for_creates(sandbox, 3)  # three 1.5 s calls in flight
        process.send_signal(getattr(signal, signame))
        _, err = process.communicate(timeout=30)  # within 5 s, said loosely: never hangs
        said = " ".join(err.split())
        assert process.returncode == 3, said
        assert "Traceback" not in said
        assert f"stopped by {signame}" in said
        assert "pending" in statuses(results)  # this run's results, written on the way out
        status = start_bulkads(tmp_path, "status", "launch.csv")
        status_out, _ = status.communicate(timeout=60)
        assert f"stopped by {signame}" in " ".join(status_out.split())
        assert "Ctrl-C" not in status_out
        time.sleep(1.6)  # the abandoned calls end on the server (it knows their keys)
        sandbox.config = replace(sandbox.config, latency=(0.0, 0.0))
        resumed = start_bulkads(tmp_path, *run)
        _, resumed_err = resumed.communicate(timeout=120)
        names = [c.arguments["campaign_name"] for c in sandbox.created("campaign")]
    assert resumed.returncode == 0, resumed_err
    assert sorted(names) == sorted(f"Launch {n:04d}" for n in range(ROWS))  # each exactly once
    assert set(statuses(results)) == {"created"}


async def test_a_run_cancelled_by_wait_for_writes_results_and_raises_timeout(
    tmp_path: Path,
) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(ROWS)])
    with served(replace(QUICK, latency=(0.4, 0.4))) as (sandbox, url):
        config = config_for(sheet, url, concurrency=2)
        task = asyncio.ensure_future(run_async(config))
        while len(sandbox.calls(tool=CREATE)) < 2:  # sending: seconds of work are left
            await asyncio.sleep(0.01)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(task, 0.05)
        created = len(sandbox.created("campaign"))
    found = statuses(config.results)
    assert 0 < created < ROWS
    assert found.count("created") <= created and "pending" in found
    assert "cancelled" in last_run(config.journal)


async def test_task_cancel_propagates_after_the_results_are_written(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(ROWS)])
    with served(replace(QUICK, latency=(0.4, 0.4))) as (sandbox, url):
        config = config_for(sheet, url, concurrency=2)
        task = asyncio.ensure_future(run_async(config))
        while len(sandbox.calls(tool=CREATE)) < 2:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert "pending" in statuses(config.results)
        while sandbox.in_flight:  # the calls it left in flight end on the server
            await asyncio.sleep(0.01)
        sandbox.config = replace(sandbox.config, latency=(0.0, 0.0))
        resumed = await run_async(config)
        names = [c.arguments["campaign_name"] for c in sandbox.created("campaign")]
    assert resumed.exit_code == 0
    assert sorted(names) == sorted(f"Launch {n:04d}" for n in range(ROWS))


async def test_a_run_cancelled_before_it_sends_writes_results_and_sends_nothing(
    tmp_path: Path,
) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(3)])
    with served(replace(QUICK, latency=(1.0, 1.0))) as (sandbox, url):  # slow free calls
        config = config_for(sheet, url)
        task = asyncio.ensure_future(run_async(config))
        while not sandbox.calls() and sandbox.in_flight == 0:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not sandbox.calls(tool=CREATE)
    assert set(statuses(config.results)) == {"pending"}


def test_a_closed_terminal_still_gets_its_results_written_and_exit_3(tmp_path: Path) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(ROWS)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADSPIRER_")}
    env |= {"ADSPIRER_API_KEY": SOLO_KEY, "PYTHONPATH": str(Path(__file__).parents[1])}
    with served(replace(QUICK, latency=(1.0, 1.0))) as (sandbox, url):
        terminal, side = pty.openpty()  # a terminal window: the progress bar draws in it
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bulkads",
                "run",
                "launch.csv",
                "--base-url",
                url,
                "--rate",
                "50",
                "--concurrency",
                "3",
            ],
            cwd=tmp_path,
            env=env,
            stdin=side,
            stdout=side,
            stderr=side,
            start_new_session=True,
        )
        os.close(side)
        wait_for_creates(sandbox, 3)
        os.close(terminal)  # the window is closed: writing to it fails from now on
        process.send_signal(signal.SIGHUP)
        code = process.wait(timeout=30)
    assert code == 3
    assert "pending" in statuses(tmp_path / "launch.results.xlsx")
    assert "stopped by SIGHUP" in last_run(tmp_path / "launch.results.journal.sqlite")


def test_calls_left_in_flight_by_a_stop_are_said_not_counted_nor_dropped(tmp_path: Path) -> None:
    """The calls a stop left in flight (billed if the API finishes them, perhaps after the run
    ended) are named beside "calls spent", on the terminal and in the Summary sheet."""
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(ROWS)])
    results = tmp_path / "launch.results.xlsx"
    with served(replace(QUICK, latency=(3.0, 3.0))) as (sandbox, url):
        run = ("run", "launch.csv", "--base-url", url, "--rate", "50", "--concurrency", "3")
        process = start_bulkads(tmp_path, *run)
        wait_for_creates(sandbox, 3)  # three 3 s calls in flight
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    said = " ".join(out.split())
    assert process.returncode == 3, err
    spent = int(re.search(r"Billable calls spent: (\d+)", said).group(1))  # type: ignore[union-attr]
    left = int(re.search(r"(\d+) call\(s\) were still in flight when", said).group(1))  # type: ignore[union-attr]
    assert left >= 1 and spent <= len(sandbox.calls(tool=CREATE))
    book = openpyxl.load_workbook(results)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert (summary["calls spent"], summary["calls in flight at the stop"]) == (spent, left)
