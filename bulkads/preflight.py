"""Pre-flight with the free tools (CONTRACT §4): quota left and connected advertisers.

Usage::

    facts = await preflight(transport, pacer)          # a Client, or a ScriptedTransport
    facts.quota         # Quota or None (unknown: the run goes on without it)
    facts.accounts      # Accounts or None
    facts.notes         # what could not be learned, said to the user

Free calls never spend quota; they still go through the pacer (the rate counts them).
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bulkads.answers import Outcome, Quota, Verdict, judge, run_error, unreachable
from bulkads.arguments import ACCOUNTS, USAGE
from bulkads.pacing import Pacer, backoff
from bulkads.plan import Accounts, encode
from bulkads.transport import Transport

_TEXT_ACCOUNT = re.compile(
    r"^\W*(?P<name>[^\n(]*?)\s*\((?:advertiser_id|account_id|id)\s*[=:]\s*[\"'`]?(?P<id>\w+)",
    re.IGNORECASE | re.MULTILINE,
)
_ATTEMPTS = 3
_MOST_PAUSE = 10.0  # seconds between two tries of a free call, Retry-After or not


@dataclass(frozen=True)
class Preflight:
    quota: Quota | None
    accounts: Accounts | None
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Asker:
    """How the free tools are asked: the transport, the pacer, and the pauses' time."""

    transport: Transport
    pacer: Pacer
    sleep: Callable[[float], Awaitable[None]]
    rng: random.Random


async def preflight(
    transport: Transport,
    pacer: Pacer,
    *,
    accounts: bool = True,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    rng: random.Random | None = None,
) -> Preflight:
    """Ask the free tools (the accounts only when `accounts`); raise for a refused key, a
    wrong URL or no network at all. `sleep` and `rng` pace the retries."""
    asker = _Asker(transport, pacer, sleep, rng or random.Random())
    if not accounts:
        return _read(await _ask(asker, USAGE, {}), None)
    usage, listing = await asyncio.gather(
        _ask(asker, USAGE, {}),
        _ask(asker, ACCOUNTS, {"platform": "tiktok_ads"}),
    )
    return _read(usage, listing)


def _read(usage: Outcome, listing: Outcome | None) -> Preflight:
    notes: list[str] = []
    quota = usage.quota if usage.verdict is Verdict.DONE else None
    if quota is None:
        notes.append(f"the quota left is unknown ({_why(usage)}); going on without it")
    if listing is None:
        return Preflight(quota, None, tuple(notes))
    accounts = parse_accounts(listing.data or {}) if listing.verdict is Verdict.DONE else None
    if accounts is None:
        notes.append(f"the connected advertisers are unknown ({_why(listing)}); not checked")
    return Preflight(quota, accounts, tuple(notes))


async def _ask(asker: _Asker, tool: str, arguments: dict[str, Any]) -> Outcome:
    outcome = Outcome(Verdict.RETRY, "not asked")
    for attempt in range(1, _ATTEMPTS + 1):
        await asker.pacer.acquire()
        answer = await asker.transport.call(tool, encode(arguments))
        outcome = judge(answer)
        if outcome.verdict is not Verdict.RETRY:
            break
        if attempt < _ATTEMPTS:  # a free call, but no reason to hammer the API either
            pause = backoff(
                attempt=attempt, retry_after=outcome.retry_after, rng=asker.rng, base=0.5
            )
            await asker.sleep(min(pause, _MOST_PAUSE))
    _raise_for(outcome, no_answer=outcome.verdict is Verdict.RETRY and answer.status is None)
    return outcome


def _raise_for(outcome: Outcome, *, no_answer: bool) -> None:
    error = run_error(outcome)
    if error is not None:
        raise error
    if no_answer:
        raise unreachable(outcome)


def parse_accounts(data: dict[str, Any]) -> Accounts | None:
    """TikTok advertisers from `list_connected_accounts`: structured first, else the text."""
    structured = data.get("structured")
    if isinstance(structured, dict) and isinstance(structured.get("accounts"), list):
        names: dict[str, str] = {}
        for account in structured["accounts"]:
            if not isinstance(account, dict):
                continue
            if account.get("platform", "tiktok_ads") != "tiktok_ads":
                continue
            account_id = str(account.get("account_id") or account.get("advertiser_id") or "")
            if account_id:
                names[account_id] = str(account.get("account_name") or "")
        return Accounts(tuple(names), names)
    text = data.get("text")
    if not isinstance(text, str):
        return None
    found = {m.group("id"): m.group("name").strip(" -*") for m in _TEXT_ACCOUNT.finditer(text)}
    # A text we cannot read is "unknown", never "none connected": the API will say per row.
    return Accounts(tuple(found), found) if found else None


def _why(outcome: Outcome) -> str:
    return outcome.message.strip().splitlines()[0][:200] if outcome.message.strip() else "no answer"
