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

DEMO_SHEET = "marketer_launch.xlsx"  # a copy of sample_sheets/marketer_launch.xlsx


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
            console.print(
                f"Sending {DEMO_SHEET}, a sample launch sheet in a marketer's words "
                "(Daily Budget, Shop now, US, UK, 18-24, Gaming...); its results show what "
                "each word was sent as (column sent_as)..."
            )
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
            report = await run_async(
                config,
                progress=lambda total: progress_for(total, console=console, rate=config.rate),
            )
    _show_words(report, console)
    return report


def _show_words(report: Report, console: Console) -> None:
    """A few of the words the sheet used and what was sent for them."""
    shown = [row for row in report.rows if row.sent_as][:3]
    if shown:
        console.print("The sheet's words, as sent (all of them in the results' sent_as column):")
    for row in shown:
        console.print(f"  row {row.number}: {row.sent_as}", markup=False)
