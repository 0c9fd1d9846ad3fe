"""The sandbox's settings: latency, faults and quota, as one immutable value.

Usage::

    config = SandboxConfig(error_rate=0.2, seed=7)
    sandbox.config = dataclasses.replace(sandbox.config, error_rate=0.0)
"""

from __future__ import annotations

from dataclasses import dataclass

# The API's own timings for its long-running tools (the spec's "15-30 s", "5-15 s").
REALISTIC_LATENCY: dict[str, tuple[float, float]] = {
    "create_tiktok_campaign": (15.0, 30.0),
    "validate_and_prepare_tiktok_assets": (5.0, 15.0),
}

ACCOUNT_SHAPES = ("structured", "lines", "table", "json", "unreadable")


@dataclass(frozen=True, kw_only=True)
class SandboxConfig:
    """How the sandbox answers. Rates are fractions of requests, 0.0-1.0."""

    latency: tuple[float, float] = (0.01, 0.05)  # seconds of "work" per call, drawn uniformly
    realistic: bool = False  # the long-running tools take the API's real 15-30 s / 5-15 s
    error_rate: float = 0.0  # answered 500, 502 or 503 before any work
    throttle_rate: float = 0.0  # billable calls answered the upstream 429 (nothing spent)
    retry_after_s: int = 1  # the Retry-After of every 429
    rate_limit: float | None = None  # requests per second per key before a 429; None = off
    max_in_flight: int | None = None  # calls in flight per key before a 429; None = no limit
    quota_limit: int = 3000  # each key's monthly calls (3000 = the "max" tier)
    quota_used: int = 0  # each key's calls already spent at start
    exhausted_status: int = 402  # 429 sends the quota-exhausted answer (with its quota) as a 429
    drop_rate: float = 0.0  # final answers whose connection is closed after the work is committed
    reset_rate: float = 0.0  # connections reset before any work
    seed: int | None = None  # for the fault draws and the generated IDs
    structured: bool = False  # create/validate answers also carry data.structured
    # The sandbox cannot see a user's asset library: by default a well-formed image, card or
    # post ID is taken as theirs. Strict: only its own library and what the key created.
    strict_library: bool = False
    # How list_connected_accounts answers: "structured" (bullet lines plus data.structured),
    # or text alone as "lines", a markdown "table", "json" inside the text, or "unreadable".
    accounts_as: str = "structured"
    # A hostile API (sandbox/hostile.py), for testing bulkads's defences:
    hostile_text: bool = False  # names and refusals carry escape sequences, markup, emoji codes
    echo_authorization: bool = False  # refusals quote the request's Authorization header
    pad_bytes: int = 0  # bytes added to every JSON answer (an oversized body)

    def __post_init__(self) -> None:
        low, high = self.latency
        if not 0 <= low <= high:
            raise ValueError(f"latency must be 0 <= min <= max, got {self.latency}")
        for name in ("error_rate", "throttle_rate", "drop_rate", "reset_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {rate}")
        if self.exhausted_status not in (402, 429):
            raise ValueError(f"exhausted_status must be 402 or 429, got {self.exhausted_status}")
        if self.accounts_as not in ACCOUNT_SHAPES:
            raise ValueError(f"accounts_as must be one of {ACCOUNT_SHAPES}, got {self.accounts_as}")
        if self.rate_limit is not None and self.rate_limit <= 0:
            raise ValueError(f"rate_limit must be positive, got {self.rate_limit}")
        if self.max_in_flight is not None and self.max_in_flight < 1:
            raise ValueError(f"max_in_flight must be at least 1, got {self.max_in_flight}")

    def latency_for(self, tool: str) -> tuple[float, float]:
        """The latency range of one tool."""
        if self.realistic:
            return REALISTIC_LATENCY.get(tool, self.latency)
        return self.latency
