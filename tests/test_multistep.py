"""CONTRACT §5: rows that prepare their creative first, one billable step at a time."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from runs import QUICK, campaign_row, config_for, served, write_csv

from bulkads import runner
from bulkads.arguments import BY_NAME, STEP_COLUMNS
from bulkads.ids import extract_ids
from bulkads.journal import utc_now
from bulkads.plan import PRODUCES, step_arguments, steps_for
from bulkads.sandbox import SOLO_ADVERTISERS, SOLO_KEY, library_image_ids

PREPARE = "validate_and_prepare_tiktok_assets"
UPLOAD = "upload_tiktok_images"
CARD = "create_tiktok_carousel_card"
CREATE = "create_tiktok_campaign"


def image_row(n: int, *names: str) -> dict[str, Any]:
    urls = ",".join(f"https://cdn.example.com/{name}" for name in names or (f"{n}_1080x1920.jpg",))
    return campaign_row(n, tiktok_item_id=None, image_urls=urls)


def carousel_row(n: int, count: int = 3) -> dict[str, Any]:
    urls = ",".join(f"https://cdn.example.com/{n}-{i}_1080x1920.jpg" for i in range(count))
    return campaign_row(n, tiktok_item_id=None, carousel_image_urls=urls, call_to_action="SHOP_NOW")


@pytest.mark.parametrize("column", STEP_COLUMNS)
def test_a_step_column_becomes_the_calls_the_argument_table_names_then_the_create(
    column: str,
) -> None:
    row: dict[str, Any] = {
        "campaign_name": "Spring",
        "ad_text": "Hi",
        "landing_page_url": "https://a.example",
        column: ["x", "y"],
    }
    steps = steps_for(row)
    assert steps == (*BY_NAME[column].steps, CREATE)
    assert all(tool in PRODUCES for tool in steps)  # each call has the ID it must give
    produced = {"asset_bundle_id": "bndl_1", "image_ids": ["img_1", "img_2"], "card_id": "card_1"}
    assert column not in step_arguments(CREATE, row, produced)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"text": "Campaign ID: 123"}, {"campaign_id": "123"}),
        (
            {"text": "**Campaign ID:** 1801\n**Ad Group ID:** 1802\n**Ad ID:** 1803"},
            {"campaign_id": "1801", "ad_group_id": "1802", "ad_id": "1803"},
        ),
        ({"text": "✅ **Asset bundle ID:** `bndl_1a`"}, {"asset_bundle_id": "bndl_1a"}),
        ({"text": "asset_bundle_id=bndl_9."}, {"asset_bundle_id": "bndl_9"}),
        ({"text": "CARD_ID: card_7"}, {"card_id": "card_7"}),
        ({"text": "- Image ID: img_1\n- image-id: `img_2`"}, {"image_ids": ["img_1", "img_2"]}),
        ({"text": "Image IDs: img_1, img_2"}, {"image_ids": ["img_1", "img_2"]}),
        (
            {"text": "Card ID: from text", "structured": {"card_id": "card_s"}},
            {"card_id": "card_s"},
        ),
        ({"structured": {"image_ids": ["a", "b"]}}, {"image_ids": ["a", "b"]}),
        ({"text": "Your campaign is being created."}, {}),
        ({"text": "Bad ID: 5; Ad Group ID: 6"}, {"ad_group_id": "6"}),
    ],
)
def test_ids_come_from_structured_data_first_then_labelled_text(
    data: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert extract_ids(data) == expected


def test_image_url_rows_are_prepared_then_created_with_their_own_bundle(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [image_row(1), image_row(2)])
    with served() as (sandbox, url):
        report = runner.run(config_for(sheet, url))
        bundles = {b.arguments["image_urls"][0]: b.id for b in sandbox.created("bundle")}
        campaigns = sandbox.created("campaign")
    assert report.exit_code == 0
    by_name = sorted(campaigns, key=lambda c: c.arguments["campaign_name"])
    for row, campaign in zip(report.rows, by_name, strict=True):
        assert "image_urls" not in campaign.arguments
        assert campaign.arguments["asset_bundle_id"] == row.prepared_asset_bundle_id
        assert row.prepared_asset_bundle_id in bundles.values()
        assert row.campaign_id == campaign.id


def test_carousel_rows_upload_build_a_card_then_create(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [carousel_row(1, count=4)])
    with served() as (sandbox, url):
        report = runner.run(config_for(sheet, url))
        (card,) = sandbox.created("card")
        (campaign,) = sandbox.created("campaign")
        uploaded = [image.id for image in sandbox.created("image")]
    row = report.rows[0]
    assert row.status == "created"
    assert card.arguments["image_ids"] == uploaded and len(uploaded) == 4
    assert card.arguments["ad_texts"] == ["Spring styles, look 1"]
    assert card.arguments["call_to_action"] == "SHOP_NOW"
    assert campaign.arguments["card_id"] == card.id == row.prepared_card_id
    assert campaign.arguments["card_type"] == "IMAGE"
    assert row.prepared_image_ids == ", ".join(uploaded)


def test_carousel_rows_from_image_ids_skip_the_upload(tmp_path: Path) -> None:
    ids = library_image_ids(SOLO_ADVERTISERS[0].advertiser_id)[:2]
    row = campaign_row(1, tiktok_item_id=None, carousel_image_ids=",".join(ids))
    sheet = write_csv(tmp_path / "launch.csv", [row])
    with served() as (sandbox, url):
        report = runner.run(config_for(sheet, url))
        assert not sandbox.calls(tool=UPLOAD)
        (card,) = sandbox.created("card")
    assert report.rows[0].status == "created"
    assert card.arguments["image_ids"] == list(ids)


def test_a_bad_image_rejects_the_row_in_the_api_words_without_a_create(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [image_row(1, "banner_1080x1080.jpg"), image_row(2)])
    with served() as (sandbox, url):
        report = runner.run(config_for(sheet, url))
        creates = sandbox.calls(tool=CREATE)
    bad, good = report.rows
    assert bad.status == "rejected" and "9:16" in bad.message and PREPARE in bad.message
    assert good.status == "created"
    assert len(creates) == 1


def test_a_halt_between_steps_resumes_without_repeating_a_finished_step(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [carousel_row(1)])
    with served() as (sandbox, url):
        sandbox.set_quota(SOLO_KEY, limit=10, used=8)  # pre-flight sees 2 left...
        config = config_for(sheet, url)
        halted = runner.run(replace(config, max_calls=None))
        # ...3 are needed: the row is not started at all.
        assert halted.rows[0].status == "pending" and not sandbox.calls(tool=UPLOAD)
        sandbox.set_quota(SOLO_KEY, limit=11, used=8)  # 3 left
        done = runner.run(config)
        calls = {tool: len(sandbox.calls(tool=tool, status=200)) for tool in (UPLOAD, CARD, CREATE)}
    assert done.rows[0].status == "created"
    assert calls == {UPLOAD: 1, CARD: 1, CREATE: 1}


def test_a_quota_spent_between_steps_keeps_the_finished_steps(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [image_row(1)])
    with served() as (sandbox, url):
        config = config_for(sheet, url)

        def spend_after_prepare(plan: object, found: object) -> None:
            sandbox.set_quota(SOLO_KEY, limit=100, used=99)  # someone else spends

        halted = asyncio.run(runner.run_async(config, on_plan=spend_after_prepare))
        assert halted.exit_code == 3 and halted.rows[0].status == "pending"
        assert halted.rows[0].prepared_asset_bundle_id
        sandbox.set_quota(SOLO_KEY, limit=200, used=100)
        resumed = runner.run(config)
        prepares = sandbox.calls(tool=PREPARE, status=200)
    assert resumed.rows[0].status == "created"
    assert len(prepares) == 1
    assert resumed.rows[0].prepared_asset_bundle_id == halted.rows[0].prepared_asset_bundle_id


def test_a_stale_bundle_is_prepared_again_on_resume(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [image_row(1)])
    with served() as (sandbox, url):
        config = config_for(sheet, url)
        sandbox.set_quota(SOLO_KEY, limit=100, used=98)

        def spend(plan: object, found: object) -> None:
            sandbox.set_quota(SOLO_KEY, limit=100, used=99)  # prepare fits, create does not

        halted = asyncio.run(runner.run_async(config, on_plan=spend))
        assert halted.rows[0].status == "pending"
        sandbox.clock.advance(55 * 60)
        sandbox.set_quota(SOLO_KEY, limit=200, used=100)
        later = utc_now() + timedelta(minutes=55)
        resumed = runner.run(config, clock=lambda: later)
        bundles = sandbox.created("bundle")
        (campaign,) = sandbox.created("campaign")
    assert resumed.rows[0].status == "created"
    assert len(bundles) == 2
    assert campaign.arguments["asset_bundle_id"] == bundles[1].id


def test_the_plan_counts_every_step_against_the_quota(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [carousel_row(n) for n in (1, 2, 3)])
    with served() as (sandbox, url):
        sandbox.set_quota(SOLO_KEY, limit=108, used=100)  # 8 calls left: two rows of 3
        report = runner.run(config_for(sheet, url))
        per_tool = {tool: len(sandbox.calls(tool=tool)) for tool in (UPLOAD, CARD, CREATE)}
    assert [row.status for row in report.rows] == ["created", "created", "pending"]
    assert per_tool == {UPLOAD: 2, CARD: 2, CREATE: 2}
    assert report.exit_code == 3
    assert "3 billable calls" in report.rows[2].message


def test_retry_rejected_starts_a_multi_step_row_afresh_with_new_keys(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [carousel_row(1)])
    with served() as (sandbox, url):
        sandbox.config = replace(sandbox.config, error_rate=0.0)
        first = runner.run(config_for(sheet, url, max_calls=3))
        assert first.rows[0].status == "created"
        # A rejected carousel: its card step refuses an unknown image.
        bad = campaign_row(2, tiktok_item_id=None, carousel_image_ids="img_nope_1,img_nope_2")
        write_csv(sheet, [carousel_row(1), bad])
        rejected = runner.run(config_for(sheet, url))
        retried = runner.run(config_for(sheet, url, retry_rejected=True))
        card_keys = {c.idempotency_key for c in sandbox.calls(tool=CARD) if c.status == 400}
    assert rejected.rows[1].status == retried.rows[1].status == "rejected"
    assert len(card_keys) == 2  # the retry was a new logical operation
    assert retried.rows[0].status == "created"


def test_attempts_count_the_shown_calls_sends_not_the_rows_steps(tmp_path: Path) -> None:
    """A carousel row is three calls, each sent once: its results say 1, beside the key."""
    sheet = write_csv(tmp_path / "launch.csv", [carousel_row(1)])
    with served(replace(QUICK, error_rate=0.0)) as (sandbox, url):
        report = runner.run(config_for(sheet, url))
        (create,) = sandbox.calls(tool=CREATE)
    (row,) = report.rows
    assert row.status == "created"
    assert (row.idempotency_key, row.attempts) == (create.idempotency_key, 1)
