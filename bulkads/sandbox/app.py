"""The sandbox's HTTP face: `POST /api/v1/tools/{tool}/execute` and the `/_sandbox/` admin paths.

Usage::

    async with serve(Sandbox(SandboxConfig(seed=1))) as base_url:
        ...  # POST f"{base_url}/api/v1/tools/get_usage_status/execute"

A request goes: reset fault, key (401), tool (404), body (400), rate limit (429),
capacity (429: the key has `max_in_flight` calls at work), 5xx fault; free tools then
answer; billable ones go on to the idempotency cache (replay or 409), quota (402), the
work (latency, upstream 429), the charge, the cache, and perhaps a dropped connection.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bulkads.sandbox import admin
from bulkads.sandbox.answers import NOT_AUTHENTICATED, Answer, Output, ToolError, fail, ok
from bulkads.sandbox.faults import (
    chance,
    drop_connection,
    over_capacity,
    reset_connection,
    server_error,
    throttled,
    too_many,
)
from bulkads.sandbox.hostile import tamper
from bulkads.sandbox.ledger import Call
from bulkads.sandbox.state import KeyAccount, Sandbox
from bulkads.sandbox.toolkit import Context
from bulkads.sandbox.tools import TOOLS, Tool

logger = logging.getLogger("bulkads.sandbox")
FINAL = frozenset({200, 400, 403})  # answers the idempotency cache keeps


@dataclass
class _Trace:
    """What the ledger will say about one request, filled in as it is handled."""

    at: float
    tool: str
    idempotency_key: str | None
    key: str = "unknown"
    replayed: bool = False
    fault: str | None = None

    def call(self, status: int | None) -> Call:
        return Call(
            self.at, self.key, self.tool, status, self.idempotency_key, self.replayed, self.fault
        )


def create_app(sandbox: Sandbox) -> web.Application:
    """The aiohttp application serving `sandbox`."""
    app = web.Application()
    app[admin.SANDBOX] = sandbox
    app.router.add_post("/api/v1/tools/{tool}/execute", _execute)
    admin.add_routes(app)
    return app


@asynccontextmanager
async def serve(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve `sandbox` on a real socket (port 0: any free port); yields the base URL."""
    runner = web.AppRunner(create_app(sandbox), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        yield f"http://{bound_host}:{bound_port}"
    finally:
        await runner.cleanup()


async def _execute(request: web.Request) -> web.StreamResponse:
    sandbox = request.app[admin.SANDBOX]
    trace = _Trace(
        sandbox.monotonic(), request.match_info["tool"], request.headers.get("Idempotency-Key")
    )
    sandbox.enter()
    try:
        answer = await _answer(sandbox, request, trace)
    finally:
        sandbox.leave()
    sandbox.ledger.record(trace.call(answer.status if answer else None))
    if answer is None:
        reset_connection(request)
        return web.Response()  # never sent: the socket is gone
    if trace.fault == "drop":
        drop_connection(request)
        return web.Response()
    answer = tamper(answer, sandbox.config, request.headers.get("Authorization", ""))
    return _respond(answer, replayed=trace.replayed)


def _respond(answer: Answer, *, replayed: bool) -> web.Response:
    headers = dict(answer.headers)
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    if isinstance(answer.body, str):
        return web.Response(status=answer.status, body=answer.body.encode(), headers=headers)
    return web.json_response(answer.body, status=answer.status, headers=headers)


def _bearer(request: web.Request) -> str:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def _arguments(raw: bytes) -> dict[str, Any] | str:
    """The body's `arguments` object, or why the body is unusable."""
    try:
        body = json.loads(raw, parse_constant=admin.no_constant)
    except ValueError as exc:
        return f"Invalid JSON body: {exc}"
    except RecursionError:
        return "Invalid JSON body: nested too deeply"
    if not isinstance(body, dict) or not isinstance(body.get("arguments"), dict):
        return 'The body must be a JSON object with an "arguments" object: {"arguments": {...}}'
    arguments: dict[str, Any] = body["arguments"]
    return arguments


async def _answer(sandbox: Sandbox, request: web.Request, trace: _Trace) -> Answer | None:
    """The answer to one request; None when its connection is to be reset instead."""
    config, tool = sandbox.config, trace.tool
    if chance(sandbox.rng, config.reset_rate):
        trace.fault = "reset"
        return None
    account = sandbox.account_for(_bearer(request))
    if account is None:
        return fail(tool, 401, NOT_AUTHENTICATED)
    trace.key = account.label
    spec = TOOLS.get(tool)
    if spec is None:
        return fail(tool, 404, f"Tool not found: {tool}")
    raw = await request.read()
    arguments = _arguments(raw)
    if isinstance(arguments, str):
        return fail(tool, 400, arguments)
    if config.rate_limit is not None:
        wait = sandbox.rate_window.refuse(account.label, trace.at, config.rate_limit)
        if wait is not None:
            trace.fault = "rate_limit"
            why = f"Rate limit exceeded: at most {config.rate_limit:g} requests per second per key."
            return too_many(tool, wait, why)
    most = config.max_in_flight
    if most is not None and sandbox.working.get(account.label, 0) >= most:
        trace.fault = "capacity"
        return over_capacity(tool, most)
    with sandbox.busy(account.label):
        return await _admitted(sandbox, account, spec, arguments, raw, trace)


async def _admitted(
    sandbox: Sandbox,
    account: KeyAccount,
    spec: Tool,
    arguments: dict[str, Any],
    raw: bytes,
    trace: _Trace,
) -> Answer:
    """A request past the limits: a 5xx fault, or the tool's work."""
    config, tool = sandbox.config, trace.tool
    if chance(sandbox.rng, config.error_rate):
        trace.fault = "error"
        return server_error(sandbox.rng, tool)
    ctx = Context(sandbox, account, trace.idempotency_key)
    if not spec.billable:
        await _work_time(sandbox, tool)
        output = _run(ctx, tool, spec, arguments)
        if isinstance(output, Answer):
            return output
        return ok(tool, output.text, quota=output.quota, structured=output.structured)
    return await _billable(ctx, spec, arguments, raw, trace)


async def _billable(
    ctx: Context, spec: Tool, arguments: dict[str, Any], raw: bytes, trace: _Trace
) -> Answer:
    """A billable call through the idempotency cache; a final answer may then be dropped."""
    cache, key = ctx.sandbox.cache, trace.idempotency_key
    if key is None:
        answer = await _perform(ctx, spec, arguments, trace)
    else:
        scope, digest = (ctx.account.label, key), cache.body_hash(trace.tool, raw)
        entry = cache.get(scope)
        if entry is not None:
            if entry.body_hash != digest:
                return fail(
                    trace.tool,
                    409,
                    f"Idempotency-Key {key} was already used with different arguments.",
                )
            if entry.answer is None:
                return fail(
                    trace.tool,
                    409,
                    f"Idempotency-Key {key} is still being processed; retry later.",
                    headers={"Retry-After": "1"},
                )
            trace.replayed = True
            return entry.answer
        cache.reserve(scope, digest)
        settled: Answer | None = None
        try:
            answer = await _perform(ctx, spec, arguments, trace)
            settled = answer if answer.status in FINAL else None
        finally:
            cache.settle(scope, settled)
    if answer.status in FINAL and chance(ctx.sandbox.rng, ctx.sandbox.config.drop_rate):
        trace.fault = "drop"
    return answer


async def _perform(ctx: Context, spec: Tool, arguments: dict[str, Any], trace: _Trace) -> Answer:
    """Quota check, the work, and the charge of a billable call."""
    sandbox, account, tool = ctx.sandbox, ctx.account, trace.tool
    if account.exhausted():
        return _exhausted(ctx, tool)
    await _work_time(sandbox, tool)
    if chance(sandbox.rng, sandbox.config.throttle_rate):
        trace.fault = "throttle"
        return throttled(tool, sandbox.config.retry_after_s)
    # From here to the charge nothing awaits, so concurrent calls cannot overspend the quota.
    if account.exhausted():
        return _exhausted(ctx, tool)
    output = _run(ctx, tool, spec, arguments)
    if isinstance(output, Answer):
        return output
    account.used += 1
    quota = account.quota(sandbox.clock.now().date())
    return ok(tool, output.text, quota=quota, structured=output.structured)


def _run(ctx: Context, tool: str, spec: Tool, arguments: dict[str, Any]) -> Output | Answer:
    try:
        return spec.run(ctx, arguments)
    except ToolError as refusal:
        return fail(tool, refusal.status, refusal.message, structured=refusal.structured)
    except Exception as exc:
        logger.exception("sandbox tool %s failed", tool)
        return fail(tool, 500, f"Internal error: {type(exc).__name__}")


def _exhausted(ctx: Context, tool: str) -> Answer:
    account = ctx.account
    quota = account.quota(ctx.sandbox.clock.now().date(), upgrade=True)
    return fail(tool, ctx.sandbox.config.exhausted_status, account.limit_message(), quota=quota)


async def _work_time(sandbox: Sandbox, tool: str) -> None:
    low, high = sandbox.config.latency_for(tool)
    await asyncio.sleep(sandbox.rng.uniform(low, high))
