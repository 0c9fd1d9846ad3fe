"""The sandbox on a thread of its own, for code that owns its event loop (or has none).

Usage::

    with serve_in_thread(Sandbox(SandboxConfig(error_rate=0.1))) as base_url:
        bulkads.run(RunConfig(..., base_url=base_url))   # asyncio.run inside: fine

    with on_thread(lambda ready, stop: serve_ui(settings, port=0, ready=ready, stop=stop)) as url:
        ...                                              # any server that announces its URL
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from bulkads.sandbox.app import serve
from bulkads.sandbox.state import Sandbox

Server = Callable[[Callable[[str], None], asyncio.Event], Awaitable[None]]


@contextmanager
def serve_in_thread(sandbox: Sandbox, *, port: int = 0) -> Iterator[str]:
    """Serve `sandbox` on 127.0.0.1 from a daemon thread; yields its base URL."""

    async def main(ready: Callable[[str], None], stop: asyncio.Event) -> None:
        async with serve(sandbox, port=port) as base_url:
            ready(base_url)
            await stop.wait()

    with on_thread(main, name="bulkads-sandbox") as base_url:
        yield base_url


@contextmanager
def on_thread(server: Server, *, name: str = "bulkads-server") -> Iterator[str]:
    """Run `server(ready, stop)` on a loop in a daemon thread until the block ends; yields
    what it passed to `ready` (its URL)."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    box: dict[str, object] = {}

    def announce(url: str) -> None:
        box["url"] = url
        ready.set()

    def target() -> None:
        try:
            loop.run_until_complete(server(announce, stop))
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
            ready.set()

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    ready.wait(20)
    if isinstance(box.get("error"), BaseException):
        raise box["error"]  # type: ignore[misc]
    try:
        yield str(box["url"])
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(20)
        loop.close()
