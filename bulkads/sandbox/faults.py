"""Fault injection: random 5xx, the upstream 429, per-key rate and capacity limits, dropped
and reset sockets.

Usage::

    if chance(sandbox.rng, config.error_rate):
        return server_error(sandbox.rng, tool)
"""

from __future__ import annotations

import math
import random
import socket
import struct
from collections import deque

from aiohttp import web

from bulkads.sandbox.answers import Answer, fail

_BAD_GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
    "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)


def chance(rng: random.Random, rate: float) -> bool:
    """True for a `rate` fraction of draws; draws nothing when the rate is 0."""
    return rate > 0 and rng.random() < rate


def server_error(rng: random.Random, tool: str) -> Answer:
    """A 500 or 503 envelope, or a 502 as a gateway sends it (an HTML page, not JSON)."""
    status = rng.choice((500, 502, 503))
    if status == 502:
        return Answer(502, _BAD_GATEWAY_PAGE, {"Content-Type": "text/html"})
    if status == 503:
        return fail(tool, 503, "Service temporarily unavailable. Please retry shortly.")
    return fail(tool, 500, "Internal error: RuntimeError")


def too_many(tool: str, retry_after: int, why: str) -> Answer:
    """A 429 with `Retry-After` and the API's "Retry after N seconds." wording."""
    return fail(
        tool,
        429,
        f"{why} Retry after {retry_after} seconds.",
        headers={"Retry-After": str(retry_after)},
    )


def over_capacity(tool: str, most: int) -> Answer:
    """The server's own capacity: a 429 asking to come back in a second."""
    return too_many(tool, 1, f"Too many concurrent requests: at most {most} in flight per key.")


def throttled(tool: str, retry_after: int) -> Answer:
    """The upstream platform's throttle, as the API relays it."""
    return too_many(
        tool, retry_after, "Upstream platform rate limit hit (TikTok API throttle at 95%)."
    )


class RateWindow:
    """Admitted arrivals per key over the last second, for the server's own rate limit."""

    def __init__(self) -> None:
        self._arrivals: dict[str, deque[float]] = {}

    def refuse(self, key: str, now: float, per_second: float) -> int | None:
        """Seconds to wait if this arrival goes over the limit, else None (and it counts)."""
        arrivals = self._arrivals.setdefault(key, deque())
        while arrivals and now - arrivals[0] >= 1.0:
            arrivals.popleft()
        if len(arrivals) >= per_second:
            return max(1, math.ceil(arrivals[0] + 1.0 - now))
        arrivals.append(now)
        return None


def reset_connection(request: web.BaseRequest) -> None:
    """Close the socket with a TCP reset (SO_LINGER 0), before anything is answered."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def drop_connection(request: web.BaseRequest) -> None:
    """Close the connection without answering: the client sees the server disconnect."""
    if request.transport is not None:
        request.transport.close()
