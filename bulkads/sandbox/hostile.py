"""A hostile API, for testing bulkads's defences: answers that attack the terminal,
quote the key back, or are far too big.

Usage::

    Sandbox(SandboxConfig(hostile_text=True, echo_authorization=True, pad_bytes=50 * 2**20))

`hostile_text` renames the advertisers and prefixes every refusal with escape
sequences (window title, clear screen), rich markup, a link and emoji codes;
`echo_authorization` makes every refusal quote the request's Authorization header,
as a careless server's debug message would; `pad_bytes` adds that many bytes to
every JSON answer.
"""

from __future__ import annotations

from dataclasses import replace

from bulkads.sandbox.accounts import Advertiser
from bulkads.sandbox.answers import Answer
from bulkads.sandbox.config import SandboxConfig

# A window title, a screen clear, a bell, markup that breaks rich's parser, a live link,
# emoji codes (`:x:` would become ❌) and a right-to-left override.
HOSTILE_TEXT = (
    "\x1b]0;pwned\x07\x1b[2J\x1b[31mAcme [/bold] [link=https://evil.example]corp[/link]"
    " root:x:0:0 :thumbs_up: \u202eevil\x9b0m\r"
)


def hostile_advertisers(advertisers: tuple[Advertiser, ...]) -> tuple[Advertiser, ...]:
    return tuple(Advertiser(a.advertiser_id, f"{HOSTILE_TEXT}{a.name}") for a in advertisers)


def tamper(answer: Answer, config: SandboxConfig, authorization: str) -> Answer:
    """`answer` as a hostile server would send it."""
    hostile = config.hostile_text or config.echo_authorization or config.pad_bytes
    if not hostile or not isinstance(answer.body, dict):
        return answer
    body = dict(answer.body)
    if answer.status >= 400 and isinstance(body.get("error"), str):
        if config.hostile_text:
            body["error"] = HOSTILE_TEXT + body["error"]
        if config.echo_authorization:
            body["error"] += f" (debug: request had Authorization: {authorization})"
    if config.pad_bytes:
        body["padding"] = "x" * config.pad_bytes
    return replace(answer, body=body)
