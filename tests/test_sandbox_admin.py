"""CONTRACT §8, the sandbox against a hostile web page or client: its admin paths answer
only this machine, and a malformed body is a 400, never a server error."""

from __future__ import annotations

import json

import aiohttp
import pytest
from sandbox_fixtures import call, running

DEEP = b'{"key": ' + b"[" * 30_000 + b"]" * 30_000 + b"}"


async def post(
    session: aiohttp.ClientSession, url: str, body: bytes, **headers: str
) -> tuple[int, str]:
    async with session.post(
        url, data=body, headers={"Content-Type": "application/json", **headers}
    ) as response:
        return response.status, await response.text()


@pytest.mark.parametrize("path", ["/_sandbox/quota", "/_sandbox/clock"])
async def test_a_cross_origin_post_from_a_web_page_is_refused(path: str) -> None:
    async with running() as (sandbox, base_url, session):
        body = json.dumps({"key": "solo", "used": 3000, "advance_s": 1}).encode()
        status, text = await post(session, base_url + path, body, Origin="https://evil.example")
        assert status == 403 and "cross-origin" in text
        assert sandbox.quota("solo")["used"] == 0


async def test_a_request_for_another_host_name_is_refused_as_dns_rebinding() -> None:
    async with running() as (sandbox, base_url, session):
        body = json.dumps({"key": "solo", "used": 3000}).encode()
        status, _ = await post(session, f"{base_url}/_sandbox/quota", body, Host="evil.example")
        assert status == 403
        async with session.get(
            f"{base_url}/_sandbox/ledger", headers={"Host": "evil.example"}
        ) as r:
            assert r.status == 403
        assert sandbox.quota("solo")["used"] == 0


async def test_the_sandboxs_own_pages_and_scripts_on_this_machine_are_answered() -> None:
    async with running() as (sandbox, base_url, session):
        body = json.dumps({"key": "solo", "used": 7}).encode()
        status, _ = await post(session, f"{base_url}/_sandbox/quota", body, Origin=base_url)
        assert status == 200 and sandbox.quota("solo")["used"] == 7
        port = base_url.rsplit(":", 1)[1]
        host = f"localhost:{port}"
        status, _ = await post(
            session, f"{base_url}/_sandbox/clock", b'{"advance_s": 5}', Host=host
        )
        assert status == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_sandbox/quota", b'{"key": "solo", "limit": NaN}'),
        ("/_sandbox/quota", b'{"key": "solo", "used": Infinity}'),
        ("/_sandbox/quota", b'{"key": "solo", "used": -Infinity}'),
        ("/_sandbox/quota", b'{"key": "solo", "limit": -5}'),
        ("/_sandbox/quota", b'{"key": "solo", "limit": 1e300}'),
        ("/_sandbox/quota", DEEP),
        ("/_sandbox/clock", b'{"advance_s": NaN}'),
        ("/_sandbox/clock", b'{"advance_s": -1}'),
        ("/_sandbox/clock", b"[" * 50_000),
        ("/_sandbox/clock", b"\xff\xfe"),
    ],
)
async def test_a_malformed_admin_body_is_a_400_not_a_server_error(path: str, body: bytes) -> None:
    async with running() as (sandbox, base_url, session):
        status, text = await post(session, base_url + path, body)
        assert status == 400, text
        assert "Traceback" not in text
        assert sandbox.quota("solo")["limit"] == 3000


@pytest.mark.parametrize("raw", [DEEP, b'{"arguments": {"budget_daily": NaN}}'])
async def test_a_malformed_tool_call_body_is_a_400_not_a_server_error(raw: bytes) -> None:
    async with running() as (_, base_url, session):
        reply = await call(session, base_url, "create_tiktok_campaign", raw=raw)
        assert reply.status == 400
        assert "Invalid JSON body" in reply.body["error"]
