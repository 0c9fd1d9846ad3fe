"""Classifying the API's answers (CONTRACT §4): body first, status second.

Usage::

    outcome = classify(status=200, body=b'{"success": true, ...}', headers={})
    outcome.verdict          # Verdict.DONE
    outcome = classify(status=None, body=None, headers={})   # no answer at all
    outcome.verdict          # Verdict.RETRY

A pure function over what came back; the engine decides what each verdict does.
"""

from __future__ import annotations

import contextlib
import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from bulkads.accounts import Accounts, read_choices
from bulkads.errors import ApiConfigError, BulkadsError, KeyRefused, NetworkDown, QuotaExhausted

if TYPE_CHECKING:
    from bulkads.transport import Answer


class Verdict(enum.Enum):
    """What the engine must do with an answer."""

    DONE = "done"  # the step succeeded
    RETRY = "retry"  # outcome unknown or transient: resend with the same key
    REJECT = "reject"  # the API refused this row: record its message
    CHOOSE_ACCOUNT = "choose_account"  # rejected: several accounts and no advertiser_id
    HALT_QUOTA = "halt_quota"  # quota spent: send nothing more (exit 3)
    HALT_KEY = "halt_key"  # key refused: send nothing more (exit 3)
    HALT_CONFIG = "halt_config"  # wrong base URL or tool (404, redirect): exit 2


@dataclass(frozen=True)
class Quota:
    used: int
    limit: int
    tier: str = ""

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def exhausted(self) -> bool:
        return self.used >= self.limit


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    message: str  # the API's own words (error text, or the success text)
    data: dict[str, Any] | None = None  # `data` of a success
    quota: Quota | None = None
    retry_after: float | None = None  # the least wait the API asked for, in seconds
    throttled: bool = False  # a 429: the run should slow down for a while
    accounts: Accounts | None = None  # CHOOSE_ACCOUNT: the advertisers offered

    @property
    def quota_exhausted(self) -> bool:
        return self.quota is not None and self.quota.exhausted


MAX_MESSAGE = 2000  # characters of an answer's text kept, shown and stored
RETRIABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_RETRY_AFTER_TEXT = re.compile(r"retry after (\d+(?:\.\d+)?) ?s", re.IGNORECASE)
_STILL_PROCESSING = re.compile(r"still being processed|in progress", re.IGNORECASE)


def classify(
    *,
    status: int | None,
    body: bytes | None,
    headers: Mapping[str, str],
    location: str = "",
    now: float | None = None,
) -> Outcome:
    """The verdict on one answer; `status=None` means no answer came (error, timeout, drop).

    `now` (wall-clock seconds when it came) turns a dated Retry-After into a wait."""
    if status is None:
        return Outcome(Verdict.RETRY, "no answer (connection failed, dropped or timed out)")
    payload = _json_object(body)
    message = _message(payload, body)
    quota = _quota(payload)
    retry_after = _retry_after(headers, message, now)
    if quota is not None and quota.exhausted and status != 200:
        return Outcome(Verdict.HALT_QUOTA, message, quota=quota)
    if 300 <= status < 400:
        where = f" to {location}" if location else ""
        return Outcome(
            Verdict.HALT_CONFIG,
            f"the API answered {status}, a redirect{where}; "
            "redirects are never followed: check --base-url",
        )
    if status == 200:
        return _success(payload, message, quota)
    if status == 401:
        return Outcome(Verdict.HALT_KEY, message)
    if status == 402:
        return Outcome(Verdict.HALT_QUOTA, message, quota=quota)
    if status == 404:
        return Outcome(Verdict.HALT_CONFIG, message or "404 Not Found")
    if status == 409:
        verdict = Verdict.RETRY if _STILL_PROCESSING.search(message) else Verdict.REJECT
        return Outcome(verdict, message, retry_after=retry_after)
    if status in RETRIABLE_STATUSES or status >= 500:
        return Outcome(
            Verdict.RETRY,
            message or f"HTTP {status}",
            retry_after=retry_after,
            throttled=status == 429,
        )
    accounts = read_choices(payload, message) if status == 400 else None
    if accounts is not None:
        return Outcome(Verdict.CHOOSE_ACCOUNT, message, accounts=accounts)
    return Outcome(Verdict.REJECT, message or f"HTTP {status}")


def judge(answer: Answer) -> Outcome:
    """`classify` for what `Client.call` returned (no status: it never answered)."""
    if answer.status is None:
        return Outcome(Verdict.RETRY, answer.error or "no answer")
    if answer.oversized:
        return Outcome(
            Verdict.HALT_CONFIG,
            f"the API answered {answer.status} with a body of over {answer.oversized:,} bytes,"
            " more than any of its answers holds; it was not read (the call is resent with"
            " its key next run)",
        )
    return classify(
        status=answer.status,
        body=answer.body,
        headers=answer.headers,
        location=answer.location,
        now=answer.received_at,
    )


def run_error(outcome: Outcome) -> BulkadsError | None:
    """The run-level error a halting verdict stands for (None for the others): one line."""
    if outcome.verdict is Verdict.HALT_QUOTA:
        return quota_error(outcome)
    if outcome.verdict is Verdict.HALT_KEY:
        fix = "set ADSPIRER_API_KEY (or --api-key-file) to a valid key and rerun"
        return KeyRefused(f"the API refused the key ({first_line(outcome.message)}); {fix}")
    if outcome.verdict is Verdict.HALT_CONFIG:
        fix = "check --base-url (the API lives at https://api.adspirer.ai)"
        return ApiConfigError(f"{first_line(outcome.message)}; {fix}")
    return None


def quota_error(outcome: Outcome) -> QuotaExhausted:
    """The halt for an answer that says the quota is spent (a 402, or any quota block).

    One line from the quota block; never a success answer's text (the last affordable
    create's answer may carry `used == limit`)."""
    quota = outcome.quota
    if quota is not None:
        tier = f", {quota.tier} tier" if quota.tier else ""
        spent = f": {quota.used}/{quota.limit} calls{tier}"
    elif outcome.verdict is not Verdict.DONE and outcome.message.strip():
        spent = f" ({first_line(outcome.message)})"
    else:
        spent = ""
    return QuotaExhausted(
        f"the monthly quota is spent{spent}; rerun the same command after the quota resets "
        "or the plan is upgraded"
    )


def first_line(text: str, *, width: int = 200) -> str:
    """The first non-blank line of an API message, cut to `width`."""
    for line in text.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= width else line[: width - 1] + "…"
    return "no message"


def unreachable(outcome: Outcome) -> NetworkDown:
    """The halt for calls that got no answer at all, attempt after attempt."""
    return NetworkDown(
        f"the API could not be reached ({outcome.message}); check the network and "
        "--base-url, then rerun the same command"
    )


def _success(payload: dict[str, Any] | None, message: str, quota: Quota | None) -> Outcome:
    if payload is None:
        # A 200 we cannot read: the call may have worked; the same key replays it.
        return Outcome(Verdict.RETRY, "an unreadable 200 answer")
    if "success" not in payload:
        return Outcome(
            Verdict.HALT_CONFIG,
            'this base URL does not answer like the Adspirer API (a 200 answer without "success")',
        )
    data = payload.get("data")
    if payload.get("success") is True and isinstance(data, dict):
        return Outcome(Verdict.DONE, message, data=data, quota=quota)
    return Outcome(Verdict.REJECT, message or "the API answered 200 without success", quota=quota)


def _json_object(body: bytes | None) -> dict[str, Any] | None:
    if not body:
        return None
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return payload if isinstance(payload, dict) else None


def _message(payload: dict[str, Any] | None, body: bytes | None) -> str:
    if payload is None:
        return (body or b"").decode("utf-8", "replace").strip()[:500]
    data = payload.get("data")
    for text in (payload.get("error"), data.get("text") if isinstance(data, dict) else None):
        if isinstance(text, str) and text:
            return _capped(text)
    return ""


def _capped(text: str) -> str:
    """The API's words, cut to what a terminal line and a workbook cell can hold."""
    if len(text) <= MAX_MESSAGE:
        return text
    return f"{text[:MAX_MESSAGE]}… ({len(text) - MAX_MESSAGE:,} more characters not kept)"


def _quota(payload: dict[str, Any] | None) -> Quota | None:
    if payload is None:
        return None
    data = payload.get("data")
    block = payload.get("quota") or (data.get("quota") if isinstance(data, dict) else None)
    if not isinstance(block, dict):
        return None
    used, limit = block.get("used"), block.get("limit")
    if not isinstance(used, int) or not isinstance(limit, int):
        return None
    return Quota(used=used, limit=limit, tier=str(block.get("tier") or ""))


def _retry_after(headers: Mapping[str, str], message: str, now: float | None) -> float | None:
    waits: list[float] = []
    header = headers.get("Retry-After") or headers.get("retry-after")
    if header:
        try:
            waits.append(float(header))
        except ValueError:
            with contextlib.suppress(TypeError, ValueError):
                when = parsedate_to_datetime(header)
                if now is not None:  # a date is a wait only against when the answer came
                    waits.append(max(when.timestamp() - now, 0.0))
    match = _RETRY_AFTER_TEXT.search(message)
    if match:
        waits.append(float(match.group(1)))
    return max(waits) if waits else None
