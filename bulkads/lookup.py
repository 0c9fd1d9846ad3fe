"""A run's targeting lookups (CONTRACT §2a): the plan says which types its rows' names need
(within the budget), one `search_tiktok_targeting` call per type, the rows checked again
with the names, the plan made again with what the lookups left of the budget.

Usage::

    planned = await plan_with_lookups(client, pacer, checked, facts, catalogue, budget=12,
                                      quota=q, now=t, recheck=check, send=True)
    planned.plan, planned.rows, planned.lookups.spent, planned.lookups.notes

A lookup is billable (counted in the plan and against the budget) unless its answer's
quota shows it was not billed. A type is looked up only for a row the budget covers with
all its steps: a run that cannot afford a row's lookups makes none for it, and the row
stays `pending`. A dry run (`send=False`) plans the same and calls nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bulkads.answers import Outcome, Quota, Verdict
from bulkads.cells import Resolve
from bulkads.pacing import Pacer
from bulkads.plan import Facts, Plan, make_plan
from bulkads.preflight import ask
from bulkads.rules import CheckedRow
from bulkads.targeting import QUERIES, TOOL, Catalogue, parse_entries
from bulkads.transport import Transport


@dataclass(frozen=True)
class Lookups:
    """What the lookups of a run did."""

    catalogue: Catalogue  # the cached types plus those looked up now
    types: tuple[str, ...] = ()  # the types looked up now, one call each (a dry run: would be)
    spent: int = 0  # billable calls they cost
    quota: Quota | None = None  # the last quota an answer showed
    notes: tuple[str, ...] = ()  # lookups that failed (a dry run: what its plan assumes)
    failed: tuple[tuple[str, str], ...] = ()  # (type, why) for lookups refused by the API
    in_flight: int = 0  # a lookup on its way when a stop came: the API may bill it

    def resolve(self, kind: str, name: str) -> str | None:
        """`Catalogue.resolve`, and a name of a type whose lookup failed is an error."""
        why = dict(self.failed).get(kind)
        if why is not None:
            raise ValueError(f"{name!r} could not be looked up ({why}); write its ID instead")
        return self.catalogue.resolve(kind, name)


@dataclass(frozen=True)
class Planned:
    """A run's plan, with the rows as it sends them and what its lookups did."""

    plan: Plan
    rows: list[CheckedRow]  # the names looked up (a dry run: as read)
    lookups: Lookups


async def plan_with_lookups(
    client: Transport,
    pacer: Pacer,
    rows: Sequence[CheckedRow],
    facts: Facts,
    catalogue: Catalogue,
    *,
    budget: int | None,
    quota: Quota | None,
    now: datetime,
    recheck: Callable[[Resolve], list[CheckedRow]],
    send: bool,
    seen: Callable[[Lookups], None] = lambda lookups: None,
) -> Planned:
    """Plan within `budget`, the rows with names as they will be sent once looked up.

    A dry run (`send=False`) stops there: its plan counts the lookups and the rows they
    let through, and assumes every name is found. A run looks the types up, checks the
    rows again with the names (`recheck(resolve)`) and plans again with the budget the
    lookups left: the same rows, but for those whose names were not found (invalid).
    `seen`: the lookups so far, as they go (`look_up`)."""
    wanted = make_plan(rows, facts, budget=budget, now=now, look_up=True)
    if not send or not wanted.lookups:
        notes = (_ASSUMED,) if wanted.lookups else ()
        return Planned(wanted, list(rows), Lookups(catalogue, types=wanted.lookups, notes=notes))
    sending = {item.number for item in wanted.work}
    lookups = await look_up(
        client,
        pacer,
        wanted.lookups,
        catalogue,
        advertiser=_advertiser(rows, sending),
        quota=quota,
        now=now,
        seen=seen,
    )
    checked = recheck(lookups.resolve)
    left = None if budget is None else budget - lookups.spent
    plan = make_plan(checked, facts, budget=left, now=now)
    plan = replace(plan, lookups=lookups.types, calls=plan.calls + len(lookups.types))
    return Planned(plan, checked, lookups)


_ASSUMED = (
    f"the plan assumes {TOOL} finds every name: a name it does not find makes its row "
    "invalid, and that row's calls are not spent"
)


async def look_up(
    client: Transport,
    pacer: Pacer,
    types: Sequence[str],
    catalogue: Catalogue,
    *,
    advertiser: dict[str, Any],
    quota: Quota | None,
    now: datetime,
    seen: Callable[[Lookups], None] = lambda lookups: None,
) -> Lookups:
    """Look up `types` (one call each) and add them to the catalogue.

    `seen(lookups)` is told what is done so far, when each call leaves (`in_flight`) and
    when it is answered: a halt or a signal in the middle keeps what was looked up and
    spent, so the record counts it and the next run does not pay for it again."""
    done = Lookups(catalogue)
    for kind in types:
        leaving = functools.partial(seen, replace(done, in_flight=1))
        outcome = await ask(client, pacer, TOOL, {**QUERIES[kind], **advertiser}, on_out=leaving)
        done = _answered(done, kind, outcome, start=quota, now=now)
        seen(done)
    return done


def _answered(
    done: Lookups, kind: str, outcome: Outcome, *, start: Quota | None, now: datetime
) -> Lookups:
    """`done` with one more type's answer. It was billed unless its quota shows no change."""
    last = done.quota or start
    billed = outcome.quota is None or last is None or outcome.quota.used != last.used
    done = replace(
        done,
        types=(*done.types, kind),
        spent=done.spent + (1 if billed else 0),
        quota=outcome.quota or done.quota,
    )
    entries = parse_entries(outcome.data or {}) if outcome.verdict is Verdict.DONE else []
    if entries:
        return replace(done, catalogue=done.catalogue.with_type(kind, entries, fetched=now))
    why = outcome.message.strip().splitlines()[0][:200] if outcome.message.strip() else ""
    why = why if outcome.verdict is not Verdict.DONE else f"no entries could be read: {why}"
    note = f"the {kind} lookup failed ({why}); its names cannot be sent"
    return replace(done, notes=(*done.notes, note), failed=(*done.failed, (kind, why)))


def _advertiser(rows: Sequence[CheckedRow], sending: Collection[int]) -> dict[str, Any]:
    """An advertiser of the rows with names, for keys with several (the catalogue is
    TikTok's, not theirs)."""
    for row in rows:
        if row.number in sending and row.names and row.arguments.get("advertiser_id"):
            return {"advertiser_id": row.arguments["advertiser_id"]}
    return {}
