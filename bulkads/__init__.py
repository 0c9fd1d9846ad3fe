"""bulkads: launch TikTok ad campaigns in bulk from a spreadsheet through the Adspirer API.

Usage::

    from bulkads import RunConfig, Secret, run, validate
    report = run(RunConfig(sheet=..., results=..., journal=..., api_key=Secret(key)))
    report.exit_code, report.rows
"""

from __future__ import annotations

__version__ = "0.1.0"

from bulkads.config import RunConfig, Secret
from bulkads.runner import Report, run, validate

__all__ = ["Report", "RunConfig", "Secret", "__version__", "run", "validate"]
