"""`bulkads demo`: the sandbox in-process, a sample sheet, a results workbook.

Usage::

    report = run_demo(Path("demo-results.xlsx"), console=Console())
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from rich.console import Console

from bulkads.config import RunConfig, Secret
from bulkads.progress import progress_for
from bulkads.report import Report
from bulkads.runner import run_async
from bulkads.sandbox import SOLO_KEY, Sandbox, SandboxConfig, serve

DEMO_SHEET = "small_launch.xlsx"  # a copy of sample_sheets/small_launch.xlsx


def demo_sheet() -> resources.abc.Traversable:
    return resources.files("bulkads") / "data" / DEMO_SHEET


def run_demo(results: Path, *, console: Console) -> Report:
    """Create the sample sheet's campaigns in a fresh sandbox; write `results`."""
    return asyncio.run(_demo(results, console))


async def _demo(results: Path, console: Console) -> Report:
    sandbox = Sandbox(SandboxConfig())
    with tempfile.TemporaryDirectory(prefix="bulkads-demo-") as folder:
        sheet = Path(folder) / DEMO_SHEET
        with demo_sheet().open("rb") as source, sheet.open("wb") as target:
            shutil.copyfileobj(source, target)
        async with serve(sandbox) as base_url:
            console.print(f"Sandbox running at {base_url} (nothing leaves this machine).")
            console.print(f"Sending {DEMO_SHEET}, a sample launch sheet...")
            config = RunConfig(
                sheet=sheet,
                results=results,
                journal=Path(folder) / "demo.journal.sqlite",  # each demo starts afresh
                api_key=Secret(SOLO_KEY),
                base_url=base_url,
                rate=10.0,
                concurrency=4,
                command="bulkads demo",
            )
            return await run_async(
                config,
                progress=lambda total: progress_for(total, console=console, rate=config.rate),
            )
