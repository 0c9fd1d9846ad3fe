"""bulkads: launch TikTok ad campaigns in bulk from a spreadsheet through the Adspirer API."""

from __future__ import annotations

__version__ = "0.1.0"
