"""CONTRACT §6: a journal, and a results workbook fed back, belong to one target — the base
URL and a fingerprint of the key that cannot reveal it. Another target is refused (exit 2)
with nothing sent, and the message says how to start afresh."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from runs import campaign_row, config_for, served, write_csv

from bulkads.config import Secret
from bulkads.errors import WrongTarget
from bulkads.runner import run
from bulkads.sandbox import AGENCY_KEY, SOLO_KEY
from bulkads.target import Target, normal_url

URL = "https://api.adspirer.ai"


def test_a_target_matches_its_own_url_and_key_only() -> None:
    target = Target.of(URL, Secret(SOLO_KEY))
    assert target.matches(URL + "/", Secret(SOLO_KEY))
    assert not target.matches(URL, Secret(AGENCY_KEY))
    assert not target.matches("http://127.0.0.1:8765", Secret(SOLO_KEY))
    assert Target.decode(target.encode()) == target


def test_the_fingerprint_is_salted_and_is_no_plain_hash_of_the_key() -> None:
    key = Secret(SOLO_KEY)
    one, two = Target.of(URL, key), Target.of(URL, key)
    assert one.digest != two.digest  # each journal its own salt: nothing to precompute
    plain = {
        hashlib.new(name, SOLO_KEY.encode()).hexdigest()
        for name in ("md5", "sha1", "sha256", "sha512", "blake2b")
    }
    assert not any(digest.startswith(one.digest) for digest in plain)
    assert SOLO_KEY not in one.encode() and SOLO_KEY[8:] not in one.describe()


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("HTTPS://API.Adspirer.ai/", "https://api.adspirer.ai"),
        ("https://api.adspirer.ai:443", "https://api.adspirer.ai"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
    ],
)
def test_base_urls_are_compared_as_the_same_place(url: str, normal: str) -> None:
    assert normal_url(url) == normal


def test_a_rehearsed_journal_refuses_another_key_with_nothing_sent(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(3)])
    with served() as (sandbox, url):
        rehearsal = run(config_for(sheet, url))
        assert rehearsal.exit_code == 0
        before = len(sandbox.calls())
        with pytest.raises(WrongTarget) as refused:
            run(config_for(sheet, url, key=AGENCY_KEY, advertiser_id="7100000000000000001"))
        assert len(sandbox.calls()) == before  # not even a free call
    message = str(refused.value)
    assert refused.value.exit_code == 2
    assert "belongs to another target (another API key)" in message and "-o" in message
    assert "created again" in message
    assert SOLO_KEY not in message and AGENCY_KEY not in message


def test_a_rehearsed_journal_refuses_another_base_url(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    with served() as (_, rehearsal_url), served() as (launch, launch_url):
        assert run(config_for(sheet, rehearsal_url)).exit_code == 0
        with pytest.raises(WrongTarget) as refused:
            run(config_for(sheet, launch_url))
        assert not launch.calls()
    assert rehearsal_url in str(refused.value) and launch_url in str(refused.value)
    assert "(another base URL)" in str(refused.value)


def test_starting_afresh_with_o_sends_every_row_to_the_new_target(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(2)])
    with served() as (_, rehearsal_url), served() as (launch, launch_url):
        assert run(config_for(sheet, rehearsal_url)).exit_code == 0
        fresh = config_for(sheet, launch_url, results=tmp_path / "launch.live.results.xlsx")
        report = run(fresh)
        assert len(launch.created("campaign")) == 2
    assert report.exit_code == 0


def test_a_resume_on_the_same_target_is_not_refused(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    with served() as (sandbox, url):
        assert run(config_for(sheet, url)).exit_code == 0
        assert run(config_for(sheet, url + "/")).exit_code == 0
        assert len(sandbox.created("campaign")) == 1


def test_the_summary_names_the_target_and_a_fed_back_workbook_from_another_is_refused(
    tmp_path: Path,
) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1), campaign_row(2, ad_text="")])
    results = tmp_path / "launch.results.xlsx"
    with served() as (_, rehearsal_url), served() as (launch, launch_url):
        assert run(config_for(sheet, rehearsal_url)).exit_code == 1
        summary = dict(openpyxl.load_workbook(results)["Summary"].iter_rows(values_only=True))
        assert rehearsal_url in str(summary["target"])
        # Fed back under another name, with a journal of its own: still refused.
        with pytest.raises(WrongTarget) as refused:
            run(config_for(results, launch_url, results=tmp_path / "fixed.results.xlsx"))
        assert not launch.calls()
    assert "launch.results.xlsx" in str(refused.value)
    assert "created again" in str(refused.value)


def test_bulkads_run_against_another_target_exits_2_and_says_how_to_start_afresh(
    tmp_path: Path,
) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADSPIRER_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    command = [sys.executable, "-m", "bulkads", "run", "launch.csv", "--json", "--base-url"]
    with served() as (_, rehearsal_url), served() as (launch, launch_url):
        env["ADSPIRER_API_KEY"] = SOLO_KEY
        first = subprocess.run(
            [*command, rehearsal_url], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert first.returncode == 0, first.stderr
        second = subprocess.run(
            [*command, launch_url], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert not launch.calls()
    said = " ".join(second.stderr.split())
    assert second.returncode == 2, said
    assert "Traceback" not in said and "-o" in said
    assert not second.stdout.strip() or json.loads(second.stdout)["exit_code"] == 2
