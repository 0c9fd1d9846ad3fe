"""Pre-flight with the free tools (CONTRACT §4): quota left and connected advertisers.

Usage::

    facts = await preflight(transport, pacer)          # a Client, or a ScriptedTransport
    facts.quota         # Quota or None (unknown: the run goes on without it)
    facts.accounts      # Accounts or None
    facts.unread        # the first lines of an account list that could not be read
    facts.notes         # what could not be learned, said to the user

    asking = asyncio.ensure_future(preflight(transport, pacer, out=out))
    await until_out(asking, out)    # both requests have left: work while they are answered
    facts = await add_accounts(transport, pacer, facts)   # asked later, if not at first

Free calls never spend quota; they still go through the pacer (the rate counts them).
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bulkads.accounts import Accounts, first_lines, read_accounts
from bulkads.answers import Outcome, Quota, Verdict, judge, run_error, unreachable
from bulkads.arguments import ACCOUNTS, USAGE
from bulkads.pacing import Pacer, backoff
from bulkads.plan import encode
from bulkads.transport import Answer, Transport, until_out

UNREAD_ACCOUNTS = (
    "the API's list of connected advertisers could not be read (run `bulkads accounts` "
    "to see it); advertiser IDs are not checked before sending"
)
_ATTEMPTS = 3
_TIKTOK = {"platform": "tiktok_ads"}  # list_connected_accounts' arguments: TikTok accounts only
_MOST_PAUSE = 10.0  # seconds between two tries of a free call, Retry-After or not


@dataclass(frozen=True)
class Preflight:
    quota: Quota | None
    accounts: Accounts | None
    notes: tuple[str, ...] = field(default=())
    unread: tuple[str, ...] = field(default=())  # an account list's first lines, unreadable


class _Departures:
    """Sets `out` once each tool asked has left at least once (a retry leaves it again)."""

    def __init__(self, out: asyncio.Event | None, tools: set[str]) -> None:
        self._out = out
        self._waiting = tools

    def left(self, tool: str) -> None:
        self._waiting.discard(tool)
        if not self._waiting and self._out is not None:
            self._out.set()


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
    out: asyncio.Event | None = None,
) -> Preflight:
    """Ask the free tools (the accounts only when `accounts`); raise for a refused key, a
    wrong URL or no network at all. `sleep` and `rng` pace the retries; `out` is set once
    every request has left, so the caller can work while they are answered."""
    departures = _Departures(out, {USAGE, ACCOUNTS} if accounts else {USAGE})
    asker = _Asker(transport, pacer, sleep, rng or random.Random())
    usage = _ask(asker, USAGE, {}, on_out=functools.partial(departures.left, USAGE))
    if not accounts:
        return _read(await usage, None)
    listing = _ask(asker, ACCOUNTS, _TIKTOK, on_out=functools.partial(departures.left, ACCOUNTS))
    return _read(*await asyncio.gather(usage, listing))


async def add_accounts(
    transport: Transport,
    pacer: Pacer,
    found: Preflight,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Preflight:
    """`found` with the connected advertisers, for a run that did not ask them at first."""
    return _with_accounts(found, await ask(transport, pacer, ACCOUNTS, _TIKTOK, sleep=sleep))


async def usage_now(transport: Transport, pacer: Pacer, *, within: float) -> Quota | None:
    """The quota as the API counts it now, asked once (free); None if it does not say
    within `within` seconds. After answers were lost, it tells what they were billed."""
    try:
        answer = await asyncio.wait_for(_call(pacer, transport, USAGE, {}), within)
    except TimeoutError:
        return None
    outcome = judge(answer)
    return outcome.quota if outcome.verdict is Verdict.DONE else None


def _read(usage: Outcome, listing: Outcome | None) -> Preflight:
    quota = usage.quota if usage.verdict is Verdict.DONE else None
    notes = () if quota else (f"the quota left is unknown ({_why(usage)}); going on without it",)
    found = Preflight(quota, None, notes)
    return found if listing is None else _with_accounts(found, listing)


def _with_accounts(found: Preflight, listing: Outcome) -> Preflight:
    if listing.verdict is not Verdict.DONE:
        note = f"the connected advertisers are unknown ({_why(listing)}); not checked"
        return replace(found, notes=(*found.notes, note))
    accounts = read_accounts(listing.data or {})
    if accounts is not None:
        return replace(found, accounts=accounts)
    return replace(
        found, notes=(*found.notes, UNREAD_ACCOUNTS), unread=first_lines(listing.message)
    )


async def ask(
    transport: Transport,
    pacer: Pacer,
    tool: str,
    arguments: dict[str, Any],
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    on_out: Callable[[], None] = lambda: None,
) -> Outcome:
    """One call with pre-flight's retries, for other read-only tools (targeting lookups).
    `on_out()`: a try has left."""
    return await _ask(
        _Asker(transport, pacer, sleep, random.Random()), tool, arguments, on_out=on_out
    )


async def _ask(
    asker: _Asker,
    tool: str,
    arguments: dict[str, Any],
    *,
    on_out: Callable[[], None] = lambda: None,
) -> Outcome:
    outcome = Outcome(Verdict.RETRY, "not asked")
    for attempt in range(1, _ATTEMPTS + 1):
        answer = await _call(asker.pacer, asker.transport, tool, arguments, on_out=on_out)
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


async def _call(
    pacer: Pacer,
    transport: Transport,
    tool: str,
    arguments: dict[str, Any],
    *,
    on_out: Callable[[], None] = lambda: None,
) -> Answer:
    """One free call, timed by the pacer when it actually leaves, as the engine's are: the
    first calls open new connections, and a send timed before that set-up came closer to
    the next ones at the server than the rate allows. `on_out`: it has left (or failed)."""
    call: asyncio.Future[Answer] | None = None
    try:
        turn = await pacer.acquire()
        out = asyncio.Event()
        call = asyncio.ensure_future(transport.call(tool, encode(arguments), on_sent=out.set))
        await until_out(call, out)
        turn.out()
        on_out()
        return await call
    finally:
        if call is not None and not call.done():
            call.cancel()  # timed out or stopped: the free call is not left behind


def _raise_for(outcome: Outcome, *, no_answer: bool) -> None:
    error = run_error(outcome)
    if error is not None:
        raise error
    if no_answer:
        raise unreachable(outcome)


def _why(outcome: Outcome) -> str:
    return outcome.message.strip().splitlines()[0][:200] if outcome.message.strip() else "no answer"
