"""The sandbox's tool catalogue: name -> (billable?, implementation).

Usage::

    tool = TOOLS["create_tiktok_campaign"]
    tool.billable, tool.run(ctx, arguments)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bulkads.sandbox import campaign, creative, free, targeting
from bulkads.sandbox.answers import Output
from bulkads.sandbox.toolkit import Context


@dataclass(frozen=True)
class Tool:
    billable: bool
    run: Callable[[Context, dict[str, Any]], Output]


TOOLS: dict[str, Tool] = {
    # Free: the spec's read-only diagnostics, never billed.
    "get_usage_status": Tool(False, free.get_usage_status),
    "list_connected_accounts": Tool(False, free.list_connected_accounts),
    "get_connections_status": Tool(False, free.get_connections_status),
    # Billable.
    "create_tiktok_campaign": Tool(True, campaign.create_tiktok_campaign),
    "list_tiktok_campaigns": Tool(True, campaign.list_tiktok_campaigns),
    "get_tiktok_campaign_details": Tool(True, campaign.get_tiktok_campaign_details),
    "validate_and_prepare_tiktok_assets": Tool(True, creative.validate_and_prepare_tiktok_assets),
    "upload_tiktok_images": Tool(True, creative.upload_tiktok_images),
    "create_tiktok_carousel_card": Tool(True, creative.create_tiktok_carousel_card),
    "discover_tiktok_assets": Tool(True, creative.discover_tiktok_assets),
    "search_tiktok_targeting": Tool(True, targeting.search_tiktok_targeting),
}
