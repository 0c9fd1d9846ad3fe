"""ARCHITECTURE.md: the pure core never imports the I/O edges."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Plain synchronous functions over plain data (STYLE.md §3).
PURE = (
    "bulkads.arguments",
    "bulkads.cells",
    "bulkads.rules",
    "bulkads.columns",
    "bulkads.plan",
    "bulkads.ids",
    "bulkads.answers",
    "bulkads.pacing",
    "bulkads.states",
    "bulkads.report",
    "bulkads.concurrency",
    "bulkads.accounts",
    "bulkads.transport",
    "bulkads.target",
    "bulkads.urls",
    "bulkads.inert",
    "bulkads.redact",
)
# The edges: the network, SQLite, the workbook libraries, pandas.
EDGES = ("aiohttp", "sqlite3", "xlsxwriter", "openpyxl", "python_calamine", "pandas")


@pytest.mark.parametrize("module", PURE)
def test_the_pure_core_never_imports_the_network_sqlite_or_a_workbook_library(
    module: str,
) -> None:
    # A fresh interpreter: this test process has imported everything already.
    probe = f"import {module}, sys, json; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert not loaded & set(EDGES), f"{module} pulls in {sorted(loaded & set(EDGES))}"


def test_the_run_command_does_not_load_the_sandbox_server_at_start_up() -> None:
    probe = "import bulkads.cli, sys, json; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert "aiohttp.web" not in loaded
    assert not {name for name in loaded if name.startswith("bulkads.sandbox")}
