"""Where a launch from the page goes: the embedded sandbox (a rehearsal) or the live API.

Usage::

    async with Targets(live_url, api_key, sandbox=Sandbox()) as targets:
        target = await targets.get("rehearsal", advertiser_ids=("7000000000000000001",))
        RunConfig(..., base_url=target.base_url, api_key=target.api_key)

A rehearsal runs in-process against the sandbox, as `bulkads demo` does, with a test
key connected to the advertisers the sheet names (the sandbox cannot know the user's
own), so a sheet that will pass for real passes there too.
"""

from __future__ import annotations

import hashlib
from contextlib import AsyncExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import Literal

from bulkads.config import Secret, default
from bulkads.errors import UsageError
from bulkads.sandbox import AGENCY_ADVERTISERS, SOLO_KEY, Advertiser, Sandbox, serve

Kind = Literal["rehearsal", "live"]
KINDS: tuple[Kind, ...] = ("rehearsal", "live")
_KNOWN_NAMES = {a.advertiser_id: a.name for a in AGENCY_ADVERTISERS}


@dataclass(frozen=True)
class Target:
    kind: Kind
    base_url: str
    api_key: Secret
    rate: float  # calls a second at most

    def describe(self) -> str:
        if self.kind == "rehearsal":
            return "the sandbox on this computer: nothing is spent, nothing reaches TikTok"
        return f"the live API at {self.base_url}: campaigns are created (paused) and calls billed"


class Targets:
    """The live settings and the rehearsal sandbox, served while the page is up."""

    def __init__(
        self,
        live_url: str,
        api_key: Secret | None,
        *,
        sandbox: Sandbox,
        rate: float = default("rate"),
        rehearsal_rate: float = 10.0,
    ) -> None:
        self.live_url = live_url
        self.has_key = api_key is not None
        self.sandbox = sandbox
        self._api_key = api_key
        self._rate = rate
        self._rehearsal_rate = rehearsal_rate
        self._stack = AsyncExitStack()
        self._sandbox_url: str | None = None

    async def __aenter__(self) -> Targets:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self._stack.aclose()

    async def get(self, kind: Kind, *, advertiser_ids: tuple[str, ...] = ()) -> Target:
        if kind == "live":
            if self._api_key is None:
                raise UsageError(
                    "no API key: start `bulkads ui` with ADSPIRER_API_KEY set or with "
                    "--api-key-file PATH (a rehearsal needs none)"
                )
            return Target("live", self.live_url, self._api_key, self._rate)
        if self._sandbox_url is None:
            self._sandbox_url = await self._stack.enter_async_context(serve(self.sandbox))
        key = self._rehearsal_key(advertiser_ids)
        return Target("rehearsal", self._sandbox_url, key, self._rehearsal_rate)

    def _rehearsal_key(self, advertiser_ids: tuple[str, ...]) -> Secret:
        """The solo test key, or a key connected to exactly the advertisers the sheet names."""
        if not advertiser_ids:
            return Secret(SOLO_KEY)
        ids = tuple(sorted(set(advertiser_ids)))
        digest = hashlib.sha256(",".join(ids).encode()).hexdigest()[:12]
        advertisers = tuple(Advertiser(i, _KNOWN_NAMES.get(i, f"your advertiser {i}")) for i in ids)
        account = self.sandbox.add_key(
            f"rehearsal-{digest}", f"sk_test_rehearsal_{digest}", advertisers
        )
        return Secret(account.secret)
