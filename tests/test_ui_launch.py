"""A launch from the page is configured as `bulkads run` is: the same defaults, the same checks.

The page builds its run with `bulkads.options.build_config`, the builder of the command
line and of `bulkads.run`; these fail if the page builds a RunConfig of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

from runs import QUICK, served
from ui_fixtures import SAMPLES, client_for, ui_settings

from bulkads.config import Secret
from bulkads.sandbox import SOLO_KEY


async def test_a_rate_the_command_line_refuses_is_refused_on_the_page(tmp_path: Path) -> None:
    (tmp_path / "launch.xlsx").write_bytes((SAMPLES / "small_launch.xlsx").read_bytes())
    async with client_for(ui_settings(tmp_path, rehearsal_rate=0.0)) as client:
        await client.sign_in()
        sheet = {"sheet": "launch.xlsx", "target": "rehearsal"}
        planned = await client.request("POST", "/api/plan", json=sheet)
        launched = await client.request("POST", "/api/launch", json=sheet)
        _, state = await client.request("GET", "/api/state")
    for status, body in (planned, launched):
        assert status == 400 and b"rate must be at least 0.01, not 0" in body, body
    assert json.loads(state)["job"] is None  # a refused launch leaves nothing running


async def test_the_page_never_writes_its_results_over_a_file_bulkads_did_not_write(
    tmp_path: Path,
) -> None:
    sheet_bytes = (SAMPLES / "small_launch.xlsx").read_bytes()
    (tmp_path / "launch.xlsx").write_bytes(sheet_bytes)
    theirs = tmp_path / "launch.results.xlsx"  # the user's own workbook, by that name
    theirs.write_bytes(sheet_bytes)
    with served(QUICK) as (live, live_url):
        settings = ui_settings(tmp_path, live_url=live_url, api_key=Secret(SOLO_KEY))
        async with client_for(settings) as client:
            await client.sign_in()
            sheet = {"sheet": "launch.xlsx", "target": "live"}
            planned = await client.request("POST", "/api/plan", json=sheet)
            launched = await client.request("POST", "/api/launch", json=sheet)
        spent = live.calls(tool="create_tiktok_campaign")
    for status, body in (planned, launched):
        assert status == 400 and b"launch.results.xlsx in the work folder is not" in body, body
        assert b"rename or move that file" in body and b"-o" not in body and b"--force" not in body
    assert theirs.read_bytes() == sheet_bytes and spent == []
