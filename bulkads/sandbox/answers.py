"""The API's answer envelope (success, tool-level error, quota error) as plain values.

Usage::

    ok("get_usage_status", "**Used:** 3 / 150", quota=block)
    fail("create_tiktok_campaign", 403, "advertiser_id 1 is not connected to this key")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NOT_AUTHENTICATED = (
    "Not authenticated. Please connect your Adspirer account first at https://adspirer.ai"
)
UPGRADE_URL = "https://adspirer.ai"


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: status, JSON body (or a text body, as a gateway sends) and headers."""

    status: int
    body: dict[str, Any] | str
    headers: Mapping[str, str] = field(default_factory=dict)


class ToolError(Exception):
    """A tool refuses its arguments: answered with `status` and the envelope's `error`."""

    def __init__(
        self, message: str, *, status: int = 400, structured: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.structured = structured


@dataclass(frozen=True)
class Output:
    """What a tool produced: its markdown text and, where it has them, structured fields."""

    text: str
    structured: dict[str, Any] | None = None
    quota: dict[str, Any] | None = None  # a free tool's data.quota (billable ones get it anyway)


def ok(
    tool: str,
    text: str,
    *,
    quota: dict[str, Any] | None = None,
    structured: dict[str, Any] | None = None,
) -> Answer:
    """A 200 success envelope."""
    data: dict[str, Any] = {"text": text}
    if quota is not None:
        data["quota"] = quota
    if structured is not None:
        data["structured"] = structured
    return Answer(200, {"success": True, "data": data, "tool": tool})


def fail(
    tool: str,
    status: int,
    error: str,
    *,
    quota: dict[str, Any] | None = None,
    structured: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """An error envelope: `quota` for the quota answer, `structured` for account lists."""
    body: dict[str, Any] = {"success": False, "error": error, "is_error": True, "tool": tool}
    if quota is not None:
        body["quota"] = quota
    if structured is not None:
        body["structured_content"] = structured
    return Answer(status, body, dict(headers or {}))
