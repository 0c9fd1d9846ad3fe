"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings
from runs import served

from bulkads.sandbox import Sandbox

# On CI the properties draw the same examples every run: a commit passes or fails for
# good there, while local runs keep exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def sandbox() -> Iterator[tuple[Sandbox, str]]:
    """A quick sandbox on 127.0.0.1 in a thread: (sandbox, base_url)."""
    with served() as running:
        yield running
