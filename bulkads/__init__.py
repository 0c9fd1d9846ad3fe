"""bulkads: launch TikTok ad campaigns in bulk from a spreadsheet through the Adspirer API.

Usage::

    from bulkads import RunConfig, Secret, run, validate
    report = run(RunConfig(sheet=..., results=..., journal=..., api_key=Secret(key)))
    report.exit_code, report.rows
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from bulkads.config import RunConfig, Secret

if TYPE_CHECKING:
    from bulkads.report import Report
    from bulkads.runner import run
    from bulkads.status import validate

__all__ = ["Report", "RunConfig", "Secret", "__version__", "run", "validate"]

# Imported on first use, so that importing a pure module (`bulkads.plan`) does not
# pull in the network, SQLite and workbook libraries (ARCHITECTURE.md).
_LAZY = {"Report": "bulkads.report", "run": "bulkads.runner", "validate": "bulkads.status"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'bulkads' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)
