"""The code stays as STYLE.md asks: ruff-clean, formatted, mypy --strict clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install '.[test]'")
    return found


def test_ruff_finds_nothing() -> None:
    result = subprocess.run(
        [tool("ruff"), "check", "bulkads", "tests", "benchmarks", "sample_sheets"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_the_code_is_ruff_formatted() -> None:
    result = subprocess.run(
        [tool("ruff"), "format", "--check", "bulkads", "tests", "benchmarks", "sample_sheets"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_mypy_strict_is_clean() -> None:
    result = subprocess.run(
        [tool("mypy"), "--no-incremental", "bulkads"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
