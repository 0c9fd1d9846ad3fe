"""CONTRACT §4-§5 edge answers: scripted in process in virtual time (`ScriptedTransport`),
and over real loopback sockets where the wiring is the point (redirects, the sandbox)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from virtual import VirtualTime

from bulkads.arguments import CREATE, USAGE
from bulkads.client import Client
from bulkads.config import EngineSettings, Secret
from bulkads.engine import Engine
from bulkads.errors import ApiConfigError, Interrupted
from bulkads.journal import Journal
from bulkads.pacing import Pacer
from bulkads.plan import Work, steps_for
from bulkads.preflight import preflight
from bulkads.rules import check_arguments, fingerprint
from bulkads.sandbox import AGENCY_ADVERTISERS, AGENCY_KEY, Sandbox, SandboxConfig, serve
from bulkads.transport import Answer, Request, ScriptedTransport, Transport

Reply = Callable[[web.Request], Awaitable[web.StreamResponse]]


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


def engine_for(
    transport: Transport, journal: Journal, time: VirtualTime | None = None, **settings: Any
) -> Engine:
    """An engine on `transport`; in `time`'s virtual time when given."""
    options: dict[str, Any] = {"concurrency": 1, "backoff_base": 0.001, "backoff_cap": 0.01}
    options.update(settings)
    rate = options.pop("rate", 100.0)
    pacer = Pacer(rate, clock=time.clock, sleep=time.sleep) if time else Pacer(rate)
    return Engine(
        transport=transport,
        journal=journal,
        pacer=pacer,
        settings=EngineSettings(**options),
        sleep=time.sleep if time else asyncio.sleep,
    )


async def send(url: str, key: str, items: list[Work], journal_path: Path) -> tuple[Engine, Journal]:
    """The items sent over loopback with the real aiohttp client."""
    journal = Journal.open(journal_path)
    async with Client(base_url=url, api_key=Secret(key), timeout=5, concurrency=1) as client:
        engine = engine_for(client, journal)
        await engine.run(items)
    return engine, journal


def send_scripted(
    reply: Callable[[Request], Answer], items: list[Work], journal_path: Path, **settings: Any
) -> tuple[Engine, Journal, ScriptedTransport]:
    """The items sent to `reply` in process, in virtual time (no real sleep)."""
    time = VirtualTime()
    transport = ScriptedTransport(reply, sleep=time.sleep)
    journal = Journal.open(journal_path)
    engine = engine_for(transport, journal, time, **settings)
    time.run(engine.run(items))
    return engine, journal, transport


def created(text: str = "**Campaign ID:** 42") -> Answer:
    return Answer.json(200, {"success": True, "data": {"text": text}})


def failed(status: int, error: str, **headers: str) -> Answer:
    return Answer.json(status, {"success": False, "error": error}, headers)


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
    assert len(sandbox.calls(tool=CREATE)) == 2  # row 2 cost nothing


def test_a_step_whose_answer_names_no_id_is_rejected_with_its_text(tmp_path: Path) -> None:
    item = work(1)
    _, journal, _ = send_scripted(lambda _: created("Campaign queued."), [item], tmp_path / "j")
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


def test_a_key_reused_with_other_arguments_is_a_rejection_not_a_retry(tmp_path: Path) -> None:
    def conflict(request: Request) -> Answer:
        return failed(409, "Idempotency-Key reused with different arguments.")

    item = work(1)
    _, journal, transport = send_scripted(conflict, [item], tmp_path / "j.sqlite")
    record = journal.rows()[item.fingerprint]
    journal.close()
    assert record.status == "rejected" and len(transport.requests) == 1


def test_retries_resend_the_same_bytes_with_the_same_key(tmp_path: Path) -> None:
    answers = iter([failed(503, "busy"), failed(503, "busy"), created()])
    item = work(1)
    _, journal, transport = send_scripted(lambda _: next(answers), [item], tmp_path / "j")
    record = journal.rows()[item.fingerprint]
    step = journal.step(item.fingerprint, CREATE)
    journal.close()
    assert record.status == "created" and record.ids["campaign_id"] == "42"
    sent = {(r.idempotency_key, r.body) for r in transport.requests}
    assert len(transport.requests) == 3 and len(sent) == 1
    assert transport.requests[0].arguments["campaign_name"] == "Engine 1"
    assert step is not None and step.attempts == 3


def test_a_retry_waits_at_least_what_retry_after_asks(tmp_path: Path) -> None:
    time = VirtualTime()
    sent_at: list[float] = []

    def reply(request: Request) -> Answer:
        sent_at.append(time.now)
        return failed(429, "slow down", **{"Retry-After": "30"}) if len(sent_at) == 1 else created()

    transport = ScriptedTransport(reply, sleep=time.sleep)
    with Journal.open(tmp_path / "j.sqlite") as journal:
        engine = engine_for(transport, journal, time, backoff_base=1.0, backoff_cap=60.0)
        time.run(engine.run([work(1)]))
    assert len(sent_at) == 2 and sent_at[1] - sent_at[0] >= 30


def test_a_stop_during_a_back_off_ends_the_wait_at_once(tmp_path: Path) -> None:
    time = VirtualTime()
    transport = ScriptedTransport(lambda _: failed(503, "busy", **{"Retry-After": "600"}))
    item = work(1)
    with Journal.open(tmp_path / "j.sqlite") as journal:
        engine = engine_for(transport, journal, time)

        async def stop_soon() -> None:
            await time.sleep(5)
            engine.stop(Interrupted("interrupted (Ctrl-C)"))

        async def both() -> None:
            await asyncio.gather(engine.run([item]), stop_soon())

        time.run(both())
        record = journal.rows()[item.fingerprint]
    assert time.now == 5  # not 600
    assert len(transport.requests) == 1 and record.status == "pending"


def test_a_stop_while_waiting_for_the_pacer_journals_nothing_as_sent(tmp_path: Path) -> None:
    time = VirtualTime()
    transport = ScriptedTransport(lambda _: created(), latency=3.0, sleep=time.sleep)
    first, second = work(1), work(2)
    with Journal.open(tmp_path / "j.sqlite") as journal:
        engine = engine_for(transport, journal, time, rate=1.0, concurrency=2)

        async def stop_while_paced() -> None:
            await time.sleep(0.5)  # the second row waits for the pacer until ~0.93 s
            engine.stop(Interrupted("interrupted (Ctrl-C)"))

        async def both() -> None:
            await asyncio.gather(engine.run([first, second]), stop_while_paced())

        time.run(both())
        went, waited = (journal.step(item.fingerprint, CREATE) for item in (first, second))
    assert len(transport.requests) == 1
    assert went is not None and went.status == "done" and went.attempts == 1
    assert waited is not None and waited.status == "planned" and waited.attempts == 0


def test_pre_flight_retries_pause_in_the_injected_time(tmp_path: Path) -> None:
    time = VirtualTime()
    answers = iter([failed(503, "busy"), failed(503, "busy")])

    def reply(request: Request) -> Answer:
        quota = {"used": 3, "limit": 150, "tier": "plus"}
        return next(answers, Answer.json(200, {"success": True, "data": {"quota": quota}}))

    transport = ScriptedTransport(reply)
    pacer = Pacer(100.0, clock=time.clock, sleep=time.sleep)
    found = time.run(preflight(transport, pacer, accounts=False, sleep=time.sleep))
    assert found.quota is not None and found.quota.left == 147
    assert [r.tool for r in transport.requests] == [USAGE] * 3
    assert 0 < time.now <= 20  # two pauses, each at most 10 s


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
