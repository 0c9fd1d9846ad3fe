"""bulkads: launch TikTok ad campaigns in bulk from a spreadsheet through the Adspirer API.

Usage::

    import bulkads
    report = bulkads.run("launch.xlsx")                     # key: ADSPIRER_API_KEY
    report = bulkads.run(frame, journal="launch.journal.sqlite")   # a pandas DataFrame
    report.exit_code, report.to_pandas()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from bulkads.config import RunConfig, Secret

if TYPE_CHECKING:
    from bulkads.api import run, run_async, validate
    from bulkads.report import Report

__all__ = ["Report", "RunConfig", "Secret", "__version__", "run", "run_async", "validate"]

# Imported on first use, so that importing a pure module (`bulkads.plan`) does not
# pull in the network, SQLite and workbook libraries (ARCHITECTURE.md).
_LAZY = {
    "Report": "bulkads.report",
    "run": "bulkads.api",
    "run_async": "bulkads.api",
    "validate": "bulkads.api",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'bulkads' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)
