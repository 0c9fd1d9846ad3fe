"""CONTRACT §6: the journal makes every run resumable and every campaign created once."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from runs import QUICK, campaign_row, config_for, served, write_csv

from bulkads import runner
from bulkads.errors import JournalError, JournalLocked
from bulkads.journal import Journal
from bulkads.sandbox import SOLO_KEY

CREATE = "create_tiktok_campaign"


def test_journal_is_wal_with_full_sync_and_keeps_keys_across_opens(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with Journal.open(path) as journal:
        journal.ensure_row("fp", 2)
        first = journal.plan_step("fp", CREATE, b'{"arguments":{}}')
        mode = journal._db.execute("PRAGMA journal_mode").fetchone()[0]
        sync = journal._db.execute("PRAGMA synchronous").fetchone()[0]
    assert (mode, sync) == ("wal", 2)  # 2 = FULL
    with Journal.open(path) as journal:
        again = journal.plan_step("fp", CREATE, b'{"arguments":{}}')
    assert again.idempotency_key == first.idempotency_key


def test_a_second_run_on_the_same_journal_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with Journal.open(path), pytest.raises(JournalLocked, match="another `bulkads run`"):
        Journal.open(path)
    with Journal.open(path):  # released when the first closes
        pass


def test_a_rerun_sends_nothing_for_rows_already_created(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(5)])
    with served() as (sandbox, url):
        first = runner.run(config_for(sheet, url))
        before = len(sandbox.calls(tool=CREATE))
        second = runner.run(config_for(sheet, url))
        assert len(sandbox.calls(tool=CREATE)) == before == 5
    assert first.exit_code == second.exit_code == 0
    assert [r.campaign_id for r in first.rows] == [r.campaign_id for r in second.rows]


def test_a_journal_failing_mid_run_stops_it_with_exit_2_as_its_error_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(3)])

    def disk_full(*args: object, **kwargs: object) -> None:
        raise JournalError("the journal could not be written: database or disk is full")

    monkeypatch.setattr(Journal, "record_answer", disk_full)
    with served() as (_, url):
        report = runner.run(config_for(sheet, url))
    assert isinstance(report.halt, JournalError)
    assert report.exit_code == JournalError.exit_code == 2
    assert {row.status for row in report.rows} == {"pending"}


def test_a_call_whose_answer_was_lost_is_resent_with_its_key_and_bytes(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    with served(replace(QUICK, drop_rate=1.0)) as (sandbox, url):
        lost = runner.run(config_for(sheet, url, max_attempts=1))  # as if killed after sending
        assert lost.rows[0].status == "pending" and lost.exit_code == 3
        sandbox.config = replace(sandbox.config, drop_rate=0.0)
        found = runner.run(config_for(sheet, url))
        calls = sandbox.calls(tool=CREATE)
        created = sandbox.created("campaign")
    assert found.rows[0].status == "created"
    assert len(created) == 1
    assert len({call.idempotency_key for call in calls}) == 1
    assert found.rows[0].idempotency_key == lost.rows[0].idempotency_key
    assert found.rows[0].campaign_id == created[0].id


def test_a_changed_row_gets_a_new_key(tmp_path: Path) -> None:
    sheet = tmp_path / "launch.csv"
    write_csv(sheet, [campaign_row(1)])
    with served(replace(QUICK, error_rate=1.0)) as (sandbox, url):
        failed = runner.run(config_for(sheet, url))
        write_csv(sheet, [campaign_row(1, ad_text="A better ad text")])
        sandbox.config = replace(sandbox.config, error_rate=0.0)
        fixed = runner.run(config_for(sheet, url))
        created = sandbox.created("campaign")
    assert failed.rows[0].status == "pending"
    assert fixed.rows[0].status == "created"
    assert fixed.rows[0].idempotency_key != failed.rows[0].idempotency_key
    assert [c.arguments["ad_text"] for c in created] == ["A better ad text"]


def test_a_row_changed_after_creation_is_not_created_again(tmp_path: Path) -> None:
    sheet = tmp_path / "launch.csv"
    write_csv(sheet, [campaign_row(1), campaign_row(2)])
    with served() as (sandbox, url):
        runner.run(config_for(sheet, url))
        write_csv(sheet, [campaign_row(1, budget_daily=99), campaign_row(2)])
        report = runner.run(config_for(sheet, url))
        assert len(sandbox.created("campaign")) == 2
    assert report.rows[0].status == "rejected"
    assert "changed after creation" in report.rows[0].message
    assert report.rows[1].status == "created"


def test_a_row_inserted_above_created_rows_is_sent_alone(tmp_path: Path) -> None:
    sheet = tmp_path / "launch.csv"
    write_csv(sheet, [campaign_row(1), campaign_row(2)])
    with served() as (sandbox, url):
        runner.run(config_for(sheet, url))
        write_csv(sheet, [campaign_row(9), campaign_row(1), campaign_row(2)])
        report = runner.run(config_for(sheet, url))
        assert len(sandbox.created("campaign")) == 3
    assert [r.status for r in report.rows] == ["created"] * 3


def test_a_rejected_row_is_not_sent_again_unless_asked(tmp_path: Path) -> None:
    rejected = campaign_row(1, tiktok_item_id=None, existing_image_ids="img_unknown")
    sheet = write_csv(tmp_path / "launch.csv", [rejected])
    with served() as (sandbox, url):
        first = runner.run(config_for(sheet, url))
        second = runner.run(config_for(sheet, url))
        assert len(sandbox.calls(tool=CREATE)) == 1
        third = runner.run(config_for(sheet, url, retry_rejected=True))
        calls = sandbox.calls(tool=CREATE)
    assert first.rows[0].status == second.rows[0].status == third.rows[0].status == "rejected"
    assert "--retry-rejected" in second.rows[0].message
    assert len(calls) == 2 and calls[0].idempotency_key != calls[1].idempotency_key


def _fix_row(results: Path, target: Path, row: int, column: str, value: str) -> None:
    book = openpyxl.load_workbook(results)
    sheet = book["Results"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=row, column=header.index(column) + 1, value=value)
    book.save(target)


def test_a_results_workbook_fed_back_sends_only_the_fixed_rows(tmp_path: Path) -> None:
    rows = [
        campaign_row(1),
        campaign_row(2, landing_page_url="http://bad.example"),
        campaign_row(3),
    ]
    sheet = write_csv(tmp_path / "launch.csv", rows)
    with served() as (sandbox, url):
        first = runner.run(config_for(sheet, url))
        assert [r.status for r in first.rows] == ["created", "invalid", "created"]
        fixed = tmp_path / "launch-fixed.xlsx"  # a new name: a new journal, only the sheet's IDs
        _fix_row(
            tmp_path / "launch.results.xlsx", fixed, 3, "landing_page_url", "https://ok.example"
        )
        second = runner.run(config_for(fixed, url))
        names = [c.arguments["campaign_name"] for c in sandbox.created("campaign")]
    assert sorted(names) == ["Launch 0001", "Launch 0002", "Launch 0003"]
    assert [r.status for r in second.rows] == ["created"] * 3
    assert "created earlier" in second.rows[0].message
    assert second.rows[0].campaign_id == first.rows[0].campaign_id
    header = [c.value for c in openpyxl.load_workbook(second.results_path)["Results"][1]]
    assert header.count("status") == 1 and header.count("campaign_id") == 1


def _run_cli(sheet: Path, url: str, *, stderr: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ADSPIRER_BASE_URL": url, "ADSPIRER_API_KEY": SOLO_KEY}
    command = [sys.executable, "-m", "bulkads", "run", str(sheet), "--rate", "40"]
    with stderr.open("wb") as errors:  # a file: a pipe nobody reads could stall the run
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)


def _mixed_rows(count: int) -> list[dict[str, object]]:
    rows = []
    for n in range(count):
        if n % 3 == 1:
            rows.append(
                campaign_row(
                    n, tiktok_item_id=None, image_urls=f"https://cdn.example.com/{n}_1080x1920.jpg"
                )
            )
        elif n % 3 == 2:
            urls = ",".join(f"https://cdn.example.com/{n}-{i}_1080x1920.jpg" for i in range(3))
            rows.append(campaign_row(n, tiktok_item_id=None, carousel_image_urls=urls))
        else:
            rows.append(campaign_row(n))
    return rows


def test_killed_runs_resume_without_duplicates_or_lost_rows(tmp_path: Path) -> None:
    rows = _mixed_rows(24)
    sheet = write_csv(tmp_path / "launch.csv", rows)
    rng = random.Random(5)
    errors = tmp_path / "stderr.txt"
    with served(replace(QUICK, latency=(0.02, 0.08), drop_rate=0.05)) as (sandbox, url):
        for attempt in range(3):
            seen = len(sandbox.calls(status=200))
            process = _run_cli(sheet, url, stderr=errors)
            target = seen + rng.randint(2, 12)
            deadline = time.monotonic() + 30
            while len(sandbox.calls(status=200)) < target and process.poll() is None:
                assert time.monotonic() < deadline, "the run made no progress"
                time.sleep(0.005)
            # The first run cannot have finished: 24 rows are ~40 billable calls, more
            # than the target. Later runs may finish what is left before their kill.
            if attempt == 0:
                assert process.poll() is None, errors.read_text()
                assert len(sandbox.created("campaign")) < len(rows)
            process.send_signal(signal.SIGKILL)
            assert process.wait(10) in (-signal.SIGKILL, 0, 3), errors.read_text()
        final = _run_cli(sheet, url, stderr=errors)
        assert final.wait(120) == 0, errors.read_text()
        campaigns = [c.arguments["campaign_name"] for c in sandbox.created("campaign")]
        bundles = sandbox.created("bundle")
        cards = sandbox.created("card")
    assert sorted(campaigns) == sorted(str(row["campaign_name"]) for row in rows)
    assert len(bundles) == sum(1 for row in rows if "image_urls" in row)
    assert len(cards) == sum(1 for row in rows if "carousel_image_urls" in row)
    book = openpyxl.load_workbook(tmp_path / "launch.results.xlsx")
    statuses = [row[1] for row in book["Results"].iter_rows(min_row=2, values_only=True)]
    assert statuses == ["created"] * len(rows)


def test_the_journal_survives_in_its_folder_only(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    with served() as (_, url):
        runner.run(config_for(sheet, url))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "launch.results.journal.sqlite" in names
    db = sqlite3.connect(tmp_path / "launch.results.journal.sqlite")
    dump = "\n".join(db.iterdump())
    assert SOLO_KEY not in dump  # the key is never journaled
    shutil.rmtree(tmp_path)


def test_a_row_changed_while_its_create_is_unconfirmed_gets_a_new_key_and_a_warning(
    tmp_path: Path,
) -> None:
    sheet = tmp_path / "launch.csv"
    write_csv(sheet, [campaign_row(1)])
    with served(replace(QUICK, drop_rate=1.0)) as (sandbox, url):
        lost = runner.run(config_for(sheet, url, max_attempts=1))  # sent; the answer was lost
        write_csv(sheet, [campaign_row(1, ad_text="Edited after the lost answer")])
        sandbox.config = replace(sandbox.config, drop_rate=0.0)
        edited = runner.run(config_for(sheet, url))
    assert edited.rows[0].status == "created"
    assert edited.rows[0].idempotency_key != lost.rows[0].idempotency_key
    assert "earlier one exists too" in edited.rows[0].message


def test_a_row_halted_by_the_quota_can_be_edited_and_sent(tmp_path: Path) -> None:
    sheet = tmp_path / "launch.csv"
    write_csv(sheet, [campaign_row(1)])
    with served(replace(QUICK, quota_limit=5)) as (sandbox, url):
        sandbox.set_quota(SOLO_KEY, limit=5, used=0)
        config = config_for(sheet, url)

        def spend(plan: object, found: object) -> None:
            sandbox.set_quota(SOLO_KEY, limit=5, used=5)

        halted = asyncio.run(runner.run_async(config, on_plan=spend))
        assert halted.rows[0].status == "pending"
        write_csv(sheet, [campaign_row(1, ad_text="Edited while waiting for quota")])
        sandbox.set_quota(SOLO_KEY, limit=50, used=5)
        sent = runner.run(config)
    assert sent.rows[0].status == "created"  # a 402 is a known "not done", not a lost answer


def test_a_rerun_that_changes_nothing_keeps_the_results_file_and_rewrites_a_touched_one(
    tmp_path: Path,
) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1), campaign_row(2)])
    results = tmp_path / "launch.results.xlsx"
    with served() as (_, url):
        runner.run(config_for(sheet, url))
        first = results.stat().st_mtime_ns
        runner.run(config_for(sheet, url))
        assert results.stat().st_mtime_ns == first  # same rows: not rewritten
        results.unlink()
        runner.run(config_for(sheet, url))
        assert results.exists()  # gone: written again
        rows = [campaign_row(1), {**campaign_row(2), "Notes": "a new column"}]
        write_csv(sheet, rows)
        runner.run(config_for(sheet, url))
    header = [c.value for c in openpyxl.load_workbook(results)["Results"][1]]
    assert "Notes" in header  # the sheet changed: written again
