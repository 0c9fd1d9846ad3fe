"""Helpers for the page's tests: `bulkads ui` served on its own loop in a thread.

`ui_served(settings)` yields the printed address (with its token); the code under test
(a browser, an aiohttp client) talks to it over real loopback sockets.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bulkads.sandbox import Sandbox, SandboxConfig
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


def ui_settings(folder: Path, **options: Any) -> UiSettings:
    """The page's settings for `folder`: no key, a quick sandbox; `options` override them."""
    values: dict[str, Any] = {
        "folder": folder,
        "live_url": "https://api.adspirer.ai",
        "api_key": None,
        "sandbox": Sandbox(SandboxConfig(latency=(0.0, 0.01))),
    }
    values.update(options)
    return UiSettings(**values)


@contextmanager
def ui_served(settings: UiSettings) -> Iterator[str]:
    """Serve the page on 127.0.0.1 from a daemon thread; yields its address with the token."""

    async def main(ready: Callable[[str], None], stop: asyncio.Event) -> None:
        await serve_ui(settings, port=0, ready=ready, stop=stop)

    with on_thread(main, name="bulkads-ui") as url:
        yield url


@dataclass
class Seen:
    """Everything the server sent back: bodies and headers, to search for the key."""

    texts: list[str]


@dataclass
class Client:
    session: aiohttp.ClientSession
    base: str  # http://127.0.0.1:PORT
    token: str
    cookie: str = ""
    seen: Seen | None = None

    @property
    def origin(self) -> str:
        return self.base

    async def request(self, method: str, path: str, **options: Any) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if method == "POST":
            headers["Origin"] = self.origin
        headers.update(options.pop("headers", {}))
        async with self.session.request(
            method, self.base + path, headers=headers, allow_redirects=False, **options
        ) as response:
            body = await response.read()
            if self.seen is not None:
                self.seen.texts += [body.decode("utf-8", "replace"), repr(dict(response.headers))]
            return response.status, body

    async def sign_in(self) -> None:
        async with self.session.get(
            f"{self.base}/?token={self.token}", allow_redirects=False
        ) as response:
            assert response.status == 303 and response.headers["Location"] == "/"
            morsel = next(iter(response.cookies.values()))
            self.cookie = f"{morsel.key}={morsel.value}"


@asynccontextmanager
async def client_at(url: str) -> AsyncIterator[Client]:
    """An aiohttp client for the page at `url` (the printed address, with its token)."""
    parts = urlsplit(url)
    token = parts.query.removeprefix("token=")
    async with aiohttp.ClientSession() as session:
        yield Client(session, f"{parts.scheme}://{parts.netloc}", token)


@asynccontextmanager
async def client_for(settings: UiSettings) -> AsyncIterator[Client]:
    """The page served in a thread, and a client for it."""
    with ui_served(settings) as url:
        async with client_at(url) as client:
            yield client


async def finished(client: Client) -> None:
    """Wait for the launch to end, reading the state as the page would."""
    for _ in range(600):
        _, body = await client.request("GET", "/api/state")
        job = json.loads(body)["job"]
        if job and job["state"] in ("finished", "stopped", "failed"):
            assert job["state"] == "finished", job
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the launch never finished")
