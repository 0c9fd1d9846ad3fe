"""Helpers for end-to-end runs: sheets written for real, the sandbox served on 127.0.0.1.

`served(config)` runs the sandbox on its own event loop in a thread, so the code
under test (the CLI, `bulkads.run`, a subprocess) owns its loop as users' code does.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bulkads.config import RunConfig, Secret, default_journal_path, default_results_path
from bulkads.sandbox import SOLO_KEY, Sandbox, SandboxConfig, serve_in_thread

# The strict library: unknown image and card IDs are refused (the API would refuse them).
QUICK = SandboxConfig(latency=(0.0, 0.005), seed=7, strict_library=True)


def campaign_row(n: int, **overrides: Any) -> dict[str, Any]:
    """A valid row (a Spark ad: one create call), unique by `n`."""
    row: dict[str, Any] = {
        "campaign_name": f"Launch {n:04d}",
        "ad_text": f"Spring styles, look {n}",
        "display_name": "Acme Outfitters",
        "landing_page_url": f"https://www.example.com/p/{n}",
        "budget_daily": 50 + n,
        "tiktok_item_id": f"72{n:017d}",
    }
    row.update(overrides)
    return {key: value for key, value in row.items() if value is not None}


def write_csv(path: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    """A CSV with the union of the rows' keys as its header."""
    header: list[str] = []
    for row in rows:
        header += [key for key in row if key not in header]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def config_for(sheet: Path, base_url: str, *, key: str = SOLO_KEY, **options: Any) -> RunConfig:
    """A run configuration that is quick in tests (fast rate, short back-off)."""
    results = options.pop("results", default_results_path(sheet))
    settings: dict[str, Any] = {
        "rate": 200.0,
        "concurrency": 4,
        "timeout": 10.0,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
        "command": "bulkads run (test)",
    }
    settings.update(options)
    return RunConfig(
        sheet=sheet,
        results=results,
        journal=default_journal_path(results),
        api_key=Secret(key),
        base_url=base_url,
        **settings,
    )


@contextmanager
def served(config: SandboxConfig = QUICK) -> Iterator[tuple[Sandbox, str]]:
    """The sandbox on a real loopback socket, on its own loop in a thread."""
    sandbox = Sandbox(config)
    with serve_in_thread(sandbox) as base_url:
        yield sandbox, base_url


def start_bulkads(cwd: Path, *args: str, key: str = SOLO_KEY) -> subprocess.Popen[str]:
    """`bulkads ARGS` as a user's shell starts it: this tree's code, the key in the
    environment, output piped (not a terminal: plain log lines)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADSPIRER_")}
    env["ADSPIRER_API_KEY"] = key
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return subprocess.Popen(
        [sys.executable, "-m", "bulkads", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
