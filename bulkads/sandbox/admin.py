"""The `/_sandbox/` admin paths, for steering a sandbox in another process.

Usage::

    GET  /_sandbox/ledger                              every call and created object, as JSON
    POST /_sandbox/quota {"key": "solo", "limit": 5, "used": 5}
    POST /_sandbox/clock {"advance_s": 3600}
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bulkads.sandbox.state import Sandbox

SANDBOX = web.AppKey("sandbox", Sandbox)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/_sandbox/ledger", _ledger)
    app.router.add_post("/_sandbox/quota", _quota)
    app.router.add_post("/_sandbox/clock", _clock)


async def _ledger(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    quota = {label: sandbox.quota(label) for label in sandbox.accounts}
    body = {**sandbox.ledger.to_json(), "max_in_flight": sandbox.max_in_flight, "quota": quota}
    return web.json_response(body)


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="the body must be a JSON object")
    return body


def _number(body: dict[str, Any], name: str) -> Any:
    value = body.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise web.HTTPBadRequest(text=f"{name} must be a number")
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
    if seconds is None or seconds < 0:
        raise web.HTTPBadRequest(text="advance_s must be a number of seconds >= 0")
    sandbox.clock.advance(float(seconds))
    return web.json_response({"now": f"{sandbox.clock.now():%Y-%m-%d %H:%M:%S}"})
