"""The `/_sandbox/` admin paths, for steering a sandbox in another process.

Usage::

    GET  /_sandbox/ledger                              every call and created object, as JSON
    POST /_sandbox/quota {"key": "solo", "limit": 5, "used": 5}
    POST /_sandbox/clock {"advance_s": 3600}

The sandbox listens on 127.0.0.1 only, but a web page the user visits can still
reach it: a cross-origin POST (caught by its `Origin`) or a DNS-rebound name (caught
by its `Host`). Both are refused with 403. A body must be plain JSON: NaN,
Infinity, negative numbers and deep nesting are a 400, never a server error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bulkads.sandbox.state import Sandbox

SANDBOX = web.AppKey("sandbox", Sandbox)


ADMIN_PREFIX = "/_sandbox/"
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
_MAX_BODY = 64 * 1024
_MAX_NUMBER = 10**9

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_routes(app: web.Application) -> None:
    app.router.add_get("/_sandbox/ledger", _ledger)
    app.router.add_post("/_sandbox/quota", _quota)
    app.router.add_post("/_sandbox/clock", _clock)
    app.middlewares.append(_same_machine_only)


@web.middleware
async def _same_machine_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The admin paths answer only requests addressed to this machine, from no other page."""
    if request.path.startswith(ADMIN_PREFIX):
        if _host_name(request.host) not in _LOCAL_HOSTS:
            raise web.HTTPForbidden(text="the sandbox's admin paths answer only 127.0.0.1")
        origin = request.headers.get("Origin")
        if origin is not None and _host_name(urlsplit(origin).netloc) not in _LOCAL_HOSTS:
            raise web.HTTPForbidden(text="cross-origin requests to the admin paths are refused")
    return await handler(request)


def _host_name(host: str) -> str:
    """`127.0.0.1:8765` → `127.0.0.1`; `[::1]:8765` → `[::1]`."""
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0].lower() if host.count(":") == 1 else host.lower()


async def _ledger(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    quota = {label: sandbox.quota(label) for label in sandbox.accounts}
    body = {**sandbox.ledger.to_json(), "max_in_flight": sandbox.max_in_flight, "quota": quota}
    return web.json_response(body)


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.content.read(_MAX_BODY + 1)
    if len(raw) > _MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=_MAX_BODY, actual_size=len(raw))
    try:
        body = json.loads(raw, parse_constant=no_constant)
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="the body must be a JSON object")
    return body


def no_constant(name: str) -> Any:
    """json.loads' `parse_constant`: NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not a JSON number")


def _number(body: dict[str, Any], name: str) -> Any:
    """The named value: a finite number from 0 to 10^9, or None when absent."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise web.HTTPBadRequest(text=f"{name} must be a number")
    if not (math.isfinite(value) and 0 <= value <= _MAX_NUMBER):
        raise web.HTTPBadRequest(text=f"{name} must be a number from 0 to {_MAX_NUMBER:,}")
    return value


async def _quota(request: web.Request) -> web.Response:
    sandbox, body = request.app[SANDBOX], await _body(request)
    key = str(body.get("key", ""))
    if key not in sandbox.accounts:
        raise web.HTTPBadRequest(text=f"key must be one of {', '.join(sandbox.accounts)}")
    limit, used = _number(body, "limit"), _number(body, "used")
    sandbox.set_quota(
        key,
        limit=None if limit is None else int(limit),
        used=None if used is None else int(used),
    )
    return web.json_response(sandbox.quota(key))


async def _clock(request: web.Request) -> web.Response:
    sandbox, body = request.app[SANDBOX], await _body(request)
    seconds = _number(body, "advance_s")
    if seconds is None:
        raise web.HTTPBadRequest(text="advance_s must be a number of seconds >= 0")
    sandbox.clock.advance(float(seconds))
    return web.json_response({"now": f"{sandbox.clock.now():%Y-%m-%d %H:%M:%S}"})
