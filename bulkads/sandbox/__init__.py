"""An embedded Adspirer-compatible API server for the demo, the tests and trying a sheet.

Usage::

    from bulkads.sandbox import Sandbox, SandboxConfig, serve, SOLO_KEY

    sandbox = Sandbox(SandboxConfig(error_rate=0.1, seed=7))
    async with serve(sandbox) as base_url:
        ...  # call f"{base_url}/api/v1/tools/<tool>/execute" with `Bearer {SOLO_KEY}`
    sandbox.created("campaign"), sandbox.calls(status=200), sandbox.max_in_window(1.0)

From a shell: `bulkads sandbox --port 8765 [--error-rate 0.1 ...]`.
"""

from __future__ import annotations

from bulkads.sandbox.accounts import (
    AGENCY_ADVERTISERS,
    AGENCY_KEY,
    SOLO_ADVERTISERS,
    SOLO_KEY,
    Advertiser,
    library_image_ids,
)
from bulkads.sandbox.app import create_app, serve
from bulkads.sandbox.config import SandboxConfig
from bulkads.sandbox.ledger import Call, Created, Ledger
from bulkads.sandbox.state import Clock, Sandbox
from bulkads.sandbox.thread import serve_in_thread

__all__ = [
    "AGENCY_ADVERTISERS",
    "AGENCY_KEY",
    "SOLO_ADVERTISERS",
    "SOLO_KEY",
    "Advertiser",
    "Call",
    "Clock",
    "Created",
    "Ledger",
    "Sandbox",
    "SandboxConfig",
    "create_app",
    "library_image_ids",
    "serve",
    "serve_in_thread",
]
