"""CONTRACT §9: from Python, the CLI's jobs with the CLI's defaults; a DataFrame in, one out."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from runs import QUICK as QUICK_SANDBOX
from runs import campaign_row, served, write_csv

import bulkads
from bulkads.config import default
from bulkads.errors import OptionError, UsageError
from bulkads.options import checked_options, option_names
from bulkads.sandbox import SOLO_KEY

ROOT = Path(__file__).resolve().parent.parent
CREATE = "create_tiktok_campaign"
FREE_TOOLS = {"get_usage_status", "list_connected_accounts"}
QUICK: dict[str, Any] = {"rate": 200.0, "timeout": 10.0, "backoff_base": 0.01, "backoff_cap": 0.05}


def launch_frame(count: int = 3, **overrides: Any) -> pd.DataFrame:
    """A launch list built in code, as a notebook would: one valid Spark-ad row per campaign."""
    return pd.DataFrame([campaign_row(n, **overrides) for n in range(1, count + 1)])


def billable(sandbox: Any) -> int:
    return sum(1 for call in sandbox.calls() if call.tool not in FREE_TOOLS)


def python(script: str, *, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`script` in a fresh interpreter, importing this tree, with only `env` added."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    for name in ("ADSPIRER_API_KEY", "ADSPIRER_BASE_URL"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- a DataFrame in, a DataFrame out -------------------------------------------------------


def test_a_dataframe_run_creates_every_row_once_and_hands_back_the_ids(tmp_path: Path) -> None:
    frame = launch_frame(3)
    with served() as (sandbox, url):
        report = bulkads.run(
            frame, api_key=SOLO_KEY, base_url=url, journal=tmp_path / "j.sqlite", **QUICK
        )
        created = {c.arguments["campaign_name"]: c for c in sandbox.created("campaign")}
        assert len(sandbox.calls(tool=CREATE)) == 3
    assert report.exit_code == 0 and report.results_path is None
    table = report.to_pandas()
    assert list(table["row"]) == [2, 3, 4]  # row 1 is the header, as in a sheet
    assert list(table["status"]) == ["created"] * 3
    assert list(table["campaign_name"]) == list(frame["campaign_name"])
    for _, row in table.iterrows():
        made = created[row["campaign_name"]]
        assert row["campaign_id"] == made.id
        assert row["ad_group_id"] == made.details["ad_group_id"]
    assert str(table["campaign_id"].dtype) == "string"
    assert not list(tmp_path.glob("*.xlsx"))  # results only where results= says


def test_a_second_call_from_a_fresh_interpreter_resumes_and_sends_nothing(
    tmp_path: Path,
) -> None:
    frame = launch_frame(4)
    frame.to_pickle(tmp_path / "launch.pkl")
    script = textwrap.dedent(f"""
        import json, pandas, bulkads
        frame = pandas.read_pickle("launch.pkl")
        report = bulkads.run(frame, journal="launch.journal.sqlite", **{QUICK!r})
        table = report.to_pandas()
        print(json.dumps({{"exit": report.exit_code, "ids": list(table["campaign_id"])}}))
    """)
    with served() as (sandbox, url):
        env = {"ADSPIRER_API_KEY": SOLO_KEY, "ADSPIRER_BASE_URL": url}
        first = python(script, env=env, cwd=tmp_path)
        spent = billable(sandbox)
        second = python(script, env=env, cwd=tmp_path)
        assert billable(sandbox) == spent == 4
        issued = sorted(c.id for c in sandbox.created("campaign"))
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    before, after = json.loads(first.stdout), json.loads(second.stdout)
    assert before["exit"] == after["exit"] == 0
    assert before["ids"] == after["ids"] and sorted(after["ids"]) == issued


def test_missing_values_come_back_missing_and_ids_as_strings(tmp_path: Path) -> None:
    frame = launch_frame(2)
    frame.loc[1, "landing_page_url"] = "http://insecure.example.com"
    frame["Notes"] = ["first", None]
    with served() as (_, url):
        report = bulkads.run(frame, api_key=SOLO_KEY, base_url=url, journal=tmp_path / "j", **QUICK)
    table = report.to_pandas()
    assert list(table.columns) == [
        "row", "status", "message", *frame.columns, "campaign_id", "ad_group_id", "ad_id"
    ]  # fmt: skip
    bad = table.iloc[1]
    assert bad["status"] == "invalid" and "landing_page_url" in bad["message"]
    assert bad["campaign_id"] is pd.NA and bad["ad_id"] is pd.NA and bad["Notes"] is pd.NA
    assert isinstance(table.iloc[0]["campaign_id"], str)


def test_a_to_pandas_table_fixed_and_fed_back_sends_only_the_fixed_rows(tmp_path: Path) -> None:
    frame = launch_frame(3, budget_daily=60.0)
    frame.loc[2, "budget_daily"] = 0.5
    with served() as (sandbox, url):
        first = bulkads.run(frame, api_key=SOLO_KEY, base_url=url, journal=tmp_path / "a", **QUICK)
        table = first.to_pandas()
        table.loc[table["status"] == "invalid", "budget_daily"] = 80.0
        # Another journal: only the table's own campaign_id column says what was created.
        fixed = bulkads.run(table, api_key=SOLO_KEY, base_url=url, journal=tmp_path / "b", **QUICK)
        assert len(sandbox.calls(tool=CREATE)) == 3
    assert fixed.exit_code == 0
    again = fixed.to_pandas()
    assert list(again["campaign_id"][:2]) == list(table["campaign_id"][:2])
    assert list(again.columns) == list(table.columns)  # its own columns are not repeated


def test_to_pandas_can_be_filtered_for_the_rows_to_fix(tmp_path: Path) -> None:
    frame = launch_frame(3)
    frame.loc[2, "ad_text"] = None
    report = bulkads.validate(frame)
    table = report.to_pandas()
    to_fix = table[table["status"] == "invalid"]
    assert list(to_fix["row"]) == [4]
    assert "ad_text" in to_fix.iloc[0]["message"]
    assert report.results_path is None


def test_a_dataframe_run_needs_a_journal() -> None:
    with pytest.raises(UsageError, match=r"needs journal=PATH"):
        bulkads.run(launch_frame(1), api_key=SOLO_KEY, base_url="http://127.0.0.1:9")
    with pytest.raises(UsageError, match=r"a DataFrame is one sheet: drop sheet_name"):
        bulkads.validate(launch_frame(1), sheet="Launch")


def test_a_dataframe_writes_results_where_asked(tmp_path: Path) -> None:
    report = bulkads.validate(launch_frame(2), results=str(tmp_path / "out.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    header = next(book["Results"].iter_rows(values_only=True))
    book.close()
    assert report.exit_code == 0 and header[:4] == ("row", "status", "message", "campaign_name")


# --- the same messages as a sheet ----------------------------------------------------------


def sheet_messages(frame: pd.DataFrame, path: Path) -> list[tuple[int, str, str]]:
    """The validation of `frame` written to an xlsx (numbers stay numbers, as typed in Excel)."""
    frame.to_excel(path, index=False, engine="openpyxl")
    return [(r.number, r.status, r.message) for r in bulkads.validate(path).rows]


def frame_messages(frame: pd.DataFrame) -> list[tuple[int, str, str]]:
    return [(r.number, r.status, r.message) for r in bulkads.validate(frame).rows]


def test_a_missing_required_column_reads_as_in_a_sheet(tmp_path: Path) -> None:
    frame = launch_frame(2).drop(columns=["ad_text"])
    messages = frame_messages(frame)
    assert messages == sheet_messages(frame, tmp_path / "same.xlsx")
    assert all(status == "invalid" and "ad_text" in message for _, status, message in messages)


def test_a_float_id_column_asks_for_text_as_a_sheet_does(tmp_path: Path) -> None:
    frame = launch_frame(2)
    frame["tiktok_item_id"] = [7.2e18, 7.3e18]  # a float64 column: the IDs' digits are gone
    messages = frame_messages(frame)
    assert messages == sheet_messages(frame, tmp_path / "same.xlsx")
    assert all("format the column as text" in message for _, _, message in messages)


def test_an_integer_id_column_keeps_every_digit() -> None:
    frame = launch_frame(1)
    frame["advertiser_id"] = pd.Series([7_000_123_456_789_012_345], dtype="int64")
    assert [r.status for r in bulkads.validate(frame).rows] == ["valid"]


# --- the CLI's defaults, str paths and keys ------------------------------------------------


def test_str_paths_and_a_plain_str_key_work(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    with served() as (_, url):
        report = bulkads.run(str(sheet), api_key=SOLO_KEY, base_url=url, **QUICK)
    assert report.exit_code == 0
    assert report.results_path == tmp_path / "launch.results.xlsx"  # beside the sheet
    assert (tmp_path / "launch.results.journal.sqlite").exists()
    for written in tmp_path.iterdir():
        if written.is_file():
            assert SOLO_KEY.encode() not in written.read_bytes()


def test_results_never_replace_the_sheet_unless_forced(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.xlsx.csv", [campaign_row(1)])
    mine = tmp_path / "mine.xlsx"
    mine.write_bytes(b"not bulkads' own")
    with pytest.raises(UsageError, match=r"is not a bulkads results workbook"):
        bulkads.validate(sheet, results=str(mine))
    with pytest.raises(UsageError, match=r"is not a bulkads results workbook"):
        bulkads.run(launch_frame(1), api_key=SOLO_KEY, journal=tmp_path / "j", results=mine)
    assert mine.read_bytes() == b"not bulkads' own"
    assert bulkads.validate(sheet, results=mine, force=True).results_path == mine


def test_an_unknown_option_names_the_valid_ones() -> None:
    with pytest.raises(OptionError, match=r"'rat' \(did you mean 'rate'\?\).*max_calls") as error:
        bulkads.run("launch.csv", api_key=SOLO_KEY, rat=5)
    assert isinstance(error.value, TypeError)
    with pytest.raises(OptionError, match=r"concurrency must be a whole number"):
        bulkads.run("launch.csv", api_key=SOLO_KEY, concurrency="many")
    with pytest.raises(UsageError, match=r"rate must be at least 0.01"):
        bulkads.run("launch.csv", api_key=SOLO_KEY, rate=0)


def test_every_run_option_takes_its_own_default() -> None:
    # The options are RunConfig's fields: one added there is an option here, with its type.
    names = option_names()
    assert {"rate", "concurrency", "timeout", "max_calls", "advertiser_id"} <= set(names)
    assert {"sheet_name", "dry_run", "retry_rejected"} <= set(names)
    defaults = {name: default(name) for name in names}
    assert checked_options(defaults, names, where="run") == defaults


def test_the_key_and_base_url_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    monkeypatch.delenv("ADSPIRER_API_KEY", raising=False)
    with pytest.raises(UsageError, match=r"set ADSPIRER_API_KEY or pass api_key="):
        bulkads.run(sheet)
    with served() as (sandbox, url):
        monkeypatch.setenv("ADSPIRER_API_KEY", SOLO_KEY)
        monkeypatch.setenv("ADSPIRER_BASE_URL", url)
        report = bulkads.run(sheet, sheet=None, **QUICK)
        assert len(sandbox.calls(tool=CREATE)) == 1
    assert report.exit_code == 0


# --- event loops ---------------------------------------------------------------------------


async def test_run_async_runs_inside_a_running_loop(tmp_path: Path) -> None:
    with served() as (sandbox, url):
        report = await bulkads.run_async(
            launch_frame(2), api_key=SOLO_KEY, base_url=url, journal=tmp_path / "j", **QUICK
        )
        assert len(sandbox.calls(tool=CREATE)) == 2
    assert report.exit_code == 0


async def test_run_inside_a_running_loop_points_to_run_async(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"await bulkads.run_async"):
        bulkads.run(launch_frame(1), api_key=SOLO_KEY, journal=tmp_path / "j")
    await asyncio.sleep(0)


async def until(condition: Any) -> None:
    """Wait, polling (never a timed assertion), until `condition()` holds."""
    while not condition():
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("how", ["task.cancel()", "asyncio.wait_for"])
async def test_cancelling_run_async_stops_the_run_and_propagates(tmp_path: Path, how: str) -> None:
    frame = launch_frame(8)
    results = tmp_path / "r.xlsx"
    options = {**QUICK, "concurrency": 2, "journal": tmp_path / "j.sqlite", "results": results}
    with served(replace(QUICK_SANDBOX, latency=(0.4, 0.4))) as (sandbox, url):
        running = bulkads.run_async(frame, api_key=SOLO_KEY, base_url=url, **options)
        if how == "task.cancel()":
            task = asyncio.ensure_future(running)
            await until(lambda: len(sandbox.calls(tool=CREATE)) >= 2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        else:
            with pytest.raises(TimeoutError):  # the run is ~2 s of calls: cut short
                await asyncio.wait_for(running, timeout=1.0)
        book = openpyxl.load_workbook(results, read_only=True)
        statuses = [line[1] for line in book["Results"].iter_rows(min_row=2, values_only=True)]
        book.close()
        assert "pending" in statuses  # stopped mid-way, and the results were written
        await until(lambda: sandbox.in_flight == 0)  # what it left in flight ends on the server
        sandbox.config = replace(sandbox.config, latency=(0.0, 0.0))
        resumed = await bulkads.run_async(frame, api_key=SOLO_KEY, base_url=url, **options)
        names = [c.arguments["campaign_name"] for c in sandbox.created("campaign")]
    assert resumed.exit_code == 0
    assert sorted(names) == sorted(frame["campaign_name"])  # every row created once


# --- pandas only when a DataFrame goes in or out -------------------------------------------


def test_the_cli_and_a_sheet_run_never_import_pandas(tmp_path: Path) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    script = textwrap.dedent("""
        import sys
        import bulkads
        from bulkads.cli import main
        try:
            main(["--help"])
        except SystemExit:
            pass
        bulkads.validate("launch.csv")
        print("pandas" in sys.modules)
    """)
    result = python(script, env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_json_rows_carry_the_ids_as_strings_and_null_when_missing(tmp_path: Path) -> None:
    write_csv(tmp_path / "mixed.csv", [campaign_row(1), campaign_row(2, display_name="x" * 41)])
    with served() as (sandbox, url):
        env = {"ADSPIRER_API_KEY": SOLO_KEY, "ADSPIRER_BASE_URL": url}
        script = "from bulkads.cli import main; main()"
        result = subprocess.run(
            [sys.executable, "-c", script, "run", "mixed.csv", "--rate", "200", "--json"],
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        (campaign,) = sandbox.created("campaign")
    created, invalid = json.loads(result.stdout)["rows"]
    assert created["campaign_id"] == campaign.id
    assert created["ad_group_id"] == campaign.details["ad_group_id"]
    assert invalid["status"] == "invalid"
    assert [invalid[name] for name in ("campaign_id", "ad_group_id", "ad_id")] == [None] * 3


# --- the README's example runs as written --------------------------------------------------

NOTEBOOK = """
import ast, asyncio, json, pathlib
source = pathlib.Path("example.py").read_text()
code = compile(source, "README.md", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
names = {}

async def cell():  # as Jupyter runs a cell: inside its running event loop
    result = eval(code, names)
    if result is not None:
        await result

asyncio.run(cell())
table, to_fix = names["table"], names["to_fix"]
print(json.dumps({"created": int((table["status"] == "created").sum()),
                  "to_fix": list(zip(to_fix["row"].tolist(), to_fix["message"].tolist()))}))
"""


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## From Python") :]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found, "the README's From Python section has no python block"
    return found[1]


def test_the_readme_python_example_runs_against_the_sandbox(tmp_path: Path) -> None:
    example = readme_example()
    (tmp_path / "example.py").write_text(example)
    script_form = "report = bulkads.run(launch, journal="
    assert "report = await bulkads.run_async(launch, journal=" in example
    (tmp_path / "script.py").write_text(example.replace("await bulkads.run_async(", "bulkads.run("))
    with served() as (sandbox, url):
        env = {"ADSPIRER_API_KEY": SOLO_KEY, "ADSPIRER_BASE_URL": url}
        first = python(NOTEBOOK, env=env, cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        spent = billable(sandbox)
        again = python(NOTEBOOK, env=env, cwd=tmp_path)  # the same cell again: a resume
        as_script = python((tmp_path / "script.py").read_text(), env=env, cwd=tmp_path)
        assert billable(sandbox) == spent == 2
    assert script_form in (tmp_path / "script.py").read_text()
    assert again.returncode == 0 and as_script.returncode == 0, again.stderr + as_script.stderr
    outcome = json.loads(first.stdout)
    assert outcome == json.loads(again.stdout)
    assert outcome["created"] == 2
    [(row, message)] = outcome["to_fix"]
    assert row == 4 and "budget_daily" in message
