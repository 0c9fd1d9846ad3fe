"""The free diagnostic tools: they read state and never spend quota.

Usage::

    get_usage_status(ctx, {}).structured["quota"]["used"]
"""

from __future__ import annotations

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
    if not rows:
        return Output(f"No {platform} accounts connected.", {"accounts": []})
    lines = [
        f"- {r['account_name']} (advertiser_id: {r['account_id']}) — "
        f"{r['platform']}, {r['account_tier']}, {r['status']}"
        for r in rows
    ]
    text = f"**Connected accounts ({len(rows)})**\n\n" + "\n".join(lines)
    return Output(text, {"accounts": rows})


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
