"""The transport boundary (as httpx's transports): what the engine and pre-flight call.

Usage::

    transport: Transport = Client(base_url=url, api_key=key, timeout=180, concurrency=4)
    answer = await transport.call("get_usage_status", b'{"arguments":{}}')

    # In process, for tests: every call answered by a function, after a (virtual) delay.
    scripted = ScriptedTransport(lambda request: Answer.json(200, {...}), latency=0.5,
                                 sleep=virtual.sleep)
    scripted.requests      # what was sent, in order

`bulkads.client.Client` is the real transport (aiohttp, the only module that imports
its client). A transport never raises for network trouble: nothing usable back is
an `Answer` with `status=None`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# The API's answers are a few KB; a body past this is not read on (and not kept).
MAX_ANSWER_BYTES = 4 * 2**20


@dataclass(frozen=True)
class Answer:
    """What came back for one request (status None: nothing usable came back)."""

    status: int | None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""  # why nothing came back
    received_at: float | None = None  # wall-clock seconds it came (for a dated Retry-After)
    oversized: int = 0  # bytes seen of a body over MAX_ANSWER_BYTES (not kept: body is None)

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    @property
    def replayed(self) -> bool:
        return self.headers.get("Idempotent-Replayed", "").lower() == "true"

    @classmethod
    def json(
        cls, status: int, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> Answer:
        """An answer whose body is `payload` as JSON."""
        return cls(status, json.dumps(payload).encode(), dict(headers or {}))


class Transport(Protocol):
    """Sends one tool call: the exact bytes, the bearer key, the idempotency key."""

    async def call(
        self,
        tool: str,
        body: bytes,
        idempotency_key: str | None = None,
        *,
        on_sent: Callable[[], None] | None = None,
    ) -> Answer:
        """Send one call; `on_sent()` is called once the request has left (for the pacer)."""
        ...


@dataclass(frozen=True)
class Request:
    """One call a `ScriptedTransport` received."""

    tool: str
    body: bytes
    idempotency_key: str | None

    @property
    def arguments(self) -> dict[str, Any]:
        found = json.loads(self.body).get("arguments", {})
        return found if isinstance(found, dict) else {}


class ScriptedTransport:
    """Answers every call in process with `reply(request)`, `latency` seconds later.

    `sleep` is the (virtual) sleep the latency is spent in; `latency` may be a function
    of the request. `in_flight` and `most_in_flight` count calls not answered yet.
    """

    def __init__(
        self,
        reply: Callable[[Request], Answer],
        *,
        latency: float | Callable[[Request], float] = 0.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._reply = reply
        self._latency = latency
        self._sleep = sleep
        self.requests: list[Request] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def call(
        self,
        tool: str,
        body: bytes,
        idempotency_key: str | None = None,
        *,
        on_sent: Callable[[], None] | None = None,
    ) -> Answer:
        request = Request(tool, body, idempotency_key)
        if on_sent is not None:
            on_sent()
        self.requests.append(request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            delay = self._latency(request) if callable(self._latency) else self._latency
            if delay > 0:
                await self._sleep(delay)
            return self._reply(request)
        finally:
            self.in_flight -= 1

    def calls(self, tool: str) -> list[Request]:
        """The requests sent to `tool`, in order."""
        return [request for request in self.requests if request.tool == tool]


async def until_out(call: asyncio.Future[Any], out: asyncio.Event) -> None:
    """Until the request is out (`out`, set by `on_sent`) or the call ended without it;
    also for a task of several requests, whose `out` says they have all left."""
    if out.is_set():
        return
    waiting = asyncio.ensure_future(out.wait())
    try:
        await asyncio.wait((call, waiting), return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()
