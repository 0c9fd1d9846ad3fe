"""create_tiktok_campaign and the campaign read tools, checked as the API checks them.

Usage::

    create_tiktok_campaign(ctx, {"campaign_name": "Spring", ..., "asset_bundle_id": "bndl_…"})
"""

from __future__ import annotations

from typing import Any

from bulkads import rules
from bulkads.arguments import ARGUMENTS
from bulkads.sandbox.accounts import Advertiser
from bulkads.sandbox.answers import Output, ToolError
from bulkads.sandbox.creative import (
    ASSET_ID_FORM,
    BUNDLE_LIFETIME,
    POST_ID_FORM,
    check_form,
    check_images_known,
)
from bulkads.sandbox.toolkit import Context, optional_str

# The API's own arguments: the table without the columns bulkads turns into extra steps.
API_ARGUMENTS = frozenset(a.name for a in ARGUMENTS if not a.steps)
CAMPAIGN_BASE, AD_GROUP_BASE, AD_BASE = 1801000000000000, 1802000000000000, 1803000000000000


def _check(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """The arguments as CONTRACT §3 reads them; every error of theirs in one 400."""
    unknown = sorted(set(args) - API_ARGUMENTS)
    if unknown:
        raise ToolError(
            f"Unknown argument(s) for create_tiktok_campaign: {', '.join(unknown)}. "
            "Images must be prepared first (asset_bundle_id, existing_image_ids or card_id)."
        )
    normalized, issues = rules.check_arguments(args, now=ctx.sandbox.clock.now(), plain=True)
    errors = [issue.message for issue in issues if issue.severity == "error"]
    if errors:
        raise ToolError("Invalid arguments: " + "; ".join(errors))
    return normalized


def _check_creative(ctx: Context, advertiser: Advertiser, normalized: dict[str, Any]) -> None:
    """A bundle must exist for this advertiser and be fresh; the user's own image, card and
    post IDs must be well-formed (strict: the images and the card must be known here)."""
    bundle_id = normalized.get("asset_bundle_id")
    if bundle_id:
        bundle = ctx.owned("bundle", bundle_id, advertiser)
        if bundle is None:
            raise ToolError(
                f"Asset bundle {bundle_id} not found for advertiser "
                f"{advertiser.advertiser_id}; prepare the images with "
                "validate_and_prepare_tiktok_assets."
            )
        expires = bundle.at + BUNDLE_LIFETIME
        if ctx.sandbox.clock.now() >= expires:
            raise ToolError(
                f"Asset bundle {bundle_id} expired at {expires:%Y-%m-%d %H:%M:%S} (bundles "
                "live 60 minutes); prepare the images again with "
                "validate_and_prepare_tiktok_assets."
            )
    if normalized.get("existing_image_ids"):
        check_images_known(ctx, advertiser, list(normalized["existing_image_ids"]))
    card_id = normalized.get("card_id")
    if card_id:
        check_form("card_id", [card_id], ASSET_ID_FORM)
    if normalized.get("tiktok_item_id"):
        check_form("tiktok_item_id", [normalized["tiktok_item_id"]], POST_ID_FORM)
    strict = ctx.sandbox.config.strict_library
    if strict and card_id and ctx.owned("card", card_id, advertiser) is None:
        raise ToolError(
            f"Unknown card_id {card_id} for advertiser {advertiser.advertiser_id}; "
            "create it with create_tiktok_carousel_card."
        )


def _budget(normalized: dict[str, Any]) -> str:
    if normalized.get("budget_daily") is not None:
        return f"{normalized['budget_daily']} daily"
    if normalized.get("budget_lifetime") is not None:
        end = normalized.get("schedule_end_time")
        return f"{normalized['budget_lifetime']} lifetime, until {end}"
    return "TikTok's default"


def create_tiktok_campaign(ctx: Context, args: dict[str, Any]) -> Output:
    advertiser = ctx.advertiser(args)
    normalized = _check(ctx, args)
    _check_creative(ctx, advertiser, normalized)
    number = ctx.sandbox.next_number()
    ids = {
        "campaign_id": str(CAMPAIGN_BASE + number),
        "ad_group_id": str(AD_GROUP_BASE + number),
        "ad_id": str(AD_BASE + number),
    }
    name = f"{normalized['campaign_name']}_{ctx.sandbox.clock.now():%Y%m%d_%H%M%S}"
    objective = normalized.get("objective") or "TRAFFIC"
    ctx.add("campaign", ids["campaign_id"], advertiser, args, **ids, name=name, status="PAUSED")
    text = (
        "✅ **TikTok campaign created** (status: PAUSED)\n\n"
        f"**Campaign ID:** {ids['campaign_id']}\n"
        f"**Ad Group ID:** {ids['ad_group_id']}\n"
        f"**Ad ID:** {ids['ad_id']}\n"
        f"**Name:** {name}\n"
        f"**Advertiser:** {advertiser.name} ({advertiser.advertiser_id})\n"
        f"**Objective:** {objective}\n"
        f"**Budget:** {_budget(normalized)}\n\n"
        "The campaign is paused: review it in TikTok Ads Manager, then enable it."
    )
    structured = {**ids, "campaign_name": name, "status": "PAUSED"}
    return Output(text, structured if ctx.sandbox.config.structured else None)


def list_tiktok_campaigns(ctx: Context, args: dict[str, Any]) -> Output:
    advertiser = ctx.advertiser(args)
    campaigns = [
        c for c in ctx.sandbox.ledger.created("campaign") if ctx.owned("campaign", c.id, advertiser)
    ]
    lines = [f"- {c.details['name']} — Campaign ID: {c.id} — PAUSED" for c in campaigns]
    head = f"**TikTok campaigns** — {advertiser.name}: {len(campaigns)}"
    return Output(head + ("\n\n" + "\n".join(lines) if lines else ""))


def get_tiktok_campaign_details(ctx: Context, args: dict[str, Any]) -> Output:
    advertiser = ctx.advertiser(args)
    campaign_id = optional_str(args, "campaign_id")
    if not campaign_id:
        raise ToolError("Missing required argument: campaign_id")
    campaign = ctx.owned("campaign", campaign_id, advertiser)
    if campaign is None:
        raise ToolError(f"Campaign {campaign_id} not found for advertiser {advertiser.name}.")
    text = (
        f"**Campaign ID:** {campaign.id}\n**Name:** {campaign.details['name']}\n"
        f"**Status:** PAUSED\n**Objective:** {campaign.arguments.get('objective', 'TRAFFIC')}\n"
        f"**Created:** {campaign.at:%Y-%m-%d %H:%M:%S}"
    )
    return Output(text)
