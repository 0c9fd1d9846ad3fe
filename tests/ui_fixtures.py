"""Helpers for the page's tests: `bulkads ui` served on its own loop in a thread.

`ui_served(settings)` yields the printed address (with its token); the code under test
(a browser, an aiohttp client) talks to it over real loopback sockets.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bulkads.sandbox.thread import on_thread
from bulkads.ui.app import UiSettings
from bulkads.ui.command import serve_ui

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_sheets"
# The browser tests' screenshots, to be looked at (git-ignored).
ARTIFACTS = Path(os.environ.get("BULKADS_ARTIFACTS", ROOT / "tests" / "artifacts"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str | None:
    """Debian's chromium (`apt-get install chromium`), or BULKADS_CHROMIUM."""
    return os.environ.get("BULKADS_CHROMIUM") or shutil.which("chromium")


@contextmanager
def ui_served(settings: UiSettings) -> Iterator[str]:
    """Serve the page on 127.0.0.1 from a daemon thread; yields its address with the token."""

    async def main(ready: Callable[[str], None], stop: asyncio.Event) -> None:
        await serve_ui(settings, port=0, ready=ready, stop=stop)

    with on_thread(main, name="bulkads-ui") as url:
        yield url
