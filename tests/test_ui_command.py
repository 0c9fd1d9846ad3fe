"""`bulkads ui` as a user starts it: its printed address, and how it stops."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

from runs import QUICK, campaign_row, served, write_csv
from ui_fixtures import ROOT, client_at

from bulkads.sandbox import SOLO_KEY


def start_ui(folder: Path, **env: str) -> tuple[subprocess.Popen[str], list[str]]:
    """`bulkads ui --no-browser --port 0` in a child process; its first three lines."""
    child = subprocess.Popen(
        [sys.executable, "-m", "bulkads", "ui", "--no-browser", "--port", "0", "--workdir", "."],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    return child, [child.stdout.readline() for _ in range(3)]


def test_bulkads_ui_prints_its_address_with_a_token_and_never_the_key(tmp_path: Path) -> None:
    child, lines = start_ui(tmp_path, ADSPIRER_API_KEY="sk_fake_never_shown_1234")
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    printed = "".join(lines) + out + err
    url = lines[1].strip()
    assert url.startswith("http://127.0.0.1:") and "/?token=" in url
    assert "live launches go to https://api.adspirer.ai" in printed
    assert "sk_fake_never_shown_1234" not in printed
    assert child.returncode == 0


async def test_sigterm_stops_a_live_launch_resumably_and_the_command_line_finishes_it(
    tmp_path: Path,
) -> None:
    rows = 20
    write_csv(tmp_path / "spring.csv", [campaign_row(n) for n in range(1, rows + 1)])
    with served(replace(QUICK, latency=(0.3, 0.4))) as (live, live_url):
        env = {"ADSPIRER_API_KEY": SOLO_KEY, "ADSPIRER_BASE_URL": live_url}
        child, lines = start_ui(tmp_path, **env)
        try:
            async with client_at(lines[1].strip()) as client:
                await client.sign_in()
                body = {"sheet": "spring.csv", "target": "live"}
                status, _ = await client.request("POST", "/api/launch", json=body)
                assert status == 202
                while len(live.created("campaign")) < 3:
                    await asyncio.sleep(0.05)
        finally:
            child.send_signal(signal.SIGTERM)
            child.communicate(timeout=30)
        stopped_at = len(live.created("campaign"))
        resumed = subprocess.run(
            [sys.executable, "-m", "bulkads", "run", "spring.csv", "--rate", "50", "--json"],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            capture_output=True,
            text=True,
        )
        names = Counter(c.arguments["campaign_name"] for c in live.created("campaign"))
    assert child.returncode == 0 and (tmp_path / "spring.results.xlsx").is_file()
    assert stopped_at < rows, "the page went on sending after SIGTERM"
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["counts"]["created"] == rows
    assert len(names) == rows and set(names.values()) == {1}
