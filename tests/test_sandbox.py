"""CONTRACT §8: the sandbox behaves as the API's spec says, over real loopback sockets."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import replace
from typing import Any

import pytest
from sandbox_fixtures import FAST, call, campaign, images, require_rules, running

from bulkads.sandbox import (
    AGENCY_ADVERTISERS,
    AGENCY_KEY,
)

IMAGE = "https://cdn.example.com/spring_1080x1920.jpg"
NORTHWIND = AGENCY_ADVERTISERS[0].advertiser_id


# --- the envelope, keys, tools, bodies -------------------------------------------------


async def test_usage_status_is_free_and_carries_the_quota_in_data_and_structured() -> None:
    async with running() as (sandbox, url, session):
        sandbox.set_quota("solo", limit=150, used=42)
        reply = await call(session, url, "get_usage_status")
        again = await call(session, url, "get_usage_status")
    quota = {"used": 42, "limit": 150, "tier": "plus", "period_end": quota_period_end()}
    assert reply.status == 200
    assert reply.body["success"] is True and reply.body["tool"] == "get_usage_status"
    assert reply.body["data"]["quota"] == quota
    assert reply.body["data"]["structured"] == {"quota": quota}
    assert "42 / 150" in reply.body["data"]["text"]
    assert again.body["data"]["quota"]["used"] == 42


def quota_period_end() -> str:
    from datetime import date

    today = date.today()
    return date(today.year + today.month // 12, today.month % 12 + 1, 1).isoformat()


async def test_list_connected_accounts_names_each_advertiser_and_filters_by_platform() -> None:
    async with running() as (sandbox, url, session):
        solo = await call(session, url, "list_connected_accounts", {"platform": "tiktok_ads"})
        agency = await call(session, url, "list_connected_accounts", {}, key=AGENCY_KEY)
        meta = await call(session, url, "list_connected_accounts", {"platform": "meta_ads"})
        used = sandbox.quota("solo")["used"]
    assert solo.status == 200
    assert (
        "- Acme Outfitters (advertiser_id: 7000000000000000001) — tiktok_ads, primary, connected"
        in solo.body["data"]["text"]
    )
    assert solo.body["data"]["structured"]["accounts"] == [
        {
            "platform": "tiktok_ads",
            "account_id": "7000000000000000001",
            "account_name": "Acme Outfitters",
            "account_tier": "primary",
            "status": "connected",
        }
    ]
    ids = [a["account_id"] for a in agency.body["data"]["structured"]["accounts"]]
    assert ids == [a.advertiser_id for a in AGENCY_ADVERTISERS]
    assert meta.status == 200 and meta.body["data"]["structured"]["accounts"] == []
    assert "quota" not in solo.body["data"] and used == 0


async def test_free_tools_answer_even_when_the_quota_is_spent() -> None:
    async with running() as (sandbox, url, session):
        sandbox.set_quota("solo", limit=15, used=15)
        statuses = [
            (await call(session, url, tool)).status
            for tool in ("get_usage_status", "list_connected_accounts", "get_connections_status")
        ]
        assert sandbox.quota("solo")["used"] == 15
    assert statuses == [200, 200, 200]


@pytest.mark.parametrize("key", [None, "sk_fake_not_a_real_key_123456", ""])
async def test_a_missing_or_unknown_key_is_answered_401_without_echoing_it(
    key: str | None,
) -> None:
    async with running() as (sandbox, url, session):
        reply = await call(session, url, "get_usage_status", key=key)
        ledger = json.dumps(sandbox.ledger.to_json())
    assert reply.status == 401
    assert reply.body == {
        "success": False,
        "error": "Not authenticated. Please connect your Adspirer account first at https://adspirer.ai",
        "is_error": True,
        "tool": "get_usage_status",
    }
    assert sandbox.calls()[0].key == "unknown"
    if key:
        assert key not in reply.text and key not in ledger


async def test_an_unknown_tool_is_answered_404_tool_not_found() -> None:
    async with running() as (_, url, session):
        reply = await call(session, url, "create_meta_campaign")
    assert reply.status == 404
    assert reply.body["error"] == "Tool not found: create_meta_campaign"
    assert reply.body["is_error"] is True and reply.body["tool"] == "create_meta_campaign"


@pytest.mark.parametrize(
    "raw", [b"{not json", b"[]", b'{"args": {}}', b'{"arguments": ["a"]}', b""]
)
async def test_a_malformed_body_or_missing_arguments_is_answered_400(raw: bytes) -> None:
    async with running() as (sandbox, url, session):
        reply = await call(session, url, "validate_and_prepare_tiktok_assets", raw=raw)
        assert sandbox.quota("solo")["used"] == 0
    assert reply.status == 400 and reply.body["success"] is False and reply.body["error"]


# --- create_tiktok_campaign -----------------------------------------------------------


async def test_a_campaign_is_created_paused_with_labelled_ids_and_a_timestamped_name() -> None:
    require_rules()
    async with running() as (sandbox, url, session):
        reply = await call(session, url, "create_tiktok_campaign", campaign())
    assert reply.status == 200, reply.text
    text = reply.body["data"]["text"]
    [created] = sandbox.created("campaign")
    assert "(status: PAUSED)" in text
    assert f"**Campaign ID:** {created.id}" in text
    assert re.search(r"\*\*Ad Group ID:\*\* \d+\n\*\*Ad ID:\*\* \d+", text)
    assert f"**Name:** Spring Sale_{created.at:%Y%m%d_%H%M%S}" in text
    assert created.id.isdigit() and created.details["status"] == "PAUSED"
    assert created.arguments == campaign() and created.advertiser_id == "7000000000000000001"
    assert reply.body["data"]["quota"]["used"] == 1
    assert "structured" not in reply.body["data"]


async def test_the_structured_option_adds_ids_to_create_and_validate_answers() -> None:
    require_rules()
    async with running(replace(FAST, structured=True)) as (sandbox, url, session):
        prepared = await call(session, url, "validate_and_prepare_tiktok_assets", images(IMAGE))
        bundle = prepared.body["data"]["structured"]["asset_bundle_id"]
        created = await call(
            session,
            url,
            "create_tiktok_campaign",
            campaign(existing_image_ids=None, asset_bundle_id=bundle),
        )
    assert bundle == sandbox.created("bundle")[0].id
    assert created.body["data"]["structured"]["campaign_id"] == sandbox.created("campaign")[0].id


async def test_created_campaigns_are_listed_and_detailed_by_the_read_tools() -> None:
    require_rules()
    async with running() as (sandbox, url, session):
        await call(session, url, "create_tiktok_campaign", campaign())
        [created] = sandbox.created("campaign")
        listed = await call(session, url, "list_tiktok_campaigns")
        detail = await call(
            session, url, "get_tiktok_campaign_details", {"campaign_id": created.id}
        )
        missing = await call(session, url, "get_tiktok_campaign_details", {"campaign_id": "1"})
    assert f"Campaign ID: {created.id}" in listed.body["data"]["text"]
    assert created.details["name"] in detail.body["data"]["text"]
    assert missing.status == 400


@pytest.mark.parametrize("column", ["image_urls", "carousel_image_urls", "carousel_image_ids"])
async def test_create_refuses_the_client_only_multistep_columns(column: str) -> None:
    arguments = campaign(existing_image_ids=None, **{column: [IMAGE, IMAGE]})
    async with running() as (sandbox, url, session):
        reply = await call(session, url, "create_tiktok_campaign", arguments)
    assert reply.status == 400
    assert "Unknown argument" in reply.body["error"] and column in reply.body["error"]
    assert sandbox.created("campaign") == [] and sandbox.quota("solo")["used"] == 0


async def test_create_answers_400_naming_every_broken_rule_and_spends_nothing() -> None:
    require_rules()
    arguments = campaign(ad_text=None, landing_page_url="http://www.example.com")
    async with running() as (sandbox, url, session):
        reply = await call(session, url, "create_tiktok_campaign", arguments)
        assert sandbox.quota("solo")["used"] == 0
    assert reply.status == 400
    assert "ad_text" in reply.body["error"] and "landing_page_url" in reply.body["error"]


async def test_by_default_well_formed_image_card_and_post_ids_are_taken_as_the_users_own() -> None:
    require_rules()
    async with running(replace(FAST, strict_library=False)) as (sandbox, url, session):
        image = await call(
            session, url, "create_tiktok_campaign", campaign(existing_image_ids=["ad-site/v0201"])
        )
        card = await call(
            session,
            url,
            "create_tiktok_campaign",
            campaign(existing_image_ids=None, card_id="7390001", card_type="IMAGE"),
        )
        post = await call(
            session,
            url,
            "create_tiktok_campaign",
            campaign(existing_image_ids=None, tiktok_item_id="7350000000000000101"),
        )
        carousel = await call(
            session, url, "create_tiktok_carousel_card", {"image_ids": ["ad-site/a", "ad-site/b"]}
        )
    assert [r.status for r in (image, card, post, carousel)] == [200] * 4
    assert len(sandbox.created("campaign")) == 3


@pytest.mark.parametrize(
    ("creative", "bad"),
    [
        ({"existing_image_ids": ["img one"]}, "img one"),
        ({"existing_image_ids": None, "card_id": "card<1>", "card_type": "IMAGE"}, "card<1>"),
        ({"existing_image_ids": None, "tiktok_item_id": "post-12"}, "post-12"),
    ],
)
async def test_by_default_a_malformed_image_card_or_post_id_is_refused(
    creative: dict[str, Any], bad: str
) -> None:
    require_rules()
    async with running(replace(FAST, strict_library=False)) as (sandbox, url, session):
        reply = await call(session, url, "create_tiktok_campaign", campaign(**creative))
    assert reply.status == 400 and bad in reply.body["error"]
    assert sandbox.created("campaign") == []


async def test_strict_library_refuses_unknown_existing_image_ids_or_card() -> None:
    require_rules()
    async with running() as (sandbox, url, session):
        image = await call(
            session, url, "create_tiktok_campaign", campaign(existing_image_ids=["img_nope"])
        )
        card = await call(
            session,
            url,
            "create_tiktok_campaign",
            campaign(existing_image_ids=None, card_id="card_nope", card_type="IMAGE"),
        )
    assert image.status == 400 and "img_nope" in image.body["error"]
    assert card.status == 400 and "card_nope" in card.body["error"]
    assert sandbox.created("campaign") == []


# --- accounts -------------------------------------------------------------------------


async def test_an_agency_key_without_advertiser_id_gets_the_multiple_accounts_400() -> None:
    async with running() as (sandbox, url, session):
        reply = await call(session, url, "create_tiktok_campaign", campaign(), key=AGENCY_KEY)
    assert reply.status == 400
    assert reply.body["error"] == (
        "You have 3 tiktok_ads accounts connected. Please specify which account to use by "
        "passing the advertiser_id parameter:\n"
        '  - Northwind Coffee (advertiser_id="7100000000000000001")\n'
        '  - Contoso Sports (advertiser_id="7100000000000000002")\n'
        '  - Fabrikam Home (advertiser_id="7100000000000000003")'
    )
    accounts = reply.body["structured_content"]["accounts"]
    assert [a["account_id"] for a in accounts] == [a.advertiser_id for a in AGENCY_ADVERTISERS]
    assert sandbox.quota("agency")["used"] == 0


async def test_an_advertiser_not_connected_to_the_key_is_answered_403_naming_the_connected() -> (
    None
):
    arguments = campaign(advertiser_id="7000000000000000001")
    async with running() as (_, url, session):
        reply = await call(session, url, "create_tiktok_campaign", arguments, key=AGENCY_KEY)
    assert reply.status == 403
    assert "7000000000000000001" in reply.body["error"]
    assert all(a.advertiser_id in reply.body["error"] for a in AGENCY_ADVERTISERS)


async def test_an_agency_call_naming_its_advertiser_goes_through() -> None:
    async with running() as (sandbox, url, session):
        reply = await call(
            session,
            url,
            "validate_and_prepare_tiktok_assets",
            images(IMAGE, advertiser_id=NORTHWIND),
            key=AGENCY_KEY,
        )
    assert reply.status == 200
    assert sandbox.created("bundle")[0].advertiser_id == NORTHWIND


# --- idempotency ----------------------------------------------------------------------


async def test_the_same_key_and_body_replays_the_answer_without_spending_quota() -> None:
    async with running() as (sandbox, url, session):
        first = await call(
            session, url, "validate_and_prepare_tiktok_assets", images(IMAGE), idempotency_key="k-1"
        )
        second = await call(
            session, url, "validate_and_prepare_tiktok_assets", images(IMAGE), idempotency_key="k-1"
        )
        used = sandbox.quota("solo")["used"]
    assert first.status == second.status == 200
    assert second.body == first.body
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert used == 1 and len(sandbox.created("bundle")) == 1
    assert [c.replayed for c in sandbox.calls()] == [False, True]


async def test_the_same_key_with_another_body_is_answered_409() -> None:
    async with running() as (sandbox, url, session):
        await call(session, url, "upload_tiktok_images", images(IMAGE), idempotency_key="k-2")
        other = await call(
            session, url, "upload_tiktok_images", images(IMAGE, IMAGE), idempotency_key="k-2"
        )
    assert other.status == 409
    assert "k-2 was already used with different arguments" in other.body["error"]
    assert len(sandbox.created("image")) == 1


async def test_the_same_key_while_the_first_call_runs_is_answered_409_still_processing() -> None:
    slow = replace(FAST, latency=(0.3, 0.3))
    async with running(slow) as (sandbox, url, session):
        first = asyncio.create_task(
            call(session, url, "upload_tiktok_images", images(IMAGE), idempotency_key="k-3")
        )
        while sandbox.cache.get(("solo", "k-3")) is None:  # the first call holds the key
            await asyncio.sleep(0.001)
        second = await call(
            session, url, "upload_tiktok_images", images(IMAGE), idempotency_key="k-3"
        )
        done = await first
        third = await call(
            session, url, "upload_tiktok_images", images(IMAGE), idempotency_key="k-3"
        )
    assert second.status == 409 and "still being processed" in second.body["error"]
    assert done.status == 200 and third.status == 200
    assert third.headers.get("Idempotent-Replayed") == "true"
    assert len(sandbox.created("image")) == 1 and sandbox.quota("solo")["used"] == 1


async def test_idempotency_keys_belong_to_one_api_key() -> None:
    arguments = images(IMAGE, advertiser_id=None)
    async with running() as (_, url, session):
        solo = await call(session, url, "upload_tiktok_images", arguments, idempotency_key="k-4")
        agency = await call(
            session,
            url,
            "upload_tiktok_images",
            images(IMAGE, advertiser_id=NORTHWIND),
            key=AGENCY_KEY,
            idempotency_key="k-4",
        )
    assert solo.status == agency.status == 200
    assert "Idempotent-Replayed" not in agency.headers


async def test_a_tool_level_400_is_cached_and_replayed() -> None:
    bad = images("https://cdn.example.com/banner_1080x1080.jpg")
    async with running() as (_, url, session):
        first = await call(
            session, url, "validate_and_prepare_tiktok_assets", bad, idempotency_key="k-5"
        )
        again = await call(
            session, url, "validate_and_prepare_tiktok_assets", bad, idempotency_key="k-5"
        )
    assert first.status == again.status == 400
    assert again.headers.get("Idempotent-Replayed") == "true"


@pytest.mark.parametrize(
    "fault", [{"error_rate": 1.0}, {"throttle_rate": 1.0}, {"quota_used": 3000}]
)
async def test_5xx_429_and_402_are_not_cached_so_a_retry_does_the_work(
    fault: dict[str, Any],
) -> None:
    async with running(replace(FAST, **fault)) as (sandbox, url, session):
        refused = await call(
            session, url, "upload_tiktok_images", images(IMAGE), idempotency_key="k-6"
        )
        sandbox.config = FAST
        sandbox.set_quota("solo", used=0)
        retried = await call(
            session, url, "upload_tiktok_images", images(IMAGE), idempotency_key="k-6"
        )
    assert refused.status in (402, 429, 500, 502, 503)
    assert retried.status == 200 and "Idempotent-Replayed" not in retried.headers
    assert len(sandbox.created("image")) == 1


# --- quota ----------------------------------------------------------------------------


async def test_a_spent_quota_is_answered_402_with_the_quota_block_and_no_work() -> None:
    async with running() as (sandbox, url, session):
        sandbox.set_quota("solo", limit=150, used=150)
        reply = await call(session, url, "upload_tiktok_images", images(IMAGE))
    assert reply.status == 402
    assert reply.body["error"].startswith(
        "🚨 Monthly limit reached (150/150 tool calls on Plus tier)."
    )
    assert reply.body["quota"] == {
        "used": 150,
        "limit": 150,
        "tier": "plus",
        "period_end": quota_period_end(),
        "upgrade_url": "https://adspirer.ai",
    }
    assert sandbox.created() == []


async def test_the_429_variant_of_a_spent_quota_still_carries_the_quota_block() -> None:
    async with running(replace(FAST, exhausted_status=429, quota_used=3000)) as (_, url, session):
        reply = await call(session, url, "upload_tiktok_images", images(IMAGE))
    assert reply.status == 429
    assert reply.body["quota"]["used"] >= reply.body["quota"]["limit"]


async def test_quota_is_spent_only_by_successful_billable_calls() -> None:
    async with running() as (sandbox, url, session):
        ok = await call(session, url, "upload_tiktok_images", images(IMAGE))
        await call(
            session, url, "upload_tiktok_images", images("http://insecure.example.com/a.jpg")
        )
        await call(session, url, "get_usage_status")
        used = sandbox.quota("solo")["used"]
    assert ok.body["data"]["quota"]["used"] == 1 and used == 1


async def test_concurrent_calls_never_spend_past_the_limit() -> None:
    async with running(replace(FAST, latency=(0.05, 0.05))) as (sandbox, url, session):
        sandbox.set_quota("solo", limit=10, used=9)
        replies = await asyncio.gather(
            *(call(session, url, "upload_tiktok_images", images(IMAGE)) for _ in range(5))
        )
    assert sorted(r.status for r in replies) == [200, 402, 402, 402, 402]
    assert sandbox.quota("solo")["used"] == 10 and len(sandbox.created("image")) == 1


# --- the creative tools (§5) ----------------------------------------------------------


async def test_a_bundle_expires_60_minutes_after_it_was_prepared() -> None:
    require_rules()
    async with running() as (sandbox, url, session):
        prepared = await call(session, url, "validate_and_prepare_tiktok_assets", images(IMAGE))
        [bundle] = re.findall(
            r"\*\*Asset bundle ID:\*\* `(bndl_[0-9a-f]+)`", prepared.body["data"]["text"]
        )
        arguments = campaign(existing_image_ids=None, asset_bundle_id=bundle)
        sandbox.clock.advance(59 * 60)
        fresh = await call(session, url, "create_tiktok_campaign", arguments)
        sandbox.clock.advance(60)
        stale = await call(session, url, "create_tiktok_campaign", arguments)
    assert fresh.status == 200, fresh.text
    assert stale.status == 400
    assert f"Asset bundle {bundle} expired" in stale.body["error"]
    assert "prepare the images again" in stale.body["error"]


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("https://cdn.example.com/banner_1080x1080.jpg", "is 1080x1080, not 9:16"),
        ("https://cdn.example.com/tiny_270x480.png", "is 270x480, below the 540x960 minimum"),
        ("http://cdn.example.com/spring_1080x1920.jpg", "is not a public https:// URL"),
    ],
)
async def test_an_image_that_breaks_tiktoks_rules_is_refused_by_name(url: str, rule: str) -> None:
    async with running() as (sandbox, base, session):
        reply = await call(session, base, "validate_and_prepare_tiktok_assets", images(IMAGE, url))
    assert reply.status == 400
    assert f"Image 2 ({url}) {rule}" in reply.body["error"]
    assert sandbox.created("bundle") == []


async def test_upload_then_carousel_card_then_campaign() -> None:
    require_rules()
    urls = [f"https://cdn.example.com/card{n}.jpg" for n in range(3)]
    async with running() as (sandbox, url, session):
        uploaded = await call(session, url, "upload_tiktok_images", images(*urls))
        image_ids = uploaded.body["data"]["structured"]["image_ids"]
        card = await call(
            session,
            url,
            "create_tiktok_carousel_card",
            {
                "image_ids": image_ids,
                "ad_texts": ["Hi"],
                "landing_page_urls": ["https://e.com"],
                "call_to_action": "SHOP_NOW",
            },
        )
        card_id = card.body["data"]["structured"]["card_id"]
        created = await call(
            session,
            url,
            "create_tiktok_campaign",
            campaign(existing_image_ids=None, card_id=card_id, card_type="IMAGE"),
        )
        listed = await call(session, url, "discover_tiktok_assets")
    assert [f"Image ID: {i}" in uploaded.body["data"]["text"] for i in image_ids] == [True] * 3
    assert f"**Card ID:** {card_id}" in card.body["data"]["text"]
    assert created.status == 200, created.text
    assert all(i in listed.body["data"]["text"] for i in image_ids)
    assert sandbox.quota("solo")["used"] == 4


@pytest.mark.parametrize(
    "image_ids", [["img_lib_001_1"], ["img_lib_001_1", "img_unknown"], ["img_lib_101_1"] * 2]
)
async def test_a_card_needs_2_to_10_images_known_to_the_advertiser(image_ids: list[str]) -> None:
    async with running() as (sandbox, url, session):
        reply = await call(session, url, "create_tiktok_carousel_card", {"image_ids": image_ids})
    assert reply.status == 400 and sandbox.created("card") == []
