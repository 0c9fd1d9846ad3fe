"""CONTRACT §4: pre-flight, planning within quota, idempotent sending, answers, rate."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from runs import QUICK, campaign_row, config_for, served, write_csv

from bulkads import runner
from bulkads.answers import Quota, Verdict, classify
from bulkads.errors import ApiConfigError, KeyRefused
from bulkads.pacing import backoff
from bulkads.plan import run_budget
from bulkads.sandbox import AGENCY_ADVERTISERS, AGENCY_KEY, SOLO_KEY, SandboxConfig

QUOTA = {"used": 10, "limit": 150, "tier": "plus", "period_end": "2026-12-01"}
SPENT = {**QUOTA, "used": 150}


def body(payload: object) -> bytes:
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    ("status", "payload", "headers", "verdict"),
    [
        (200, {"success": True, "data": {"text": "ok", "quota": QUOTA}}, {}, Verdict.DONE),
        (200, {"success": False, "error": "bad"}, {}, Verdict.REJECT),
        (402, {"success": False, "error": "limit", "quota": SPENT}, {}, Verdict.HALT_QUOTA),
        (429, {"success": False, "error": "limit", "quota": SPENT}, {}, Verdict.HALT_QUOTA),
        (429, {"success": False, "error": "Retry after 60 seconds."}, {}, Verdict.RETRY),
        (401, {"success": False, "error": "Not authenticated"}, {}, Verdict.HALT_KEY),
        (404, {"success": False, "error": "Tool not found: x"}, {}, Verdict.HALT_CONFIG),
        (301, None, {"Location": "https://elsewhere.example"}, Verdict.HALT_CONFIG),
        (400, {"success": False, "error": "ad_text too long"}, {}, Verdict.REJECT),
        (403, {"success": False, "error": "advertiser not connected"}, {}, Verdict.REJECT),
        (422, {"success": False, "error": "unprocessable"}, {}, Verdict.REJECT),
        (409, {"success": False, "error": "Key k is still being processed"}, {}, Verdict.RETRY),
        (409, {"success": False, "error": "Key k was used with other args"}, {}, Verdict.REJECT),
        (408, None, {}, Verdict.RETRY),
        (500, {"success": False, "error": "Internal error"}, {}, Verdict.RETRY),
        (502, b"<html>Bad Gateway</html>", {}, Verdict.RETRY),
        (503, None, {}, Verdict.RETRY),
        (504, None, {}, Verdict.RETRY),
        (200, b"not json", {}, Verdict.RETRY),
    ],
)
def test_answers_are_classified_by_body_first_then_status(
    status: int, payload: object, headers: dict[str, str], verdict: Verdict
) -> None:
    raw = payload if isinstance(payload, bytes) or payload is None else body(payload)
    location = headers.get("Location", "")
    outcome = classify(status=status, body=raw, headers=headers, location=location)
    assert outcome.verdict is verdict


def test_a_success_whose_quota_block_is_spent_is_done_and_halts_after() -> None:
    outcome = classify(
        status=200, body=body({"success": True, "data": {"text": "ok", "quota": SPENT}}), headers={}
    )
    assert outcome.verdict is Verdict.DONE and outcome.quota_exhausted


def test_no_answer_at_all_is_retried() -> None:
    assert classify(status=None, body=None, headers={}).verdict is Verdict.RETRY


def test_retry_after_is_read_from_the_header_and_the_text() -> None:
    text = body({"success": False, "error": "Throttled. Retry after 60 seconds."})
    assert classify(status=429, body=text, headers={}).retry_after == 60
    assert classify(status=503, body=None, headers={"Retry-After": "7"}).retry_after == 7
    assert classify(status=429, body=text, headers={}).throttled


def test_the_multiple_accounts_answer_lists_the_advertiser_ids() -> None:
    error = (
        "You have 2 tiktok_ads accounts connected. Please specify which account to use by "
        "passing the advertiser_id parameter:\n"
        '  - A (advertiser_id="71")\n  - B (advertiser_id="72")'
    )
    outcome = classify(status=400, body=body({"success": False, "error": error}), headers={})
    assert outcome.verdict is Verdict.CHOOSE_ACCOUNT
    assert outcome.accounts is not None and outcome.accounts.ids == ("71", "72")


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 5, 9])
def test_backoff_is_full_jitter_capped_and_never_shorter_than_retry_after(attempt: int) -> None:
    rng = random.Random(attempt)
    delays = [backoff(attempt=attempt, retry_after=None, rng=rng) for _ in range(200)]
    assert all(0 <= d <= min(60, 2 ** (attempt - 1)) for d in delays)
    assert max(delays) > 0.5 * min(60, 2 ** (attempt - 1))  # jitter spans the range
    assert backoff(attempt=attempt, retry_after=90, rng=rng) == 90


def test_the_budget_is_the_least_of_the_quota_left_and_max_calls() -> None:
    assert run_budget(Quota(used=147, limit=150), 5) == 3
    assert run_budget(Quota(used=0, limit=150), 5) == 5
    assert run_budget(None, 5) == 5
    assert run_budget(Quota(used=150, limit=150), None) == 0
    assert run_budget(None, None) is None


def test_every_row_is_created_exactly_once_under_faults(tmp_path: Path) -> None:
    faults = replace(QUICK, error_rate=0.15, drop_rate=0.1, reset_rate=0.05, seed=11)
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(40)])
    with served(faults) as (sandbox, url):
        for _ in range(4):  # a row whose 5 attempts all failed stays pending: rerun
            report = runner.run(config_for(sheet, url))
            if report.exit_code != 3:
                break
        names = [c.arguments["campaign_name"] for c in sandbox.created("campaign")]
    assert report.exit_code == 0
    assert sorted(names) == sorted(f"Launch {n:04d}" for n in range(40))
    assert {row.status for row in report.rows} == {"created"}
    assert all(row.campaign_id for row in report.rows)


def test_no_one_second_window_sees_more_than_the_rate(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(14)])
    with served() as (sandbox, url):
        report = runner.run(config_for(sheet, url, rate=5.0, concurrency=8))
        assert report.exit_code == 0
        assert sandbox.max_in_window(1.0) <= 5
        assert len(sandbox.calls()) == 16  # two free pre-flight calls, then one per row


def test_no_more_calls_in_flight_than_the_concurrency(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(12)])
    with served(replace(QUICK, latency=(0.15, 0.2))) as (sandbox, url):
        report = runner.run(config_for(sheet, url, concurrency=3))
        assert report.exit_code == 0
        assert sandbox.max_in_flight == 3


def test_a_429_is_retried_with_the_same_key_and_the_run_slows_down(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(4)])
    with served(replace(QUICK, throttle_rate=0.5, retry_after_s=0, seed=3)) as (sandbox, url):
        report = runner.run(config_for(sheet, url))
        throttled = sandbox.calls(status=429)
        assert throttled, "the seed should throttle at least one call"
        keys = {call.idempotency_key for call in sandbox.calls(tool="create_tiktok_campaign")}
    assert report.exit_code == 0
    assert len(keys) == 4  # retries reused their key


def test_rows_the_quota_cannot_cover_stay_pending_and_nothing_more_is_sent(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(8)])
    with served(replace(QUICK, quota_limit=15, quota_used=10)) as (sandbox, url):
        report = runner.run(config_for(sheet, url))
        assert report.exit_code == 3
        assert report.counts["created"] == 5 and report.counts["pending"] == 3
        assert len(sandbox.calls(tool="create_tiktok_campaign")) == 5
        sandbox.set_quota(SOLO_KEY, limit=150)
        resumed = runner.run(config_for(sheet, url))
        assert resumed.exit_code == 0
        assert len(sandbox.created("campaign")) == 8


@pytest.mark.parametrize("exhausted_status", [402, 429])
def test_quota_spent_mid_run_halts_with_pending_rows_then_resumes(
    tmp_path: Path, exhausted_status: int
) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(10)])
    quick = replace(QUICK, exhausted_status=exhausted_status)
    with served(quick) as (sandbox, url):
        # Someone else spends the key's quota after our pre-flight looked.
        config = config_for(sheet, url, concurrency=1)
        sandbox.set_quota(SOLO_KEY, limit=3, used=0)
        report = runner.run(replace(config, max_calls=None))
        assert report.exit_code == 3
        assert report.counts["created"] == 3 and report.counts["pending"] == 7
        sandbox.set_quota(SOLO_KEY, limit=100, used=3)
        resumed = runner.run(config)
    assert resumed.exit_code == 0
    assert len(sandbox.created("campaign")) == 10


def test_max_calls_caps_the_billable_calls_of_a_run(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(6)])
    with served() as (sandbox, url):
        report = runner.run(config_for(sheet, url, max_calls=2))
        assert len(sandbox.calls(tool="create_tiktok_campaign")) == 2
    assert report.counts["created"] == 2 and report.counts["pending"] == 4
    assert report.exit_code == 3


def test_a_refused_key_halts_before_any_billable_call(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(3)])
    with served() as (sandbox, url):
        report = runner.run(config_for(sheet, url, key="sk_fake_wrong_key_0123456789abcdef"))
        assert not sandbox.calls(tool="create_tiktok_campaign")
    assert isinstance(report.halt, KeyRefused)
    assert "sk_fake_wrong" not in str(report.halt)
    assert report.exit_code == 3
    assert [row.status for row in report.rows] == ["pending"] * 3
    assert "refused the key" in report.rows[0].message


def test_a_wrong_base_url_is_a_configuration_error(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    with served() as (_, url):
        report = runner.run(config_for(sheet, url + "/not-the-api"))
    assert isinstance(report.halt, ApiConfigError)
    assert report.exit_code == 2
    assert report.results_path is not None and report.results_path.exists()


def test_agency_rows_without_an_advertiser_are_invalid_with_the_choices(tmp_path: Path) -> None:
    chosen = AGENCY_ADVERTISERS[1].advertiser_id
    rows = [campaign_row(1), campaign_row(2, advertiser_id=chosen)]
    sheet = write_csv(tmp_path / "agency.csv", rows)
    with served() as (sandbox, url):
        report = runner.run(config_for(sheet, url, key=AGENCY_KEY))
        assert len(sandbox.calls(tool="create_tiktok_campaign")) == 1
    first, second = report.rows
    assert first.status == "invalid"
    assert all(a.advertiser_id in first.message for a in AGENCY_ADVERTISERS)
    assert second.status == "created"
    assert sandbox.created("campaign")[0].arguments["advertiser_id"] == chosen


def test_an_advertiser_not_connected_is_invalid_and_costs_nothing(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1, advertiser_id="7999999999")])
    with served() as (sandbox, url):
        report = runner.run(config_for(sheet, url))
        assert not sandbox.calls(tool="create_tiktok_campaign")
    assert report.rows[0].status == "invalid"
    message = report.rows[0].message
    assert "not connected" in message and "bulkads accounts" in message


def test_the_default_advertiser_fills_rows_without_one(tmp_path: Path) -> None:
    chosen = AGENCY_ADVERTISERS[2].advertiser_id
    sheet = write_csv(tmp_path / "agency.csv", [campaign_row(1), campaign_row(2)])
    with served() as (sandbox, url):
        report = runner.run(config_for(sheet, url, key=AGENCY_KEY, advertiser_id=chosen))
        created = sandbox.created("campaign")
    assert report.exit_code == 0
    assert {c.arguments["advertiser_id"] for c in created} == {chosen}


def test_invalid_rows_never_cost_a_call_and_api_rejections_keep_the_api_words(
    tmp_path: Path,
) -> None:
    rows = [
        campaign_row(1),
        campaign_row(2, landing_page_url="http://insecure.example.com"),  # caught here
        campaign_row(3, tiktok_item_id=None, existing_image_ids="img_unknown"),  # by the API
    ]
    sheet = write_csv(tmp_path / "launch.csv", rows)
    with served() as (sandbox, url):
        report = runner.run(config_for(sheet, url))
        sent = sandbox.calls(tool="create_tiktok_campaign")
    assert [row.status for row in report.rows] == ["created", "invalid", "rejected"]
    assert len(sent) == 2
    assert "img_unknown" in report.rows[2].message
    assert report.exit_code == 1


def test_plain_http_is_refused_except_to_loopback(tmp_path: Path) -> None:
    from bulkads.client import check_base_url
    from bulkads.errors import UsageError

    assert check_base_url("http://127.0.0.1:8765/") == "http://127.0.0.1:8765"
    assert check_base_url("http://localhost:1") == "http://localhost:1"
    with pytest.raises(UsageError, match="plain http"):
        check_base_url("http://api.adspirer.ai")


def test_sandbox_default_config_is_quick() -> None:
    assert SandboxConfig().latency[1] < 1
