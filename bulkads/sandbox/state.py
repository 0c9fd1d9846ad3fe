"""The sandbox's state: keys and their quota, the idempotency cache, the clock, the ledger.

Usage::

    sandbox = Sandbox(SandboxConfig(seed=1))
    sandbox.set_quota("solo", limit=5, used=5)
    sandbox.clock.advance(61 * 60)          # bundles made before now have expired
    sandbox.created("campaign"), sandbox.calls(tool="create_tiktok_campaign", status=200)
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bulkads.sandbox.accounts import TEST_KEYS, Advertiser
from bulkads.sandbox.answers import UPGRADE_URL, Answer
from bulkads.sandbox.config import SandboxConfig
from bulkads.sandbox.faults import RateWindow
from bulkads.sandbox.hostile import hostile_advertisers
from bulkads.sandbox.ledger import Call, Created, Ledger

TIERS = (("free", 15), ("plus", 150), ("pro", 600), ("max", 3000))


class Clock:
    """Local wall-clock time plus an offset that tests move forward."""

    def __init__(self) -> None:
        self._offset = timedelta()

    def now(self) -> datetime:
        return datetime.now() + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += timedelta(seconds=seconds)


def tier_of(limit: int) -> str:
    """The plan a monthly limit belongs to: the smallest tier that allows it."""
    return next((name for name, most in TIERS if limit <= most), "max")


@dataclass
class KeyAccount:
    """One API key: its label, its advertisers and its monthly quota."""

    label: str
    secret: str
    advertisers: tuple[Advertiser, ...]
    limit: int
    used: int

    def exhausted(self) -> bool:
        return self.used >= self.limit

    def quota(self, today: date, *, upgrade: bool = False) -> dict[str, Any]:
        """The spec's quota block; `upgrade` adds the 402's `upgrade_url`."""
        next_month = date(today.year + today.month // 12, today.month % 12 + 1, 1)
        block: dict[str, Any] = {
            "used": self.used,
            "limit": self.limit,
            "tier": tier_of(self.limit),
            "period_end": next_month.isoformat(),
        }
        if upgrade:
            block["upgrade_url"] = UPGRADE_URL
        return block

    def limit_message(self) -> str:
        """The 402's text, as the API words it."""
        tier = tier_of(self.limit)
        names = [name for name, _ in TIERS]
        upgrade = names[names.index(tier) + 1].title() if tier != "max" else "a larger plan"
        return (
            f"🚨 Monthly limit reached ({self.used}/{self.limit} tool calls on "
            f"{tier.title()} tier).\nUpgrade to {upgrade} at {UPGRADE_URL} to keep building."
        )


@dataclass
class _Entry:
    body_hash: str
    answer: Answer | None  # None while the first call with this key is still running


class IdempotencyCache:
    """Final answers by (key label, Idempotency-Key), with the hash of the body they answered."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Entry] = {}

    @staticmethod
    def body_hash(tool: str, raw_body: bytes) -> str:
        return hashlib.sha256(tool.encode() + b"\0" + raw_body).hexdigest()

    def get(self, scope: tuple[str, str]) -> _Entry | None:
        return self._entries.get(scope)

    def reserve(self, scope: tuple[str, str], body_hash: str) -> None:
        self._entries[scope] = _Entry(body_hash, None)

    def settle(self, scope: tuple[str, str], answer: Answer | None) -> None:
        """Keep a final answer; with None, forget the key so a retry does the work."""
        if answer is None:
            self._entries.pop(scope, None)
        else:
            self._entries[scope].answer = answer


class Sandbox:
    """Everything the sandbox knows; `config` may be replaced at any time."""

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or SandboxConfig()
        self.monotonic = monotonic  # arrival times: the ledger's windows and the rate limit
        self.rng = random.Random(self.config.seed)
        self.clock = Clock()
        self.ledger = Ledger()
        self.cache = IdempotencyCache()
        self.rate_window = RateWindow()
        named = hostile_advertisers if self.config.hostile_text else tuple
        self.accounts: dict[str, KeyAccount] = {
            label: KeyAccount(
                label, secret, named(advertisers), self.config.quota_limit, self.config.quota_used
            )
            for label, (secret, advertisers) in TEST_KEYS.items()
        }
        self.in_flight = 0
        self.max_in_flight = 0
        self.working: dict[str, int] = {}  # calls being worked on, per key label (the capacity)
        self._counter = 0

    def account_for(self, secret: str) -> KeyAccount | None:
        """The account of a bearer secret, or None for an unknown key."""
        return next((a for a in self.accounts.values() if a.secret == secret), None)

    def account(self, key: str) -> KeyAccount:
        """An account by label ("solo", "agency") or by its secret."""
        found = self.accounts.get(key) or self.account_for(key)
        if found is None:
            raise KeyError(f"no sandbox key {key!r}; known: {', '.join(self.accounts)}")
        return found

    def add_key(self, label: str, secret: str, advertisers: tuple[Advertiser, ...]) -> KeyAccount:
        """Connect one more test key (a rehearsal of a sheet that names its own advertisers)."""
        if label not in self.accounts:
            self.accounts[label] = KeyAccount(
                label, secret, advertisers, self.config.quota_limit, self.config.quota_used
            )
        return self.accounts[label]

    def set_quota(self, key: str, *, limit: int | None = None, used: int | None = None) -> None:
        account = self.account(key)
        account.limit = account.limit if limit is None else limit
        account.used = account.used if used is None else used

    def quota(self, key: str) -> dict[str, Any]:
        return self.account(key).quota(self.clock.now().date())

    def next_number(self) -> int:
        self._counter += 1
        return self._counter

    def random_hex(self, digits: int = 12) -> str:
        return f"{self.rng.getrandbits(4 * digits):0{digits}x}"

    def enter(self) -> None:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        self.in_flight -= 1

    @contextmanager
    def busy(self, key: str) -> Iterator[None]:
        """One more call at work for `key` while inside (the --max-in-flight capacity)."""
        self.working[key] = self.working.get(key, 0) + 1
        try:
            yield
        finally:
            self.working[key] -= 1

    def created(self, kind: str | None = None) -> list[Created]:
        return self.ledger.created(kind)

    def calls(self, tool: str | None = None, status: int | None = None) -> list[Call]:
        return self.ledger.calls(tool, status)

    def max_in_window(self, seconds: float = 1.0, tool: str | None = None) -> int:
        return self.ledger.max_in_window(seconds, tool)
