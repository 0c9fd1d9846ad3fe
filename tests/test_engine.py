"""CONTRACT §4-§5 edge answers, against the sandbox and a scripted loopback server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bulkads.client import Client
from bulkads.config import Secret
from bulkads.engine import Engine, EngineSettings
from bulkads.errors import ApiConfigError
from bulkads.journal import Journal
from bulkads.pacing import Budget, Pacer
from bulkads.plan import Work, steps_for
from bulkads.rules import check_arguments, fingerprint
from bulkads.sandbox import AGENCY_ADVERTISERS, AGENCY_KEY, Sandbox, SandboxConfig, serve

Reply = Callable[[web.Request], web.StreamResponse]


def work(number: int, **extra: Any) -> Work:
    raw = {
        "campaign_name": f"Engine {number}",
        "ad_text": "Hello",
        "display_name": "Acme",
        "landing_page_url": "https://example.com",
        "tiktok_item_id": f"{number}",
        **extra,
    }
    arguments, issues = check_arguments(raw, now=datetime.now(UTC).replace(tzinfo=None))
    assert not [i for i in issues if i.severity == "error"], issues
    return Work(number, fingerprint(arguments), arguments, steps_for(arguments))


async def _elsewhere(request: web.Request) -> web.Response:
    return web.json_response({"success": True, "data": {"text": "Campaign ID: 666"}})


@asynccontextmanager
async def scripted(reply: Reply) -> AsyncIterator[str]:
    """A loopback server that answers every tool call with `reply`."""
    app = web.Application()
    app.router.add_post("/api/v1/tools/{tool}/execute", reply)
    app.router.add_post("/elsewhere", _elsewhere)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def send(url: str, key: str, items: list[Work], journal_path: Path) -> tuple[Engine, Journal]:
    journal = Journal.open(journal_path)
    budget = Budget(100)
    async with Client(base_url=url, api_key=Secret(key), timeout=5, concurrency=1) as client:
        engine = Engine(
            client=client,
            journal=journal,
            pacer=Pacer(100.0),
            budget=budget,
            settings=EngineSettings(concurrency=1, backoff_base=0.001, backoff_cap=0.01),
        )
        await engine.run(items)
    assert budget.reserved == 0  # every reservation was spent or given back
    assert budget.left == 100 - engine.stats.calls_spent
    return engine, journal


async def test_after_the_multiple_accounts_answer_rows_without_an_advertiser_are_not_sent(
    tmp_path: Path,
) -> None:
    sandbox = Sandbox(SandboxConfig(latency=(0, 0)))
    chosen = AGENCY_ADVERTISERS[0].advertiser_id
    items = [work(1), work(2), work(3, advertiser_id=chosen)]
    async with serve(sandbox) as url:
        _, journal = await send(url, AGENCY_KEY, items, tmp_path / "j.sqlite")
    rows = journal.rows()
    journal.close()
    first, second, third = (rows[item.fingerprint] for item in items)
    assert first.status == second.status == "rejected"
    assert all(a.advertiser_id in second.message for a in AGENCY_ADVERTISERS)
    assert third.status == "created"
    assert len(sandbox.calls(tool="create_tiktok_campaign")) == 2  # row 2 cost nothing


async def test_a_step_whose_answer_names_no_id_is_rejected_with_its_text(tmp_path: Path) -> None:
    async def no_id(request: web.Request) -> web.Response:
        return web.json_response({"success": True, "data": {"text": "Campaign queued."}})

    item = work(1)
    async with scripted(no_id) as url:
        _, journal = await send(url, "sk_test_x", [item], tmp_path / "j.sqlite")
    record = journal.rows()[item.fingerprint]
    journal.close()
    assert record.status == "rejected"
    assert "without a campaign_id" in record.message and "Campaign queued." in record.message


async def test_a_redirect_is_never_followed_and_halts_as_configuration(tmp_path: Path) -> None:
    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPFound("/elsewhere")

    item = work(1)
    async with scripted(moved) as url:
        engine, journal = await send(url, "sk_test_x", [item, work(2)], tmp_path / "j.sqlite")
    rows = journal.rows()
    journal.close()
    assert isinstance(engine.halt, ApiConfigError)
    assert "redirect" in str(engine.halt)
    assert engine.stats.requests == 1  # the second row was never sent
    assert rows[item.fingerprint].status == "pending"


async def test_a_key_reused_with_other_arguments_is_a_rejection_not_a_retry(
    tmp_path: Path,
) -> None:
    seen: list[str] = []

    async def conflict(request: web.Request) -> web.Response:
        seen.append(request.headers["Idempotency-Key"])
        body = {"success": False, "error": "Idempotency-Key reused with different arguments."}
        return web.json_response(body, status=409)

    item = work(1)
    async with scripted(conflict) as url:
        _, journal = await send(url, "sk_test_x", [item], tmp_path / "j.sqlite")
    record = journal.rows()[item.fingerprint]
    journal.close()
    assert record.status == "rejected" and len(seen) == 1


async def test_retries_resend_the_same_bytes_with_the_same_key(tmp_path: Path) -> None:
    received: list[tuple[str, bytes]] = []

    async def flaky(request: web.Request) -> web.Response:
        received.append((request.headers["Idempotency-Key"], await request.read()))
        if len(received) < 3:
            return web.json_response({"success": False, "error": "busy"}, status=503)
        text = "**Campaign ID:** 42"
        return web.json_response({"success": True, "data": {"text": text}})

    item = work(1)
    async with scripted(flaky) as url:
        _, journal = await send(url, "sk_test_x", [item], tmp_path / "j.sqlite")
    record = journal.rows()[item.fingerprint]
    journal.close()
    assert record.status == "created" and record.ids["campaign_id"] == "42"
    assert len(received) == 3 and len(set(received)) == 1
    assert json.loads(received[0][1])["arguments"]["campaign_name"] == "Engine 1"


async def test_unreadable_free_answers_are_noted_and_the_run_goes_on(tmp_path: Path) -> None:
    from runs import campaign_row, config_for, write_csv

    from bulkads.runner import run_async

    async def reply(request: web.Request) -> web.Response:
        tool = request.match_info["tool"]
        if tool == "get_usage_status":
            return web.Response(status=200, text="<html>maintenance</html>")
        if tool == "list_connected_accounts":
            return web.json_response({"success": False, "error": "Internal error"}, status=500)
        return web.json_response({"success": True, "data": {"text": "Campaign ID: 77"}})

    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    async with scripted(reply) as url:
        report = await run_async(config_for(sheet, url))
    assert report.rows[0].status == "created" and report.rows[0].campaign_id == "77"
    assert any("quota left is unknown" in note for note in report.notes)
    assert any("advertisers are unknown" in note for note in report.notes)
