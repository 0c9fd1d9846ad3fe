"""Everything before the first billable create: pre-flight's free calls, the sheet checked
while they are answered, names looked up, and the plan within the budget.

Usage::

    ready = await prepare(config, transport, pacer, journal, sheet, names, facts,
                          now=started, stopper=stopper)
    ready.halt          # None, or why nothing can be sent (a refused key, a signal, ...)
    ready.plan.work     # what to send; ready.checked: the rows as they will be sent

Nothing here is billable but the lookups (`search_tiktok_targeting`, one call per type),
and those only for rows the budget covers with all their steps (`lookup.plan_with_lookups`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from bulkads.answers import Quota
from bulkads.cells import Resolve
from bulkads.config import RunConfig
from bulkads.errors import ApiConfigError, BulkadsError, Halted
from bulkads.journal import FINISHED, Journal
from bulkads.lookup import Lookups, plan_with_lookups
from bulkads.pacing import Pacer
from bulkads.plan import Facts, Plan, make_plan, run_budget
from bulkads.preflight import Preflight, add_accounts, preflight
from bulkads.rules import CheckedRow, check_sheet
from bulkads.sheet import Sheet
from bulkads.stopping import Stopper
from bulkads.targeting import Catalogue, cache_path, write_cache
from bulkads.transport import Transport, until_out


@dataclass(frozen=True, kw_only=True)
class Prepared:
    """The plan and what it was made from; `halt` says why nothing can be sent."""

    plan: Plan
    checked: Sequence[CheckedRow]  # as they will be sent: names looked up (§2a)
    found: Preflight | None = None  # None: pre-flight halted
    halt: BulkadsError | None = None
    lookups: Lookups = field(default_factory=lambda: Lookups(Catalogue.empty()))

    @property
    def quota(self) -> Quota | None:
        """The latest quota known before sending: the lookups', else pre-flight's."""
        return self.lookups.quota or (self.found.quota if self.found else None)


async def prepare(
    config: RunConfig,
    transport: Transport,
    pacer: Pacer,
    journal: Journal,
    sheet: Sheet,
    names: Catalogue,
    facts: Facts,
    *,
    now: datetime,
    stopper: Stopper,
) -> Prepared:
    """Ask the free tools while checking the sheet, then plan within the budget, looking
    names up (unless a dry run, which plans them without the calls)."""
    # A finished sheet run again has nothing to send and needs no accounts; if it has
    # after all, `add_accounts` asks them below.
    last = journal.last_run()
    accounts = last is None or last[3] != FINISHED
    asked = await _ask_while_checking(
        transport, pacer, accounts=accounts, check=lambda: _check(config, sheet, now, names.resolve)
    )
    checked = asked.checked
    plan = make_plan(checked, facts, budget=None, now=now)
    waiting = any(decision.lookup for decision in plan.decisions.values())
    try:
        found = await asked.answers
        if not accounts and (plan.work or waiting):
            found = await add_accounts(transport, pacer, found)
    except (Halted, ApiConfigError) as halt:
        # Nothing was spent; the results still say what each row is waiting for.
        return Prepared(plan=plan, checked=checked, halt=halt)
    except asyncio.CancelledError:  # a signal, or the task cancelled: the same, said so
        return Prepared(plan=plan, checked=checked, halt=stopper.caught())
    if not (plan.work or waiting):  # the accounts and the budget only change rows to send
        return Prepared(plan=plan, checked=checked, found=found, lookups=Lookups(names))
    looked = [Lookups(names)]  # the lookups so far: a stop in the middle keeps them
    try:
        planned = await plan_with_lookups(
            transport,
            pacer,
            checked,
            replace(facts, accounts=found.accounts),
            names,
            budget=run_budget(found.quota, config.max_calls),
            quota=found.quota,
            now=now,
            recheck=lambda resolve: _check(config, sheet, now, resolve),
            send=not config.dry_run,
            seen=looked.append,
        )
    except (Halted, ApiConfigError) as halt:  # the API answered: nothing is on its way
        lookups = _kept(config, replace(looked[-1], in_flight=0))
        return Prepared(plan=plan, checked=checked, found=found, halt=halt, lookups=lookups)
    except asyncio.CancelledError:
        lookups = _kept(config, looked[-1])
        return Prepared(
            plan=plan, checked=checked, found=found, halt=stopper.caught(), lookups=lookups
        )
    if not config.dry_run:
        _kept(config, planned.lookups)
    return Prepared(plan=planned.plan, checked=planned.rows, found=found, lookups=planned.lookups)


def _kept(config: RunConfig, lookups: Lookups) -> Lookups:
    """The names looked up, cached beside the journal: the next run does not pay for them."""
    if lookups.types:
        write_cache(cache_path(config.journal), lookups.catalogue, base_url=config.base_url)
    return lookups


@dataclass(frozen=True)
class _Asked:
    """The sheet checked while pre-flight's free calls were on their way."""

    checked: list[CheckedRow]
    answers: asyncio.Future[Preflight]  # raises what pre-flight raised, or CancelledError


async def _ask_while_checking(
    transport: Transport,
    pacer: Pacer,
    *,
    accounts: bool,
    check: Callable[[], list[CheckedRow]],
) -> _Asked:
    """Send pre-flight's free calls, then `check` the sheet while they are answered (the
    free tools take seconds at the API; checking thousands of rows takes about as long).
    A signal before the calls are out cancels them; it is seen when the answers are
    awaited."""
    out = asyncio.Event()
    answers = asyncio.ensure_future(preflight(transport, pacer, accounts=accounts, out=out))
    try:
        await until_out(answers, out)
    except asyncio.CancelledError:
        answers.cancel()
    try:
        checked = check()
    except BaseException:
        answers.cancel()
        raise
    return _Asked(checked, answers)


def _check(config: RunConfig, sheet: Sheet, now: datetime, resolve: Resolve) -> list[CheckedRow]:
    """The rows checked, with the names known so far (the cache's, or those looked up)."""
    return check_sheet(sheet, now=now, default_advertiser_id=config.advertiser_id, resolve=resolve)
