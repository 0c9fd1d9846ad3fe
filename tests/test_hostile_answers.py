"""CONTRACT §1, §4, §7 against a hostile API: what a server says is shown inert, the key it
quotes back is never shown or stored, an oversized or foreign answer ends cleanly."""

from __future__ import annotations

import io
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.progress import Progress
from runs import campaign_row, served, write_csv
from test_commands import bulkads, no_traceback

from bulkads.answers import Quota
from bulkads.errors import Halted
from bulkads.inert import inert
from bulkads.output import print_accounts, print_report, print_status
from bulkads.plan import Accounts
from bulkads.preflight import Preflight
from bulkads.progress import BarListener, LineListener
from bulkads.report import Report, RowResult, Summary
from bulkads.sandbox import SandboxConfig
from bulkads.sandbox.hostile import HOSTILE_TEXT

# Every character a terminal acts on, but newline and tab.
LIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def consoles() -> tuple[Console, io.StringIO]:
    """A real rich Console as the CLI makes one, but on a terminal without colours."""
    out = io.StringIO()
    return Console(file=out, force_terminal=True, color_system=None, width=100_000), out


def shown_everywhere(text: str) -> str:
    """`text` as a server's words, through every printer of the output module and progress."""
    console, out = consoles()
    row = RowResult(number=2, status="rejected", message=text)
    summary = Summary(command="bulkads run", started="", ended="", counts={"rejected": 1})
    report = Report(
        rows=(row,), summary=summary, results_path=None, halt=Halted(text), notes=(text,)
    )
    print_report(report, console=console, err=console, as_json=False, title="Run")
    print_report(report, console=console, err=console, as_json=True, title="Run")
    print_status([row], console=console, as_json=False, title=text)
    accounts = Accounts(("7001",), {"7001": text})
    found = Preflight(Quota(1, 15, text), accounts, notes=(text,))
    print_accounts(found, console=console, as_json=False)
    print_accounts(found, console=console, as_json=True)
    LineListener(console, 1).row_finished(2, "rejected", text)
    LineListener(console, 1).stopping(text, 1)
    with Progress(console=console, auto_refresh=False) as progress:
        BarListener(progress, 1).row_finished(2, "rejected", text)
        BarListener(progress, 1).stopping(text, 0)
    return out.getvalue()


@settings(deadline=None)
@given(st.text())
def test_any_text_a_server_returns_is_shown_as_written_with_no_live_control_or_markup(
    text: str,
) -> None:
    output = shown_everywhere(text)
    # rich's own progress display hides, shows and redraws the cursor: those are ours.
    assert not LIVE.search(re.sub(r"\x1b\[(?:\?25[lh]|2K|\d*[AG])|\r", "", output))
    for line in inert(text).split("\n"):
        if "\t" not in line:  # rich expands tabs to the next stop
            assert line.strip() in output  # not read as markup, no emoji substituted


def test_markup_links_emoji_codes_and_escapes_show_as_plain_text() -> None:
    output = shown_everywhere(HOSTILE_TEXT)
    assert "[/bold] [link=https://evil.example]corp[/link] root:x:0:0 :thumbs_up:" in output
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in output
    assert "\x1b]0" not in output and "\x9b" not in output and "\u202e" not in output


def test_bulkads_accounts_shows_hostile_account_names_inert(tmp_path: Path) -> None:
    with served(SandboxConfig(hostile_text=True, seed=1)) as (_, base_url):
        result = bulkads("accounts", cwd=tmp_path, url=base_url)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr
    assert not LIVE.search(said.replace("\n", ""))
    assert "[/bold]" in said and "root:x:0:0" in said and "❌" not in said


def test_a_run_shows_hostile_refusals_inert_on_the_terminal(tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path / "launch.csv",
        [campaign_row(1, advertiser_id="7999999999999999999"), campaign_row(2)],
    )
    with served(SandboxConfig(hostile_text=True, seed=1, latency=(0.0, 0.0))) as (_, base_url):
        result = bulkads("run", sheet.name, "--rate", "50", cwd=tmp_path, url=base_url)
    no_traceback(result)
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert not LIVE.search(said.replace("\n", "")), repr(said)
    assert "\\x1b]0;pwned" in said and "[/bold]" in said
