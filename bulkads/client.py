"""The real transport (`transport.Transport`): the only module that imports aiohttp's client.

Usage::

    async with Client(base_url=url, api_key=key, timeout=180, concurrency=4) as client:
        answer = await client.call("get_usage_status", b'{"arguments":{}}')

`call` never raises for network trouble: a failed, dropped or timed-out request is
an `Answer` with `status=None`, which `answers.judge` turns into a retry.
Redirects are never followed, so the key never reaches another host.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import aiohttp

from bulkads import __version__
from bulkads.config import Secret
from bulkads.keys import checked_key
from bulkads.redact import Redactor
from bulkads.transport import MAX_ANSWER_BYTES, Answer
from bulkads.urls import check_base_url, is_loopback

__all__ = ["Answer", "Client", "check_base_url", "is_loopback"]


class Client:
    """POSTs tool calls with the bearer key; one session, a bounded connection pool."""

    def __init__(self, *, base_url: str, api_key: Secret, timeout: float, concurrency: int) -> None:
        self._base_url = check_base_url(base_url)
        self._api_key = checked_key(api_key.reveal(), source="the API key")  # however it came
        self._redact = Redactor(api_key)
        self._timeout = timeout
        self._concurrency = concurrency
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        sent = aiohttp.TraceConfig()
        sent.on_request_chunk_sent.append(_sent)
        self._session = aiohttp.ClientSession(
            trace_configs=[sent],
            connector=aiohttp.TCPConnector(limit=self._concurrency + 2),
            timeout=aiohttp.ClientTimeout(total=self._timeout),
            headers={"User-Agent": f"bulkads/{__version__}"},
        )
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._session is not None:
            await self._session.close()

    async def call(
        self,
        tool: str,
        body: bytes,
        idempotency_key: str | None = None,
        *,
        on_sent: Callable[[], None] | None = None,
    ) -> Answer:
        """POST `body` (the exact bytes) to the tool; never raises for network trouble.
        `on_sent()` is called once the request's body has been written."""
        assert self._session is not None, "use `async with Client(...)`"
        headers = {
            "Authorization": f"Bearer {self._api_key.reveal()}",
            "Content-Type": "application/json",
        }
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        url = f"{self._base_url}/api/v1/tools/{tool}/execute"
        try:
            async with self._session.post(
                url,
                data=body,
                headers=headers,
                allow_redirects=False,
                trace_request_ctx={"on_sent": on_sent},
            ) as response:
                payload, seen = await _read_capped(response)
                return Answer(
                    response.status,
                    None if payload is None else self._redact.data(payload),
                    {name: self._redact.text(v) for name, v in response.headers.items()},
                    received_at=time.time(),
                    oversized=seen if payload is None else 0,
                )
        except TimeoutError:
            return Answer(None, error=f"no answer within {self._timeout:g} s")
        except aiohttp.ClientError as exc:
            return Answer(None, error=self._redact.text(_describe(exc)))
        except (OSError, asyncio.IncompleteReadError) as exc:
            return Answer(None, error=f"connection error: {exc.__class__.__name__}")


async def _sent(
    session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestChunkSentParams
) -> None:
    """The request's body went out: tell whoever asked (the engine's pacer)."""
    on_sent = (context.trace_request_ctx or {}).get("on_sent")
    if on_sent is not None:
        on_sent()


async def _read_capped(response: aiohttp.ClientResponse) -> tuple[bytes | None, int]:
    """The body, or None (and the bytes seen) once it is over MAX_ANSWER_BYTES: a hostile
    or broken server's 50 MB answer is neither held in memory nor shown nor stored."""
    declared = response.content_length or 0
    if declared > MAX_ANSWER_BYTES:
        return None, declared
    chunks: list[bytes] = []
    seen = 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        seen += len(chunk)
        if seen > MAX_ANSWER_BYTES:
            return None, seen
        chunks.append(chunk)
    return b"".join(chunks), seen


def _describe(exc: aiohttp.ClientError) -> str:
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "the server closed the connection before answering"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"cannot connect to {exc.host}:{exc.port} ({exc.strerror or exc.__class__.__name__})"
    return f"{exc.__class__.__name__}: {exc}"
