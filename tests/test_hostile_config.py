"""CONTRACT §1-§3 against a careless user or an attacker: key files, base URLs, image URLs.

Each mistake is one clear line and exit 2, and no message quotes the key.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from runs import campaign_row, config_for, write_csv
from test_commands import bulkads, no_traceback
from test_rules import errors

from bulkads.errors import UsageError
from bulkads.runner import run
from bulkads.sandbox import SOLO_KEY
from bulkads.urls import web_host

LIVE_KEY = "sk_fake_7Hq2mZ9xWc4t"


def refused(result_args: tuple[str, ...], tmp_path: Path, key: str | None = SOLO_KEY) -> str:
    result = bulkads(*result_args, cwd=tmp_path, key=key, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    no_traceback(result)
    assert result.stdout == ""
    said = result.stderr
    assert len(said.strip().splitlines()) <= 3  # one line, perhaps wrapped by the console
    for secret in (LIVE_KEY, SOLO_KEY):
        assert secret not in said
    return " ".join(said.split())


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (f"{LIVE_KEY}\r\nsk_fake_second".encode(), "holds a line break"),
        (f"sk_fake_ab{chr(0)}cd".encode(), "control character"),
        (f"{LIVE_KEY}\u00e9".encode(), "not plain ASCII"),
        (LIVE_KEY.encode("utf-16"), "not UTF-8 text"),
        (b"\xff\xfe\x00garbage\x80", "not UTF-8 text"),
        (b"  \n", "is empty"),
        (b"sk_fake 7Hq2m", "holds a space"),
    ],
)
def test_a_bad_key_file_is_one_line_that_never_quotes_the_key(
    tmp_path: Path, content: bytes, fragment: str
) -> None:
    (tmp_path / "key.txt").write_bytes(content)
    args = ("accounts", "--api-key-file", "key.txt", "--base-url", "http://127.0.0.1:9")
    assert fragment in refused(args, tmp_path, key=None)


def test_a_key_typed_where_the_key_file_goes_is_never_echoed(tmp_path: Path) -> None:
    said = refused(("accounts", "--api-key-file", LIVE_KEY), tmp_path, key=None)
    assert "names no file" in said and "may be the key itself" in said


def test_a_key_with_a_line_break_in_the_environment_is_refused(tmp_path: Path) -> None:
    said = refused(("accounts", "--base-url", "http://127.0.0.1:9"), tmp_path, key=f"{LIVE_KEY}\nx")
    assert "ADSPIRER_API_KEY" in said and "line break" in said


def test_a_key_file_with_a_utf8_bom_sends_the_key_without_it(
    tmp_path: Path, sandbox: tuple[object, str]
) -> None:
    _, base_url = sandbox
    (tmp_path / "key.txt").write_bytes(codecs.BOM_UTF8 + SOLO_KEY.encode() + b"\r\n")
    result = bulkads(
        "accounts", "--api-key-file", "key.txt", "--base-url", base_url, cwd=tmp_path, key=None
    )
    assert result.returncode == 0, result.stderr
    assert "Acme Outfitters" in result.stdout


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("https://[::1", "is not a valid URL"),
        ("http://user@127.0.0.1:8765", "user name or password"),
        ("http://user:secret@127.0.0.1:8765", "user name or password"),
        ("http://127.0.0.1:99999", "is not a valid URL"),
        ("http://127.0.0.1:0", "no usable port"),
        ("http://127.0.0.1:port", "is not a valid URL"),
        ("https://api.adspirer.ai?debug=1", "query or fragment"),
        ("https://api.adspirer.ai/\r\nX-Injected: 1", "control character"),
        ("ftp://api.adspirer.ai", "not an http(s) URL"),
    ],
)
def test_a_bad_base_url_is_a_usage_error_before_anything_is_sent(
    tmp_path: Path, url: str, fragment: str
) -> None:
    assert fragment in refused(("accounts", "--base-url", url), tmp_path)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1\\@cdn.example.com/a.jpg",  # a browser ends the host at the backslash
        "https://１２７.０.０.１/a.jpg",  # full-width digits
        "https://127。0。0。1/a.jpg",  # ideographic full stops
        "https://127．0．0．1/a.jpg",  # full-width full stops
        "https://%31%32%37.0.0.1/a.jpg",  # percent-encoded
        "https://0177.0.0.1/a.jpg",  # octal
        "https://2130706433/a.jpg",  # one number
        "https://127.0.0.1./a.jpg",  # a trailing dot
        "https://LOCALHOST/a.jpg",
        "https://localtest.me/a.jpg",
        "https://img.localtest.me/a.jpg",
        "https://127.0.0.1.nip.io/a.jpg",
        "https://app-10-0-0-1.sslip.io/a.jpg",
        "https://7f000001.nip.io/a.jpg",
        "https://nip.io/a.jpg",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://metadata/computeMetadata/v1/",
        "https://printer.local/a.jpg",
        "https://[64:ff9b::7f00:1]/a.jpg",  # NAT64 of 127.0.0.1
        "https://[64:ff9b::a9fe:a9fe]/a.jpg",  # NAT64 of 169.254.169.254
        "https://[2002:7f00:1::]/a.jpg",  # 6to4 of 127.0.0.1
        "https://[::ffff:127.0.0.1]/a.jpg",
        "https://[::127.0.0.1]/a.jpg",
        "https://[fd00:ec2::254]/a.jpg",  # AWS's IPv6 metadata service
        "https://100.100.100.200/a.jpg",  # Alibaba Cloud's metadata service
    ],
)
def test_image_urls_that_lead_to_this_machine_or_a_private_network_are_refused(url: str) -> None:
    assert errors(image_urls=url) == [
        f"image_urls: {url!r} is not a public URL: TikTok cannot fetch it"
    ]


@pytest.mark.parametrize(
    "url", ["https://user:pass@cdn.example.com/a.jpg", "https://user@cdn.example.com/a.jpg"]
)
def test_image_urls_carrying_a_user_name_or_password_are_refused(url: str) -> None:
    [message] = errors(image_urls=url)
    assert "carries a user name or password" in message


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/a.jpg",
        "https://8.8.8.8.nip.io/a.jpg",
        "https://[2606:4700::1111]/a.jpg",
        "https://[64:ff9b::808:808]/a.jpg",
        "https://bücher.example/a.jpg",
        "https://CDN.Example.COM./a.jpg",
    ],
)
def test_public_image_urls_still_pass(url: str) -> None:
    assert errors(image_urls=url) == []


def test_a_host_is_judged_the_same_every_time_it_comes_back() -> None:
    # Hosts are remembered across URLs (a sheet repeats a few): a refusal is never lost.
    for path in ("a.jpg", "b.jpg", "a.jpg"):
        assert web_host(f"https://１２７.０.０.１/{path}") == "127.0.0.1"
        with pytest.raises(ValueError, match="its host cannot be read"):
            web_host(f"https://exa%00mple.com/{path}")


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("\x00\x1f https://cdn.example.com/a.jpg \x00\n", "cdn.example.com"),  # ends trimmed
        ("https://cdn.example.com/a\t.jpg\r\n", "cdn.example.com"),  # tab, CR, LF dropped
    ],
)
def test_controls_and_spaces_at_a_urls_ends_are_trimmed_as_a_browser_does(
    url: str, host: str
) -> None:
    assert web_host(url) == host


def test_a_delete_character_before_a_url_is_not_trimmed() -> None:
    with pytest.raises(ValueError, match="is not an absolute https:// URL"):
        web_host("\x7fhttps://cdn.example.com/a.jpg")


def test_a_key_with_a_line_break_given_from_python_is_refused_too(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    config = config_for(sheet, "http://127.0.0.1:9", key=f"{LIVE_KEY}\r\nX-Evil: 1")
    with pytest.raises(UsageError, match="line break") as error:
        run(config)
    assert LIVE_KEY not in str(error.value)
