"""CONTRACT §1, §4, §7 against a hostile API: what a server says is shown inert, the key it
quotes back is never shown or stored, an oversized or foreign answer ends cleanly."""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.progress import Progress
from runs import campaign_row, served, write_csv
from test_commands import bulkads, no_traceback

from bulkads.accounts import Accounts
from bulkads.answers import MAX_MESSAGE, Quota, Verdict, classify
from bulkads.errors import Halted
from bulkads.inert import inert
from bulkads.output import print_accounts, print_report, print_status
from bulkads.preflight import Preflight
from bulkads.progress import BarListener, LineListener
from bulkads.report import Report, RowResult, Summary
from bulkads.rules import Issue
from bulkads.sandbox import SOLO_KEY, SandboxConfig
from bulkads.sandbox.hostile import HOSTILE_TEXT
from bulkads.transport import MAX_ANSWER_BYTES

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
    warned = RowResult(
        number=3, status="created", message="", issues=(Issue("ad_text", text, "warning"),)
    )
    summary = Summary(command="bulkads run", started="", ended="", counts={"rejected": 1})
    report = Report(
        rows=(row, warned), summary=summary, results_path=None, halt=Halted(text), notes=(text,)
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
    square = "https://cdn.example.com/spring_1080x1080.jpg"  # the API refuses it: not 9:16
    sheet = write_csv(
        tmp_path / "launch.csv",
        [campaign_row(1, tiktok_item_id=None, image_urls=square), campaign_row(2)],
    )
    with served(SandboxConfig(hostile_text=True, seed=1, latency=(0.0, 0.0))) as (_, base_url):
        result = bulkads("run", sheet.name, "--rate", "50", cwd=tmp_path, url=base_url)
    no_traceback(result)
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert not LIVE.search(said.replace("\n", "")), repr(said)
    assert "\\x1b]0;pwned" in said and "[/bold]" in said


def everything_written(folder: Path) -> bytes:
    """Every byte of every file in `folder` (journal, its -wal, the results unzipped)."""
    found = b""
    for path in sorted(folder.iterdir()):
        if path.is_file():
            found += path.read_bytes()
            if path.suffix == ".xlsx":
                with zipfile.ZipFile(path) as book:
                    found += b"".join(book.read(name) for name in book.namelist())
    return found


def test_a_key_quoted_back_by_the_server_is_never_shown_journaled_or_written(
    tmp_path: Path,
) -> None:
    square = "https://cdn.example.com/spring_1080x1080.jpg"  # the API refuses it: not 9:16
    write_csv(
        tmp_path / "launch.csv",
        [campaign_row(1, tiktok_item_id=None, image_urls=square), campaign_row(2)],
    )
    with served(SandboxConfig(echo_authorization=True, seed=1, latency=(0.0, 0.0))) as (_, url):
        result = bulkads(
            "run", "launch.csv", "--rate", "50", "--journal", "j.sqlite", cwd=tmp_path, url=url
        )
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    said = result.stdout + result.stderr
    assert SOLO_KEY not in said
    assert "Authorization: Bearer [key redacted]" in " ".join(said.split())
    written = everything_written(tmp_path)
    assert SOLO_KEY.encode() not in written
    assert b"[key redacted]" in written


def test_a_refused_key_quoted_back_is_not_shown_either(tmp_path: Path) -> None:
    wrong = "sk_fake_typo_3b9f1e77"
    with served(SandboxConfig(echo_authorization=True, seed=1)) as (_, url):
        result = bulkads("accounts", cwd=tmp_path, url=url, key=wrong)
    no_traceback(result)
    assert result.returncode == 3
    assert wrong not in result.stdout + result.stderr
    assert "[key redacted]" in " ".join(result.stderr.split())


def test_an_oversized_answer_is_not_read_and_ends_the_run_in_one_line(tmp_path: Path) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    padded = SandboxConfig(pad_bytes=MAX_ANSWER_BYTES + 1, seed=1, latency=(0.0, 0.0))
    with served(padded) as (sandbox, url):
        result = bulkads("run", "launch.csv", cwd=tmp_path, url=url)
        billable = sandbox.calls(tool="create_tiktok_campaign")
    no_traceback(result)
    assert result.returncode == 2, result.stderr
    said = " ".join((result.stdout + result.stderr).split())
    assert "with a body of over" in said and "it was not read" in said
    assert len(result.stdout + result.stderr) < 5_000
    assert billable == []
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) < 200_000


def test_an_answers_text_is_cut_before_it_is_shown_or_stored() -> None:
    body = json.dumps({"success": False, "error": "no " * 1_000_000}).encode()
    outcome = classify(status=400, body=body, headers={})
    assert outcome.verdict is Verdict.REJECT
    assert len(outcome.message) < MAX_MESSAGE + 100
    assert outcome.message.endswith("more characters not kept)")


def test_a_hostile_json_shape_is_read_without_crashing() -> None:
    for body in (b"[" * 100_000, b'{"success": false, "data": [1], "error": 5}', b'{"data": 1}'):
        for status in (200, 400, 429, 500):
            classify(status=status, body=body, headers={})


class _OtherJsonService(BaseHTTPRequestHandler):
    """Some other JSON service: every POST gets 200 {"ok": true}."""

    calls: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.calls.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"ok": true, "items": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_base_url_that_does_not_answer_like_the_api_halts_before_any_billable_call(
    tmp_path: Path,
) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(1, 4)])
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OtherJsonService)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        result = bulkads("run", "launch.csv", cwd=tmp_path, url=url)
    finally:
        server.shutdown()
        server.server_close()
    no_traceback(result)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "does not answer like the Adspirer API" in " ".join(result.stderr.split())
    assert not any("create_tiktok_campaign" in path for path in _OtherJsonService.calls)
