"""CONTRACT §1: the commands as a user types them: exit codes, output, no tracebacks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from runs import QUICK, campaign_row, config_for, served, write_csv

from bulkads.runner import run
from bulkads.sandbox import AGENCY_ADVERTISERS, AGENCY_KEY, SOLO_KEY, Sandbox

BILLABLE = "create_tiktok_campaign"


def bulkads(
    *args: str, cwd: Path, key: str | None = SOLO_KEY, url: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADSPIRER_")}
    if key is not None:
        env["ADSPIRER_API_KEY"] = key
    if url is not None:
        env["ADSPIRER_BASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "bulkads", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout


def test_help_names_every_command(tmp_path: Path) -> None:
    result = bulkads("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("template", "validate", "run", "status", "accounts", "sandbox", "demo"):
        assert command in result.stdout


def test_run_help_documents_every_option(tmp_path: Path) -> None:
    result = bulkads("run", "--help", cwd=tmp_path)
    for option in (
        "--base-url",
        "--api-key-file",
        "--rate",
        "--concurrency",
        "--max-concurrency",
        "--timeout",
        "--max-calls",
        "--advertiser-id",
        "--sheet",
        "--dry-run",
        "--journal",
        "--json",
        "--retry-rejected",
        "ADSPIRER_BASE_URL",
    ):
        assert option in result.stdout


@pytest.mark.parametrize(
    ("args", "key", "fragment"),
    [
        (("run", "missing.csv"), None, "ADSPIRER_API_KEY"),
        (("run", "missing.csv", "--base-url", "http://api.example.com"), SOLO_KEY, "plain http"),
        (("validate", "missing.csv"), SOLO_KEY, "missing.csv"),
        (("run", "launch.csv", "--rate", "0"), SOLO_KEY, "--rate"),
        (("run", "launch.csv", "--concurrency", "lots"), SOLO_KEY, "--concurrency"),
        (("run", "launch.csv", "--concurrency", "65"), SOLO_KEY, "--max-concurrency"),
        (("status", "nothing.xlsx"), None, "nothing.xlsx"),
    ],
)
def test_user_mistakes_exit_2_with_one_clear_line(
    tmp_path: Path, args: tuple[str, ...], key: str | None, fragment: str
) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    result = bulkads(*args, cwd=tmp_path, key=key)
    assert result.returncode == 2
    assert fragment in result.stderr
    no_traceback(result)


def test_validate_exits_0_when_all_rows_are_valid_and_1_otherwise(tmp_path: Path) -> None:
    write_csv(tmp_path / "good.csv", [campaign_row(1), campaign_row(2)])
    write_csv(tmp_path / "bad.csv", [campaign_row(1), campaign_row(2, ad_text="x" * 101)])
    good = bulkads("validate", "good.csv", cwd=tmp_path)
    bad = bulkads("validate", "bad.csv", "--json", cwd=tmp_path)
    assert (good.returncode, bad.returncode) == (0, 1)
    summary = json.loads(bad.stdout)
    assert summary["counts"]["valid"] == 1 and summary["counts"]["invalid"] == 1
    assert "ad_text" in summary["rows"][1]["message"]
    book = openpyxl.load_workbook(tmp_path / "bad.results.xlsx")
    statuses = [r[1] for r in book["Results"].iter_rows(min_row=2, values_only=True)]
    assert statuses == ["valid", "invalid"]


def test_validate_lists_the_rows_that_need_fixing(tmp_path: Path) -> None:
    rows = [campaign_row(n, ad_text="x" * 101 if n % 2 else "fine") for n in range(30)]
    write_csv(tmp_path / "launch.csv", rows)
    result = bulkads("validate", "launch.csv", cwd=tmp_path)
    assert result.returncode == 1
    said = " ".join(result.stdout.split())
    # Rows with the same problem share one line.
    assert "15 rows (3, 5, 7, 9, 11 and 10 more): invalid — ad_text: at most 100" in said


def test_run_exits_0_1_and_3_as_the_contract_says(tmp_path: Path) -> None:
    write_csv(tmp_path / "good.csv", [campaign_row(1)])
    write_csv(tmp_path / "mixed.csv", [campaign_row(2), campaign_row(3, display_name="x" * 41)])
    write_csv(tmp_path / "big.csv", [campaign_row(n) for n in range(10, 14)])
    with served() as (_, url):
        good = bulkads("run", "good.csv", cwd=tmp_path, url=url)
        mixed = bulkads("run", "mixed.csv", cwd=tmp_path, url=url)
        big = bulkads("run", "big.csv", "--max-calls", "2", "--json", cwd=tmp_path, url=url)
    assert (good.returncode, mixed.returncode, big.returncode) == (0, 1, 3)
    summary = json.loads(big.stdout)
    assert summary["counts"]["created"] == 2 and summary["counts"]["pending"] == 2
    assert summary["calls_spent"] == 2
    for result in (good, mixed, big):
        no_traceback(result)


def test_dry_run_prints_the_plan_and_spends_nothing(tmp_path: Path) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(3)])
    with served() as (sandbox, url):
        result = bulkads("run", "launch.csv", "--dry-run", cwd=tmp_path, url=url)
        billable = sandbox.calls(tool=BILLABLE)
    assert not billable
    assert result.returncode == 0  # a clean plan: nothing invalid, everything affordable
    assert "would send 3 row(s), 3 billable call(s)" in result.stderr
    assert "quota left: 3000" in result.stderr
    assert not (tmp_path / "launch.results.xlsx").exists()


def test_dry_run_exits_3_when_the_quota_cannot_cover_the_plan(tmp_path: Path) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(3)])
    with served() as (sandbox, url):
        result = bulkads(
            "run", "launch.csv", "--dry-run", "--max-calls", "2", "--json", cwd=tmp_path, url=url
        )
        assert not sandbox.calls(tool=BILLABLE)
    summary = json.loads(result.stdout)
    assert result.returncode == 3
    assert summary["counts"]["valid"] == 2 and summary["counts"]["pending"] == 1
    assert summary["rows"][0]["message"] == "would be sent: 1 billable call(s)"


def test_status_shows_the_journal_without_sending(tmp_path: Path) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(4)])
    with served() as (sandbox, url):
        bulkads("run", "launch.csv", "--max-calls", "1", cwd=tmp_path, url=url)
        before = len(sandbox.calls())
        result = bulkads("status", "launch.csv", "--json", cwd=tmp_path, key=None)
        assert len(sandbox.calls()) == before
    summary = json.loads(result.stdout)
    assert summary["counts"] == {"created": 1, "pending": 3}
    assert [row["row"] for row in summary["rows"]] == [3, 4, 5]


def test_status_and_a_rerun_without_advertiser_id_read_the_rows_as_the_run_sent_them(
    tmp_path: Path,
) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(3)])
    chosen = AGENCY_ADVERTISERS[1].advertiser_id
    with served() as (sandbox, url):
        first = bulkads(
            "run", "launch.csv", "--advertiser-id", chosen, cwd=tmp_path, key=AGENCY_KEY, url=url
        )
        assert first.returncode == 0, first.stdout + first.stderr
        status = bulkads("status", "launch.csv", "--json", cwd=tmp_path, key=None)
        again = bulkads("run", "launch.csv", "--json", cwd=tmp_path, key=AGENCY_KEY, url=url)
        sent = sandbox.calls(tool=BILLABLE)
    assert json.loads(status.stdout)["counts"] == {"created": 3}
    counts = json.loads(again.stdout)["counts"]
    assert {name: n for name, n in counts.items() if n} == {"created": 3}
    assert again.returncode == 0
    assert len(sent) == 3  # nothing created twice


def test_a_rerun_that_uses_the_remembered_advertiser_says_so_once_naming_it(
    tmp_path: Path,
) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(2)])
    chosen = AGENCY_ADVERTISERS[1]
    said = f"go to advertiser {chosen.advertiser_id} ({chosen.name}), remembered from the"
    given = ("--advertiser-id", chosen.advertiser_id)
    with served() as (sandbox, url):
        first = bulkads("run", "launch.csv", *given, cwd=tmp_path, key=AGENCY_KEY, url=url)
        write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(3)])
        again = bulkads("run", "launch.csv", cwd=tmp_path, key=AGENCY_KEY, url=url)
        as_json = bulkads("run", "launch.csv", "--json", cwd=tmp_path, key=AGENCY_KEY, url=url)
        named = bulkads("run", "launch.csv", *given, cwd=tmp_path, key=AGENCY_KEY, url=url)
        sent = sandbox.calls(tool=BILLABLE)
    assert [first.returncode, again.returncode, as_json.returncode] == [0, 0, 0], again.stderr
    assert said not in " ".join((first.stdout + first.stderr).split())
    terminal = " ".join((again.stdout + again.stderr).split())
    assert terminal.count(said) == 1, terminal
    assert "to change it, pass --advertiser-id" in terminal
    notes = json.loads(as_json.stdout)["notes"]  # nothing to send: the accounts not asked
    assert [n for n in notes if "remembered" in n] == notes[:1]
    assert f"go to advertiser {chosen.advertiser_id}, remembered" in notes[0]
    assert said not in " ".join((named.stdout + named.stderr).split())
    assert len(sent) == 3  # the third row went to the remembered advertiser, nothing twice


def test_a_remembered_advertiser_is_mentioned_only_when_a_row_goes_to_it(
    tmp_path: Path, sandbox: tuple[Sandbox, str]
) -> None:
    box, url = sandbox
    own = AGENCY_ADVERTISERS[0].advertiser_id
    rows = [campaign_row(n, advertiser_id=own) for n in range(2)]
    sheet = write_csv(tmp_path / "launch.csv", rows)
    chosen = AGENCY_ADVERTISERS[1].advertiser_id
    assert run(config_for(sheet, url, key=AGENCY_KEY, advertiser_id=chosen)).exit_code == 0
    rows.append(campaign_row(2, advertiser_id=own))
    write_csv(sheet, rows)
    unused = run(config_for(sheet, url, key=AGENCY_KEY))  # every row names its own
    write_csv(sheet, [*rows, campaign_row(3)])
    uses = run(config_for(sheet, url, key=AGENCY_KEY))
    assert [r.status for r in unused.rows] == ["created"] * 3
    assert [r.status for r in uses.rows] == ["created"] * 4
    assert not [note for note in unused.notes if "remembered" in note]
    assert f"go to advertiser {chosen} (" in uses.notes[0]
    assert [c.arguments["advertiser_id"] for c in box.created("campaign")] == [own] * 3 + [chosen]


def test_accounts_lists_the_advertisers_and_the_quota(tmp_path: Path) -> None:
    with served() as (sandbox, url):
        result = bulkads("accounts", "--json", cwd=tmp_path, key=AGENCY_KEY, url=url)
        assert not sandbox.calls(tool=BILLABLE)
    answer = json.loads(result.stdout)
    assert [a["advertiser_id"] for a in answer["accounts"]] == [
        a.advertiser_id for a in AGENCY_ADVERTISERS
    ]
    assert answer["quota"]["left"] == 3000


def test_the_key_is_never_printed_logged_or_written(tmp_path: Path) -> None:
    secret = "sk_fake_" + "S3cr3tValue" * 3
    key_file = tmp_path / "key.txt"
    key_file.write_text(secret + "\n")
    write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    with served() as (_, url):
        refused = bulkads(
            "run",
            "launch.csv",
            "--api-key-file",
            str(key_file),
            "--json",
            cwd=tmp_path,
            key=None,
            url=url,
        )
    assert refused.returncode == 3
    assert "refused the key" in refused.stderr
    assert secret not in refused.stdout + refused.stderr
    for path in tmp_path.iterdir():
        if path != key_file:
            assert secret.encode() not in path.read_bytes(), path.name


def test_an_api_key_file_is_used(tmp_path: Path) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text(SOLO_KEY)
    write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    with served() as (_, url):
        result = bulkads(
            "run", "launch.csv", "--api-key-file", "key.txt", cwd=tmp_path, key=None, url=url
        )
    assert result.returncode == 0, result.stderr


def start_run(cwd: Path, url: str, *options: str) -> subprocess.Popen[str]:
    """`bulkads run launch.csv` in the background, as a user's terminal would run it."""
    env = {**os.environ, "ADSPIRER_API_KEY": SOLO_KEY}
    command = [sys.executable, "-m", "bulkads", "run", "launch.csv", "--base-url", url, *options]
    return subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_creates(sandbox: Sandbox, count: int) -> None:
    deadline = time.monotonic() + 30
    while len(sandbox.calls(tool=BILLABLE)) < count:
        assert time.monotonic() < deadline, "the run sent nothing"
        time.sleep(0.01)


def test_ctrl_c_stops_sending_writes_results_and_a_rerun_resumes(tmp_path: Path) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(12)])
    with served(replace(QUICK, latency=(0.3, 0.3))) as (sandbox, url):
        process = start_run(tmp_path, url, "--concurrency", "2", "--rate", "50")
        wait_for_creates(sandbox, 2)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 3, err
        assert "Traceback" not in err
        book = openpyxl.load_workbook(tmp_path / "launch.results.xlsx")
        statuses = [r[1] for r in book["Results"].iter_rows(min_row=2, values_only=True)]
        assert "pending" in statuses and "created" in statuses
        sandbox.config = replace(sandbox.config, latency=(0.0, 0.0))
        resumed = bulkads("run", "launch.csv", "--base-url", url, "--rate", "50", cwd=tmp_path)
        names = sorted(c.arguments["campaign_name"] for c in sandbox.created("campaign"))
    assert resumed.returncode == 0
    assert names == sorted(f"Launch {n:04d}" for n in range(12))


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_a_second_ctrl_c_abandons_calls_in_flight_and_they_stay_resumable(
    tmp_path: Path,
) -> None:
    rows = 12
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(rows)])
    with served(replace(QUICK, latency=(0.0, 0.0))) as (sandbox, url):
        process = start_run(tmp_path, url, "--concurrency", "3", "--rate", "5")
        wait_for_creates(sandbox, 1)  # past the pre-flight: from now on calls take 4 s
        sandbox.config = replace(sandbox.config, latency=(4.0, 4.0))
        wait_until(lambda: sandbox.in_flight >= 2, "no call was in flight")
        process.send_signal(signal.SIGINT)
        time.sleep(0.3)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        abandoned = sandbox.in_flight  # it did not wait for the 4 s calls
        assert process.returncode == 3, err
        assert "Traceback" not in err
        # The server is still working on the calls the client gave up on.
        assert abandoned >= 2, "the calls in flight were not abandoned"
        sandbox.config = replace(sandbox.config, latency=(0.0, 0.0))
        wait_until(lambda: sandbox.in_flight == 0, "the abandoned calls never finished")
        resumed = bulkads("run", "launch.csv", "--base-url", url, "--rate", "50", cwd=tmp_path)
        names = sorted(c.arguments["campaign_name"] for c in sandbox.created("campaign"))
        keys = {c.idempotency_key for c in sandbox.calls(tool=BILLABLE)}
    assert resumed.returncode == 0, resumed.stderr
    assert names == sorted(f"Launch {n:04d}" for n in range(rows))
    assert len(keys) == rows  # the abandoned calls were resent with their own keys


def test_a_second_run_on_the_same_sheet_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(6)])
    with served(replace(QUICK, latency=(0.2, 0.2))) as (sandbox, url):
        first = start_run(tmp_path, url, "--concurrency", "1")
        wait_for_creates(sandbox, 1)  # it holds the journal: it is sending
        # Suspended (Ctrl-Z) it cannot finish before the second starts, however slow the
        # machine; it still holds the journal, as a running one does.
        first.send_signal(signal.SIGSTOP)
        try:
            second = bulkads("run", "launch.csv", "--base-url", url, cwd=tmp_path)
        finally:
            first.send_signal(signal.SIGCONT)
        _, err = first.communicate(timeout=60)
        created = sandbox.created("campaign")
    assert second.returncode == 2
    assert "another `bulkads run`" in second.stderr
    assert first.returncode == 0, err
    assert len(created) == 6


def test_template_writes_a_sheet_whose_example_row_is_refused_until_deleted(
    tmp_path: Path,
) -> None:
    made = bulkads("template", "-o", "mine.xlsx", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    checked = bulkads("validate", "mine.xlsx", cwd=tmp_path)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "row 2: invalid — row: the template's example row: delete it" in checked.stdout
    book = openpyxl.load_workbook(tmp_path / "mine.xlsx")
    book["Campaigns"]["A2"] = "Summer Sale - US"  # the user's own row
    book.save(tmp_path / "mine.xlsx")
    checked = bulkads("validate", "mine.xlsx", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_demo_creates_the_sample_campaigns_and_writes_demo_results(tmp_path: Path) -> None:
    result = bulkads("demo", cwd=tmp_path, key="sk_fake_should_be_ignored")
    assert result.returncode == 0, result.stdout + result.stderr
    book = openpyxl.load_workbook(tmp_path / "demo-results.xlsx")
    statuses = [r[1] for r in book["Results"].iter_rows(min_row=2, values_only=True)]
    assert statuses and set(statuses) == {"created"}
    assert "created" in result.stdout


def test_status_says_when_it_reads_rows_with_the_remembered_advertiser(tmp_path: Path) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(2)])
    chosen = AGENCY_ADVERTISERS[1].advertiser_id
    given = ("--advertiser-id", chosen)
    with served() as (_, url):
        first = bulkads("run", "launch.csv", *given, cwd=tmp_path, key=AGENCY_KEY, url=url)
    assert first.returncode == 0, first.stderr
    shown = bulkads("status", "launch.csv", cwd=tmp_path, key=None)
    as_json = json.loads(bulkads("status", "launch.csv", "--json", cwd=tmp_path, key=None).stdout)
    named = bulkads("status", "launch.csv", *given, cwd=tmp_path, key=None)
    said = f"go to advertiser {chosen}, remembered from the --advertiser-id"
    assert " ".join(shown.stdout.split()).count(said) == 1, shown.stdout
    assert as_json["counts"] == {"created": 2} and said in as_json["notes"][0]
    assert "remembered" not in named.stdout
