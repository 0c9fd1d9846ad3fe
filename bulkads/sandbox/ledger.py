"""The sandbox's ledger: every request it answered and every object it created.

Usage::

    len(sandbox.ledger.created("campaign"))      # campaigns made
    sandbox.ledger.calls(status=200)             # answered requests
    sandbox.ledger.max_in_window(1.0)            # most arrivals in any 1 s window
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Call:
    """One request, as the sandbox answered it."""

    at: float  # arrival, time.monotonic()
    key: str  # "solo", "agency" or "unknown": never the secret
    tool: str
    status: int | None  # None: the connection was reset, nothing was answered
    idempotency_key: str | None = None
    replayed: bool = False
    fault: str | None = None  # "reset", "error", "throttle", "rate_limit", "capacity", "drop"


@dataclass(frozen=True)
class Created:
    """One object the sandbox created: a campaign, bundle, image or card."""

    kind: str  # "campaign", "bundle", "image", "card"
    id: str
    key: str  # the key's label
    advertiser_id: str
    at: datetime  # the sandbox clock's time of creation
    arguments: dict[str, Any]  # the tool arguments it was created from
    details: dict[str, Any] = field(default_factory=dict)  # e.g. the campaign's ad group ID
    idempotency_key: str | None = None


class Ledger:
    """Append-only record of calls and created objects, with the queries tests need."""

    def __init__(self) -> None:
        self.call_log: list[Call] = []
        self.objects: list[Created] = []
        self._by_id: dict[str, Created] = {}

    def record(self, call: Call) -> None:
        self.call_log.append(call)

    def add(self, created: Created) -> None:
        self.objects.append(created)
        self._by_id[created.id] = created

    def find(self, kind: str, object_id: str) -> Created | None:
        """The object of this kind with this ID, if the sandbox created it."""
        found = self._by_id.get(object_id)
        return found if found is not None and found.kind == kind else None

    def created(self, kind: str | None = None) -> list[Created]:
        return [o for o in self.objects if kind is None or o.kind == kind]

    def calls(self, tool: str | None = None, status: int | None = None) -> list[Call]:
        return [
            c
            for c in self.call_log
            if (tool is None or c.tool == tool) and (status is None or c.status == status)
        ]

    def max_in_window(self, seconds: float = 1.0, tool: str | None = None) -> int:
        """The most requests whose arrival falls in any half-open window [t, t + seconds)."""
        arrivals = sorted(c.at for c in self.calls(tool))
        best, start = 0, 0
        for end, at in enumerate(arrivals):
            while at - arrivals[start] >= seconds:
                start += 1
            best = max(best, end - start + 1)
        return best

    def to_json(self) -> dict[str, Any]:
        """The ledger as JSON-ready data (for GET /_sandbox/ledger)."""
        objects = [{**asdict(o), "at": o.at.isoformat(sep=" ")} for o in self.objects]
        return {"calls": [asdict(c) for c in self.call_log], "objects": objects}
