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


PATHS = ("bulkads", "tests", "benchmarks", "sample_sheets")


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing() -> None:
    result = run(tool("ruff"), "check", *PATHS)
    assert result.returncode == 0, result.stdout


def test_the_code_is_ruff_formatted() -> None:
    result = run(tool("ruff"), "format", "--check", *PATHS)
    assert result.returncode == 0, result.stdout


def test_mypy_strict_is_clean_for_the_code_and_its_tests() -> None:
    result = run(tool("mypy"), "--no-incremental", "bulkads", "tests")
    assert result.returncode == 0, result.stdout
