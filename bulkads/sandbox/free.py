"""The free diagnostic tools: they read state and never spend quota.

Usage::

    get_usage_status(ctx, {}).structured["quota"]["used"]
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bulkads.sandbox.accounts import PLATFORM, PLATFORMS
from bulkads.sandbox.answers import Output, ToolError
from bulkads.sandbox.toolkit import Context, account_rows, optional_str

_PLATFORM_NAMES = {
    "google_ads": "Google Ads",
    "meta_ads": "Meta Ads",
    "tiktok_ads": "TikTok Ads",
    "linkedin_ads": "LinkedIn Ads",
}


def get_usage_status(ctx: Context, args: dict[str, Any]) -> Output:
    quota = ctx.account.quota(ctx.sandbox.clock.now().date())
    left = max(quota["limit"] - quota["used"], 0)
    text = (
        "📊 **Usage status**\n\n"
        f"**Tool calls used:** {quota['used']} / {quota['limit']} ({quota['tier'].title()} tier)\n"
        f"**Remaining:** {left}\n"
        f"**Resets on:** {quota['period_end']}"
    )
    return Output(text, {"quota": quota}, quota=quota)


def list_connected_accounts(ctx: Context, args: dict[str, Any]) -> Output:
    platform = optional_str(args, "platform")
    if platform is not None and platform not in PLATFORMS:
        raise ToolError(f"Unknown platform '{platform}'. Use one of: {', '.join(PLATFORMS)}.")
    rows = account_rows(ctx.account.advertisers) if platform in (None, PLATFORM) else []
    shape = ctx.sandbox.config.accounts_as
    text = _ACCOUNT_TEXTS[shape](rows, platform)
    return Output(text, {"accounts": rows} if shape == "structured" else None)


def _as_lines(rows: list[dict[str, str]], platform: str | None) -> str:
    if not rows:
        return f"No {platform} accounts connected."
    lines = [
        f"- {r['account_name']} (advertiser_id: {r['account_id']}) — "
        f"{r['platform']}, {r['account_tier']}, {r['status']}"
        for r in rows
    ]
    return f"**Connected accounts ({len(rows)})**\n\n" + "\n".join(lines)


def _as_table(rows: list[dict[str, str]], platform: str | None) -> str:
    lines = ["| Platform | Account name | Account ID | Tier | Status |", "|---|---|---|---|---|"]
    lines += [
        f"| {r['platform']} | {r['account_name']} | `{r['account_id']}` | "
        f"{r['account_tier']} | {r['status']} |"
        for r in rows
    ]
    return f"## Connected accounts ({len(rows)})\n\n" + "\n".join(lines)


def _as_json(rows: list[dict[str, str]], platform: str | None) -> str:
    block = json.dumps({"accounts": rows}, indent=2, ensure_ascii=False)
    return f"Connected accounts:\n\n```json\n{block}\n```"


def _as_prose(rows: list[dict[str, str]], platform: str | None) -> str:
    """A shape no reader can use: names without their IDs."""
    names = ", ".join(r["account_name"] for r in rows) or "none"
    return f"Connected accounts:\nYou have {len(rows)} account(s) connected: {names}."


_ACCOUNT_TEXTS: dict[str, Callable[[list[dict[str, str]], str | None], str]] = {
    "structured": _as_lines,
    "lines": _as_lines,
    "table": _as_table,
    "json": _as_json,
    "unreadable": _as_prose,
}


def get_connections_status(ctx: Context, args: dict[str, Any]) -> Output:
    advertisers = ctx.account.advertisers
    lines = []
    for platform, name in _PLATFORM_NAMES.items():
        if platform == PLATFORM:
            lines.append(
                f"- **{name}**: ✅ connected — {len(advertisers)} account(s), "
                f"primary: {advertisers[0].name} ({advertisers[0].advertiser_id})"
            )
        else:
            lines.append(f"- **{name}**: not connected")
    return Output("🔗 **Connections**\n\n" + "\n".join(lines))
