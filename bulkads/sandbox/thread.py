"""The sandbox on a thread of its own, for code that owns its event loop (or has none).

Usage::

    with serve_in_thread(Sandbox(SandboxConfig(error_rate=0.1))) as base_url:
        bulkads.run(RunConfig(..., base_url=base_url))   # asyncio.run inside: fine
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from bulkads.sandbox.app import serve
from bulkads.sandbox.state import Sandbox


@contextmanager
def serve_in_thread(sandbox: Sandbox, *, port: int = 0) -> Iterator[str]:
    """Serve `sandbox` on 127.0.0.1 from a daemon thread; yields its base URL."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    box: dict[str, object] = {}

    async def main() -> None:
        async with serve(sandbox, port=port) as base_url:
            box["url"] = base_url
            ready.set()
            await stop.wait()

    def target() -> None:
        try:
            loop.run_until_complete(main())
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
            ready.set()

    thread = threading.Thread(target=target, name="bulkads-sandbox", daemon=True)
    thread.start()
    ready.wait(10)
    if isinstance(box.get("error"), BaseException):
        raise box["error"]  # type: ignore[misc]
    try:
        yield str(box["url"])
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()
