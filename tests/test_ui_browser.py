"""`bulkads ui` in a real browser (headless Debian Chromium, driven by Playwright).

The page is served over loopback as `bulkads ui` serves it; rehearsals go to the
embedded sandbox, whose ledger says what was created. Each view is screenshotted
into tests/artifacts/ to be looked at.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from runs import QUICK, campaign_row, served, write_csv
from ui_fixtures import ARTIFACTS, CHROMIUM_ARGS, ROOT, SAMPLES, chromium, ui_served

from bulkads.config import Secret
from bulkads.sandbox import SOLO_KEY, Sandbox, SandboxConfig
from bulkads.sheet import read_sheet
from bulkads.status import validate
from bulkads.ui.app import UiSettings

if chromium() is None and not os.environ.get("CI"):
    pytest.skip("no chromium here (apt-get install chromium)", allow_module_level=True)

TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One browser for the module. Not the session: Playwright's sync API keeps its event
    loop marked running in this thread, which the suite's asyncio tests could not start."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    yield opened
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"ui-{name}.png"), full_page=True)


def drop(page: Page, path: Path) -> None:
    """Drop a file on the drop zone, as a mouse would (a DataTransfer holding the file)."""
    transfer = page.evaluate_handle(
        """([name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name));
            return transfer;
        }""",
        [path.name, base64.b64encode(path.read_bytes()).decode()],
    )
    page.dispatch_event("#drop", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})


def until(page: Page, condition: Callable[[], bool]) -> None:
    """Poll the page (the page's CSP forbids wait_for_function's eval, as it should)."""
    for _ in range(TIMEOUT_MS // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the page never got there")


def settings(folder: Path, **options: object) -> UiSettings:
    values: dict[str, object] = {
        "folder": folder,
        "live_url": "https://api.adspirer.ai",
        "api_key": None,
        "sandbox": Sandbox(SandboxConfig(latency=(0.0, 0.01), seed=3)),
    }
    values.update(options)
    return UiSettings(**values)  # type: ignore[arg-type]


def test_dropping_common_mistakes_shows_each_bad_cell_with_its_rule(
    page: Page, tmp_path: Path
) -> None:
    sheet = SAMPLES / "common_mistakes.xlsx"
    report = validate(sheet, results=None)  # writes nothing
    names = {c.name for c in read_sheet(sheet).columns}
    expected = {
        (row.number, issue.column, issue.message)
        for row in report.rows
        for issue in row.issues
        if issue.severity == "error" and issue.column in names
    }
    with ui_served(settings(tmp_path)) as url:
        page.goto(url)
        shot(page, "1-start")
        drop(page, sheet)
        page.wait_for_selector("#check-view:not([hidden])")
        shot(page, "2-check-mistakes")
        page.locator("#rows tr[data-row='7'] td.error").first.screenshot(
            path=str(ARTIFACTS / "ui-2b-bad-cell.png")
        )
        shown = page.eval_on_selector_all(
            "#rows td.error",
            "tds => tds.map(td => [Number(td.parentElement.dataset.row), td.dataset.column,"
            " td.querySelector('.note').textContent])",
        )
        counts = page.inner_text("#check-counts")
    found = {(number, column): note.split("\n") for number, column, note in shown}
    missing = [e for e in expected if e[2] not in found.get((e[0], e[1]), [])]
    assert expected and not missing
    assert f"{report.counts['invalid']} invalid" in counts
    assert (tmp_path / "common_mistakes.xlsx").read_bytes() == sheet.read_bytes()


def test_rehearse_launch_watch_and_download_the_results(page: Page, tmp_path: Path) -> None:
    ui = settings(tmp_path)
    with ui_served(ui) as url:
        page.goto(url)
        with page.expect_file_chooser() as chooser:  # the keyboard way in
            page.focus("#drop")
            page.keyboard.press("Enter")
        chooser.value.set_files(str(SAMPLES / "small_launch.xlsx"))
        page.wait_for_selector("#plan-view:not([hidden])")
        page.click("#plan-button")
        page.wait_for_selector("#plan:not([hidden])")
        banner = page.inner_text("#plan-banner")
        rows = int(page.inner_text("#plan-rows"))
        shot(page, "3-plan-rehearsal")
        page.click("#launch-button")
        page.wait_for_selector("#watch-state[data-state=finished]")
        done = page.inner_text("#w-done")
        bar = page.eval_on_selector("#bar", "bar => [bar.value, bar.max]")
        shot(page, "4-finished")
        with page.expect_download() as download:
            page.click("#download")
        saved = tmp_path / "downloaded.xlsx"
        download.value.save_as(saved)
        created_shown = page.eval_on_selector_all(
            "#created-table tbody tr", "trs => trs.map(tr => tr.cells[2].textContent)"
        )
    assert banner.startswith("REHEARSAL") and "nothing is spent" in banner
    assert rows > 0 and done == f"{rows} / {rows}" and bar == [rows, rows]
    ledger = {c.id for c in ui.sandbox.created("campaign")}
    book = openpyxl.load_workbook(saved, read_only=True)
    table = list(book["Results"].iter_rows(values_only=True))
    header = table[0]
    statuses = [r[header.index("status")] for r in table[1:]]
    ids = {r[header.index("campaign_id")] for r in table[1:]}
    book.close()
    assert statuses == ["created"] * rows
    assert ids == ledger == set(created_shown)
    # The rehearsal keeps its own results and journal; the live ones stay untouched.
    assert (tmp_path / "small_launch.results.rehearsal.xlsx").is_file()
    assert not (tmp_path / "small_launch.results.xlsx").exists()


def test_stop_mid_run_then_launch_again_creates_every_row_exactly_once(
    page: Page, tmp_path: Path
) -> None:
    rows = 24
    sheet = write_csv(tmp_path / "spring.csv", [campaign_row(n) for n in range(1, rows + 1)])
    slow = Sandbox(SandboxConfig(latency=(0.3, 0.4), seed=5))
    ui = settings(tmp_path / "work", sandbox=slow, rehearsal_rate=8.0)
    ui.folder.mkdir()
    with ui_served(ui) as url:
        page.goto(url)
        page.set_input_files("#file", str(sheet))
        page.click("#plan-button")
        page.click("#launch-button")
        until(page, lambda: page.eval_on_selector("#bar", "bar => bar.value") >= 3)
        page.click("#stop-button")
        page.wait_for_selector("#watch-state[data-state=stopped]")
        shot(page, "5-stopped")
        stopped_at = len(slow.created("campaign"))
        pending_visible = page.is_visible("#resume-button")
        page.click("#resume-button")
        page.wait_for_selector("#watch-state[data-state=finished]")
        shot(page, "6-resumed")
        counts = page.inner_text("#r-counts")
    names = Counter(c.arguments["campaign_name"] for c in slow.created("campaign"))
    assert 3 <= stopped_at < rows and pending_visible
    assert len(names) == rows and set(names.values()) == {1}
    assert f"{rows} created" in counts


def test_a_live_plan_names_the_api_and_the_advertisers_and_asks_before_spending(
    page: Page, tmp_path: Path
) -> None:
    # A plus plan with 8 calls left: the sheet's 16 calls cannot all be afforded.
    short = replace(QUICK, strict_library=False, quota_limit=150, quota_used=142)
    with served(short) as (live, live_url):
        ui = settings(tmp_path, live_url=live_url, api_key=Secret(SOLO_KEY))
        with ui_served(ui) as url:
            page.goto(url)
            page.set_input_files("#file", str(SAMPLES / "small_launch.xlsx"))
            page.check("input[name=target][value=live]")
            page.click("#plan-button")
            page.wait_for_selector("#plan:not([hidden])")
            shot(page, "7-plan-live")
            banner = page.inner_text("#plan-banner")
            advertisers = page.inner_text("#plan-advertisers")
            quota = page.inner_text("#plan-quota")
            unaffordable = page.eval_on_selector_all("#plan-short-list li", "lis => lis.length")
            disabled_before = page.is_disabled("#launch-button")
            page.check("#confirm")
            enabled_after = page.is_enabled("#launch-button")
            content = page.content()
        spent = live.calls(tool="create_tiktok_campaign")
    assert banner.startswith("LIVE") and live_url in banner
    assert "Acme Outfitters" in advertisers and quota.startswith("8 of 150")
    assert unaffordable > 0
    assert disabled_before and enabled_after
    assert spent == [] and SOLO_KEY not in content


def test_a_launch_begun_on_the_command_line_resumes_from_the_page(
    page: Page, tmp_path: Path
) -> None:
    sheet = tmp_path / "launch.xlsx"
    sheet.write_bytes((SAMPLES / "small_launch.xlsx").read_bytes())
    with served(replace(QUICK, strict_library=False)) as (live, live_url):
        first = bulkads_run(sheet, live_url, "--max-calls", "3")  # stops short: exit 3
        ui = settings(tmp_path, live_url=live_url, api_key=Secret(SOLO_KEY), rate=50.0)
        with ui_served(ui) as url:
            page.goto(url)
            page.select_option("#picked", "launch.xlsx")
            page.click("#pick button")
            page.wait_for_selector("#earlier:not([hidden])")
            earlier = page.inner_text("#earlier-counts")
            shot(page, "8-launched-before")
            page.check("input[name=target][value=live]")
            page.click("#plan-button")
            page.check("#confirm")
            page.click("#launch-button")
            page.wait_for_selector("#watch-state[data-state=finished]")
            shot(page, "9-live-finished")
        again = bulkads_run(sheet, live_url)  # and the command line finds it done
        names = Counter(c.arguments["campaign_name"] for c in live.created("campaign"))
    assert first.returncode == 3 and again.returncode == 0, (first.stderr, again.stderr)
    assert "created" in earlier and "pending" in earlier
    assert len(names) == 10 and set(names.values()) == {1}
    assert json.loads(again.stdout)["counts"]["created"] == 10


def bulkads_run(sheet: Path, base_url: str, *options: str) -> subprocess.CompletedProcess[str]:
    """`bulkads run SHEET` in a child process, as a user types it."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ADSPIRER_API_KEY": SOLO_KEY,
        "ADSPIRER_BASE_URL": base_url,
    }
    command = [sys.executable, "-m", "bulkads", "run", sheet.name, "--rate", "50", "--json"]
    return subprocess.run(
        [*command, *options], cwd=sheet.parent, env=env, capture_output=True, text=True
    )


def test_a_marketers_words_show_what_they_are_sent_as_and_rehearse_cleanly(
    page: Page, tmp_path: Path
) -> None:
    sheet = SAMPLES / "marketer_launch.xlsx"
    report = validate(sheet, results=None)
    ui = settings(tmp_path)
    with ui_served(ui) as url:
        page.goto(url)
        drop(page, sheet)
        page.wait_for_selector("#check-view:not([hidden])")
        sent_as = page.eval_on_selector_all(
            "#rows td.message .sent-as", "spans => spans.map(s => s.textContent)"
        )
        shot(page, "10-words")
        page.click("#plan-button")
        page.click("#launch-button")
        page.wait_for_selector("#watch-state[data-state=finished]")
        counts = page.inner_text("#r-counts")
    expected = [f"sent as: {row.sent_as}" for row in report.rows if row.sent_as]
    assert expected and sent_as == expected
    assert counts == f"{len(report.rows)} created"
    assert len(ui.sandbox.created("campaign")) == len(report.rows)
