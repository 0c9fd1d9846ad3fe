"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from runs import served

from bulkads.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Iterator[tuple[Sandbox, str]]:
    """A quick sandbox on 127.0.0.1 in a thread: (sandbox, base_url)."""
    with served() as running:
        yield running
