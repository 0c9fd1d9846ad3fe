"""CONTRACT §8: the sandbox's faults, ledger and admin paths, over real loopback sockets."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import aiohttp
import pytest
from sandbox_fixtures import FAST, call, campaign, images, require_rules, running

from bulkads.sandbox import (
    AGENCY_ADVERTISERS,
    AGENCY_KEY,
    SOLO_KEY,
    Call,
    Ledger,
    SandboxConfig,
)

IMAGE = "https://cdn.example.com/spring_1080x1920.jpg"
NORTHWIND = AGENCY_ADVERTISERS[0].advertiser_id


# --- faults ---------------------------------------------------------------------------


async def test_an_error_rate_of_one_answers_every_call_5xx_and_does_nothing() -> None:
    async with running(replace(FAST, error_rate=1.0)) as (sandbox, url, session):
        replies = [
            await call(session, url, "upload_tiktok_images", images(IMAGE)) for _ in range(12)
        ]
    assert {r.status for r in replies} <= {500, 502, 503}
    assert len({r.status for r in replies}) > 1
    for reply in replies:
        if reply.status != 502:  # a gateway's 502 is an HTML page
            assert reply.body["success"] is False
    assert sandbox.created() == [] and sandbox.quota("solo")["used"] == 0
    assert {c.fault for c in sandbox.calls()} == {"error"}


async def test_the_upstream_throttle_is_a_429_with_retry_after_and_spends_nothing() -> None:
    throttling = replace(FAST, throttle_rate=1.0, retry_after_s=7)
    async with running(throttling) as (_, url, session):
        reply = await call(session, url, "upload_tiktok_images", images(IMAGE))
        free = await call(session, url, "get_usage_status")
    assert reply.status == 429 and reply.headers["Retry-After"] == "7"
    assert "Retry after 7 seconds." in reply.body["error"] and "quota" not in reply.body
    assert free.status == 200 and free.body["data"]["quota"]["used"] == 0


async def test_a_dropped_answer_was_committed_and_a_retry_with_its_key_gets_the_replay() -> None:
    require_rules()
    async with running(replace(FAST, drop_rate=1.0)) as (sandbox, url, session):
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await call(session, url, "create_tiktok_campaign", campaign(), idempotency_key="k-7")
        [created] = sandbox.created("campaign")
        assert sandbox.calls()[0].fault == "drop" and sandbox.quota("solo")["used"] == 1
        retried = await call(
            session, url, "create_tiktok_campaign", campaign(), idempotency_key="k-7"
        )
    assert retried.status == 200 and retried.headers.get("Idempotent-Replayed") == "true"
    assert f"**Campaign ID:** {created.id}" in retried.body["data"]["text"]
    assert len(sandbox.created("campaign")) == 1 and sandbox.quota("solo")["used"] == 1


async def test_a_reset_closes_the_connection_before_any_work() -> None:
    async with running(replace(FAST, reset_rate=1.0)) as (sandbox, url, session):
        with pytest.raises(aiohttp.ClientError):
            await call(session, url, "upload_tiktok_images", images(IMAGE))
    assert sandbox.created() == [] and sandbox.quota("solo")["used"] == 0
    assert sandbox.calls()[0].status is None and sandbox.calls()[0].fault == "reset"


async def test_the_rate_limit_answers_429_past_n_requests_a_second_per_key() -> None:
    now = [100.0]
    config = replace(FAST, rate_limit=2)
    async with running(config, monotonic=lambda: now[0]) as (sandbox, url, session):
        solo = [(await call(session, url, "get_usage_status")) for _ in range(3)]
        agency = await call(session, url, "get_usage_status", key=AGENCY_KEY)
        now[0] += 1.0
        later = await call(session, url, "get_usage_status")
    assert [r.status for r in solo] == [200, 200, 429]
    assert (
        solo[2].headers["Retry-After"] == "1" and "Retry after 1 seconds." in solo[2].body["error"]
    )
    assert agency.status == 200 and later.status == 200
    assert sandbox.calls(status=429)[0].fault == "rate_limit"


async def test_past_max_in_flight_a_key_gets_429_too_many_concurrent_requests_unbilled() -> None:
    config = replace(FAST, latency=(0.3, 0.3), max_in_flight=2)
    async with running(config) as (sandbox, url, session):
        upload = call(session, url, "upload_tiktok_images", images(IMAGE))
        first = await asyncio.gather(
            upload, *(call(session, url, "upload_tiktok_images", images(IMAGE)) for _ in range(2))
        )
        other_key = await call(session, url, "get_usage_status", key=AGENCY_KEY)
        later = await call(session, url, "upload_tiktok_images", images(IMAGE))
    assert sorted(r.status for r in first) == [200, 200, 429]
    [refused] = [r for r in first if r.status == 429]
    assert refused.headers["Retry-After"] == "1"
    assert "Too many concurrent requests" in refused.body["error"] and "quota" not in refused.body
    assert other_key.status == 200 and later.status == 200
    assert sandbox.quota("solo")["used"] == 3  # the two taken at once, and the later one
    assert [c.fault for c in sandbox.calls(status=429)] == ["capacity"]


def test_realistic_latency_gives_the_long_running_tools_the_apis_timings() -> None:
    config = SandboxConfig(realistic=True)
    assert config.latency_for("create_tiktok_campaign") == (15.0, 30.0)
    assert config.latency_for("validate_and_prepare_tiktok_assets") == (5.0, 15.0)
    assert config.latency_for("get_usage_status") == config.latency


# --- the ledger and the admin paths ---------------------------------------------------


def test_max_in_window_counts_arrivals_in_half_open_windows() -> None:
    ledger = Ledger()
    for at in (0.0, 0.2, 0.4, 1.0, 1.1, 5.0):
        ledger.record(Call(at, "solo", "get_usage_status", 200))
    assert ledger.max_in_window(1.0) == 4  # [0.2, 1.2)
    assert ledger.max_in_window(0.2) == 2  # [1.0, 1.2); 0.0 and 0.2 are not in one 0.2 s window
    assert Ledger().max_in_window(1.0) == 0
    edges = Ledger()
    for at in (0.0, 0.5, 1.0):
        edges.record(Call(at, "solo", "get_usage_status", 200))
    assert edges.max_in_window(1.0) == 2  # 1.0 is outside [0.0, 1.0)


async def test_the_ledger_counts_calls_in_flight_and_filters_by_tool_and_status() -> None:
    async with running(replace(FAST, latency=(0.2, 0.2))) as (sandbox, url, session):
        await asyncio.gather(*(call(session, url, "get_usage_status") for _ in range(3)))
        await call(session, url, "upload_tiktok_images", {})
    assert sandbox.max_in_flight == 3
    assert len(sandbox.calls(tool="get_usage_status")) == 3
    assert [c.tool for c in sandbox.calls(status=400)] == ["upload_tiktok_images"]
    assert sandbox.max_in_window(10.0) == 4


async def test_the_admin_paths_steer_quota_and_clock_and_serve_the_ledger() -> None:
    async with running() as (sandbox, url, session):
        async with session.post(
            f"{url}/_sandbox/quota", json={"key": "solo", "limit": 5, "used": 5}
        ) as r:
            assert r.status == 200 and (await r.json())["used"] == 5
        refused = await call(session, url, "upload_tiktok_images", images(IMAGE))
        before = sandbox.clock.now()
        async with session.post(f"{url}/_sandbox/clock", json={"advance_s": 3600}) as r:
            assert r.status == 200
        async with session.get(f"{url}/_sandbox/ledger") as r:
            text = await r.text()
    assert refused.status == 402
    assert (sandbox.clock.now() - before).total_seconds() >= 3600
    ledger = json.loads(text)
    assert [c["status"] for c in ledger["calls"]] == [402]
    assert ledger["quota"]["solo"]["used"] == 5
    assert SOLO_KEY not in text and AGENCY_KEY not in text
