"""What every sandbox tool shares: its context, account resolution and argument readers.

Usage::

    def my_tool(ctx: Context, args: dict[str, Any]) -> Output:
        advertiser = ctx.advertiser(args)
        urls = https_urls(args, "image_urls", least=1, most=20)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bulkads.sandbox.accounts import PLATFORM, Advertiser
from bulkads.sandbox.answers import ToolError
from bulkads.sandbox.ledger import Created
from bulkads.sandbox.state import KeyAccount, Sandbox


def account_rows(advertisers: tuple[Advertiser, ...]) -> list[dict[str, str]]:
    """The accounts as list_connected_accounts' structured rows (the first is primary)."""
    return [
        {
            "platform": PLATFORM,
            "account_id": a.advertiser_id,
            "account_name": a.name,
            "account_tier": "primary" if i == 0 else "secondary",
            "status": "connected",
        }
        for i, a in enumerate(advertisers)
    ]


@dataclass(frozen=True)
class Context:
    """One tool call: the sandbox, the calling key and the call's Idempotency-Key."""

    sandbox: Sandbox
    account: KeyAccount
    idempotency_key: str | None = None

    def advertiser(self, args: dict[str, Any], *, primary_if_omitted: bool = False) -> Advertiser:
        """The advertiser a call is for: named, the key's only one, or (some tools) its primary."""
        advertisers = self.account.advertisers
        wanted = args.get("advertiser_id")
        if wanted is None or wanted == "":
            if len(advertisers) == 1 or primary_if_omitted:
                return advertisers[0]
            raise _several_accounts(advertisers)
        if not isinstance(wanted, str):
            raise ToolError("advertiser_id: Input should be a valid string")
        for advertiser in advertisers:
            if advertiser.advertiser_id == wanted:
                return advertiser
        connected = ", ".join(f"{a.advertiser_id} ({a.name})" for a in advertisers)
        raise ToolError(
            f"advertiser_id {wanted} is not connected to this API key. "
            f"Connected {PLATFORM} accounts: {connected}.",
            status=403,
        )

    def add(
        self,
        kind: str,
        object_id: str,
        advertiser: Advertiser,
        args: dict[str, Any],
        **details: Any,
    ) -> Created:
        """Record a created object in the ledger."""
        created = Created(
            kind=kind,
            id=object_id,
            key=self.account.label,
            advertiser_id=advertiser.advertiser_id,
            at=self.sandbox.clock.now(),
            arguments=dict(args),
            details=details,
            idempotency_key=self.idempotency_key,
        )
        self.sandbox.ledger.add(created)
        return created

    def owned(self, kind: str, object_id: str, advertiser: Advertiser) -> Created | None:
        """An object this key created for this advertiser, if any."""
        found = self.sandbox.ledger.find(kind, object_id)
        if found is None or found.key != self.account.label:
            return None
        return found if found.advertiser_id == advertiser.advertiser_id else None


def _several_accounts(advertisers: tuple[Advertiser, ...]) -> ToolError:
    lines = "\n".join(f'  - {a.name} (advertiser_id="{a.advertiser_id}")' for a in advertisers)
    return ToolError(
        f"You have {len(advertisers)} {PLATFORM} accounts connected. Please specify which "
        f"account to use by passing the advertiser_id parameter:\n{lines}",
        structured={
            "platform": PLATFORM,
            "parameter": "advertiser_id",
            "accounts": account_rows(advertisers),
        },
    )


def optional_str(args: dict[str, Any], name: str) -> str | None:
    value = args.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ToolError(f"{name}: Input should be a valid string")
    return value


def string_list(
    args: dict[str, Any], name: str, *, least: int = 0, most: int | None = None
) -> list[str]:
    """A list-of-strings argument; required when `least` > 0."""
    value = args.get(name)
    if value is None:
        if least:
            raise ToolError(f"Missing required argument: {name}")
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ToolError(f"{name}: Input should be a valid list of strings")
    if len(value) < least or (most is not None and len(value) > most):
        raise ToolError(f"{name}: between {least} and {most} items are allowed (got {len(value)})")
    return value


def is_https(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname)


def https_urls(args: dict[str, Any], name: str, *, least: int, most: int) -> list[str]:
    """A list of public https:// URLs; names the first that is not one."""
    urls = string_list(args, name, least=least, most=most)
    for number, url in enumerate(urls, start=1):
        if not is_https(url):
            raise ToolError(f"{name}: URL {number} ({url}) is not a public https:// URL")
    return urls


def file_name(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1] or url
