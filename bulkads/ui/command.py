"""`bulkads ui`: serve the page on 127.0.0.1, print its address with a token, open it.

Usage::

    bulkads ui [--port N] [--no-browser] [--workdir DIR] [--api-key-file PATH] [--base-url URL]
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
import socket
import webbrowser
from collections.abc import Callable

from aiohttp import web

from bulkads.errors import UsageError
from bulkads.ui.app import UiSettings, create_app
from bulkads.ui.security import LOOPBACK, Gate

DEFAULT_PORT = 8760


async def serve_ui(
    settings: UiSettings, *, port: int, ready: Callable[[str], None], stop: asyncio.Event
) -> None:
    """Serve the page until `stop` is set; `ready(url)` gets the address with its token."""
    runner, gate = await _start(settings, port)
    try:
        ready(gate.url())
        await stop.wait()
    finally:
        await runner.cleanup()


async def _start(settings: UiSettings, port: int) -> tuple[web.AppRunner, Gate]:
    """Bind 127.0.0.1:port, or any free port when `port` is the default and taken."""
    for attempt in (port, 0) if port == DEFAULT_PORT else (port,):
        try:
            return await _bind(settings, attempt)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or attempt != DEFAULT_PORT:
                raise UsageError(
                    f"cannot listen on {LOOPBACK}:{attempt} ({exc.strerror or exc}); "
                    "choose another port with --port N (0 picks a free one)"
                ) from exc
    raise AssertionError("unreachable")  # the loop returns or raises


async def _bind(settings: UiSettings, port: int) -> tuple[web.AppRunner, Gate]:
    # Bound first: the gate must know the port (port 0 included) before the app exists.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, port))
    except OSError:
        sock.close()
        raise
    gate = Gate.for_port(sock.getsockname()[1])
    runner = web.AppRunner(create_app(settings, gate), access_log=None, shutdown_timeout=5.0)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    return runner, gate


def open_browser(url: str) -> None:
    with contextlib.suppress(webbrowser.Error):  # the address is printed: the user can open it
        webbrowser.open(url)


def run_ui(settings: UiSettings, *, port: int, browser: bool, say: Callable[[str], None]) -> None:
    """Serve until Ctrl-C, telling the user where the page is and where launches go."""

    def ready(url: str) -> None:
        say(f"bulkads ui: the page for the work folder {settings.folder.resolve()}")
        say(f"    {url}")
        live = (
            f"live launches go to {settings.live_url}"
            if settings.api_key is not None
            else "no API key (ADSPIRER_API_KEY or --api-key-file): rehearsals only"
        )
        say(f"Rehearsals run on the built-in sandbox; {live}. Ctrl-C stops the page.")
        if browser:
            open_browser(url)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        # Ctrl-C, SIGTERM, a closed terminal: a launch in course stops as on SIGTERM
        # (calls in flight left resumable, results written) before the page goes.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, stop.set)
        await serve_ui(settings, port=port, ready=ready, stop=stop)

    with contextlib.suppress(KeyboardInterrupt):  # before the handlers were in place
        asyncio.run(main())
    say("bulkads ui: stopped.")
