"""A run's targeting lookups (CONTRACT §2a): the names its rows need, one
`search_tiktok_targeting` call per type not already in the cache, the cache written back.

Usage::

    done = await look_up(client, pacer, checked, sending, catalogue, budget=12, quota=q, now=t)
    done.catalogue, done.spent, done.types, done.notes, done.quota

The call is billable (counted in the plan and against the budget) unless its answer's
quota shows it was not billed. A run that cannot afford the lookups makes none: its rows
with names stay `pending`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bulkads.answers import Quota, Verdict
from bulkads.pacing import Pacer
from bulkads.preflight import ask
from bulkads.rules import CheckedRow
from bulkads.targeting import QUERIES, TOOL, Catalogue, parse_entries
from bulkads.transport import Transport


@dataclass(frozen=True)
class Lookups:
    """What the lookups of a run did."""

    catalogue: Catalogue  # the cached types plus those looked up now
    types: tuple[str, ...] = ()  # the types looked up now (one call each)
    spent: int = 0  # billable calls they cost
    quota: Quota | None = None  # the last quota an answer showed
    notes: tuple[str, ...] = ()  # lookups that failed, or were not affordable
    failed: tuple[tuple[str, str], ...] = ()  # (type, why) for lookups refused by the API

    def resolve(self, kind: str, name: str) -> str | None:
        """`Catalogue.resolve`, and a name of a type whose lookup failed is an error."""
        why = dict(self.failed).get(kind)
        if why is not None:
            raise ValueError(f"{name!r} could not be looked up ({why}); write its ID instead")
        return self.catalogue.resolve(kind, name)


def needed(rows: Sequence[CheckedRow], sending: Collection[int]) -> list[str]:
    """The targeting types the names of the rows about to be sent need, sorted."""
    return sorted(
        {name.targeting_type for row in rows if row.number in sending for name in row.names}
    )


async def look_up(
    client: Transport,
    pacer: Pacer,
    rows: Sequence[CheckedRow],
    sending: Collection[int],
    catalogue: Catalogue,
    *,
    budget: int | None,
    quota: Quota | None,
    now: datetime,
) -> Lookups:
    """Look up the types the sending rows' names need and the catalogue does not hold."""
    types = catalogue.missing(needed(rows, sending))
    if not types:
        return Lookups(catalogue)
    if budget is not None and budget < len(types):
        note = (
            f"{', '.join(types)} not looked up: {len(types)} {TOOL} call(s) needed and the "
            f"run's budget is {budget}; the rows naming them stay pending"
        )
        return Lookups(catalogue, notes=(note,))
    spent, notes, failed = 0, [], []
    for kind in types:
        outcome = await ask(client, pacer, TOOL, {**QUERIES[kind], **_advertiser(rows, sending)})
        billed = outcome.quota is None or quota is None or outcome.quota.used != quota.used
        quota = outcome.quota or quota
        spent += 1 if billed else 0
        entries = parse_entries(outcome.data or {}) if outcome.verdict is Verdict.DONE else []
        if entries:
            catalogue = catalogue.with_type(kind, entries, fetched=now)
            continue
        why = outcome.message.strip().splitlines()[0][:200] if outcome.message.strip() else ""
        why = why if outcome.verdict is not Verdict.DONE else f"no entries could be read: {why}"
        failed.append((kind, why))
        notes.append(f"the {kind} lookup failed ({why}); its names cannot be sent")
    return Lookups(catalogue, tuple(types), spent, quota, tuple(notes), tuple(failed))


def _advertiser(rows: Sequence[CheckedRow], sending: Collection[int]) -> dict[str, Any]:
    """An advertiser of the rows, for keys with several (the catalogue is TikTok's, not theirs)."""
    for row in rows:
        if row.number in sending and row.arguments.get("advertiser_id"):
            return {"advertiser_id": row.arguments["advertiser_id"]}
    return {}
