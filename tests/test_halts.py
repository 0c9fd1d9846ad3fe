"""CONTRACT §4 halts and §1 progress: a halt says why in one line, once, never quoting a
success answer's text, and the Summary sheet says it too; progress never counts rows left
`pending` as done, sums them up in one line, and says "nothing to send" for a finished sheet."""

from __future__ import annotations

import io
import signal
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import openpyxl
from rich.console import Console
from runs import QUICK, campaign_row, served, start_bulkads, write_csv

from bulkads.answers import Outcome, Quota, Verdict, quota_error
from bulkads.errors import QuotaExhausted
from bulkads.progress import progress_for

CREATE = "create_tiktok_campaign"


def said(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, " ".join(out.split()), " ".join(err.split())


def test_a_quota_halt_is_one_line_said_once_without_the_success_text(tmp_path: Path) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(5)])
    with served(replace(QUICK, quota_limit=3)) as (sandbox, url):
        code, out, err = said(start_bulkads(tmp_path, "run", "launch.csv", "--base-url", url))
        success_text = sandbox.calls(tool=CREATE, status=200) and "Campaign ID"
    assert code == 3, err
    line = "the monthly quota is spent: 3/3 calls, free tier"
    assert (out + err).count("quota is spent") == 1
    assert f"bulkads: halted: {line}" in err
    assert success_text and success_text not in err and "created (paused)" not in err
    book = openpyxl.load_workbook(tmp_path / "launch.results.xlsx")
    summary = dict(book["Summary"].iter_rows(values_only=True))
    assert str(summary["halted"]).startswith(line)
    assert "\n" not in str(summary["halted"])


def test_a_quota_error_quotes_no_success_text() -> None:
    done = Outcome(
        Verdict.DONE,
        "## TikTok campaign created (paused)\n**Campaign ID** 123",
        quota=Quota(used=10, limit=10, tier="plus"),
    )
    halt = quota_error(done)
    assert isinstance(halt, QuotaExhausted)
    assert str(halt).startswith("the monthly quota is spent: 10/10 calls, plus tier; rerun")
    assert "Campaign" not in str(halt) and "\n" not in str(halt)


def _bar(total: int) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=120), buffer


def test_the_bar_does_not_count_rows_left_pending_as_done() -> None:
    console, buffer = _bar(18)
    with progress_for(18, console=console) as listener:
        listener.row_finished(2, "created", "created (paused) as campaign 1")
        listener.stopping("interrupted (Ctrl-C); rerun the same command to resume", 0)
        for number in range(3, 20):
            listener.row_finished(number, "pending", "not finished: interrupted (Ctrl-C)")
    shown = buffer.getvalue()
    assert "1/18" in shown and "18/18" not in shown and "5/18" not in shown
    assert "not finished" not in shown  # no line per pending row
    assert "Ctrl-C again" not in shown  # nothing was in flight


def test_log_lines_count_only_rows_done_and_say_ctrl_c_again_only_with_calls_in_flight() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=200)
    with progress_for(3, console=console) as listener:
        listener.row_finished(2, "created", "created (paused) as campaign 1")
        listener.stopping("interrupted (Ctrl-C); rerun the same command to resume", 2)
        listener.row_finished(3, "created", "created (paused) as campaign 2")
        listener.row_finished(4, "pending", "not finished: interrupted (Ctrl-C)")
    lines = buffer.getvalue().splitlines()
    assert lines[0].startswith("[1/3] row 2: created")
    assert "waiting for 2 call(s) in flight" in lines[1] and "Ctrl-C again" in lines[1]
    assert lines[2].startswith("[2/3] row 3: created")
    assert len(lines) == 3  # the pending row is summed up after the run


def test_a_rerun_of_a_finished_sheet_says_nothing_to_send(tmp_path: Path) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(2)])
    with served() as (_, url):
        first, _, _ = said(start_bulkads(tmp_path, "run", "launch.csv", "--base-url", url))
        code, out, err = said(start_bulkads(tmp_path, "run", "launch.csv", "--base-url", url))
    assert first == code == 0
    assert "nothing to send" in err
    assert "0/0" not in out + err


def test_after_ctrl_c_the_pending_rows_are_one_line_and_the_reason_is_said_once(
    tmp_path: Path,
) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(12)])
    with served(replace(QUICK, latency=(0.3, 0.3))) as (sandbox, url):
        process = start_bulkads(
            tmp_path, "run", "launch.csv", "--base-url", url, "--rate", "50", "--concurrency", "2"
        )
        deadline = time.monotonic() + 60
        while len(sandbox.calls(tool=CREATE)) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        code, out, err = said(process)
    assert code == 3, err
    assert (out + err).count("interrupted (Ctrl-C)") == 1
    assert "pending — not sent: halted (see below)" in out
    assert out.count("pending — not sent") == 1
