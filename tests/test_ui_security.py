"""`bulkads ui` can spend the user's money: who may use it, and where the key never goes.

A plain aiohttp client over loopback, as a browser (or an attacker's page) would talk to it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest
from runs import QUICK, served
from ui_fixtures import SAMPLES, Seen, client_for, finished, ui_settings

from bulkads.config import Secret
from bulkads.sandbox import SOLO_KEY


async def test_without_the_token_every_request_is_refused(tmp_path: Path) -> None:
    async with client_for(ui_settings(tmp_path)) as client:
        page = await client.request("GET", "/")
        state = await client.request("GET", "/api/state")
        wrong = await client.request("GET", "/?token=not-the-token")
        script = await client.request("GET", "/static/app.js")
        check = await client.request("POST", "/api/check", json={"sheet": "x.csv"})
    assert [r[0] for r in (page, state, wrong, script, check)] == [403] * 5
    assert b"Open the address" in page[1]


async def test_the_token_is_traded_for_an_httponly_strict_cookie(tmp_path: Path) -> None:
    async with client_for(ui_settings(tmp_path)) as client:
        async with client.session.get(
            f"{client.base}/?token={client.token}", allow_redirects=False
        ) as response:
            cookie = response.headers["Set-Cookie"]
        await client.sign_in()
        status, body = await client.request("GET", "/")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert client.token not in cookie
    assert status == 200 and b"Drop a sheet here" in body


async def test_a_foreign_host_is_refused_even_with_the_cookie(tmp_path: Path) -> None:
    async with client_for(ui_settings(tmp_path)) as client:
        await client.sign_in()
        port = urlsplit(client.base).port
        rebound = await client.request(
            "GET", "/api/state", headers={"Host": f"evil.example:{port}"}
        )
        other_port = await client.request("GET", "/api/state", headers={"Host": "127.0.0.1:1"})
        ok = await client.request("GET", "/api/state")
    assert rebound[0] == other_port[0] == 421
    assert ok[0] == 200


async def test_a_cross_origin_post_is_refused(tmp_path: Path) -> None:
    (tmp_path / "launch.csv").write_bytes((SAMPLES / "image_and_carousel.csv").read_bytes())
    async with client_for(ui_settings(tmp_path)) as client:
        await client.sign_in()
        body = {"sheet": "launch.csv", "target": "rehearsal"}
        foreign = await client.request(
            "POST", "/api/launch", json=body, headers={"Origin": "https://evil.example"}
        )
        missing = await client.request("POST", "/api/launch", json=body, headers={"Origin": ""})
        same = await client.request("POST", "/api/check", json={"sheet": "launch.csv"})
    assert foreign[0] == missing[0] == 403
    assert same[0] == 200


async def test_uploads_are_capped_and_guarded_and_stay_in_the_work_folder(
    tmp_path: Path,
) -> None:
    async with client_for(ui_settings(tmp_path, upload_limit=2000)) as client:
        await client.sign_in()

        async def upload(name: str, content: bytes) -> tuple[int, bytes]:
            form = aiohttp.FormData()
            form.add_field("sheet", content, filename=name)
            return await client.request("POST", "/api/upload", data=form)

        big = await upload("big.csv", b"campaign_name\n" + b"x" * 5000)
        bomb = await upload("fake.xlsx", b"PK\x03\x04 not really a workbook")
        escape = await upload("../../outside.csv", b"campaign_name,ad_text\nA,B\n")
        wrong_type = await upload("run.sh", b"echo hi")
        traversal = await client.request("POST", "/api/check", json={"sheet": "../outside.csv"})
    assert big[0] == 413 and b"2000" not in big[1]
    assert bomb[0] == 400 and b"fake.xlsx" in bomb[1]
    kept = json.loads(escape[1])["sheet"]
    assert escape[0] == 200 and (tmp_path / kept).is_file() and "/" not in kept
    assert not (tmp_path.parent / "outside.csv").exists()
    assert wrong_type[0] == 400 and traversal[0] == 400
    assert [p.name for p in tmp_path.iterdir()] == [kept]  # nothing else was kept


async def test_the_api_key_reaches_no_response_header_log_or_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    (tmp_path / "launch.xlsx").write_bytes((SAMPLES / "small_launch.xlsx").read_bytes())
    with served(replace(QUICK, strict_library=False)) as (live, live_url):
        settings = ui_settings(tmp_path, live_url=live_url, api_key=Secret(SOLO_KEY), rate=50.0)
        async with client_for(settings) as client:
            client.seen = Seen([])
            await client.sign_in()
            sheet = {"sheet": "launch.xlsx", "target": "live"}
            for method, path, options in [
                ("GET", "/", {}),
                ("GET", "/static/app.js", {}),
                ("GET", "/api/state", {}),
                ("POST", "/api/check", {"json": {"sheet": "launch.xlsx"}}),
                ("POST", "/api/plan", {"json": sheet}),
                ("POST", "/api/launch", {"json": sheet}),
            ]:
                status, _ = await client.request(method, path, **options)
                assert status in (200, 202), (path, status)
            await finished(client)
            download = await client.request("GET", "/api/results?sheet=launch.xlsx&target=live")
        created = live.created("campaign")
    assert download[0] == 200 and download[1].startswith(b"PK")
    assert len(created) == 10
    assert all(SOLO_KEY not in text for text in client.seen.texts)
    assert SOLO_KEY not in caplog.text
    for written in tmp_path.rglob("*"):
        if written.is_file():
            assert SOLO_KEY.encode() not in written.read_bytes(), written


async def test_every_response_forbids_framing_foreign_scripts_and_sniffing(tmp_path: Path) -> None:
    async with client_for(ui_settings(tmp_path)) as client:
        refused = await client.session.get(f"{client.base}/api/state")
        await client.sign_in()
        found = [refused.headers]
        for path in ("/", "/static/app.js", "/api/state", "/api/events"):
            async with client.session.get(
                client.base + path, headers={"Cookie": client.cookie}
            ) as response:
                found.append(response.headers)  # the event stream: its headers, then away
        refused.release()
    for headers in found:
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cache-Control"] == "no-store"


async def test_a_refused_key_is_said_on_the_page_without_the_key(tmp_path: Path) -> None:
    (tmp_path / "launch.xlsx").write_bytes((SAMPLES / "small_launch.xlsx").read_bytes())
    wrong = "sk_fake_wrong_but_secret_42"
    with served(QUICK) as (live, live_url):
        settings = ui_settings(tmp_path, live_url=live_url, api_key=Secret(wrong))
        async with client_for(settings) as client:
            await client.sign_in()
            sheet = {"sheet": "launch.xlsx", "target": "live"}
            status, body = await client.request("POST", "/api/plan", json=sheet)
        spent = live.calls(tool="create_tiktok_campaign")
    assert status == 400 and b"refused" in body.lower()
    assert wrong.encode() not in body and spent == []
