"""Helpers for talking to the sandbox over a real loopback socket.

Usage::

    async with running(SandboxConfig(seed=1)) as (sandbox, base_url, session):
        reply = await call(session, base_url, "get_usage_status")
        reply.status, reply.body["data"]["quota"]
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
import pytest

from bulkads import rules
from bulkads.sandbox import SOLO_KEY, Sandbox, SandboxConfig, serve

# The strict library: unknown image and card IDs are refused, as the contract tests need.
FAST = SandboxConfig(latency=(0.0, 0.002), seed=1, strict_library=True)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def body(self) -> Any:
        return json.loads(self.text)


@asynccontextmanager
async def running(
    config: SandboxConfig = FAST, **sandbox_options: Any
) -> AsyncIterator[tuple[Sandbox, str, aiohttp.ClientSession]]:
    """A sandbox served on 127.0.0.1 and a client session for it."""
    sandbox = Sandbox(config, **sandbox_options)
    async with serve(sandbox) as base_url, aiohttp.ClientSession() as session:
        yield sandbox, base_url, session


async def call(
    session: aiohttp.ClientSession,
    base_url: str,
    tool: str,
    arguments: dict[str, Any] | None = None,
    *,
    key: str | None = SOLO_KEY,
    idempotency_key: str | None = None,
    raw: bytes | None = None,
) -> Reply:
    """POST one tool call; `raw` sends a body as given instead of {"arguments": ...}."""
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    body = raw if raw is not None else json.dumps({"arguments": arguments or {}}).encode()
    url = f"{base_url}/api/v1/tools/{tool}/execute"
    async with session.post(url, data=body, headers=headers) as response:
        return Reply(response.status, dict(response.headers), await response.text())


def require_rules() -> None:
    """Fail (never skip) a test that needs bulkads.rules.check_arguments before it exists."""
    try:
        rules.check_arguments({"campaign_name": "probe"}, now=datetime.now())
    except NotImplementedError:
        pytest.fail(
            "bulkads.rules.check_arguments is not implemented yet; the sandbox's "
            "create_tiktok_campaign checks call it. Rerun when bulkads/rules.py lands."
        )


def campaign(**overrides: Any) -> dict[str, Any]:
    """Arguments of a valid create_tiktok_campaign (creative: a library image)."""
    arguments: dict[str, Any] = {
        "campaign_name": "Spring Sale",
        "ad_text": "Fresh spring styles",
        "display_name": "Acme Outfitters",
        "landing_page_url": "https://www.example.com/spring",
        "budget_daily": 50,
        "existing_image_ids": ["img_lib_001_1"],
    }
    arguments.update(overrides)
    return {k: v for k, v in arguments.items() if v is not None}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def read_until(process: subprocess.Popen[str], marker: str, timeout: float = 20.0) -> str:
    """The process's stdout up to the line containing `marker` (fails after `timeout`)."""
    assert process.stdout is not None
    seen = ""
    fd = process.stdout.fileno()
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], timeout)
        chunk = os.read(fd, 4096).decode() if ready else ""
        if not chunk:
            pytest.fail(f"no {marker!r} from the sandbox within {timeout} s; got:\n{seen}")
        seen += chunk
    return seen


def images(*urls: str, advertiser_id: str | None = None) -> dict[str, object]:
    """Arguments for the image tools."""
    arguments: dict[str, object] = {"image_urls": list(urls)}
    if advertiser_id is not None:
        arguments["advertiser_id"] = advertiser_id
    return arguments
